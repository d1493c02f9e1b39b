/** Numbers as a postmortem prints them: grouped counts, MB, percentages, alert values in their unit. */
export const MIB = 1024 * 1024;

export function count(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'unknown';
}

/** 0.614 -> "61.4%". */
export function percent(ratio: number, digits = 1): string {
  if (!Number.isFinite(ratio)) return 'unknown';
  return `${(ratio * 100).toFixed(digits)}%`;
}

/** Bytes as MB (MiB, the unit of --max-old-space-size), one decimal. */
export function megabytes(bytes: number, digits = 1): string {
  return Number.isFinite(bytes) ? `${(bytes / MIB).toFixed(digits)} MB` : 'unknown';
}

/** Bytes per second, in the most readable of B/s, KB/s, MB/s. */
export function bytesPerSecond(bps: number): string {
  if (!Number.isFinite(bps)) return 'unknown';
  const abs = Math.abs(bps);
  if (abs >= MIB) return `${(bps / MIB).toFixed(2)} MB/s`;
  if (abs >= 1024) return `${(bps / 1024).toFixed(1)} KB/s`;
  return `${Math.round(bps)} B/s`;
}

export function milliseconds(ms: number): string {
  if (!Number.isFinite(ms)) return 'unknown';
  return `${ms >= 100 ? count(ms) : String(Math.round(ms * 10) / 10)} ms`;
}

/** An alert's value or threshold in its unit: bytes as MB, a ratio as %, ms and s as such. */
export function inUnit(value: unknown, unit: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'unknown';
  switch (unit) {
    case 'bytes':
      return megabytes(value);
    case 'ratio':
      return percent(value, value < 0.001 ? 3 : 1);
    case 'ms':
      return milliseconds(value);
    case 's':
      return `${Math.round(value * 10) / 10} s`;
    case 'percent':
      return `${Math.round(value * 10) / 10}%`;
    default:
      return typeof unit === 'string' && unit !== '' ? `${Math.round(value * 1000) / 1000} ${unit}` : String(value);
  }
}
