/**
 * Node ids sorted with an O(n) radix sort, looked up by binary search. A JS Map would cap at
 * 2^24 entries and cost ~80 bytes per node; this costs 8.
 */
export interface IdIndex {
  ids: Uint32Array;
  /** ordinals[i] is the node (or row) whose id is ids[i]. */
  ordinals: Uint32Array;
}

export function buildIdIndex(idOf: Uint32Array, rows?: Uint32Array): IdIndex {
  const n = rows ? rows.length : idOf.length;
  const ids = new Uint32Array(n);
  const ordinals = new Uint32Array(n);
  let maxId = 0;
  for (let i = 0; i < n; i++) {
    const row = rows ? rows[i] : i;
    ordinals[i] = row;
    const id = idOf[row];
    ids[i] = id;
    if (id > maxId) maxId = id;
  }
  radixSortPairs(ids, ordinals, maxId);
  return { ids, ordinals };
}

/** Position of `id` in the index, or -1. */
export function findId(index: IdIndex, id: number): number {
  const ids = index.ids;
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = ids[mid];
    if (v === id) return mid;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * Stable LSD radix sort of (key, row) pairs, in place. Keys travel with their rows so every
 * pass reads sequentially; digits of at most 13 bits keep the counts in L1 cache, and only as
 * many passes run as the largest key needs (two for the ids of a few million nodes).
 */
function radixSortPairs(keys: Uint32Array<ArrayBuffer>, rows: Uint32Array<ArrayBuffer>, maxKey: number): void {
  const n = keys.length;
  const bits = 32 - Math.clz32(maxKey);
  const passes = Math.max(1, Math.ceil(bits / 13));
  const width = Math.ceil(bits / passes);
  const mask = (1 << width) - 1;
  let kFrom = keys;
  let rFrom = rows;
  let kTo = new Uint32Array(n);
  let rTo = new Uint32Array(n);
  const counts = new Uint32Array(mask + 2);
  for (let pass = 0, shift = 0; pass < passes; pass++, shift += width) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[((kFrom[i] >>> shift) & mask) + 1]++;
    for (let b = 0; b <= mask; b++) counts[b + 1] += counts[b];
    for (let i = 0; i < n; i++) {
      const k = kFrom[i];
      const at = counts[(k >>> shift) & mask]++;
      kTo[at] = k;
      rTo[at] = rFrom[i];
    }
    [kFrom, kTo] = [kTo, kFrom];
    [rFrom, rTo] = [rTo, rFrom];
  }
  if (kFrom !== keys) {
    keys.set(kFrom);
    rows.set(rFrom);
  }
}
