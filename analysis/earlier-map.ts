import type { DominatorOrder } from './dominator-order.ts';
import type { DominatorTree } from './dominators.ts';
import type { EarlierSummary } from './earlier-summary.ts';
import { lookupId, type IdLookup } from './id-index.ts';

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
  finalIds: IdLookup,
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
  for (let p = 0; p < m; p++) {
    const v = lookupId(finalIds, e.id[p]);
    if (v < 0 || finalSig[v] !== e.sig[p]) continue;
    finalOf[p] = v;
    const row = watch.slot[v];
    if (row >= 0) posOfRow[row] = p;
  }
  const { heldBytes, heldCount, keptBytes, keptCount } = withKept ? keptUnderHolders(e, finalOf, posOfRow) : noKept(w);
  // Charges by the charged node's position in the dominator tree's pre-order: a node's
  // dominated subtree is one run of positions, so prefix sums give every subtree's total in
  // one sequential pass (no walk up the tree per node).
  const { pre } = order;
  const size = new Float64Array(n + 1);
  const count = new Uint32Array(n + 1);
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
    const at = pre[a];
    size[at] += e.size[p];
    count[at]++;
  }
  // size[i] becomes the sum over positions before i (exact: byte counts stay far below 2^53).
  let sumSize = 0;
  let sumCount = 0;
  for (let i = 0; i <= n; i++) {
    const s1 = size[i];
    const c1 = count[i];
    size[i] = sumSize;
    count[i] = sumCount;
    sumSize += s1;
    sumCount += c1;
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
    const from = pre[v];
    const to = from + order.size[v];
    view.retained[r] = size[to] - size[from];
    view.count[r] = count[to] - count[from];
  }
  return view;
}

function noKept(w: number) {
  return { heldBytes: new Float64Array(w), heldCount: new Uint32Array(w), keptBytes: new Float64Array(w), keptCount: new Uint32Array(w) };
}

/**
 * Per watched row: what the holder held in the earlier snapshot's BFS tree, and what of it
 * survives. Each object is charged to its nearest watched ancestor (one array over the
 * objects), and the rows' totals are then passed up to the rows above them: far less memory
 * than subtree sums over every object, at the peak of the analysis. Only JS values count: a
 * growing array or table is moved to a bigger backing store, which is V8 letting go of the
 * old store, not the holder letting go of its contents (a dictionary of many growing arrays
 * replaces hundreds of them per interval).
 */
function keptUnderHolders(e: EarlierSummary, finalOf: Int32Array, posOfRow: Int32Array) {
  const m = e.id.length;
  const w = posOfRow.length;
  const owner = new Int32Array(m).fill(-1);
  for (let r = 0; r < w; r++) if (posOfRow[r] >= 0) owner[posOfRow[r]] = r;
  const parentRow = new Int32Array(w).fill(-1);
  const heldBytes = new Float64Array(w);
  const heldCount = new Uint32Array(w);
  const keptBytes = new Float64Array(w);
  const keptCount = new Uint32Array(w);
  // Parents come before children in BFS order, so a parent's owner is known when a child is seen.
  for (let p = 0; p < m; p++) {
    const up = e.parent[p];
    const above = up >= 0 ? owner[up] : -1;
    if (owner[p] >= 0) {
      // A holder is not part of what it holds; it is passed up to the row above, below.
      parentRow[owner[p]] = above;
      continue;
    }
    const r = (owner[p] = above);
    if (r < 0 || e.isValue[p] === 0) continue;
    heldBytes[r] += e.size[p];
    heldCount[r] += 1;
    if (finalOf[p] >= 0) {
      keptBytes[r] += e.size[p];
      keptCount[r] += 1;
    }
  }
  // Rows deeper in the BFS tree first, so each row's total is complete before it is passed up.
  const rows = Array.from({ length: w }, (_, r) => r)
    .filter((r) => posOfRow[r] >= 0)
    .sort((a, b) => posOfRow[b] - posOfRow[a]);
  for (const r of rows) {
    const up = parentRow[r];
    if (up < 0) continue;
    const p = posOfRow[r];
    const value = e.isValue[p];
    heldBytes[up] += heldBytes[r] + value * e.size[p];
    heldCount[up] += heldCount[r] + value;
    const self = finalOf[p] >= 0 ? value : 0;
    keptBytes[up] += keptBytes[r] + self * e.size[p];
    keptCount[up] += keptCount[r] + self;
  }
  return { heldBytes, heldCount, keptBytes, keptCount };
}
