import type { HeapSnapshot } from './heap-snapshot.ts';
import { edgeNameOf, nodeNameOf } from './heap-snapshot.ts';
import { arena } from './typed-arena.ts';

/**
 * Cheapest retaining paths from the root, by Dial's bucket queue over small integer edge
 * costs. Weak edges are never followed. Paths prefer user-meaningful steps (variables,
 * properties, elements) over internal links through code, maps and feedback, and prefer
 * ordinary roots over V8's bookkeeping roots (string table, compilation cache, builtins):
 * those roots are only opened, tier by tier, for nodes nothing better reaches.
 */
const NONE = 0xffffffff;
const BUCKETS = 64;
/** Costs are in quarter hops, so a tie-break can cost less than a hop. */
const HOP = 4;
/** Hops added to a step through code (a function's code, a hidden class, a constant its optimized code embeds). */
const CODE_DETOUR = 6;

// The stack holds what running code holds (a `main()` or a top-level async function still
// running, and the module scope its frame keeps); handle scopes and strong roots hold what V8's
// own C++ code touched while writing the snapshot, which says nothing to a developer.
const TIER_1 = new Set(['(Stack roots)']);
const TIER_2 = new Set(['(Handle scope)', '(Strong roots)']);
const TIER_3 = new Set([
  '(Internalized strings)', '(External strings)', '(Read-only roots)', '(Smi roots)', '(Bootstrapper)',
  '(Relocatable)', '(Debugger)', '(Compilation cache)', '(Builtins)', '(Thread manager)', '(Extensions)',
  '(Code flusher)', '(Startup object cache)', '(Read-only object cache)', '(Shareable object cache)',
  '(Weak collections)', '(Write barrier)', '(Retain maps)', '(Client heap)', '(Unknown)', '(Wrapper tracing)',
]);

export interface RetainerTree {
  dist: Uint32Array;
  parentNode: Uint32Array;
  parentEdge: Uint32Array;
}

/**
 * With `targets`, stops as soon as every target is settled: their paths are final then (later
 * nodes and later root tiers only come at a higher cost), and the rest of the heap is not
 * needed. Other nodes' entries may then be unset.
 */
export function shortestRetainers(s: HeapSnapshot, root = 0, targets?: readonly number[]): RetainerTree {
  const n = s.nodeCount;
  const isTarget = new Uint8Array(targets ? n : 0);
  let unsettled = 0;
  for (const t of targets ?? []) {
    if (isTarget[t] === 0) unsettled++;
    isTarget[t] = 1;
  }
  const [dist, parentNode, parentEdge] = arena([['u32', n], ['u32', n], ['u32', n]] as const);
  dist.fill(NONE);
  parentNode.fill(NONE);
  parentEdge.fill(NONE);
  const tier = rootTiers(s, root);
  const events = s.strings.indexOf('_events');
  const stack = stackRoots(s, root);
  // FIFO within a bucket so that, among equally cheap paths, the first edge found wins.
  const buckets: number[][] = Array.from({ length: BUCKETS }, () => []);
  const cursor = new Uint32Array(BUCKETS);
  let pending = 0;
  const push = (v: number, d: number) => {
    buckets[d % BUCKETS].push(v);
    pending++;
  };
  dist[root] = 0;
  push(root, 0);
  let d = 0;
  for (let phase = 0; phase <= 3; phase++) {
    if (phase > 0) {
      // Open the next tier of bookkeeping roots at the current frontier distance.
      for (let v = 0; v < n; v++) {
        if (tier[v] === phase && dist[v] === NONE && parentNode[v] !== NONE) {
          dist[v] = d;
          push(v, d);
        }
      }
    }
    while (pending > 0) {
      const b = d % BUCKETS;
      const bucket = buckets[b];
      if (cursor[b] === bucket.length) {
        bucket.length = 0;
        cursor[b] = 0;
        d++;
        continue;
      }
      const v = bucket[cursor[b]++];
      pending--;
      if (dist[v] !== d) continue;
      if (targets && isTarget[v] === 1) {
        // Settled once: a node can sit in several buckets, but only one pop has dist[v] === d.
        isTarget[v] = 2;
        if (--unsettled === 0) return { dist, parentNode, parentEdge };
      }
      for (let e = s.firstEdge[v]; e < s.firstEdge[v + 1]; e++) {
        const w = s.edgeTo[e];
        const cost = edgeCost(s, v, e, w, root, events, stack);
        if (cost === 0) continue;
        if (tier[w] > phase) {
          // Remember how the deferred root hangs off its parent; open it in a later phase.
          if (parentNode[w] === NONE) {
            parentNode[w] = v;
            parentEdge[w] = e;
          }
          continue;
        }
        const nd = d + cost;
        if (nd < dist[w]) {
          dist[w] = nd;
          parentNode[w] = v;
          parentEdge[w] = e;
          push(w, nd);
        }
      }
    }
  }
  return { dist, parentNode, parentEdge };
}

