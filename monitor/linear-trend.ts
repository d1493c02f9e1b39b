export interface Point {
  x: number;
  y: number;
}

export interface Line {
  slope: number;
  intercept: number;
}

/** Ordinary least squares; null with fewer than two distinct x. */
export function fitLine(points: readonly Point[]): Line | null {
  const n = points.length;
  if (n < 2) return null;
  let sx = 0;
  let sy = 0;
  for (const p of points) {
    sx += p.x;
    sy += p.y;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

export interface Forecast {
  /** The fitted value now. */
  current: number;
  /** Units per second. */
  slopePerSecond: number;
  /** The fitted value horizonSeconds from now. */
  predicted: number;
}

/**
 * Prometheus's predict_linear(v[range], horizon): a least-squares line through the samples,
 * with time measured from the evaluation moment, extrapolated `horizonSeconds` ahead.
 */
export function predictLinear(samples: readonly { t: number; value: number }[], now: number, horizonSeconds: number): Forecast | null {
  const line = fitLine(samples.map((s) => ({ x: (s.t - now) / 1000, y: s.value })));
  if (!line) return null;
  return { current: line.intercept, slopePerSecond: line.slope, predicted: line.intercept + line.slope * horizonSeconds };
}

/** Seconds until the fitted line reaches `limit`; null when it is not heading there. */
export function secondsUntil(forecast: Forecast, limit: number): number | null {
  if (forecast.current >= limit) return 0;
  if (forecast.slopePerSecond <= 0) return null;
  return (limit - forecast.current) / forecast.slopePerSecond;
}
