import type { HeapSnapshot } from './heap-snapshot.ts';
import { retainedRise, type Candidate } from './growth-candidates.ts';
import type { DominatorOrder } from './dominator-order.ts';
import { dominates } from './dominator-order.ts';

/**
 * Retained size rises along the whole dominator chain above a leak (context, module, global),
 * so a holder is judged on what is left of its growth once the growing holders below it are
 * taken out: a module context that only grows because its Map grows is dropped, one that also
 * grows through a variable of its own (a closure chain) stays, with that residue as its size.
 * In a chain of same-class links (a linked list) the topmost link stands for the chain:
 * either each link is dominated by the one before (Node's EventTarget listeners, one object
 * per listener), or the links in between are not holders but the growth is the same.
 */
const SAME_CHAIN = 0.8;

export function growthOf(c: Candidate): number {
  return c.retained[c.retained.length - 1] - c.retained[0];
}

export function selectHolders(s: HeapSnapshot, idom: Uint32Array, cands: Candidate[], order: DominatorOrder, minRetained: number): Candidate[] {
  const sorted = [...cands].sort((a, b) => order.pre[a.node] - order.pre[b.node]);
  const parent = new Int32Array(sorted.length).fill(-1);
  const stack: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    while (stack.length > 0 && !dominates(order, sorted[stack[stack.length - 1]].node, sorted[i].node)) stack.pop();
    if (stack.length > 0) parent[i] = stack[stack.length - 1];
    stack.push(i);
  }
  const rep = new Int32Array(sorted.length);
  const below = sorted.map((c) => ({ retained: c.retained.map(() => 0), count: c.count.map(() => 0) }));
  for (let i = 0; i < sorted.length; i++) {
    rep[i] = i;
    const p = parent[i];
    if (p < 0) continue;
    const c = sorted[i];
    const up = sorted[rep[p]];
    const sameClass = !c.byEntries && !up.byEntries && s.nodeName[c.node] === s.nodeName[up.node];
    // A slot candidate can sit on a node that is a candidate itself (sorted[p]): one link.
    const link = idom[c.node] === sorted[p].node || c.node === sorted[p].node;
    // A link that did not exist at the baseline holds only what came since: its growth is all it
    // holds, less than the chain's for links far enough down, and still the same chain.
    const chain = sameClass && (link || growthOf(c) >= SAME_CHAIN * growthOf(up) || c.retained[0] === 0);
    if (chain) {
      rep[i] = rep[p];
      continue;
    }
    const sum = below[rep[p]];
    c.retained.forEach((x, j) => (sum.retained[j] += x));
    c.count.forEach((x, j) => (sum.count[j] += x));
  }
  const kept: Candidate[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (rep[i] !== i) continue;
    const c = sorted[i];
    if (c.byEntries) {
      kept.push(c);
      continue;
    }
    const residue = {
      retained: c.retained.map((x, j) => x - below[i].retained[j]),
      count: c.count.map((x, j) => x - below[i].count[j]),
    };
    if (retainedRise(residue, minRetained)) kept.push({ ...c, retained: residue.retained, count: residue.count });
  }
  return kept;
}

/**
 * Whether a holder that grows in retained bytes alone gained nothing but V8's compiled code:
 * a prototype or a module whose functions the JIT optimizes as traffic warms them up keeps the
 * optimized code, its deoptimization data and its inline caches (nodes of type code). That
 * grows for a while and stops whatever the program keeps, so it is no leak (express-rate-limit
 * under fresh clients read as "Stream `__proto__.prototype` grew", all of it code). Objects
 * new since the baseline (odd ids: native nodes' ids are addresses) are weighed: code that is
 * half the growth or more, and less than a retained-only rise needs of anything else.
 */
export function onlyCompiledCode(s: HeapSnapshot, order: DominatorOrder, c: Candidate, baselineMaxId: number, minRetained: number): boolean {
  if (c.byEntries) return false;
  let code = 0;
  let other = 0;
  const end = order.pre[c.node] + order.size[c.node];
  for (let i = order.pre[c.node]; i < end; i++) {
    const v = order.order[i];
    const id = s.nodeId[v];
    if ((id & 1) === 0 || id <= baselineMaxId) continue;
    if (s.nodeType[v] === s.types.code) code += s.selfSize[v];
    else if ((other += s.selfSize[v]) >= minRetained) return false;
  }
  return code * 2 >= growthOf(c);
}
