import { edgeNameIsIndex, edgeNameOf, edgeTarget, nodeNameOf } from './heap-snapshot.ts';
import type { Candidate } from './growth-candidates.ts';
import { growthOf } from './candidate-selection.ts';
import type { FinalGraph } from './final-graph.ts';
import { dominantClass, entryTargets, newRetained, representativeClosure } from './holder-contents.ts';
import { locateLeak } from './leak-location.ts';
import { exportNameOfCell, nameHolder, pathName } from './leak-naming.ts';
import { pathNodes } from './retainer-paths.ts';
import type { Leak, PathStep } from './report-types.ts';
import { scoreLeak } from './leak-score.ts';
import { summarizeLeak } from './leak-summary.ts';

/** Turns surviving candidates into reported leaks, merging holders that share a retainer path. */
export function buildLeaks(g: FinalGraph, cands: Candidate[], ctx: { minBytes: number; heapGrowth: number }): Leak[] {
  const groups = new Map<string, { leak: Leak; growth: number }>();
  const totalGrowth = Math.max(ctx.heapGrowth, cands.reduce((a, c) => a + Math.max(0, growthOf(c)), 0), 1);
  for (const c of [...cands].sort((a, b) => growthOf(b) - growthOf(a) || a.id - b.id)) {
    const path = pathNodes(g.paths, c.node);
    if (path.nodes.length === 0) continue;
    const steps = pathSteps(g, path);
    const key = signature(steps);
    const prev = groups.get(key);
    if (prev) {
      mergeInto(prev.leak, c);
      prev.growth += growthOf(c);
      continue;
    }
    groups.set(key, { leak: describe(g, c, path, steps), growth: growthOf(c) });
  }
  const leaks: Leak[] = [];
  for (const { leak } of groups.values()) {
    leak.score = scoreLeak(leak, { minBytes: ctx.minBytes, totalGrowth });
    leak.summary = summarizeLeak(leak);
    leaks.push(leak);
  }
  return leaks.sort(
    (a, b) => b.score - a.score || totalOf(b.growth.bytesPerSnapshot) - totalOf(a.growth.bytesPerSnapshot) || a.holder.nodeId - b.holder.nodeId,
  );
}

function describe(g: FinalGraph, c: Candidate, path: { nodes: number[]; edges: number[] }, steps: PathStep[]): Leak {
  const { s, k } = g;
  const naming = nameHolder(g, path, c.slot !== undefined);
  const holderNode = c.slot ? c.slot.holder : c.node;
  const entries = entryTargets(g, c.node);
  const fresh = entries.filter((v) => s.nodeId[v] > g.baselineMaxId);
  let grown = c.byEntries && fresh.length > 0 ? fresh : newRetained(g, naming.slotTarget >= 0 ? naming.slotTarget : c.node);
  if (naming.slotTarget >= 0 && s.nodeId[naming.slotTarget] > g.baselineMaxId) grown = [naming.slotTarget, ...grown];
  if (naming.kind === 'timers') {
    const first = edgeTarget(s, c.node, s.types.edgeProperty, k.idleNext);
    grown = first >= 0 ? [first, ...grown] : grown;
  }
  const closure = representativeClosure(g, grown);
  if (naming.kind === 'timers') naming.name = timerName(g, c.node, closure);
  const useEntries = c.byEntries;
  const counts = useEntries ? c.entries : c.count;
  return {
    name: naming.name || nodeNameOf(s, c.node),
    kind: naming.kind,
    objectName: dominantClass(g, grown) ?? 'Object',
    countsOf: useEntries ? 'entries' : 'retained objects',
    counts: [...counts],
    bytes: c.retained.map(Math.round),
    retainedBytes: Math.round(c.retained[c.retained.length - 1]),
    growth: { perSnapshot: deltas(counts), bytesPerSnapshot: deltas(c.retained).map(Math.round) },
    retainerPath: collapseRuns(shownPath(g, path, steps)),
    fullRetainerPath: collapseRuns(steps),
    holder: {
      name: naming.holderName || naming.name || nodeNameOf(s, c.node),
      nodeName: nodeNameOf(s, holderNode),
      nodeType: s.nodeTypeNames[s.nodeType[holderNode]] ?? '',
      edgeType: naming.edgeType,
      nodeId: s.nodeId[holderNode],
    },
    location: locateLeak(g, path, naming, closure),
    ...(naming.kind === 'listeners' && path.nodes.length >= 3 ? { owner: naming.owner ?? pathName(g, path, path.nodes.length - 3) } : {}),
    instances: 1,
    score: 0,
    summary: '',
  };
}

/** Timers are grepped by their callback; fall back to the interval they were scheduled with. */
function timerName(g: FinalGraph, list: number, callback: number): string {
  const { s } = g;
  const fn = callback >= 0 ? nodeNameOf(s, callback) : '';
  if (fn) return fn;
  const { retStart, retFrom } = g.dom.retainers;
  for (let r = retStart[list]; r < retStart[list + 1]; r++) {
    const from = retFrom[r];
    for (let e = s.firstEdge[from]; e < s.firstEdge[from + 1]; e++) {
      if (s.edgeTo[e] === list && s.edgeType[e] === s.types.edgeElement) return `timers every ${s.edgeName[e]} ms`;
    }
  }
  return 'timers';
}

