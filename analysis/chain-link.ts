import type { FinalGraph } from './final-graph.ts';
import { pathSteps } from './path-steps.ts';
import { proxyField } from './proxy-fields.ts';
import type { PathStep } from './report-types.ts';
import { retainingByType } from './retainers.ts';

/** Links are a few steps long (`context -> prev`, `someMethod -> context -> originalThing`). */
const MAX_DEPTH = 5;
const MAX_VISITS = 4096;

export interface ChainLink {
  /** From the current value down to the older value of the same kind it keeps alive. */
  steps: PathStep[];
  /** The scope and variable of the link's last context step, where the chain is made, or -1. */
  context: number;
  variable: string;
}

/**
 * A variable whose every new value keeps the previous one alive (`const prev = last; last = () =>
 * prev()`, or Meteor's `theThing` kept through a closure's shared scope) grows as a chain.
 * The link, the few steps from one value to the older value of the same kind under it, is what
 * a developer has to cut; the variable itself only names the chain's head. Breadth first, so
 * the shortest link; strong edges only, inside what the value alone keeps alive.
 */
export function chainLink(g: FinalGraph, head: number): ChainLink | null {
  const { s, order } = g;
  const retains = retainingByType(s);
  const inside = (v: number) => order.pre[v] > order.pre[head] && order.pre[v] < order.pre[head] + order.size[head];
  const parentNode = new Map<number, number>([[head, -1]]);
  const parentEdge = new Map<number, number>();
  let frontier = [head];
  for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth++) {
    const next: number[] = [];
    for (const v of frontier) {
      for (let e = s.firstEdge[v]; e < s.firstEdge[v + 1]; e++) {
        // A value with a million elements is a collection, not a link: stop looking early.
        if (parentNode.size >= MAX_VISITS) return null;
        const w = s.edgeTo[e];
        if (retains[s.edgeType[e]] !== 1 || parentNode.has(w) || !inside(w)) continue;
        parentNode.set(w, v);
        parentEdge.set(w, e);
        if (sameKind(g, w, head)) {
          const link = linkTo(g, head, w, parentNode, parentEdge);
          if (link) return link;
        }
        next.push(w);
      }
    }
    frontier = next;
  }
  return null;
}

function sameKind(g: FinalGraph, a: number, b: number): boolean {
  return g.s.nodeType[a] === g.s.nodeType[b] && g.s.nodeName[a] === g.s.nodeName[b];
}

function linkTo(g: FinalGraph, head: number, older: number, parentNode: Map<number, number>, parentEdge: Map<number, number>): ChainLink | null {
  const { s } = g;
  const nodes: number[] = [];
  const edges: number[] = [];
  for (let v = older; parentNode.get(v) !== -1; v = parentNode.get(v) as number) {
    nodes.push(v);
    edges.push(parentEdge.get(v) as number);
  }
  nodes.reverse();
  edges.reverse();
  // V8's own links (a cons string's `first`, a backing store) are not something to cut in code.
  // A scope's variables are `hidden` edges where V8 kept no name for them (block scopes).
  const sourceOf = (i: number) => (i === 0 ? head : nodes[i - 1]);
  const isVariable = (i: number) => s.edgeType[edges[i]] === s.types.edgeHidden && s.nodeName[sourceOf(i)] === g.k.systemContext;
  // `new Proxy(previous, handler)` links the values as surely as a property would.
  const isTarget = (i: number) => proxyField(g, sourceOf(i), edges[i]) === 'target';
  const named = edges.some((e, i) => s.edgeType[e] === s.types.edgeContext || s.edgeType[e] === s.types.edgeProperty || isVariable(i) || isTarget(i));
  if (!named) return null;
  // Ids are handed out in the order a snapshot meets new objects, not in allocation order, so
  // "older" cannot be read from them: a chain is a link that repeats (head -> older -> oldest).
  const again = follow(g, older, edges);
  if (again < 0 || again === head || !sameKind(g, again, head)) return null;
  let context = -1;
  let variable = '';
  for (let i = edges.length - 1; i >= 0 && context < 0; i--) {
    if (s.edgeType[edges[i]] !== s.types.edgeContext) continue;
    context = sourceOf(i);
    variable = s.strings.get(s.edgeName[edges[i]]);
  }
  return { steps: pathSteps(g, { nodes, edges }, head), context, variable };
}

/** Follows the same named edges from `v` as `edges` took from the head; -1 where one is missing. */
function follow(g: FinalGraph, v: number, edges: number[]): number {
  const { s } = g;
  for (const e of edges) {
    let next = -1;
    for (let f = s.firstEdge[v]; f < s.firstEdge[v + 1] && next < 0; f++) {
      if (s.edgeType[f] === s.edgeType[e] && s.edgeName[f] === s.edgeName[e]) next = s.edgeTo[f];
    }
    if (next < 0) return -1;
    v = next;
  }
  return v;
}
