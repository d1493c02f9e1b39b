import { edgeNameOf, edgeTarget, isStringType } from './heap-snapshot.ts';
import type { FinalGraph } from './final-graph.ts';
import { isModuleScope } from './scopes.ts';

/*
 * Whose code made a node, the developer's or a library's (an installed package's, or Node's),
 * and where the developer's own code names it.
 */

export type Owner = 'user' | 'library' | 'plain';

/** The name a developer writes for an edge: a variable, or a property that is not an index, a symbol or `__proto__`; else ''. */
export function userEdgeName(g: FinalGraph, e: number): string {
  const { s, k } = g;
  const t = s.edgeType[e];
  if (t === s.types.edgeContext || t === s.types.edgeShortcut) return edgeNameOf(s, e);
  if (t === s.types.edgeProperty && s.edgeName[e] !== k.proto) {
    const name = edgeNameOf(s, e);
    if (!/^\d+$/.test(name) && !name.startsWith('<symbol')) return name;
  }
  return '';
}

/**
 * A variable or property naming `v` in a scope or object of the developer's own code: its
 * holder and edge; `accept` narrows which (a module's variable, not the path's own step).
 */
export function userRetainer(g: FinalGraph, v: number, accept: (from: number, edge: number) => boolean = () => true): { from: number; edge: number } | null {
  const { s } = g;
  const { retStart, retFrom } = g.dom.retainers;
  for (let r = retStart[v]; r < retStart[v + 1]; r++) {
    const from = retFrom[r];
    if (ownerOf(g, from) !== 'user') continue;
    for (let e = s.firstEdge[from]; e < s.firstEdge[from + 1]; e++) {
      if (s.edgeTo[e] === v && userEdgeName(g, e) && accept(from, e)) return { from, edge: e };
    }
  }
  return null;
}

/**
 * A module-level variable of the developer's that keeps `v` through an edge the dominator tree
 * leaves out: a script whose work runs at its top level (a batch job, a script that loops until
 * the heap runs out) has its module scope kept only by the running frame, a transient root, so
 * `const jobState = require('./job-state')` retains nothing there, though it is the name the
 * developer wrote for what Node's `process.mainModule.children` reaches first.
 */
export function runningScopeRetainer(g: FinalGraph, v: number, accept: (from: number, edge: number) => boolean = () => true): { from: number; edge: number } | null {
  for (const { from, edge } of runningScopeEdges(g).get(v) ?? []) {
    if (ownerOf(g, from) === 'user' && isModuleScope(g, from) && userEdgeName(g, edge) && accept(from, edge)) return { from, edge };
  }
  return null;
}

const runningEdgeCache = new WeakMap<FinalGraph, Map<number, { from: number; edge: number }[]>>();

/** The variables among the edges the dominator tree leaves out, by what they keep: read once. */
function runningScopeEdges(g: FinalGraph): Map<number, { from: number; edge: number }[]> {
  const cached = runningEdgeCache.get(g);
  if (cached) return cached;
  const { s } = g;
  const byTarget = new Map<number, { from: number; edge: number }[]>();
  for (const edge of g.dom.ignored) {
    if (s.edgeType[edge] !== s.types.edgeContext) continue;
    const to = s.edgeTo[edge];
    let list = byTarget.get(to);
    if (!list) byTarget.set(to, (list = []));
    list.push({ from: edgeSource(s.firstEdge, edge), edge });
  }
  runningEdgeCache.set(g, byTarget);
  return byTarget;
}

