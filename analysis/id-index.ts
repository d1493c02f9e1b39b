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
  const src = rows ?? identity(idOf.length);
  const ordinals = radixSortBy(src, idOf);
  const ids = new Uint32Array(ordinals.length);
  for (let i = 0; i < ordinals.length; i++) ids[i] = idOf[ordinals[i]];
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

function identity(n: number): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

/** Stable LSD radix sort of `rows` by key[row], 16 bits per pass. */
function radixSortBy(rows: Uint32Array, key: Uint32Array): Uint32Array {
  let from = rows.slice();
  let to = new Uint32Array(rows.length);
  for (let shift = 0; shift < 32; shift += 16) {
    const counts = new Uint32Array(65537);
    for (let i = 0; i < from.length; i++) counts[((key[from[i]] >>> shift) & 0xffff) + 1]++;
    for (let b = 0; b < 65536; b++) counts[b + 1] += counts[b];
    for (let i = 0; i < from.length; i++) to[counts[(key[from[i]] >>> shift) & 0xffff]++] = from[i];
    const t = from;
    from = to;
    to = t;
  }
  return from;
}
