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