/** The node whose edges include `e`: the last with its first edge at or before it. */
function edgeSource(firstEdge: Uint32Array, e: number): number {
  let lo = 0;
  let hi = firstEdge.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (firstEdge[mid] <= e) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Whether a node is Node's or an installed package's (its class or its scope's functions are). */
export function libraryOwned(g: FinalGraph, v: number): boolean {
  return ownerOf(g, v) === 'library';
}

const ownerCache = new WeakMap<FinalGraph, Map<number, Owner>>();

/** Whose code made a node: a scope by its functions' script, an object by its class's script. */
export function ownerOf(g: FinalGraph, v: number): Owner {
  let cache = ownerCache.get(g);
  if (!cache) ownerCache.set(g, (cache = new Map()));
  const hit = cache.get(v);
  if (hit) return hit;
  const { s, k } = g;
  let owner: Owner = 'plain';
  const script = (fn: number) => (fn >= 0 ? g.scripts.scriptName(fn) : null);
  if (s.nodeName[v] === k.systemContext) {
    const scripts = g.scripts.closuresOf(v).map(script).filter((x): x is string => x !== null);
    if (scripts.length > 0) owner = scripts.some((x) => !isLibraryScript(x)) ? 'user' : 'library';
  } else if (s.nodeType[v] === s.types.closure) {
    const name = script(v);
    if (name) owner = isLibraryScript(name) ? 'library' : 'user';
  } else if (s.nodeType[v] === s.types.object || s.nodeType[v] === s.types.synthetic) {
    const name = script(constructorOf(g, v));
    if (name) owner = isLibraryScript(name) ? 'library' : 'user';
  }
  cache.set(v, owner);
  return owner;
}

/** The class (constructor function) of an object, through its prototype, or -1. */
export function constructorOf(g: FinalGraph, v: number): number {
  const { s, k } = g;
  const proto = edgeTarget(s, v, s.types.edgeProperty, k.proto);
  const ctor = proto >= 0 ? edgeTarget(s, proto, s.types.edgeProperty, k.constructorName) : -1;
  if (ctor >= 0 && s.nodeType[ctor] === s.types.closure) return ctor;
  // A prototype's `constructor` can be an accessor (Node's Module) or missing: the object's
  // hidden class remembers the function that made it, at the root of its transitions.
  let shape = edgeTarget(s, v, s.types.edgeInternal, k.map);
  for (let hops = 0; hops < 64 && shape >= 0; hops++) {
    const made = edgeTarget(s, shape, s.types.edgeInternal, k.constructorName);
    if (made >= 0) return s.nodeType[made] === s.types.closure ? made : ctor;
    shape = edgeTarget(s, shape, s.types.edgeInternal, k.backPointer);
  }
  return ctor;
}

/** The object's constructor, then its base classes' (up the prototype chain), nearest first; at most `max`. */
export function constructorChain(g: FinalGraph, v: number, max = 6): number[] {
  const { s, k } = g;
  const out: number[] = [];
  const own = constructorOf(g, v);
  if (own >= 0) out.push(own);
  let proto = edgeTarget(s, v, s.types.edgeProperty, k.proto);
  for (let hops = 0; hops < max && proto >= 0; hops++) {
    proto = edgeTarget(s, proto, s.types.edgeProperty, k.proto);
    const ctor = proto >= 0 ? edgeTarget(s, proto, s.types.edgeProperty, k.constructorName) : -1;
    if (ctor >= 0 && s.nodeType[ctor] === s.types.closure && !out.includes(ctor)) out.push(ctor);
  }
  return out;
}

/** Whether an object is an instance of a class in the developer's own code. */
export function ofUserClass(g: FinalGraph, v: number): boolean {
  return g.s.nodeType[v] === g.s.types.object && ownerOf(g, v) === 'user';
}

/**
 * The object of a library's class (an installed package's or Node's) that owns `v`: `v` itself,
 * or the nearest one above it in the dominator tree through built-in objects only (its Maps,
 * arrays, plain objects). An LRU cache kept without a bound grows in several of its own
 * collections at once; they are one thing to the developer who keeps the cache. Further up,
 * a library object that is itself one of the `growing` holders owns it instead: Node's ESM
 * loader grows in its load cache, its resolve cache and itself. -1 when `v` belongs to the
 * developer's own code (or to a scope) first.
 */
export function libraryObjectOf(g: FinalGraph, v: number, growing: ReadonlySet<number> = new Set()): number {
  const { s, k } = g;
  let nearest = -1;
  let outer = -1;
  for (let hops = 0; hops < 16 && v >= 0; hops++) {
    const owner = ownerOf(g, v);
    // A module's binding (its cell, its record) is module state, whoever's loader keeps the module.
    if (owner === 'user' || s.nodeName[v] === k.systemContext || s.nodeName[v] === k.systemCell || s.nodeName[v] === k.sourceTextModule || isUserModuleRecord(g, v)) break;
    if (s.nodeType[v] === s.types.closure || s.nodeType[v] === s.types.synthetic) break;
    // Kept by a module variable of the developer's that only the running frame keeps (a script
    // whose work runs at its top level): the developer's, whatever of Node's reaches it first.
    if (runningScopeRetainer(g, v)) break;
    if (owner === 'library') {
      if (s.nodeType[v] !== s.types.object) break;
      if (nearest < 0) nearest = v;
      if (growing.has(v)) outer = v;
    }
    const up = g.dom.idom[v];
    if (up === v) break;
    v = up;
  }
  return outer >= 0 ? outer : nearest;
}

/**
 * Node's record of a CommonJS module of the developer's (its `module`): what the module exports
 * is its state, as an ES module's record's is, though Node's loader makes the record and keeps
 * it in its cache.
 */
export function isUserModuleRecord(g: FinalGraph, v: number): boolean {
  return userModuleFile(g, v) !== null;
}

/** For Node's record of a CommonJS module of the developer's, its file (`filename`); null for any other node. */
export function userModuleFile(g: FinalGraph, v: number): string | null {
  const { s, k } = g;
  if (s.nodeName[v] !== k.moduleClass || s.nodeType[v] !== s.types.object) return null;
  const at = edgeTarget(s, v, s.types.edgeProperty, k.filename);
  const file = at >= 0 && isStringType(s, s.nodeType[at]) ? s.strings.get(s.nodeName[at]) : null;
  return file !== null && !isLibraryScript(file) ? file : null;
}

/**
 * The exports object of a CommonJS module of the developer's that the path comes through with
 * only properties after it (`module.exports = { stats: { queues: { mobile: [] } } }`), however the
 * path reached it: its position on the path and the module's file. Null when there is none.
 */
export function exportsOnPath(g: FinalGraph, path: { nodes: number[]; edges: number[] }): { at: number; file: string } | null {
  const { s, k } = g;
  const { retStart, retFrom } = g.dom.retainers;
  for (let j = path.nodes.length - 2; j >= 0; j--) {
    if (s.edgeType[path.edges[j + 1]] !== s.types.edgeProperty) return null;
    const v = path.nodes[j];
    for (let r = retStart[v]; r < retStart[v + 1]; r++) {
      const file = userModuleFile(g, retFrom[r]);
      if (file && edgeTarget(s, retFrom[r], s.types.edgeProperty, k.exports) === v) return { at: j, file };
    }
  }
  return null;
}

/**
 * Node.js's own modules, installed packages and WebAssembly (`wasm://wasm/0002f80e`: undici's
 * HTTP parser, in every process that calls fetch), as opposed to the application's code.
 */
export function isLibraryScript(script: string): boolean {
  return isInternal(script) || /[/\\]node_modules[/\\]/.test(script);
}

/** Node.js's own modules, WebAssembly and scripts with no path (eval'd code): nothing on disk to open. */
export function isInternal(script: string): boolean {
  return script.startsWith('node:') || script.startsWith('wasm:') || !/[/\\]/.test(script);
}
