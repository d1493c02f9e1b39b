import { isLibraryScript } from './code-ownership.ts';
import { deltas } from './growth-candidates.ts';
import type { FinalGraph } from './final-graph.ts';
import { representativeClosure } from './holder-contents.ts';
import { handleOpeners } from './handle-words.ts';
import { callbackLocation, openerLocation } from './leak-location.ts';
import { globalHandlesPath, type HandleCandidate, type HandleGroup } from './open-handles.ts';
import { collapseRuns, pathSteps } from './path-steps.ts';
import type { Leak } from './report-types.ts';

/** How far from a handle's owner its callbacks are looked for: owner -> `_events` -> a list -> the function. */
const CALLBACK_DEPTH = 3;
/** Handles looked at, newest first, for a callback of the developer's. */
const CALLBACK_SAMPLE = 8;
/** Handles of a group checked for being kept by another group's objects. */
const FOLD_SAMPLE = 32;

/**
 * Suspects for handles opened and never closed, one per group, beside the growing holders found
 * in the program's own graph (`holders`). A group whose handles the objects of another one keep
 * (a connection's HTTP parser, a worker's message ports) grows because that one does: it is
 * named in the keeper's suspect, its bytes counted there, rather than as a suspect of its own.
 */
export function handleLeaks(g: FinalGraph, cands: HandleCandidate[], groups: HandleGroup[], holders: ReadonlySet<number>): Leak[] {
  // Another resource's callbacks (the server that accepted a connection) are not this one's.
  const resources = new Set(groups.flatMap((h) => [...h.members, ...h.owners.filter((o) => o >= 0)]));
  // Handles kept in a growing collection (`watchers.push(fs.watch(...))`, node:fs's own Map of
  // StatWatchers) are that collection's entries: it is the suspect, and says what it holds.
  const sorted = [...cands].filter((c) => !inCollection(g, c.group, holders)).sort((a, b) => gain(b) - gain(a) || a.group.members[0] - b.group.members[0]);
  // Groups that keep each other are both suspects: neither is plainly the other's part.
  const keeper = sorted.map((c, i) => sorted.findIndex((o, j) => j !== i && keptBy(g, c.group, o.group) && !keptBy(g, o.group, c.group)));
  // The keeper at the end of the chain; a group on a cycle of keepers stays a suspect itself.
  const top = (i: number) => {
    let j = i;
    for (let hops = 0; keeper[j] >= 0; hops++) {
      if (hops >= sorted.length) return i;
      j = keeper[j];
    }
    return j;
  };
  const merged = sorted.map((c) => ({ ...c, retained: [...c.retained], kept: [] as string[] }));
  sorted.forEach((c, i) => {
    const into = top(i);
    if (into === i) return;
    merged[into].kept.push(`${className(c.group)} handles`);
    c.retained.forEach((x, j) => (merged[into].retained[j] += x));
  });
  return merged.flatMap((c, i) => {
    if (top(i) !== i) return [];
    const leak = describeHandles(g, c, resources);
    return [c.kept.length > 0 ? { ...leak, alsoGrowing: c.kept } : leak];
  });
}

function describeHandles(g: FinalGraph, c: HandleCandidate, resources: ReadonlySet<number>): Leak {
  const { s } = g;
  const { group, counts, retained } = c;
  const newest = newestFirst(g, group);
  const at = newest[0];
  const member = group.members[at];
  const owner = group.owners[at];
  const root = globalHandlesPath(g.s, g.k);
  const nodes = [...root.nodes, member];
  const edges = [...root.edges, edgeBetween(g, root.nodes[root.nodes.length - 1], member)];
  if (owner >= 0) {
    nodes.push(owner);
    edges.push(edgeBetween(g, member, owner));
  }
  const steps = pathSteps(g, { nodes, edges });
  // The path a developer reads starts at Node's list of handles: the roots above it explain nothing.
  const from = steps.length - (owner >= 0 ? 3 : 2);
  const shown = [{ ...steps[from], edge: '', edgeType: '' }, ...steps.slice(from + 1)];
  const callback = appCallback(g, group, newest, resources);
  // No callback of the program's to point at (a channel with none, a blob: URL): where it opens them.
  const opens = callback < 0 ? handleOpeners({ name: className(group), handle: { className: group.handleClass } }) : null;
  const bytes = retained.map(Math.round);
  const last = counts.length - 1;
  const holder = root.nodes[root.nodes.length - 1];
  return {
    name: className(group),
    kind: 'handles',
    objectName: className(group),
    countsOf: 'entries',
    counts: [...counts],
    bytes,
    retainedBytes: bytes[last],
    growth: { perSnapshot: deltas(counts), bytesPerSnapshot: deltas(bytes) },
    retainerPath: collapseRuns(shown),
    fullRetainerPath: collapseRuns(steps),
    holder: { name: s.strings.get(s.nodeName[holder]), nodeName: s.strings.get(s.nodeName[holder]), nodeType: 'synthetic', edgeType: 'element', nodeId: s.nodeId[holder] },
    handle: { className: group.handleClass },
    location: callback >= 0 ? callbackLocation(g, callback) : opens ? openerLocation(g, opens) : null,
    instances: 1,
    score: 0,
    summary: '',
  };
}

