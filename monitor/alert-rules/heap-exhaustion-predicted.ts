import { labError } from '../../lab/errors.ts';
import type { AlertRule } from '../alert-types.ts';
import { predictLinear, secondsUntil } from '../linear-trend.ts';
import { latestProcessSamples, mb } from './window-helpers.ts';

export interface HeapExhaustionParams {
  heapCapBytes: number;
  windowSeconds: number;
  horizonSeconds: number;
  /** Share of the cap the forecast must stay under to resolve. */
  resolveShare: number;
  minPoints: number;
  /** Seconds from the first sample to the last one before the forecast may fire. */
  minSpanSeconds: number;
}

/** predict_linear(heap_used[window], horizon) > cap: the trend, not the level, says the heap will run out. */
export function heapExhaustionPredicted(p: HeapExhaustionParams): AlertRule {
  if (p.minSpanSeconds > p.windowSeconds) {
    throw labError('LAB_ERR_BAD_OPTION', `exhaustion span ${p.minSpanSeconds}s is longer than its ${p.windowSeconds}s window: the rule could never fire`);
  }
  return {
    name: 'heap-exhaustion-predicted',
    severity: 'warning',
    description: `heap used on course to pass the ${mb(p.heapCapBytes)} cap within ${p.horizonSeconds}s`,
    window: p.windowSeconds,
    threshold: p.heapCapBytes,
    resolveThreshold: p.heapCapBytes * p.resolveShare,
    unit: 'bytes',
    basis: 'forecast',
    evaluate(window) {
      const samples = latestProcessSamples(window);
      if (samples.length < p.minPoints) return { value: null, firing: false };
      const forecast = predictLinear(samples.map((s) => ({ t: s.t, value: s.heapUsedBytes })), window.now, p.horizonSeconds);
      if (!forecast) return { value: null, firing: false };
      // A young process's forecast still counts toward resolving (a restart ends the old trend),
      // but its warm-up ramp may not fire the alert.
      const span = (samples.at(-1)!.t - samples[0]!.t) / 1000;
      const warmingUp = span < p.minSpanSeconds;
      const eta = secondsUntil(forecast, p.heapCapBytes);
      const growth = `${forecast.slopePerSecond >= 0 ? '+' : ''}${(forecast.slopePerSecond / 1024).toFixed(0)} KB/s`;
      return {
        value: forecast.predicted,
        firing: !warmingUp && forecast.predicted > p.heapCapBytes,
        summary:
          `heap ${mb(forecast.current)} growing ${growth} over ${Math.round(span)}s: ${mb(forecast.predicted)} predicted in ${p.horizonSeconds}s ` +
          `against a ${mb(p.heapCapBytes)} cap` +
          (eta === null ? '' : ` (cap reached in about ${Math.round(eta)}s)`) +
          (warmingUp ? `; no alert before ${p.minSpanSeconds}s of samples` : ''),
      };
    },
  };
}
