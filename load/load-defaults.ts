import { LOAD_DEFAULTS } from '../lab/defaults.ts';

/** LOAD_DEFAULTS plus the knobs only the load runner has; candidates for lab/defaults.ts. */
export const LOAD_RUN_DEFAULTS = {
  overallRate: LOAD_DEFAULTS.rate,
  connections: LOAD_DEFAULTS.connections,
  users: LOAD_DEFAULTS.users,
  seed: LOAD_DEFAULTS.seed,
  timeoutSeconds: LOAD_DEFAULTS.timeoutSeconds,
  batchesPerSecond: 4,
  maxConnections: 256,
  /** How long stop() waits for requests in flight before dropping them. */
  drainMs: 1000,
} as const;
