import type { HeapSnapshot } from './heap-snapshot.ts';
import type { DominatorTree } from './dominators.ts';
import { buildIdIndex, type IdIndex } from './id-index.ts';
import { entriesOf, isHolderCandidate } from './holder-metrics.ts';
import { arena } from './typed-arena.ts';
import type { KnownStrings } from './known-strings.ts';

/**
 * What the diff needs from one snapshot once its graph is dropped: per holder (by node id)
 * its retained size, retained object count and entry count, plus an id sample to check that
 * the series comes from one process. About 20 bytes per holder instead of the whole graph.
 */
export interface SnapshotSummary {
  file: string;
  nodeCount: number;
  edgeCount: number;
  totalBytes: number;
  /** Largest V8 heap object id (odd ids; native nodes use address-derived even ids). */
  maxId: number;
  holders: HolderTable;
  /** Variables and properties whose value is replaced as it grows (a chain's head): by "holderId:name". */
  slots: Map<string, { retained: number; count: number }>;
  sample: { ids: Uint32Array; sig: Uint32Array };
}

export interface HolderTable {
  index: IdIndex;
  retained: Float64Array;
  count: Uint32Array;
  entries: Uint32Array;
}

/** `withHolders` false skips the holder table (the last snapshot is analysed in full instead). */
export function summarize(s: HeapSnapshot, dom: DominatorTree, k: KnownStrings, withHolders = true): SnapshotSummary {
  const n = s.nodeCount;
  let totalBytes = 0;
  let maxId = 0;
  for (let v = 0; v < n; v++) {
    totalBytes += s.selfSize[v];
    const id = s.nodeId[v];
    if ((id & 1) === 1 && id > maxId) maxId = id;
  }
  return {
    file: s.file,
    nodeCount: n,
    edgeCount: s.edgeCount,
    totalBytes,
    maxId,
    holders: withHolders ? holderTable(s, dom, k) : emptyTable(),
    slots: withHolders ? slotTable(s, dom, k) : new Map(),
    sample: idSample(s),
  };
}

function holderTable(s: HeapSnapshot, dom: DominatorTree, k: KnownStrings): HolderTable {
  const n = s.nodeCount;
  const [keep, entriesAll] = arena([['u32', n], ['u32', n]] as const);
  let rows = 0;
  for (let v = 0; v < n; v++) {
    if (!isHolderCandidate(s, k, v)) continue;
    const entries = entriesOf(s, k, v);
    // Tiny holders read as zero later; dropping them keeps summaries small.
    if (entries < 1 && dom.retainedCount[v] < 2) continue;
    entriesAll[v] = entries;
    keep[rows++] = v;
  }
  const nodes = keep.subarray(0, rows);
  const index = buildIdIndex(s.nodeId, nodes);
  const retained = new Float64Array(rows);
  const count = new Uint32Array(rows);
  const entries = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = index.ordinals[i];
    retained[i] = dom.retainedSize[v];
    count[i] = dom.retainedCount[v];
    entries[i] = entriesAll[v];
  }
  return { index, retained, count, entries };
}

/** Slots big enough to matter; a chain's head object changes, so it is tracked by slot name. */
export const SLOT_MIN_BYTES = 16 * 1024;
const MAX_SLOTS = 1_000_000;

export function slotKey(id: number, name: string): string {
  return `${id}:${name}`;
}

function slotTable(s: HeapSnapshot, dom: DominatorTree, k: KnownStrings): Map<string, { retained: number; count: number }> {
  const out = new Map<string, { retained: number; count: number }>();
  forEachSlot(s, dom, k, (v, e, t) => {
    if (out.size < MAX_SLOTS) out.set(slotKey(s.nodeId[v], s.strings.get(s.edgeName[e])), { retained: dom.retainedSize[t], count: dom.retainedCount[t] });
  });
  return out;
}

/** Calls fn(holder, edge, target) for context/property slots whose value the holder alone keeps. */
export function forEachSlot(s: HeapSnapshot, dom: DominatorTree, k: KnownStrings, fn: (v: number, e: number, t: number) => void): void {
  const ty = s.types;
  for (let v = 0; v < s.nodeCount; v++) {
    if (dom.retainedSize[v] < SLOT_MIN_BYTES || !isHolderCandidate(s, k, v)) continue;
    for (let e = s.firstEdge[v]; e < s.firstEdge[v + 1]; e++) {
      const t = s.edgeTo[e];
      const et = s.edgeType[e];
      if (et !== ty.edgeContext && et !== ty.edgeProperty) continue;
      if (t === v || dom.idom[t] !== v || dom.retainedSize[t] < SLOT_MIN_BYTES) continue;
      fn(v, e, t);
    }
  }
}

function emptyTable(): HolderTable {
  const none = new Uint32Array(0);
  return { index: { ids: none, ordinals: none }, retained: new Float64Array(0), count: none, entries: none };
}

/** Deterministic 1-in-8 sample of heap object ids with a (type, name) signature each. */
function idSample(s: HeapSnapshot): { ids: Uint32Array; sig: Uint32Array } {
  const n = s.nodeCount;
  const pick = new Uint32Array(n);
  let m = 0;
  for (let v = 0; v < n; v++) {
    const id = s.nodeId[v];
    if ((id & 1) === 1 && ((id >>> 1) & 7) === 0) pick[m++] = v;
  }
  const index = buildIdIndex(s.nodeId, pick.subarray(0, m));
  const sig = new Uint32Array(m);
  for (let i = 0; i < m; i++) {
    const v = index.ordinals[i];
    sig[i] = (Math.imul(s.nodeType[v] + 1, 0x9e3779b1) ^ s.strings.hashOf(s.nodeName[v])) >>> 0;
  }
  return { ids: index.ids, sig };
}
