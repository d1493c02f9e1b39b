import type { LoadSecond } from '../lab/run-files.ts';

/** The users' view summed over a window of load seconds. */
export interface TrafficTotals {
  /** Load seconds in the window. */
  seconds: number;
  /** Seconds in which at least one request's outcome was known. */
  activeSeconds: number;
  requests: number;
  failed: number;
  /** Failed answers: 5xx and unexpected non-2xx. */
  failedResponses: number;
  errors: number;
  timeouts: number;
  /** failed / requests, NaN without requests. */
  errorRate: number;
  /** Seconds with at least one failure. */
  failingSeconds: number;
  /** Highest per-second p99 latency, NaN when no second had answers. */
  p99PeakMs: number;
  p99PeakAt: number | null;
  /** Seconds whose p99 was above the SLO's p99. */
  secondsOverLatencySlo: number;
  /** requests / activeSeconds. */
  meanRequestsPerSecond: number;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Load seconds overlapping [fromMs, toMs). */
export function secondsBetween(load: readonly LoadSecond[], fromMs: number, toMs: number): LoadSecond[] {
  return load.filter((s) => s.t + 1000 > fromMs && s.t < toMs);
}

export function trafficTotals(seconds: readonly LoadSecond[], latencySloMs: number): TrafficTotals {
  let requests = 0, failed = 0, errors = 0, timeouts = 0, failingSeconds = 0, activeSeconds = 0, over = 0;
  let p99PeakMs = NaN;
  let p99PeakAt: number | null = null;
  for (const s of seconds) {
    requests += num(s.requests);
    failed += num(s.failed);
    errors += num(s.errors);
    timeouts += num(s.timeouts);
    if (num(s.failed) > 0) failingSeconds += 1;
    if (num(s.requests) > 0) activeSeconds += 1;
    const p99 = s.latencyP99Ms;
    if (typeof p99 === 'number' && Number.isFinite(p99)) {
      if (!(p99 <= p99PeakMs)) {
        p99PeakMs = p99;
        p99PeakAt = s.t;
      }
      if (Number.isFinite(latencySloMs) && p99 > latencySloMs) over += 1;
    }
  }
  return {
    seconds: seconds.length,
    activeSeconds,
    requests,
    failed,
    failedResponses: Math.max(0, failed - errors - timeouts),
    errors,
    timeouts,
    errorRate: requests > 0 ? failed / requests : NaN,
    failingSeconds,
    p99PeakMs,
    p99PeakAt,
    secondsOverLatencySlo: over,
    meanRequestsPerSecond: activeSeconds > 0 ? requests / activeSeconds : NaN,
  };
}
