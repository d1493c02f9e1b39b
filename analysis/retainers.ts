import type { HeapSnapshot } from './heap-snapshot.ts';

/** Retainers in CSR form: predecessors of node v are retFrom[retStart[v]..retStart[v+1]). */
export interface Retainers {
  retStart: Uint32Array;
  retFrom: Uint32Array;
}

/**
 * Whether an edge keeps its target alive, per edge type: 1 always, 0 never (weak edges),
 * 2 only from the synthetic root (shortcut edges mark "user globals" there, as in DevTools;
 * elsewhere they duplicate real paths and would distort dominators). A table, not a call per
 * edge: these loops run over every edge of every snapshot.
 */
export function retainingByType(s: HeapSnapshot): Uint8Array {
  const table = new Uint8Array(s.edgeTypeNames.length).fill(1);
  if (s.types.edgeWeak >= 0) table[s.types.edgeWeak] = 0;
  if (s.types.edgeShortcut >= 0) table[s.types.edgeShortcut] = 2;
  return table;
}

/** With `added`, edges the snapshot does not have are counted as if it had them (dominators.ts). */
export function buildRetainers(s: HeapSnapshot, root = 0, added?: { from: readonly number[]; to: readonly number[] }): Retainers {
  const n = s.nodeCount;
  const retStart = new Uint32Array(n + 1);
  const { firstEdge, edgeTo, edgeType } = s;
  const retains = retainingByType(s);
  for (let v = 0; v < n; v++) {
    for (let e = firstEdge[v]; e < firstEdge[v + 1]; e++) {
      const r = retains[edgeType[e]];
      if (r === 1 || (r === 2 && v === root)) retStart[edgeTo[e] + 1]++;
    }
  }
  if (added) for (const to of added.to) retStart[to + 1]++;
  for (let v = 0; v < n; v++) retStart[v + 1] += retStart[v];
  const fill = new Uint32Array(n);
  fill.set(retStart.subarray(0, n));
  const retFrom = new Uint32Array(retStart[n]);
  for (let v = 0; v < n; v++) {
    for (let e = firstEdge[v]; e < firstEdge[v + 1]; e++) {
      const r = retains[edgeType[e]];
      if (r === 1 || (r === 2 && v === root)) retFrom[fill[edgeTo[e]]++] = v;
    }
  }
  if (added) added.to.forEach((to, i) => (retFrom[fill[to]++] = added.from[i]));
  return { retStart, retFrom };
}
