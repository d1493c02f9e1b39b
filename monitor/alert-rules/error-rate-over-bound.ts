import type { AlertRule } from '../alert-types.ts';
import { pct } from './window-helpers.ts';

export interface ErrorRateParams {
  bound: number;
  resolve: number;
  windowSeconds: number;
  minRequests: number;
}

/** Failed requests (5xx, unexpected 4xx, connection errors, timeouts) over all requests in the window. */
export function errorRateOverBound(p: ErrorRateParams): AlertRule {
  return {
    name: 'error-rate-over-bound',
    severity: 'critical',
    description: `more than ${pct(p.bound)} of requests failing`,
    window: p.windowSeconds,
    threshold: p.bound,
    resolveThreshold: p.resolve,
    unit: 'ratio',
    basis: 'level',
    evaluate(window) {
      let requests = 0;
      let failed = 0;
      let errors = 0;
      let timeouts = 0;
      for (const s of window.load) {
        requests += s.requests;
        failed += s.failed;
        errors += s.errors;
        timeouts += s.timeouts;
      }
      if (requests < p.minRequests) return { value: null, firing: false };
      const rate = failed / requests;
      return {
        value: rate,
        firing: rate > p.bound,
        summary: `${failed} of ${requests} requests failed over ${window.seconds}s (${pct(rate)}; ${errors} connection errors, ${timeouts} timeouts); bound ${pct(p.bound)}, resolves below ${pct(p.resolve)}`,
      };
    },
  };
}
