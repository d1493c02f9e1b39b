import type { HeapSnapshot } from './heap-snapshot.ts';
import type { DominatorTree } from './dominators.ts';
import { buildIdIndex } from './id-index.ts';
import { isHolderCandidate } from './holder-metrics.ts';
import type { KnownStrings } from './known-strings.ts';

/**
 * Per-snapshot pieces shared by the growth checks: the slots a chain grows through, and the
 * id sample that tells whether two snapshots come from one process.
 */

/** Slots big enough to matter; a chain's head object changes, so it is tracked by slot name. */
export const SLOT_MIN_BYTES = 16 * 1024;

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

export interface IdSample {
  ids: Uint32Array;
  sig: Uint32Array;
}

/** Deterministic 1-in-8 sample of heap object ids with each one's (type, name) signature (from nodeSignatures). */
export function idSample(s: HeapSnapshot, signatures: Uint32Array): IdSample {
  const n = s.nodeCount;
  const pick = new Uint32Array(n);
  let m = 0;
  for (let v = 0; v < n; v++) {
    const id = s.nodeId[v];
    if ((id & 1) === 1 && ((id >>> 1) & 7) === 0) pick[m++] = v;
  }
  const index = buildIdIndex(s.nodeId, pick.subarray(0, m));
  const sig = new Uint32Array(m);
  for (let i = 0; i < m; i++) sig[i] = signatures[index.ordinals[i]];
  return { ids: index.ids, sig };
}
