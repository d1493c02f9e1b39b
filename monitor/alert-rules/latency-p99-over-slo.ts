import type { AlertRule } from '../alert-types.ts';
import { median } from './window-helpers.ts';

export interface LatencySloParams {
  sloMs: number;
  resolveMs: number;
  windowSeconds: number;
  /** Seconds with answers needed before the window says anything. */
  minSeconds: number;
}

/**
 * The users' p99 against the SLO, from the load's per-second p99s. The window's value is their
 * median: one slow second (a GC pause) must not fire it, half a window of slow seconds must.
 */
export function latencyP99OverSlo(p: LatencySloParams): AlertRule {
  return {
    name: 'latency-p99-over-slo',
    severity: 'warning',
    description: `p99 latency above the ${p.sloMs} ms SLO`,
    window: p.windowSeconds,
    threshold: p.sloMs,
    resolveThreshold: p.resolveMs,
    unit: 'ms',
    basis: 'level',
    evaluate(window) {
      const p99s = window.load.flatMap((s) => (s.latencyP99Ms === null ? [] : [s.latencyP99Ms]));
      if (p99s.length < p.minSeconds) return { value: null, firing: false };
      const value = median(p99s)!;
      return {
        value,
        firing: value > p.sloMs,
        summary: `p99 latency ${value.toFixed(0)} ms (median of ${p99s.length} seconds, worst ${Math.max(...p99s).toFixed(0)} ms) against a ${p.sloMs} ms SLO; resolves below ${p.resolveMs} ms`,
      };
    },
  };
}
