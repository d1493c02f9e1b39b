import type { WindowData } from '../alert-types.ts';
import type { UpSample } from '../monitor-types.ts';

/**
 * The up samples of the newest process in the window. After a restart the old process's
 * samples say nothing about the new one, and a trend across both would be nonsense.
 */
export function latestProcessSamples(window: WindowData): UpSample[] {
  const ups = window.samples.filter((s): s is UpSample => s.up);
  const pid = ups.at(-1)?.pid;
  return pid === undefined ? [] : ups.filter((s) => s.pid === pid);
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;
export const pct = (share: number): string => `${(share * 100).toFixed(share < 0.1 ? 2 : 1)}%`;
