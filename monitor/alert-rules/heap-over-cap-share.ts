import type { AlertRule } from '../alert-types.ts';
import { latestProcessSamples, mb, pct } from './window-helpers.ts';

export interface HeapShareParams {
  heapCapBytes: number;
  fire: number;
  resolve: number;
  windowSeconds: number;
}

/** Heap used, as a share of the heap cap, averaged over the window so one GC peak does not count. */
export function heapOverCapShare(p: HeapShareParams): AlertRule {
  return {
    name: 'heap-over-cap-share',
    severity: 'critical',
    description: `heap used above ${pct(p.fire)} of the ${mb(p.heapCapBytes)} heap cap`,
    window: p.windowSeconds,
    threshold: p.fire,
    resolveThreshold: p.resolve,
    unit: 'ratio',
    basis: 'level',
    evaluate(window) {
      const samples = latestProcessSamples(window);
      if (samples.length === 0) return { value: null, firing: false };
      const share = samples.reduce((sum, s) => sum + s.heapUsedBytes, 0) / samples.length / p.heapCapBytes;
      const last = samples.at(-1)!;
      return {
        value: share,
        firing: share > p.fire,
        summary: `heap used ${pct(share)} of the ${mb(p.heapCapBytes)} cap over ${window.seconds}s (now ${mb(last.heapUsedBytes)}, pid ${last.pid}); fires above ${pct(p.fire)}, resolves below ${pct(p.resolve)}`,
      };
    },
  };
}
