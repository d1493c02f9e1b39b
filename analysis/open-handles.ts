import type { DominatorTree } from './dominators.ts';
import type { EarlierView, WatchList } from './earlier-map.ts';
import { fairShares, MIN_ENTRY_GROWTH, MIN_KEPT, rising } from './growth-candidates.ts';
import { edgeTarget, type HeapSnapshot } from './heap-snapshot.ts';
import type { KnownStrings } from './known-strings.ts';

/**
 * Node keeps every open handle (a watcher, a server, a socket, a child process) alive from a
 * root of its own, `(Global handles)`, whether or not the program still refers to it, until it
 * is closed. A handle opened per request and never closed is a leak with no collection of the
 * program's in sight: what grows is that root's list, one handle object per open resource, each
 * keeping its owner (the FSWatcher, Server or Socket the program was given) and whatever the
 * owner's listeners keep.
 */
export interface HandleGroup {
  /** The handle's class (`FSEvent`, `TCP`) and its owner's (`FSWatcher`, `Server`), '' when it has none. */
  handleClass: string;
  ownerClass: string;
  /** The handle objects of this class and owner class, in ordinal order. */
  members: number[];
  /** Each member's owner (its `owner_symbol`), or -1. */
  owners: number[];
  /** The handle class's (type, name) signature, to count its objects in earlier snapshots. */
  sig: number;
}

/** A group whose open handles rose in every interval, and kept the ones they had. */
export interface HandleCandidate {
  group: HandleGroup;
  /** Open handles of the group in each snapshot (those still open at the end, as of then). */
  counts: number[];
  retained: number[];
}

