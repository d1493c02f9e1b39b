import type { EdgeHelper } from './edge-helper.ts';
import type { HeapSnapshot } from './heap-snapshot.ts';
import { entriesOf, isHolderCandidate, isValueNode } from './holder-metrics.ts';
import { knownStrings } from './known-strings.ts';
import { nodeSignatures } from './node-signatures.ts';
import { readSnapshot } from './read-snapshot.ts';
import { retainingByType } from './retainers.ts';
import { idSample, type IdSample } from './snapshot-summary.ts';
import { registryCount, type RegistryCount } from './symbol-registry.ts';

/**
 * What an earlier snapshot contributes, computed from that snapshot alone (so it can run in a
 * worker while the last snapshot is analysed) and then dropped with its graph: its nodes in
 * breadth-first order from the root, each with its id, self size, entry count (holders only)
 * and the BFS position of the node it was first reached from. That is enough to lay the
 * earlier heap over the last snapshot's dominator tree by object id (see earlier-map.ts)
 * without a dominator tree of its own: 16 bytes per node instead of the whole graph.
 */
export interface EarlierSummary {
  file: string;
  nodeCount: number;
  edgeCount: number;
  totalBytes: number;
  /** Largest V8 heap object id (odd ids; native nodes use address-derived even ids). */
  maxId: number;
  sample: IdSample;
  /**
   * Per BFS position: node id, (type, name) signature, self size, entries (0 for non-holders),
   * whether it is a JS value (1) rather than V8's own structure (a backing store, a map, code),
   * and parent position (-1 for the root).
   */
  id: Uint32Array;
  sig: Uint32Array;
  size: Uint32Array;
  entries: Uint32Array;
  isValue: Uint8Array;
  parent: Int32Array;
  /** V8's registry of `Symbol.for()` symbols, outside every holder (symbol-registry.ts). */
  registry: RegistryCount | null;
}

export async function readEarlier(file: string, onProgress?: (fraction: number) => void, edges?: EdgeHelper | null): Promise<EarlierSummary> {
  return summarizeEarlier(await readSnapshot(file, { onProgress, edges }));
}

export function summarizeEarlier(s: HeapSnapshot): EarlierSummary {
  const n = s.nodeCount;
  const k = knownStrings(s);
  const { firstEdge, edgeTo, edgeType } = s;
  const retains = retainingByType(s);
  const seen = new Uint8Array(n);
  const order = new Uint32Array(n);
  const parent = new Int32Array(n);
  let head = 0;
  let tail = 0;
  const visit = (v: number, from: number) => {
    seen[v] = 1;
    order[tail] = v;
    parent[tail] = from;
    tail++;
  };
  visit(0, -1);
  let nextOrphan = 0;
  for (;;) {
    while (head < tail) {
      const at = head++;
      const v = order[at];
      for (let e = firstEdge[v]; e < firstEdge[v + 1]; e++) {
        const w = edgeTo[e];
        if (seen[w] === 1) continue;
        const r = retains[edgeType[e]];
        if (r === 0 || (r === 2 && v !== 0)) continue;
        visit(w, at);
      }
    }
    // Nodes no retaining path reaches hang under the root, as in the dominator tree.
    while (nextOrphan < n && seen[nextOrphan] === 1) nextOrphan++;
    if (nextOrphan >= n) break;
    visit(nextOrphan, 0);
  }
  const sigOf = nodeSignatures(s);
  const id = new Uint32Array(n);
  const sig = new Uint32Array(n);
  const size = new Uint32Array(n);
  const entries = new Uint32Array(n);
  const isValue = new Uint8Array(n);
  let totalBytes = 0;
  let maxId = 0;
  for (let p = 0; p < n; p++) {
    const v = order[p];
    const nid = s.nodeId[v];
    id[p] = nid;
    sig[p] = sigOf[v];
    size[p] = s.selfSize[v];
    totalBytes += s.selfSize[v];
    if ((nid & 1) === 1 && nid > maxId) maxId = nid;
    if (isHolderCandidate(s, k, v)) entries[p] = entriesOf(s, k, v);
    if (isValueNode(s, v)) isValue[p] = 1;
  }
  return { file: s.file, nodeCount: n, edgeCount: s.edgeCount, totalBytes, maxId, sample: idSample(s, sigOf), id, sig, size, entries, isValue, parent, registry: registryCount(s, k) };
}

/** The typed arrays of a summary, for a zero-copy postMessage. */
export function transferList(e: EarlierSummary): ArrayBuffer[] {
  return [e.id, e.sig, e.size, e.entries, e.isValue, e.parent, e.sample.ids, e.sample.sig].map((a) => a.buffer as ArrayBuffer);
}
