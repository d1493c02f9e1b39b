import type { LoadSecond } from '../../load/load-types.ts';

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
  };
}

/**
 * How far a whole second's `sent` may stray from the rate. The generator issues exactly the
 * rate each second, but `sent` is stamped when the request goes out: on a busy machine a few
 * issued at the end of one second go out in the next. A gap or a burst moves a whole slice
 * (a quarter of the rate at the default 4 batches a second), far more than this.
 */
export const SEND_SLIP = 5;
