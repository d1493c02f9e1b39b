import { quoteKey, shorten } from './format.ts';
import { userModuleFile } from './code-ownership.ts';
import { displayPath } from './source-files.ts';
import { edgeNameIsIndex, edgeNameOf, nodeNameOf } from './heap-snapshot.ts';
import { asyncFrame } from './async-frame.ts';
import type { FinalGraph } from './final-graph.ts';
import { mapKeyAt, objectKeyLabelAt } from './leak-naming.ts';
import { exportNameOfCell } from './module-exports.ts';
import { pathKeeper } from './path-keeper.ts';
import { PROXY, proxyField } from './proxy-fields.ts';
import { hiddenSlotName } from './scope-slot-name.ts';
import type { PathStep } from './report-types.ts';
import { isModuleScope, scopeName } from './scopes.ts';

/**
 * A retainer path as the report gives it: one named step per edge (index edges as `[3]`, long
 * node names cut, scopes as `(module scope)` or `(function scope)`), then the part a developer reads (shownPath) with runs of links folded.
 */
export function pathSteps(g: FinalGraph, path: { nodes: number[]; edges: number[] }, from = -1): PathStep[] {
  const { s } = g;
  return path.nodes.map((v, i) => {
    const e = path.edges[i];
    // The first edge's source is the root, or for a part of a path (a chain's link) `from`.
    const source = i >= 1 ? path.nodes[i - 1] : from;
    const name = edgeNameOf(s, e);
    const text = mapKeyAt(g, path, i);
    const key = text !== null ? quoteKey(text) : objectKeyLabelAt(g, path, i);
    // A block scope's variable that the snapshot left unnamed, named from the source.
    const slot = source >= 0 && s.edgeType[e] === s.types.edgeHidden ? hiddenSlotName(g, source, s.edgeName[e]) : null;
    const proxy = source >= 0 ? proxyField(g, source, e) : null;
    return {
      edge: key !== null ? `get(${key})` : slot ?? proxy ?? (edgeNameIsIndex(s, e) ? `[${name}]` : ephemeronName(name)),
      edgeType: key !== null ? 'map value' : slot ? 'context' : proxy ? 'proxy' : (s.edgeTypeNames[s.edgeType[e]] ?? ''),
      node: scopeLabel(g, v) ?? (s.nodeName[v] === g.k.jsProxy ? PROXY : shortName(nodeNameOf(s, v))),
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
export function shownPath(g: FinalGraph, path: { nodes: number[]; edges: number[] }, steps: PathStep[], kept = pathKeeper(g, path)): PathStep[] {
  const { s, k } = g;
  const ty = s.types;
  const from = (i: number) => ({ ...steps[i], edge: '', edgeType: '' });
  // A suspended function's frame explains the holder; how the frame is reached (the promise an
  // async function awaits, that promise's reactions) does not, unless a variable names it.
  const frame = asyncFrame(g, path);
  if (frame) {
    const shown = { ...steps[frame.at], node: `suspended ${frame.name || '(anonymous)'}()` };
    const into = s.edgeType[path.edges[frame.at]];
    if (frame.at >= 1 && (into === ty.edgeContext || into === ty.edgeProperty)) return [from(frame.at - 1), shown, ...steps.slice(frame.at + 1)];
    return [{ ...shown, edge: '', edgeType: '' }, ...steps.slice(frame.at + 1)];
  }
  // Reached through Node's or a library's plumbing (a cache's sweep timer, a registry), the
  // holder's owner is shown from where the developer's code keeps it; the path as found stays
  // in fullRetainerPath.
  if (kept) {
    const { at, from: keeper, edge } = kept;
    const head = { edge: '', edgeType: '', node: scopeLabel(g, keeper) ?? shortName(nodeNameOf(s, keeper)), nodeType: s.nodeTypeNames[s.nodeType[keeper]] ?? '', nodeId: s.nodeId[keeper] };
    return [head, { ...steps[at], edge: edgeNameOf(s, edge), edgeType: s.edgeTypeNames[s.edgeType[edge]] ?? '' }, ...steps.slice(at + 1)];
  }
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
    // What a CommonJS module of the developer's exports, from that module, not from how Node's
    // loader keeps it (`process -> mainModule -> children -> [1]`).
    const moduleFile = et === ty.edgeProperty && s.edgeName[e] === k.exports ? userModuleFile(g, holder) : null;
    if (moduleFile) return [{ ...from(i - 1), node: `module ${displayPath(moduleFile)}` }, ...steps.slice(i)];
  }
  let start = -1;
  for (let i = 1; i < path.nodes.length && start < 0; i++) {
    const t = s.nodeType[path.nodes[i - 1]];
    if (t === ty.synthetic || t === ty.native || t === ty.hidden || t === ty.code) continue;
    const et = s.edgeType[path.edges[i]];
    const named = et === ty.edgeContext || et === ty.edgeShortcut || (et === ty.edgeProperty && !/^(?:\d+|<symbol.*)$/.test(steps[i].edge));
    if (named) start = i - 1;
  }
  if (start < 0) return steps;
  const scope = enclosingScope(g, path);
  return [from(Math.max(start, scope)), ...steps.slice(Math.max(start, scope) + 1)];
}

/**
 * A holder in a function's scope is alive while any closure over that scope is, and the
 * shortest path to such a closure is often plumbing (a signal handler, a framework's router)
 * that says nothing about the leak: the path starts at the scope that holds the closure
 * (`store -> get -> context -> renderedPages`). Returns that scope's position, or -1.
 */
function enclosingScope(g: FinalGraph, path: { nodes: number[]; edges: number[] }): number {
  const { s, k } = g;
  const isContext = (i: number) => s.nodeName[path.nodes[i]] === k.systemContext;
  const internal = (i: number, name: number) => s.edgeType[path.edges[i]] === s.types.edgeInternal && s.edgeName[path.edges[i]] === name;
  let j = path.nodes.length - 1;
  while (j > 0 && !isContext(j)) j--;
  // Up through outer scopes (`previous`) to the closure whose scope it is.
  while (j > 0 && isContext(j - 1) && internal(j, k.previous)) j--;
  if (j < 2 || !internal(j, k.context) || s.nodeType[path.nodes[j - 1]] !== s.types.closure) return -1;
  for (let i = j - 2; i >= 0; i--) if (isContext(i)) return i;
  return -1;
}

function scopeLabel(g: FinalGraph, v: number): string | null {
  const name = scopeName(g, v);
  return name && `(${name})`;
}

/** A Map's hash table (`table`, V8's) between the Map and a value shown as `get('key')` says nothing: left out. */
export function withoutMapTables(steps: PathStep[]): PathStep[] {
  return steps.filter((p, i) => !(p.edge === 'table' && p.edgeType === 'internal' && steps[i + 1]?.edgeType === 'map value'));
}

/**
 * A run of identical steps (a path down a linked list, thousands of `next` links) as one step
 * with `repeat`; a run of a unit of two or three steps (a chain of promises, each through its
 * reaction: `reactions_or_result -> [2] Promise`), as the unit once, its last step with
 * `repeat` and `period`, the unit's length.
 */
export function collapseRuns(steps: PathStep[]): PathStep[] {
  const out: PathStep[] = [];
  const same = (a: PathStep, b: PathStep) => a.edge === b.edge && a.edgeType === b.edgeType && a.node === b.node && a.nodeType === b.nodeType;
  /** How many times the `period` steps from `i` come in a row: each step matches the one a period before it. */
  const reps = (i: number, period: number) => {
    let j = i + period;
    while (j < steps.length && same(steps[j], steps[j - period])) j++;
    return Math.floor((j - i) / period);
  };
  for (let i = 0; i < steps.length; ) {
    // Two in a row read fine as they are.
    let period = 1;
    let r = reps(i, 1);
    while (r < 3 && period < 3) r = reps(i, ++period);
    if (r < 3) {
      out.push(steps[i++]);
      continue;
    }
    out.push(...steps.slice(i, i + period - 1), { ...steps[i + period - 1], repeat: r, ...(period > 1 ? { period } : {}) });
    i += r * period;
  }
  return out;
}

/**
 * V8 names the edge to a WeakMap value after the whole pair and the table, ids included
 * ("4 / part of key (Object @36373) -> value (Object @105647) pair in WeakMap (table @105603)");
 * what a reader needs is that this is the value stored under that key.
 */
const EPHEMERON = /^(?:\d+ \/ )?part of key \((.*) @(\d+)\) -> value \(.*\) pair in (\w+) \(table @\d+\)$/s;

function ephemeronName(name: string): string {
  const m = EPHEMERON.exec(name);
  return m ? `${m[3]}[${shortName(m[1]) || 'key'} @${m[2]}]` : name;
}

function shortName(name: string): string {
  return shorten(name, 60);
}
