import type { HeapSnapshot } from './heap-snapshot.ts';
import { buildRetainers, retainingByType, type Retainers } from './retainers.ts';
import { arena } from './typed-arena.ts';

export interface DominatorTree {
  /** Immediate dominator by node ordinal; the root is its own. */
  idom: Uint32Array;
  /** Self size plus everything the node alone keeps alive. */
  retainedSize: Float64Array;
  /** How many objects the node alone keeps alive, itself included. */
  retainedCount: Uint32Array;
  retainers: Retainers;
  /** 1 for nodes no retaining path reaches (hung under the root, as DevTools does). */
  orphan: Uint8Array;
}

const NONE = 0xffffffff;

/**
 * Semi-NCA over typed arrays, in DFS-number space: Lengauer-Tarjan's semidominators (eval with
 * path compression), then immediate dominators by walking up from each DFS parent, which
 * replaces LT's buckets and measured 20-30% faster on real snapshots with identical trees.
 * Cooper-Harvey-Kennedy was tried first: on a doubly-linked list (Node's timer lists) it moves
 * one node per pass and needs thousands of passes; this is O(E log N) whatever the shape.
 */
export function computeDominators(s: HeapSnapshot, root = 0): DominatorTree {
  const n = s.nodeCount;
  const retainers = buildRetainers(s, root);
  const { retStart, retFrom } = retainers;
  const { vertex, dfnOf, parent, orphan } = depthFirst(s, root);
  const [semi, anc, label, dom, path] = arena([['u32', n], ['u32', n], ['u32', n], ['u32', n], ['u32', n]] as const);
  for (let i = 0; i < n; i++) {
    semi[i] = i;
    label[i] = i;
    anc[i] = parent[i];
    dom[i] = parent[i];
  }
  for (let w = n - 1; w > 0; w--) {
    const node = vertex[w];
    let sw = parent[w];
    if (orphan[node]) sw = 0;
    // Nodes numbered above w are linked to the forest; eval compresses their ancestor paths.
    const last = w + 1;
    for (let r = retStart[node]; r < retStart[node + 1]; r++) {
      const v = dfnOf[retFrom[r]];
      let u: number;
      if (anc[v] < last) u = label[v];
      else {
        let top = 0;
        let x = v;
        do {
          path[top++] = x;
          x = anc[x];
        } while (anc[x] >= last);
        let p = x;
        let pl = label[p];
        while (top > 0) {
          const y = path[--top];
          anc[y] = anc[p];
          const yl = label[y];
          if (semi[pl] < semi[yl]) label[y] = pl;
          else pl = yl;
          p = y;
        }
        u = label[v];
      }
      if (semi[u] < sw) sw = semi[u];
    }
    semi[w] = sw;
  }
  for (let w = 1; w < n; w++) {
    let d = dom[w];
    const sw = semi[w];
    while (d > sw) d = dom[d];
    dom[w] = d;
  }
  dom[0] = 0;
  const [idom, retainedSize, retainedCount] = arena([['u32', n], ['f64', n], ['u32', n]] as const);
  for (let w = 0; w < n; w++) {
    const v = vertex[w];
    idom[v] = vertex[dom[w]];
    retainedSize[v] = s.selfSize[v];
    retainedCount[v] = 1;
  }
  // A dominator is a DFS ancestor, so descending DFS numbers visit children first.
  for (let w = n - 1; w > 0; w--) {
    const v = vertex[w];
    retainedSize[idom[v]] += retainedSize[v];
    retainedCount[idom[v]] += retainedCount[v];
  }
  return { idom, retainedSize, retainedCount, retainers, orphan };
}

/** Iterative pre-order DFS over retaining edges; unreached nodes are adopted by the root. */
function depthFirst(s: HeapSnapshot, root: number) {
  const n = s.nodeCount;
  const [vertex, dfnOf, parent] = arena([['u32', n], ['u32', n], ['u32', n]] as const);
  dfnOf.fill(NONE);
  const orphan = new Uint8Array(n);
  const [stackNode, stackEdge] = arena([['u32', n], ['u32', n]] as const);
  const { firstEdge, edgeTo, edgeType } = s;
  const retains = retainingByType(s);
  let next = 0;
  let nextOrphan = 0;
  const visit = (v: number, parentDfn: number) => {
    dfnOf[v] = next;
    vertex[next] = v;
    parent[next] = parentDfn;
    next++;
  };
  visit(root, 0);
  let top = 0;
  stackNode[0] = root;
  stackEdge[0] = firstEdge[root];
  while (top >= 0) {
    const v = stackNode[top];
    const e = stackEdge[top];
    if (e < firstEdge[v + 1]) {
      stackEdge[top] = e + 1;
      const w = edgeTo[e];
      const r = retains[edgeType[e]];
      if (dfnOf[w] !== NONE || r === 0 || (r === 2 && v !== root)) continue;
      visit(w, dfnOf[v]);
      stackNode[++top] = w;
      stackEdge[top] = firstEdge[w];
      continue;
    }
    if (top === 0) {
      // Before the root finishes, hang every unreached node under it.
      while (nextOrphan < n && dfnOf[nextOrphan] !== NONE) nextOrphan++;
      if (nextOrphan < n) {
        orphan[nextOrphan] = 1;
        visit(nextOrphan, 0);
        stackNode[1] = nextOrphan;
        stackEdge[1] = firstEdge[nextOrphan];
        top = 1;
        continue;
      }
    }
    top--;
  }
  return { vertex, dfnOf, parent, orphan };
}