/** 0 means "do not follow". */
function edgeCost(s: HeapSnapshot, from: number, e: number, to: number, root: number, events: number, stack: number): number {
  const t = s.edgeType[e];
  const ty = s.types;
  if (t === ty.edgeWeak) return 0;
  if (t === ty.edgeShortcut && from !== root) return 0;
  let cost = t === ty.edgeInternal ? 2 : t === ty.edgeHidden ? 3 : 1;
  const nt = s.nodeType[to];
  if (nt === ty.code || nt === ty.objectShape) cost += CODE_DETOUR;
  else if (nt === ty.hidden) cost += 3;
  if (from === stack && deoptimizationLiteral(s, e)) cost += CODE_DETOUR;
  // Between paths of equal length, one through an emitter's listener table (process._events,
  // a server's 'request' handler) explains less than one through a module scope or a router.
  return cost * HOP + (t === ty.edgeProperty && s.edgeName[e] === events ? 2 : 0);
}

/** The `(Stack roots)` node, or -1. */
function stackRoots(s: HeapSnapshot, root: number): number {
  for (let e = s.firstEdge[root]; e < s.firstEdge[root + 1]; e++) {
    const gcRoots = s.edgeTo[e];
    for (let f = s.firstEdge[gcRoots]; f < s.firstEdge[gcRoots + 1]; f++) if (nodeNameOf(s, s.edgeTo[f]) === '(Stack roots)') return s.edgeTo[f];
  }
  return -1;
}

/**
 * A stack frame's edge to a constant its optimized code embeds (`19 / deoptimization literal`):
 * whether the JIT optimized a function decides it, from run to run, and it says no more than a
 * step through code does; the frame's scope and variables say what the function holds.
 */
function deoptimizationLiteral(s: HeapSnapshot, e: number): boolean {
  return s.edgeType[e] === s.types.edgeInternal && edgeNameOf(s, e).endsWith(' / deoptimization literal');
}

function rootTiers(s: HeapSnapshot, root: number): Uint8Array {
  const tier = new Uint8Array(s.nodeCount);
  for (let e = s.firstEdge[root]; e < s.firstEdge[root + 1]; e++) {
    const gcRoots = s.edgeTo[e];
    if (s.nodeType[gcRoots] !== s.types.synthetic) continue;
    for (let f = s.firstEdge[gcRoots]; f < s.firstEdge[gcRoots + 1]; f++) {
      const sub = s.edgeTo[f];
      if (s.nodeType[sub] !== s.types.synthetic) continue;
      const name = nodeNameOf(s, sub);
      if (TIER_3.has(name)) tier[sub] = 3;
      else if (TIER_2.has(name)) tier[sub] = 2;
      else if (TIER_1.has(name)) tier[sub] = 1;
    }
  }
  return tier;
}

/** Node ordinals from the root down to `node` (empty when unreachable). */
export function pathNodes(tree: RetainerTree, node: number, root = 0): { nodes: number[]; edges: number[] } {
  const nodes: number[] = [];
  const edges: number[] = [];
  let v = node;
  let guard = tree.dist.length + 1;
  while (v !== root && v !== NONE && guard-- > 0) {
    nodes.push(v);
    edges.push(tree.parentEdge[v]);
    v = tree.parentNode[v];
  }
  if (v !== root) return { nodes: [], edges: [] };
  return { nodes: nodes.reverse(), edges: edges.reverse() };
}
