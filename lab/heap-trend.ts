/**
 * The trend of a heap over a window, robust to the GC sawtooth: the heap is read at its floor
 * (the lowest value in each bucket, close to what survived the last collection), and a line
 * is fitted through those floors by least squares.
 */
export interface HeapTrend {
  slopeBytesPerSecond: number;
  floors: { t: number; bytes: number }[];
  startBytes: number;
  endBytes: number;
}

export function heapTrend(points: readonly { t: number; bytes: number }[], bucketSeconds = 3): HeapTrend {
  if (points.length === 0) return { slopeBytesPerSecond: 0, floors: [], startBytes: 0, endBytes: 0 };
  const t0 = points[0]!.t;
  const buckets = new Map<number, { t: number; bytes: number }>();
  for (const p of points) {
    const key = Math.floor((p.t - t0) / (bucketSeconds * 1000));
    const seen = buckets.get(key);
    if (!seen || p.bytes < seen.bytes) buckets.set(key, p);
  }
  const floors = [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
  return {
    slopeBytesPerSecond: leastSquaresSlope(floors.map((p) => [(p.t - t0) / 1000, p.bytes])),
    floors,
    startBytes: floors[0]!.bytes,
    endBytes: floors[floors.length - 1]!.bytes,
  };
}

/** Slope of the least-squares line through (x, y) pairs; 0 for fewer than two distinct x. */
export function leastSquaresSlope(xy: readonly (readonly [number, number])[]): number {
  const n = xy.length;
  if (n < 2) return 0;
  let sx = 0;
  let sy = 0;
  for (const [x, y] of xy) {
    sx += x;
    sy += y;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of xy) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
