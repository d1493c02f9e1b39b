/** One wall-clock second of load, bucketed by when each outcome became known. */
export interface LoadSecond {
  /** Epoch ms at the start of the second (a multiple of 1000). The first and last seconds of a run are partial. */
  t: number;
  /** Requests written to a socket in this second: the attempt rate. */
  sent: number;
  /** Outcomes known in this second: responses + errors + timeouts. */
  requests: number;
  status2xx: number;
  /** Every non-2xx answer, the expected ones included. */
  non2xx: number;
  /** Of non2xx: the mix's expected refusals (409 empty-cart checkout, 404 unknown product). */
  expected4xx: number;
  status5xx: number;
  /** Connection errors: refused, reset, or a socket closed before the answer. */
  errors: number;
  timeouts: number;
  /** What users saw fail: 5xx, unexpected non-2xx, errors and timeouts. */
  failed: number;
  /**
   * Quantiles of this second's latencies. A timed-out request counts at the timeout: it took at
   * least that long, and leaving it out would make p99 look best exactly when the app hangs.
   */
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  /** Attempts the load generator skipped itself (connection cap or its own stall); not sent, not the app's fault. */
  shed: number;
}

export interface UserOutcome {
  requests: number;
  failures: number;
  /** Epoch ms of the user's first failure, or null. */
  firstFailureAt: number | null;
}

export interface UserOutcomes {
  /** Users with at least one request whose outcome is known. */
  users: number;
  /** Of those, users with at least one failure. */
  affected: number;
  /** Requests with a known outcome, over all users. */
  requests: number;
  failed: number;
  perUser: Record<string, UserOutcome>;
}

export interface RequestFailure {
  at: number;
  user: string;
  method: string;
  path: string;
  kind: 'status' | 'error' | 'timeout';
  status?: number;
  /** The socket error code, e.g. ECONNREFUSED. */
  code?: string;
}

export interface LoadTotals {
  startedAt: number;
  stoppedAt: number;
  /** The target when the run stopped. */
  url: string;
  sent: number;
  requests: number;
  status2xx: number;
  non2xx: number;
  expected4xx: number;
  status5xx: number;
  errors: number;
  timeouts: number;
  failed: number;
  shed: number;
  /** Requests still in flight when stop() gave up waiting: sent, outcome unknown, not counted for users. */
  dropped: number;
  /** Answers that could not be matched to a request (should stay 0). */
  unattributed: number;
  users: number;
  affectedUsers: number;
  seconds: number;
}

export interface LoadOptions {
  /** Loopback only (127.0.0.1, localhost, [::1]). */
  url: string;
  /** Requests per second over all connections. */
  overallRate?: number;
  /** Connections per batch of requests. */
  connections?: number;
  users?: number;
  seed?: number;
  /** A request unanswered after this many seconds is a timeout (autocannon needs >= 1). */
  timeoutSeconds?: number;
  /** How many batches each second's quota is split into: more is smoother, each costs an autocannon instance. */
  batchesPerSecond?: number;
  /** Bound on open connections over all live batches, so a hung app cannot make the load grow without limit. */
  maxConnections?: number;
  onSecond?: (sec: LoadSecond) => void;
  onRequestFailure?: (failure: RequestFailure) => void;
}

export interface LoadHandle {
  readonly startedAt: number;
  /** The current target. */
  url(): string;
  /** Later batches go to the new target; batches in flight finish against the old one. */
  retarget(url: string): void;
  /** Stops sending until resume(); seconds keep being recorded (with no traffic). */
  pause(): void;
  resume(): void;
  isPaused(): boolean;
  /** Closed seconds so far, oldest first. */
  seconds(): readonly LoadSecond[];
  userOutcomes(): UserOutcomes;
  totals(): LoadTotals;
  /** Stops sending, waits up to drainMs for requests in flight, drops the rest, closes the last second. */
  stop(opts?: { drainMs?: number }): Promise<LoadTotals>;
}
