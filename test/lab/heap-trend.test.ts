import { describe, expect, it } from 'vitest';
import { heapTrend, leastSquaresSlope } from '../../lab/heap-trend.ts';

describe('heap trend', () => {
  it('fits a least-squares slope', () => {
    expect(leastSquaresSlope([[0, 1], [1, 3], [2, 5]])).toBeCloseTo(2);
    expect(leastSquaresSlope([[0, 4]])).toBe(0);
    expect(leastSquaresSlope([[1, 1], [1, 9]])).toBe(0);
  });

  it('reads the floor of a GC sawtooth, so garbage does not look like growth', () => {
    // Flat live heap of 50 MB with 0-20 MB of garbage cycling every 4 s.
    const flat = Array.from({ length: 30 }, (_, i) => ({ t: i * 1000, bytes: 50e6 + ((i % 4) * 20e6) / 3 }));
    expect(Math.abs(heapTrend(flat).slopeBytesPerSecond)).toBeLessThan(100_000);
    // The same sawtooth on a live heap growing 1 MB/s.
    const leaking = flat.map((p, i) => ({ ...p, bytes: p.bytes + i * 1e6 }));
    expect(heapTrend(leaking).slopeBytesPerSecond).toBeGreaterThan(800_000);
  });
});
