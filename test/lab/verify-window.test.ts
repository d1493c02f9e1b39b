import { describe, expect, it } from 'vitest';
import { judgeRetainedHeap, meetsAvailability, type RetainedProbe } from '../../lab/verify-window.ts';

const KB = 1024;
/** Readings one second apart, in KB, as the verification takes them. */
const series = (kb: number[]): RetainedProbe[] => kb.map((k, i) => ({ t: 1_800_000_000_000 + i * 1000, heapUsed: k * KB }));
const BOUND = 64 * KB;

// Recorded: the unbounded-response-cache builds under the default traffic, 24 s (fixed) and
// 10 s (leaky) after they started, one forced-GC reading a second.
const FIXED = [17536, 17298, 17282, 17320, 17330, 17315, 17377, 17379, 17382, 17412, 17418, 17506, 17460];
const LEAKY = [28000, 29257, 30666, 32166, 33564, 35055, 36537, 37999, 39430, 40900, 42374, 43852, 45322];

describe('judging retained heap over the verification window', () => {
  it('calls the recorded fixed build flat and the recorded leaky one leaking', () => {
    const fixed = judgeRetainedHeap(series(FIXED), BOUND);
    expect(fixed).toMatchObject({ verdict: 'flat', heapStartBytes: 17298 * KB, heapEndBytes: 17460 * KB });
    expect(fixed.slopeBytesPerSecond / KB).toBeLessThan(BOUND / KB / 3);
    const leaky = judgeRetainedHeap(series(LEAKY), BOUND);
    expect(leaky.verdict).toBe('leaking');
    expect(leaky.slopeBytesPerSecond / KB).toBeGreaterThan(1000);
  });

  it('leaves the first reading out of the trend', () => {
    // A high first reading, flat after it: a trend through all of them would slope down.
    const judged = judgeRetainedHeap(series([20000, 17000, 17000, 17000]), BOUND);
    expect(judged.slopeBytesPerSecond).toBe(0);
    expect(judged.heapStartBytes).toBe(17000 * KB);
    // One reading after the first is no trend: flat, not a crash.
    expect(judgeRetainedHeap(series([17000, 17100]), BOUND)).toMatchObject({ verdict: 'flat', slopeBytesPerSecond: 0 });
  });
});

describe('judging the requests over the verification window', () => {
  it('passes no more failures than the availability objective allows', () => {
    // 99.9%: one failure in a thousand requests.
    expect(meetsAvailability(3600, 0, 0.999)).toBe(true);
    expect(meetsAvailability(3600, 3, 0.999)).toBe(true);
    expect(meetsAvailability(3600, 4, 0.999)).toBe(false);
    expect(meetsAvailability(1000, 1, 0.999)).toBe(true);
    expect(meetsAvailability(999, 1, 0.999)).toBe(false);
    expect(meetsAvailability(3600, 1, 1)).toBe(false);
  });

  it('fails a window without a single request', () => {
    expect(meetsAvailability(0, 0, 0.999)).toBe(false);
  });
});
