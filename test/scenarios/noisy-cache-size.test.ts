import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cardCacheMax } from '../../leak-scenarios/noisy-latency-stats.ts';

const MB = 1024 * 1024;
/** V8's heap_size_limit under a given --max-old-space-size, as the lab's app would see it. */
const heapLimitAt = (capMb: number) =>
  Number(execFileSync(process.execPath, [`--max-old-space-size=${capMb}`, '-p', "require('node:v8').getHeapStatistics().heap_size_limit"], { encoding: 'utf8' }));

describe('the noisy scenario\'s healthy card cache', () => {
  it('is the full ~30 MB (3000 cards) at the default 128 MB cap and above', () => {
    expect(cardCacheMax(heapLimitAt(128))).toBe(3000);
    expect(cardCacheMax(heapLimitAt(256))).toBe(3000);
  });

  it('leaves a 64 MB heap (the short profile) room to show the leak: about a sixth of the limit', () => {
    const cards = cardCacheMax(heapLimitAt(64));
    expect(cards).toBeLessThan(3000);
    // About 10 KB a card.
    expect((cards * 10 * 1024) / MB).toBeLessThanOrEqual(24);
  });
});
