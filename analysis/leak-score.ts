import type { Leak } from './report-types.ts';

/**
 * Confidence in 0..1 from four signals: how much it grew (bytes or count), how steady the
 * growth was across intervals, its share of all growth seen, and the kind of evidence
 * (an exact entry count rising beats a retained size rising).
 */
export function scoreLeak(leak: Leak, ctx: { minBytes: number; totalGrowth: number }): number {
  const last = leak.bytes.length - 1;
  const bytesGrowth = Math.max(0, leak.bytes[last] - leak.bytes[0]);
  const countGrowth = Math.max(0, leak.counts[last] - leak.counts[0]);
  const magnitude = Math.max(1 - Math.exp(-bytesGrowth / (8 * ctx.minBytes)), 1 - Math.exp(-countGrowth / 200));
  const steps = leak.countsOf === 'entries' ? leak.growth.perSnapshot : leak.growth.bytesPerSnapshot;
  const lo = Math.min(...steps);
  const hi = Math.max(...steps);
  const steadiness = hi > 0 && lo > 0 ? lo / hi : 0;
  const share = Math.min(1, bytesGrowth / Math.max(1, ctx.totalGrowth));
  const evidence = leak.countsOf === 'entries' ? 1 : 0.6;
  const score = 0.3 * magnitude + 0.25 * steadiness + 0.25 * share + 0.2 * evidence;
  return Math.round(Math.min(1, Math.max(0, score)) * 1000) / 1000;
}
