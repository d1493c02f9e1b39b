import { runCannonBatch, type CannonBatch } from './cannon-batch.ts';
import type { Attempt, AttemptResult, AttemptSink } from './client-tracker.ts';
import { settledWithin } from './bounded-wait.ts';
import { LOAD_RUN_DEFAULTS } from './load-defaults.ts';
import { resolveLoadOptions } from './load-options.ts';
import type { LoadHandle, LoadOptions, LoadTotals, RequestFailure } from './load-types.ts';
import { assertLoopbackUrl } from './loopback-url.ts';
import { PerSecondRecorder, type OutcomeCounts } from './per-second-recorder.ts';
import { classifyResponse } from './response-class.ts';
import { createTrafficMix } from './traffic-mix.ts';
import { UserOutcomeBook } from './user-outcomes.ts';

/** After aborting, how long autocannon gets to tear its batches down. */
const ABORT_WAIT_MS = 1000;

type Counters = Omit<LoadTotals, 'startedAt' | 'stoppedAt' | 'url' | 'users' | 'affectedUsers' | 'seconds'>;

/**
 * Drives the app with the traffic mix at a steady overall rate. Each slice of a second gets its
 * own autocannon batch against the current target, so the attempt rate holds while the app is
 * slow or down (refused connections are failures for the users who made them) and a retarget
 * takes effect at the next slice without losing traffic.
 */
export function startLoad(options: LoadOptions): LoadHandle {
  const opts = resolveLoadOptions(options);
  const startedAt = Date.now();
  const periodMs = 1000 / opts.batchesPerSecond;
  const maxBurst = Math.ceil((2 * opts.overallRate) / opts.batchesPerSecond);
  const timeoutMs = opts.timeoutSeconds * 1000;
  const nextRequest = createTrafficMix({ users: opts.users, seed: opts.seed });
  const recorder = new PerSecondRecorder(startedAt, opts.onSecond);
  const book = new UserOutcomeBook();
  const counters: Counters = {
    sent: 0, requests: 0, status2xx: 0, non2xx: 0, expected4xx: 0, status5xx: 0,
    errors: 0, timeouts: 0, failed: 0, shed: 0, dropped: 0, unattributed: 0,
  };
  const live = new Set<CannonBatch>();
  let liveConnections = 0;
  let target = opts.url;
  let paused = false;
  let stopping = false;
  let stopped: Promise<LoadTotals> | null = null;
  let stoppedAt: number | null = null;
  let paceFrom = startedAt;
  let issued = 0;
  let timer: NodeJS.Timeout | null = null;

  const sink: AttemptSink = {
    sent(attempt) {
      counters.sent += 1;
      recorder.sent(attempt.sentAt);
    },
    settled: settle,
    dropped() {
      counters.dropped += 1;
    },
    unattributed() {
      counters.unattributed += 1;
    },
  };

  function settle(attempt: Attempt, result: AttemptResult): void {
    const at = Date.now();
    const { counts, latencyMs, failure } = countOutcome(attempt, result, timeoutMs, at);
    recorder.outcome(at, counts, latencyMs);
    for (const [key, n] of Object.entries(counts) as [keyof OutcomeCounts, number][]) counters[key] += n;
    book.record(attempt.user, failure !== null, at);
    if (failure) opts.onRequestFailure?.(failure);
  }

  function shed(at: number, count: number): void {
    counters.shed += count;
    recorder.shed(at, count);
  }

  function launch(at: number, count: number): void {
    const connections = Math.min(opts.connections, count);
    if (liveConnections + connections > opts.maxConnections) {
      shed(at, count);
      return;
    }
    const batch = runCannonBatch({ url: target, count, connections, timeoutSeconds: opts.timeoutSeconds, nextRequest, sink });
    live.add(batch);
    liveConnections += batch.connections;
    void batch.finished.then(() => {
      live.delete(batch);
      liveConnections -= batch.connections;
    });
  }

  // Issue everything due up to the end of the current slice, so each slice starts with its quota.
  function pace(now: number): void {
    const sliceEnd = (Math.floor(now / periodMs) + 1) * periodMs;
    const due = Math.floor((opts.overallRate * (sliceEnd - paceFrom)) / 1000) - issued;
    if (due <= 0) return;
    issued += due;
    // A stall of this process must not come out as a burst the app never would have seen.
    const count = Math.min(due, maxBurst);
    if (due > count) shed(now, due - count);
    launch(now, count);
  }

  function tick(): void {
    timer = null;
    const now = Date.now();
    // Scheduled first, so a throwing onSecond cannot silently end the load.
    schedule();
    if (!paused && !stopping) pace(now);
    recorder.closeThrough(now);
  }

  function schedule(): void {
    if (stopping) return;
    const now = Date.now();
    const next = (Math.floor(now / periodMs) + 1) * periodMs;
    timer = setTimeout(tick, Math.max(1, Math.ceil(next - now)));
  }

  function totals(): LoadTotals {
    return {
      startedAt,
      stoppedAt: stoppedAt ?? Date.now(),
      url: target,
      ...counters,
      users: book.snapshot().users,
      affectedUsers: book.affected(),
      seconds: recorder.seconds().length,
    };
  }

  pace(startedAt);
  schedule();

  return {
    startedAt,
    url: () => target,
    retarget(url) {
      target = assertLoopbackUrl(url).origin;
    },
    pause() {
      paused = true;
    },
    resume() {
      if (!paused) return;
      paused = false;
      paceFrom = Date.now();
      issued = 0;
      if (!stopping) pace(paceFrom);
    },
    isPaused: () => paused,
    seconds: () => recorder.seconds(),
    userOutcomes: () => book.snapshot(),
    totals,
    stop(stopOpts) {
      stopped ??= (async () => {
        stopping = true;
        if (timer) clearTimeout(timer);
        timer = null;
        const drainMs = stopOpts?.drainMs ?? LOAD_RUN_DEFAULTS.drainMs;
        await settledWithin(Promise.all([...live].map((b) => b.finished)), drainMs);
        const left = [...live];
        for (const batch of left) batch.abort();
        await settledWithin(Promise.all(left.map((b) => b.finished)), ABORT_WAIT_MS);
        stoppedAt = Date.now();
        recorder.flush(stoppedAt);
        return totals();
      })();
      return stopped;
    },
  };
}

function countOutcome(
  attempt: Attempt,
  result: AttemptResult,
  timeoutMs: number,
  at: number,
): { counts: Partial<OutcomeCounts>; latencyMs: number | null; failure: RequestFailure | null } {
  const base = { at, user: attempt.user, method: attempt.method, path: attempt.path };
  switch (result.kind) {
    case 'response': {
      const cls = classifyResponse(result.status, attempt.method, attempt.path);
      const is2xx = result.status >= 200 && result.status < 300;
      return {
        counts: {
          requests: 1,
          status2xx: is2xx ? 1 : 0,
          non2xx: is2xx ? 0 : 1,
          expected4xx: cls === 'expected' ? 1 : 0,
          status5xx: result.status >= 500 ? 1 : 0,
          failed: cls === 'failed' ? 1 : 0,
        },
        latencyMs: result.latencyMs,
        failure: cls === 'failed' ? { ...base, kind: 'status', status: result.status } : null,
      };
    }
    case 'error':
      return { counts: { requests: 1, errors: 1, failed: 1 }, latencyMs: null, failure: { ...base, kind: 'error', code: result.code } };
    case 'timeout':
      return { counts: { requests: 1, timeouts: 1, failed: 1 }, latencyMs: timeoutMs, failure: { ...base, kind: 'timeout' } };
  }
}
