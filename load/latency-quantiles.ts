/** Nearest-rank quantile of an ascending array: always an observed value, never an interpolation. */
export function quantileOfSorted(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface LatencyQuantiles {
  p50: number | null;
  p99: number | null;
}

export function latencyQuantiles(latenciesMs: readonly number[]): LatencyQuantiles {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return { p50: quantileOfSorted(sorted, 0.5), p99: quantileOfSorted(sorted, 0.99) };
}
