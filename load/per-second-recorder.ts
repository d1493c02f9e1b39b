import { latencyQuantiles } from './latency-quantiles.ts';
import type { LoadSecond } from './load-types.ts';

type Counts = Omit<LoadSecond, 't' | 'latencyP50Ms' | 'latencyP99Ms'>;
export type OutcomeCounts = Omit<Counts, 'sent' | 'shed'>;

interface OpenSecond extends Counts {
  latencies: number[];
}

const emptyCounts = (): OpenSecond => ({
  sent: 0,
  requests: 0,
  status2xx: 0,
  non2xx: 0,
  expected4xx: 0,
  status5xx: 0,
  errors: 0,
  timeouts: 0,
  failed: 0,
  shed: 0,
  latencies: [],
});

/**
 * Buckets events by the wall-clock second they happen in and closes each second once the clock
 * has passed it, empty seconds included, so the series has no gaps.
 */
export class PerSecondRecorder {
  readonly #closed: LoadSecond[] = [];
  readonly #open = new Map<number, OpenSecond>();
  #nextToClose: number;

  constructor(
    startedAt: number,
    private readonly onSecond?: (sec: LoadSecond) => void,
  ) {
    this.#nextToClose = secondOf(startedAt);
  }

  sent(at: number): void {
    this.#bucket(at).sent += 1;
  }

  shed(at: number, count: number): void {
    this.#bucket(at).shed += count;
  }

  /** One outcome: `counts` holds the 0/1 increments, `latencyMs` the latency if it has one. */
  outcome(at: number, counts: Partial<OutcomeCounts>, latencyMs: number | null): void {
    const bucket = this.#bucket(at);
    for (const [key, n] of Object.entries(counts) as [keyof OutcomeCounts, number][]) bucket[key] += n;
    if (latencyMs !== null) bucket.latencies.push(latencyMs);
  }

  /** Closes every second that ended at or before `now`. */
  closeThrough(now: number): void {
    while (this.#nextToClose + 1000 <= now) this.#close();
  }

  /** Closes everything up to and including the second `now` falls in, partial as it is. */
  flush(now: number): void {
    this.closeThrough(now);
    if (now > this.#nextToClose || this.#open.size > 0) this.#close();
  }

  seconds(): readonly LoadSecond[] {
    return this.#closed;
  }

  #bucket(at: number): OpenSecond {
    // An event stamped in a second already closed (the clock stepped back) goes to the open one.
    const t = Math.max(secondOf(at), this.#nextToClose);
    let bucket = this.#open.get(t);
    if (!bucket) {
      bucket = emptyCounts();
      this.#open.set(t, bucket);
    }
    return bucket;
  }

  #close(): void {
    const t = this.#nextToClose;
    const { latencies, ...counts } = this.#open.get(t) ?? emptyCounts();
    this.#open.delete(t);
    this.#nextToClose += 1000;
    const { p50, p99 } = latencyQuantiles(latencies);
    const sec: LoadSecond = { t, ...counts, latencyP50Ms: p50, latencyP99Ms: p99 };
    this.#closed.push(sec);
    this.onSecond?.(sec);
  }
}

function secondOf(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}
