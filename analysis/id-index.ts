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

/**
 * Node by id in O(1). V8 hands heap objects odd ids from one counter, +2 per object it first
 * sees in a snapshot, so a process's odd ids are dense (the newest is about twice the node
 * count) and `direct[id >>> 1]` is a table of a few bytes per node: no sort, and one random
 * read per lookup instead of a binary search. Even ids (native and synthetic nodes, derived
 * from addresses) and, for a heap whose ids are too sparse for a table (a process snapshotted
 * many times over a churning heap), every id go to the sorted index instead.
 */
export interface IdLookup {
  /** Node for odd id `2k + 1` at `direct[k]`, or -1. */
  direct: Int32Array;
  rest: IdIndex;
}

/** A table bigger than this many slots per node would cost more memory than the sorted index. */
const MAX_SLOTS_PER_NODE = 4;

export function buildIdLookup(idOf: Uint32Array): IdLookup {
  const n = idOf.length;
  let maxOdd = 0;
  let odd = 0;
  for (let v = 0; v < n; v++) {
    const id = idOf[v];
    if ((id & 1) === 1) {
      odd++;
      if (id > maxOdd) maxOdd = id;
    }
  }
  const slots = odd === 0 ? 0 : (maxOdd >>> 1) + 1;
  if (slots > MAX_SLOTS_PER_NODE * n + 1024) return { direct: new Int32Array(0), rest: buildIdIndex(idOf) };
  const direct = new Int32Array(slots).fill(-1);
  const others = new Uint32Array(n - odd);
  let o = 0;
  for (let v = 0; v < n; v++) {
    const id = idOf[v];
    if ((id & 1) === 1) direct[id >>> 1] = v;
    else others[o++] = v;
  }
  return { direct, rest: buildIdIndex(idOf, others) };
}

/** The node with this id, or -1. */
export function lookupId(l: IdLookup, id: number): number {
  if ((id & 1) === 1) {
    const slot = id >>> 1;
    if (slot < l.direct.length) return l.direct[slot];
    if (l.direct.length > 0) return -1;
  }
  const at = findId(l.rest, id);
  return at < 0 ? -1 : l.rest.ordinals[at];
}
