export { startLoad } from './load-run.ts';
export { assertLoopbackUrl } from './loopback-url.ts';
export { classifyResponse, type ResponseClass } from './response-class.ts';
export { LOAD_RUN_DEFAULTS } from './load-defaults.ts';
export type { LoadHandle, LoadOptions, LoadSecond, LoadTotals, RequestFailure, UserOutcome, UserOutcomes } from './load-types.ts';
