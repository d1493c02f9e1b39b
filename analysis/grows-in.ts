import { builtinCollection } from './builtin-collections.ts';
import type { FinalGraph } from './final-graph.ts';
import { MIN_ENTRY_GROWTH } from './growth-candidates.ts';
import { edgeNameOf } from './heap-snapshot.ts';
import { entriesOf, isValueNode } from './holder-metrics.ts';
import type { GrowsIn } from './report-types.ts';

/** Each object on the way down keeps at least this share of the one above it. */
const SHARE = 0.8;
const MAX_DEPTH = 6;

/**
 * For a holder that grows by what it keeps, not by entries of its own: the collection under it
 * that holds the growth, made anew with every object between them on each change (`store.state
 * = { ...state, history: [...state.history, action] }`: `state.history`). No object down there
 * lives across the snapshots, so none can be matched by its id and be the suspect; the holder is
 * the last one that does, and this says where under it to look. Followed down the dominator
 * tree by the child that keeps most of what its parent does; null when the growth spreads out
 * or reaches an object that lived since the baseline (that one would be a suspect of its own).
 */
export function growsIn(g: FinalGraph, holder: number): GrowsIn | null {
  const { s, dom } = g;
  const ty = s.types;
  let path = '';
  let at = holder;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    let best = -1;
    let bestEdge = -1;
    for (let e = s.firstEdge[at]; e < s.firstEdge[at + 1]; e++) {
      const t = s.edgeType[e];
      const child = s.edgeTo[e];
      if ((t !== ty.edgeProperty && t !== ty.edgeElement) || dom.idom[child] !== at || !isValueNode(s, child)) continue;
      if (best < 0 || dom.retainedSize[child] > dom.retainedSize[best]) [best, bestEdge] = [child, e];
    }
    if (best < 0 || dom.retainedSize[best] < SHARE * dom.retainedSize[at] || s.nodeId[best] <= g.baselineMaxId) return null;
    const name = edgeNameOf(s, bestEdge);
    path += s.edgeType[bestEdge] === ty.edgeElement ? `[${name}]` : `${path ? '.' : ''}${name}`;
    const collection = builtinCollection(g, best);
    const entries = collection ? entriesOf(s, g.k, best) : 0;
    if (collection && entries >= MIN_ENTRY_GROWTH) return { path, collection, entries };
    at = best;
  }
  return null;
}