/** Every object `(Global handles)` keeps, grouped by its class and its owner's. */
export function handleGroups(s: HeapSnapshot, k: KnownStrings, sigOf: Uint32Array): HandleGroup[] {
  const root = globalHandles(s, k);
  if (root < 0) return [];
  const groups = new Map<string, HandleGroup>();
  const seen = new Set<number>();
  for (let e = s.firstEdge[root]; e < s.firstEdge[root + 1]; e++) {
    const v = s.edgeTo[e];
    // A weak global handle (a ConnectionsList, a WeakReference's target) keeps nothing alive.
    if (s.edgeType[e] === s.types.edgeWeak || s.nodeType[v] !== s.types.object || seen.has(v)) continue;
    seen.add(v);
    const owner = k.ownerSymbol >= 0 ? edgeTarget(s, v, s.types.edgeProperty, k.ownerSymbol) : -1;
    const handleClass = s.strings.get(s.nodeName[v]);
    const ownerClass = owner >= 0 ? s.strings.get(s.nodeName[owner]) : '';
    const key = `${handleClass}\u0000${ownerClass}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { handleClass, ownerClass, members: [], owners: [], sig: sigOf[v] }));
    g.members.push(v);
    g.owners.push(owner);
  }
  return [...groups.values()];
}

/** A group with enough handles to have grown by MIN_ENTRY_GROWTH: the only ones that can be suspects. */
function large(g: HandleGroup): boolean {
  return g.members.length >= MIN_ENTRY_GROWTH;
}

/**
 * The handles to follow into earlier snapshots: every handle of a class that has a group large
 * enough to have grown (the class's other groups count in how many of its handles stay open).
 */
export function watchedHandles(groups: HandleGroup[]): number[] {
  const big = new Set(groups.filter(large).map((g) => g.sig));
  return groups.filter((g) => big.has(g.sig)).flatMap((g) => g.members);
}

/**
 * The signature per group whose objects are worth counting in every snapshot (a group large
 * enough to have grown), -1 for the others: most heaps have none, and the count is then free.
 */
export function countedSignatures(groups: HandleGroup[]): number[] {
  return groups.map((g) => (large(g) ? g.sig : -1));
}

/**
 * How many objects of each signature in `sigs` a snapshot has (`sig` per node or BFS position),
 * 0 for -1. A handful of signatures at most, compared in a tight loop: a Map lookup per node
 * costs a tenth of a second on a 300 MB snapshot.
 */
export function countSignatures(sig: Uint32Array, sigs: readonly number[]): number[] {
  const wanted = Uint32Array.from(new Set(sigs.filter((x) => x >= 0)));
  const counts = new Uint32Array(wanted.length);
  if (wanted.length > 0) {
    for (let p = 0; p < sig.length; p++) {
      const x = sig[p];
      for (let i = 0; i < wanted.length; i++) if (wanted[i] === x) counts[i]++;
    }
  }
  return sigs.map((x) => (x < 0 ? 0 : counts[wanted.indexOf(x)]));
}

/**
 * Groups whose open handles rose in every interval by a fair share of their growth. Counts are
 * of the handles still open at the end (those are the ones that leak); to tell a leak from a
 * pool that keeps its size while it rotates its members (whose survivors also look like a
 * rising count), the handle class's objects must rise in every snapshot too, and most of the
 * baseline's must still be open. Objects are counted by (type, name) signature, which a
 * handle's class may share with the object it is given (Node's Worker and StatWatcher wraps
 * share their JS class's name): the baseline's handles are estimated by the final snapshot's
 * share of handles among them.
 */
export function findHandleCandidates(
  groups: HandleGroup[],
  earlier: EarlierView[],
  /**
   * Per snapshot, earlier ones and then the last, its object count for each group's `sig`, as
   * `countSignatures` gives for `countedSignatures(groups)`.
   */
  classCounts: number[][],
  watch: WatchList,
  dom: DominatorTree,
): HandleCandidate[] {
  const out: HandleCandidate[] = [];
  groups.forEach((g, gi) => {
    if (!large(g)) return;
    const counts = earlier.map(() => 0);
    const retained = earlier.map(() => 0);
    for (const v of g.members) {
      const row = watch.slot[v];
      if (row < 0) continue;
      earlier.forEach((e, i) => {
        if (e.exists[row] === 0) return;
        counts[i]++;
        retained[i] += e.retained[row];
      });
    }
    counts.push(g.members.length);
    retained.push(g.members.reduce((a, v) => a + dom.retainedSize[v], 0));
    const ofClass = classCounts.map((c) => c[gi]);
    const gained = counts[counts.length - 1] - counts[0] >= MIN_ENTRY_GROWTH;
    if (!gained || !rising(counts) || !fairShares(counts) || !rising(retained) || !rising(ofClass)) return;
    // Of the class's handles at the baseline, how many are still open at the end.
    const openNow = groups.reduce((a, h) => a + (h.sig === g.sig ? h.members.length : 0), 0);
    const atBaseline = ofClass[0] * Math.min(1, openNow / ofClass[ofClass.length - 1]);
    const keptAtBaseline = groups.reduce((a, h) => a + (h.sig === g.sig ? survivorsAt(h, earlier[0], watch) : 0), 0);
    if (atBaseline >= MIN_KEPT_SAMPLE && keptAtBaseline / atBaseline < MIN_KEPT) return;
    out.push({ group: g, counts, retained });
  });
  return out;
}

const MIN_KEPT_SAMPLE = 16;

function survivorsAt(g: HandleGroup, base: EarlierView, watch: WatchList): number {
  let n = 0;
  for (const v of g.members) {
    const row = watch.slot[v];
    if (row >= 0 && base.exists[row] === 1) n++;
  }
  return n;
}

/** The `(Global handles)` root, a child of `(GC roots)`, or -1. */
export function globalHandles(s: HeapSnapshot, k: KnownStrings): number {
  const { nodes } = globalHandlesPath(s, k);
  return nodes.length > 0 ? nodes[nodes.length - 1] : -1;
}

/** The path from the snapshot's root to `(Global handles)`: empty when the snapshot has none. */
export function globalHandlesPath(s: HeapSnapshot, k: KnownStrings): { nodes: number[]; edges: number[] } {
  return rootPath(s, k.globalHandles);
}

/** The path from the snapshot's root to the synthetic root named `name` under `(GC roots)`: empty when there is none. */
export function rootPath(s: HeapSnapshot, name: number): { nodes: number[]; edges: number[] } {
  if (name < 0) return { nodes: [], edges: [] };
  for (let e = s.firstEdge[0]; e < s.firstEdge[1]; e++) {
    const r = s.edgeTo[e];
    for (let f = s.firstEdge[r]; f < s.firstEdge[r + 1]; f++) {
      const v = s.edgeTo[f];
      if (s.nodeType[v] === s.types.synthetic && s.nodeName[v] === name) return { nodes: [r, v], edges: [e, f] };
    }
  }
  return { nodes: [], edges: [] };
}
