import { LOAD_RUN_DEFAULTS } from '../../load/load-defaults.ts';
import type { LoadSecond } from '../../load/load-types.ts';

/** One slice of the load's second (at the default batches a second): what a stall can move. */
const SLICE_MS = 1000 / LOAD_RUN_DEFAULTS.batchesPerSecond;
/** A gap in this process's timers longer than this is a stall: enough to move requests across a second. */
const STALL_MS = 100;

/** Collects onSecond records and lets a test wait, bounded, until enough have closed. */
export function secondWaiter() {
  const seconds: LoadSecond[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  return {
    seconds,
    onSecond(sec: LoadSecond) {
      seconds.push(sec);
      for (const w of waiters.splice(0)) {
        if (seconds.length >= w.n) w.resolve();
        else waiters.push(w);
      }
    },
    /** Resolves once `n` seconds have closed; rejects after `timeoutMs`. */
    waitFor(n: number, timeoutMs = 10_000): Promise<void> {
      if (seconds.length >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${seconds.length} of ${n} seconds closed in ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    /**
     * Resolves with the first `n` whole seconds in a row (the first, partial one never counts)
     * through which this process did not stall; rejects after `timeoutMs`, naming the stalls.
     * The generator issues each slice on time, but a stall of the process that sends (here the
     * test's own, which also runs the server) moves a slice into the next second: the machine's
     * doing, not the generator's. Call it right after starting the load: it watches from then on.
     */
    waitForCalm(n: number, timeoutMs: number): Promise<LoadSecond[]> {
      const watchFrom = Date.now();
      const stalls: { from: number; to: number }[] = [];
      let watchedTo = watchFrom;
      const calmRun = (): LoadSecond[] | null => {
        for (let i = 1; i + n <= seconds.length; i += 1) {
          const run = seconds.slice(i, i + n);
          // From the slice before its first second, whose requests could go out late into it.
          const from = run[0]!.t - SLICE_MS;
          const to = run.at(-1)!.t + 1000;
          if (from < watchFrom) continue;
          if (to > watchedTo) return null;
          if (!stalls.some((st) => st.from < to && st.to > from)) return run;
        }
        return null;
      };
      return new Promise((resolve, reject) => {
        const done = () => {
          clearInterval(watch);
          clearTimeout(timer);
        };
        // One timer both watches for stalls (a late tick is one) and looks for a calm run.
        const watch = setInterval(() => {
          const now = Date.now();
          if (now - watchedTo > STALL_MS) stalls.push({ from: watchedTo, to: now });
          watchedTo = now;
          const run = calmRun();
          if (run) {
            done();
            resolve(run);
          }
        }, 20);
        const timer = setTimeout(() => {
          done();
          const gaps = stalls.map((st) => `${st.to - st.from} ms`).join(', ');
          reject(new Error(`no ${n} whole seconds in a row without a stall of this process in ${timeoutMs} ms (${seconds.length} closed; stalls: ${gaps || 'none'})`));
        }, timeoutMs);
      });
    },
  };
}

/**
 * How far a whole second's `sent` may stray from the rate. The generator issues exactly the
 * rate each second, but `sent` is stamped when the request goes out: on a busy machine a few
 * issued at the end of one second go out in the next. A gap or a burst moves a whole slice
 * (a quarter of the rate at the default 4 batches a second), far more than this.
 */
export const SEND_SLIP = 5;
