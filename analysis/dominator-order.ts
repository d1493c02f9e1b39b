import type { DominatorTree } from './dominators.ts';
import { arena } from './typed-arena.ts';

/**
 * Pre-order numbering of the dominator tree: node v's dominated subtree is exactly
 * order[pre[v] .. pre[v] + size[v]), which answers "does A dominate B" in O(1) and lets a
 * holder's retained objects be walked without recursion.
 */
export interface DominatorOrder {
  pre: Uint32Array;
  size: Uint32Array;
  order: Uint32Array;
}

export function dominatorOrder(dom: DominatorTree, root = 0): DominatorOrder {
  const n = dom.idom.length;
  const [childStart, fill, children, stack] = arena([['u32', n + 1], ['u32', n], ['u32', Math.max(0, n - 1)], ['u32', n]] as const);
  for (let v = 0; v < n; v++) if (v !== root) childStart[dom.idom[v] + 1]++;
  for (let v = 0; v < n; v++) childStart[v + 1] += childStart[v];
  fill.set(childStart.subarray(0, n));
  for (let v = 0; v < n; v++) if (v !== root) children[fill[dom.idom[v]]++] = v;
  const [pre, order] = arena([['u32', n], ['u32', n]] as const);
  let top = 0;
  let next = 0;
  stack[0] = root;
  while (top >= 0) {
    const v = stack[top--];
    pre[v] = next;
    order[next++] = v;
    for (let c = childStart[v + 1]; c > childStart[v]; c--) stack[++top] = children[c - 1];
  }
  // A dominated subtree is what its root alone keeps alive: its size is the retained count.
  return { pre, size: dom.retainedCount, order };
}

export function dominates(o: DominatorOrder, a: number, b: number): boolean {
  return o.pre[b] >= o.pre[a] && o.pre[b] < o.pre[a] + o.size[a];
}
