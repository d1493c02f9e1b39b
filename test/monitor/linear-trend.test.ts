import { describe, expect, it } from 'vitest';
import { fitLine, predictLinear, secondsUntil } from '../../monitor/linear-trend.ts';

const NOW = 1_800_000_000_000;

/** One point a second for `n` seconds up to NOW, on value = a + b * (seconds from NOW). */
function line(a: number, b: number, n = 30, noise: (i: number) => number = () => 0) {
  return Array.from({ length: n }, (_, i) => {
    const x = i - (n - 1);
    return { t: NOW + x * 1000, value: a + b * x + noise(i) };
  });
}

describe('least squares and predict_linear', () => {
  it('recovers an exact line', () => {
    expect(fitLine([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }])).toEqual({ slope: 2, intercept: 1 });
  });

  it('extrapolates a growing heap from the evaluation time, like Prometheus', () => {
    const f = predictLinear(line(100e6, 0.5e6), NOW, 60)!;
    expect(f.current).toBeCloseTo(100e6, 0);
    expect(f.slopePerSecond).toBeCloseTo(0.5e6, 3);
    expect(f.predicted).toBeCloseTo(130e6, 0);
    expect(secondsUntil(f, 128e6)).toBeCloseTo(56, 6);
  });

  it('sees through symmetric noise (a GC sawtooth)', () => {
    const f = predictLinear(line(50e6, 1e6, 30, (i) => (i % 2 === 0 ? 4e6 : -4e6)), NOW, 60)!;
    expect(f.slopePerSecond).toBeGreaterThan(0.95e6);
    expect(f.slopePerSecond).toBeLessThan(1.05e6);
  });

  it('predicts a flat line flat and a shrinking one never reaching the cap', () => {
    const flat = predictLinear(line(80e6, 0), NOW, 3600)!;
    expect(flat.predicted).toBeCloseTo(80e6, 0);
    expect(secondsUntil(flat, 128e6)).toBeNull();
    const shrinking = predictLinear(line(80e6, -1e5), NOW, 60)!;
    expect(shrinking.predicted).toBeCloseTo(74e6, 0);
    expect(secondsUntil(shrinking, 128e6)).toBeNull();
    expect(secondsUntil(predictLinear(line(130e6, 0), NOW, 60)!, 128e6)).toBe(0);
  });

  it('gives no forecast without two distinct times', () => {
    expect(predictLinear([], NOW, 60)).toBeNull();
    expect(predictLinear([{ t: NOW, value: 1 }, { t: NOW, value: 2 }], NOW, 60)).toBeNull();
  });
});
