import type { DominatorOrder } from './dominator-order.ts';
import type { DominatorTree } from './dominators.ts';
import type { EarlierSummary } from './earlier-summary.ts';
import { buildIdIndex, type IdIndex } from './id-index.ts';

/**
 * An earlier snapshot seen through the last snapshot's dominator tree. Every earlier object is
 * matched to the last snapshot by id; one that no longer exists is charged to the nearest
 * ancestor on its earlier BFS path that does. Summing those charges over a holder's dominated
 * subtree in the last snapshot gives what the holder held back then: exact for a leak (what it
 * held is still there, under it), and right for a churning cache too (its old, evicted
 * entries were reached through the cache, so they are charged to it). An id counts as the same
 * object only when its (type, name) signature matches too (see node-signatures.ts).
 *
 * `held`/`kept` answer "does the holder keep what it had?" from the earlier snapshot's own
 * graph: the bytes in the holder's earlier BFS subtree, and how many of them still exist. A
 * leak keeps what it had; a bounded cache evicts it. Ghost ids (a new object at a dead one's
 * address) can only add to `kept`, and the earlier subtree has none of the newcomers in it.
 */
export interface EarlierView {
  file: string;
  maxId: number;
  totalBytes: number;
  /** Per watched node of the last snapshot (see WatchList). */
  exists: Uint8Array;
  entries: Uint32Array;
  retained: Float64Array;
  count: Uint32Array;
  /** Bytes under the holder in the earlier snapshot's BFS tree (itself aside), and how many of them there were. */
  heldBytes: Float64Array;
  heldCount: Uint32Array;
  /** Of those, the bytes and the objects that still exist in the last snapshot. */
  keptBytes: Float64Array;
  keptCount: Uint32Array;
  /** Objects gone by the last snapshot that were charged to the node itself (a replaced slot value). */
  freedSize: Float64Array;
  freedCount: Uint32Array;
}

/** Nodes of the last snapshot whose earlier figures are wanted; `slot[v]` is v's row or -1. */
export interface WatchList {
  nodes: Uint32Array;
  slot: Int32Array;
}

export function watchList(nodeCount: number, nodes: number[]): WatchList {
  const sorted = Uint32Array.from(new Set(nodes)).sort();
  const slot = new Int32Array(nodeCount).fill(-1);
  sorted.forEach((v, i) => (slot[v] = i));
  return { nodes: sorted, slot };
}

export function mapEarlier(
  e: EarlierSummary,
  finalIds: IdIndex,
  finalSig: Uint32Array,
  dom: DominatorTree,
  order: DominatorOrder,
  watch: WatchList,
  /** Whether to work out `held`/`kept` (only the baseline's are used; zeros otherwise). */
  withKept = true,
): EarlierView {
  const m = e.id.length;
  const n = dom.idom.length;
  const w = watch.nodes.length;
  // finalOf[p]: the matching node of the last snapshot, then (below) the node p is charged to.
  const finalOf = new Int32Array(m).fill(-1);
  const posOfRow = new Int32Array(w).fill(-1);
  const mine = buildIdIndex(e.id);
  // Both id lists are sorted: a merge matches them in linear time.
  let j = 0;
  const fids = finalIds.ids;
  for (let i = 0; i < m; i++) {
    const id = mine.ids[i];
    while (j < fids.length && fids[j] < id) j++;
    if (j < fids.length && fids[j] === id) {
      const p = mine.ordinals[i];
      const v = finalIds.ordinals[j];
      if (finalSig[v] !== e.sig[p]) continue;
      finalOf[p] = v;
      const row = watch.slot[v];
      if (row >= 0) posOfRow[row] = p;
    }
  }
  const { heldBytes, heldCount, keptBytes, keptCount } = withKept ? keptUnderHolders(e, finalOf, posOfRow) : noKept(watch.nodes.length);
  const size = new Float64Array(n);
  const count = new Uint32Array(n);
  const freedSize = new Float64Array(w);
  const freedCount = new Uint32Array(w);
  for (let p = 0; p < m; p++) {
    const v = finalOf[p];
    let a: number;
    if (v >= 0) {
      a = v;
    } else {
      const up = e.parent[p];
      // Parents come first in BFS order, so finalOf[up] already holds the parent's charge.
      a = up >= 0 ? finalOf[up] : order.order[0];
      const row = watch.slot[a];
      if (row >= 0) {
        freedSize[row] += e.size[p];
        freedCount[row]++;
      }
    }
    finalOf[p] = a;
    size[a] += e.size[p];
    count[a]++;
  }
  // Subtree sums, children before parents (reverse pre-order of the dominator tree).
  const { idom } = dom;
  for (let i = n - 1; i > 0; i--) {
    const v = order.order[i];
    const up = idom[v];
    size[up] += size[v];
    count[up] += count[v];
  }
  const view: EarlierView = {
    file: e.file,
    maxId: e.maxId,
    totalBytes: e.totalBytes,
    exists: new Uint8Array(w),
    entries: new Uint32Array(w),
    retained: new Float64Array(w),
    count: new Uint32Array(w),
    heldBytes,
    heldCount,
    keptBytes,
    keptCount,
    freedSize,
    freedCount,
  };
  for (let r = 0; r < w; r++) {
    const v = watch.nodes[r];
    const p = posOfRow[r];
    view.exists[r] = p >= 0 ? 1 : 0;
    view.entries[r] = p >= 0 ? e.entries[p] : 0;
    view.retained[r] = size[v];
    view.count[r] = count[v];
  }
  return view;
}

function noKept(w: number) {
  return { heldBytes: new Float64Array(w), heldCount: new Uint32Array(w), keptBytes: new Float64Array(w), keptCount: new Uint32Array(w) };
}

/** Per watched row: what the holder held in the earlier snapshot's BFS tree, and what of it survives. */
function keptUnderHolders(e: EarlierSummary, finalOf: Int32Array, posOfRow: Int32Array) {
  const m = e.id.length;
  const w = posOfRow.length;
  // Single precision is plenty for a share compared with 0.9, and halves this pass's memory.
  const held = new Float32Array(m);
  const kept = new Float32Array(m);
  const count = new Uint32Array(m);
  const alive = new Uint32Array(m);
  // Children come after parents in BFS order: one backward pass sums every subtree.
  for (let p = m - 1; p >= 0; p--) {
    held[p] += e.size[p];
    count[p] += 1;
    if (finalOf[p] >= 0) {
      kept[p] += e.size[p];
      alive[p] += 1;
    }
    const up = e.parent[p];
    if (up >= 0) {
      held[up] += held[p];
      kept[up] += kept[p];
      count[up] += count[p];
      alive[up] += alive[p];
    }
  }
  const heldBytes = new Float64Array(w);
  const heldCount = new Uint32Array(w);
  const keptBytes = new Float64Array(w);
  const keptCount = new Uint32Array(w);
  for (let r = 0; r < w; r++) {
    const p = posOfRow[r];
    if (p < 0) continue;
    heldBytes[r] = held[p] - e.size[p];
    heldCount[r] = count[p] - 1;
    const self = finalOf[p] >= 0 ? 1 : 0;
    keptBytes[r] = kept[p] - self * e.size[p];
    keptCount[r] = alive[p] - self;
  }
  return { heldBytes, heldCount, keptBytes, keptCount };
}