function pathSteps(g: FinalGraph, path: { nodes: number[]; edges: number[] }): PathStep[] {
  const { s } = g;
  return path.nodes.map((v, i) => {
    const e = path.edges[i];
    const name = edgeNameOf(s, e);
    return {
      edge: edgeNameIsIndex(s, e) ? `[${name}]` : name,
      edgeType: s.edgeTypeNames[s.edgeType[e]] ?? '',
      node: shortName(nodeNameOf(s, v)),
      nodeType: s.nodeTypeNames[s.nodeType[v]] ?? '',
      nodeId: s.nodeId[v],
    };
  });
}

/**
 * The path as a developer reads it. An ES module's top-level scope or exports anchor it: how
 * the module itself is reached (through V8's module records, or through any closure that
 * captured its scope) explains nothing, so the path starts at the module nearest the holder,
 * and an export (held by a Cell, `value`, an internal edge) shows as an `export` step under
 * its name. Otherwise it starts at the first object that holds something under a name (a
 * variable, a property) rather than at V8's roots: the synthetic root, (GC roots), (Global
 * handles), native wrappers and their numbered slots explain nothing either. The first shown
 * step has no incoming edge, like a root.
 */
function shownPath(g: FinalGraph, path: { nodes: number[]; edges: number[] }, steps: PathStep[]): PathStep[] {
  const { s, k } = g;
  const ty = s.types;
  const from = (i: number) => ({ ...steps[i], edge: '', edgeType: '' });
  for (let i = path.nodes.length - 1; i >= 1; i--) {
    const holder = path.nodes[i - 1];
    const e = path.edges[i];
    const et = s.edgeType[e];
    if (et === ty.edgeInternal && s.edgeName[e] === k.value && s.nodeName[holder] === k.systemCell) {
      const exported = exportNameOfCell(g, holder, i > 1 ? path.nodes[i - 2] : -1);
      // Cell <- exports table <- SourceTextModule, when the path came that way.
      const module = i >= 3 && nodeNameOf(s, path.nodes[i - 3]) === 'system / SourceTextModule' ? i - 3 : i - 1;
      if (exported) return [from(module), { ...steps[i], edge: exported, edgeType: 'export' }, ...steps.slice(i + 1)];
    }
    if (et === ty.edgeContext && isModuleScope(g, holder)) return [from(i - 1), ...steps.slice(i)];
  }
  for (let i = 1; i < path.nodes.length; i++) {
    const t = s.nodeType[path.nodes[i - 1]];
    if (t === ty.synthetic || t === ty.native || t === ty.hidden || t === ty.code) continue;
    const et = s.edgeType[path.edges[i]];
    const named = et === ty.edgeContext || et === ty.edgeShortcut || (et === ty.edgeProperty && !/^(?:\d+|<symbol.*)$/.test(steps[i].edge));
    if (named) return [from(i - 1), ...steps.slice(i)];
  }
  return steps;
}

/** An ES module's top-level Context: its `extension` is the module record. */
function isModuleScope(g: FinalGraph, v: number): boolean {
  const { s, k } = g;
  if (s.nodeName[v] !== k.systemContext) return false;
  const module = edgeTarget(s, v, s.types.edgeInternal, k.extension);
  return module >= 0 && nodeNameOf(s, module) === 'system / SourceTextModule';
}

/** A run of identical steps (a path down a linked list, thousands of `next` links) as one step with `repeat`. */
export function collapseRuns(steps: PathStep[]): PathStep[] {
  const out: PathStep[] = [];
  const same = (a: PathStep, b: PathStep) => a.edge === b.edge && a.edgeType === b.edgeType && a.node === b.node && a.nodeType === b.nodeType;
  for (let i = 0; i < steps.length; ) {
    let j = i + 1;
    while (j < steps.length && same(steps[i], steps[j])) j++;
    // Two in a row read fine as they are.
    if (j - i >= 3) out.push({ ...steps[i], repeat: j - i });
    else out.push(...steps.slice(i, j));
    i = j;
  }
  return out;
}

/** Same path up to indices and keys: one holder per user, per request id... */
function signature(steps: PathStep[]): string {
  return steps.map((p) => `${p.edgeType}:${/^\[?\d+\]?$/.test(p.edge) ? '#' : p.edge}>${p.nodeType}:${p.nodeType === 'string' ? '' : p.node}`).join('/');
}

function mergeInto(leak: Leak, c: Candidate): void {
  const counts = leak.countsOf === 'entries' ? c.entries : c.count;
  leak.counts = leak.counts.map((x, i) => x + (counts[i] ?? 0));
  leak.bytes = leak.bytes.map((x, i) => x + Math.round(c.retained[i] ?? 0));
  leak.retainedBytes = leak.bytes[leak.bytes.length - 1];
  leak.growth = { perSnapshot: deltas(leak.counts), bytesPerSnapshot: deltas(leak.bytes) };
  leak.instances++;
}

function deltas(xs: number[]): number[] {
  return xs.slice(1).map((x, i) => x - xs[i]);
}

function totalOf(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function shortName(name: string): string {
  const flat = name.replace(/\s+/g, ' ');
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}