/** What the developer was given: the owner's class (FSWatcher), else the handle's own (FSEvent). */
function className(group: HandleGroup): string {
  return group.ownerClass || group.handleClass;
}

function gain(c: HandleCandidate): number {
  return c.counts[c.counts.length - 1] - c.counts[0];
}

/** Indices into the group's members, newest object first (the id order is the allocation order). */
function newestFirst(g: FinalGraph, group: HandleGroup): number[] {
  const id = g.s.nodeId;
  return group.members.map((_, i) => i).sort((a, b) => id[group.members[b]] - id[group.members[a]]);
}

function edgeBetween(g: FinalGraph, from: number, to: number): number {
  const { s } = g;
  for (let e = s.firstEdge[from]; e < s.firstEdge[from + 1]; e++) if (s.edgeTo[e] === to) return e;
  return s.firstEdge[from];
}

/**
 * Whether most of the newest handles of `inner` are kept by the objects of `outer` the program
 * holds: its handles, their owners, or for handles with no owner, the objects of the same class
 * name that keep them (a JS Worker keeps Node's Worker handle as `[kHandle]`).
 */
function keptBy(g: FinalGraph, inner: HandleGroup, outer: HandleGroup): boolean {
  const { retStart, retFrom } = g.dom.retainers;
  const keepers = new Set([...outer.members, ...outer.owners.filter((o) => o >= 0)]);
  if (outer.ownerClass === '') for (const v of outer.members) for (const w of sameNamedKeepers(g, v)) keepers.add(w);
  const sample = newestFirst(g, inner).slice(0, FOLD_SAMPLE);
  let kept = 0;
  for (const i of sample) {
    const v = inner.members[i];
    for (let r = retStart[v]; r < retStart[v + 1]; r++) {
      if (keepers.has(retFrom[r])) {
        kept++;
        break;
      }
    }
  }
  return kept * 2 > sample.length;
}

/** Whether most of the newest owners (or handles) of the group are entries of one of `holders`: kept by it, or by its backing store. */
function inCollection(g: FinalGraph, group: HandleGroup, holders: ReadonlySet<number>): boolean {
  const { s } = g;
  const { retStart, retFrom } = g.dom.retainers;
  const keptHere = (v: number) => {
    for (let r = retStart[v]; r < retStart[v + 1]; r++) {
      const from = retFrom[r];
      if (holders.has(from)) return true;
      if (s.nodeType[from] !== s.types.hidden && s.nodeType[from] !== s.types.array) continue;
      for (let q = retStart[from]; q < retStart[from + 1]; q++) if (holders.has(retFrom[q])) return true;
    }
    return false;
  };
  const sample = newestFirst(g, group).slice(0, FOLD_SAMPLE);
  const kept = sample.filter((i) => keptHere(group.owners[i] >= 0 ? group.owners[i] : group.members[i])).length;
  return kept * 2 > sample.length;
}

/** Objects of the handle's own class name that keep it under a property: a JS class wrapping Node's handle of the same name (Worker). */
function sameNamedKeepers(g: FinalGraph, v: number): number[] {
  const { s } = g;
  const { retStart, retFrom } = g.dom.retainers;
  const out: number[] = [];
  for (let r = retStart[v]; r < retStart[v + 1]; r++) {
    const from = retFrom[r];
    if (s.nodeType[from] === s.types.object && s.nodeName[from] === s.nodeName[v] && from !== v) out.push(from);
  }
  return out;
}

/**
 * A function of the developer's that the newest handles keep (a watcher's "change" listener, a
 * server's request handler, a child's "exit" listener): the line that opened the handle is
 * usually next to it. Breadth first from the owner through properties and list elements, so a
 * listener is found before whatever it keeps, and not into other handles or their owners;
 * -1 when the handles keep only Node's functions.
 */
function appCallback(g: FinalGraph, group: HandleGroup, newest: number[], resources: ReadonlySet<number>): number {
  const { s, k } = g;
  const ty = s.types;
  for (const i of newest.slice(0, CALLBACK_SAMPLE)) {
    const member = group.members[i];
    const starts = group.owners[i] >= 0 ? [group.owners[i]] : [member, ...sameNamedKeepers(g, member)];
    const seen = new Set(starts);
    let frontier = starts;
    for (let depth = 0; depth < CALLBACK_DEPTH && frontier.length > 0; depth++) {
      const next: number[] = [];
      for (const v of frontier) {
        for (let e = s.firstEdge[v]; e < s.firstEdge[v + 1]; e++) {
          const t = s.edgeType[e];
          if (t !== ty.edgeElement && !(t === ty.edgeProperty && s.edgeName[e] !== k.proto && s.edgeName[e] !== k.constructorName)) continue;
          const w = s.edgeTo[e];
          if (seen.has(w) || resources.has(w)) continue;
          seen.add(w);
          if (s.nodeType[w] === ty.closure) {
            const fn = representativeClosure(g, [w]);
            const script = fn >= 0 ? g.scripts.scriptName(fn) : null;
            if (script && !isLibraryScript(script)) return fn;
          } else if (s.nodeType[w] === ty.object || s.nodeType[w] === ty.array) next.push(w);
        }
      }
      frontier = next;
    }
  }
  return -1;
}
