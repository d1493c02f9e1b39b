import { edgeTarget, isStringType, nodeNameOf } from './heap-snapshot.ts';
import type { FinalGraph } from './final-graph.ts';
import { isInternal, isLibraryScript } from './code-ownership.ts';
import { builtinCollection } from './builtin-collections.ts';
import { PROXY } from './proxy-fields.ts';
import { hasElementsStore, isDictionary, isValueNode, mapEntryStart, nodeQueueItems } from './holder-metrics.ts';

/**
 * What a growing holder holds: its entries (elements, properties, Map/Set table slots), the
 * ones allocated after the baseline, and the class that dominates among them.
 */
export function entryTargets(g: Pick<FinalGraph, 's' | 'k'>, holder: number): number[] {
  const { s, k } = g;
  const ty = s.types;
  const queued = nodeQueueItems(s, k, holder);
  if (queued) return queued;
  const out: number[] = [];
  for (let e = s.firstEdge[holder]; e < s.firstEdge[holder + 1]; e++) {
    const t = s.edgeType[e];
    const to = s.edgeTo[e];
    if ((t === ty.edgeElement || (t === ty.edgeProperty && s.edgeName[e] !== k.proto)) && isValueNode(s, to)) out.push(to);
    else if (t === ty.edgeInternal && s.edgeName[e] === k.table) {
      // A Map entry is key, value, chain: two slots in a row are a key and its value, and the
      // value is what an entry holds (a Set's keys stand alone: they are its entries), unless
      // it is a number (`startedAt.set(req, Date.now())`): then the key is what piles up.
      let lastSlot = -2;
      for (let f = s.firstEdge[to]; f < s.firstEdge[to + 1]; f++) {
        const v = s.edgeTo[f];
        const slot = s.edgeType[f] === ty.edgeInternal ? s.strings.asIndex(s.edgeName[f]) : -1;
        if (slot < 0 || !isValueNode(s, v)) continue;
        if (slot !== lastSlot + 1) out.push(v);
        else if (s.nodeType[v] !== ty.number) out[out.length - 1] = v;
        lastSlot = slot;
      }
    }
  }
  return out;
}

/**
 * Whether a holder's entries are numbers: V8 keeps small integers, and an array's doubles,
 * inside the holder's store with no node of their own, so a Set of ids, an array of
 * latencies or a dictionary of counters shows no value at all (a Map of counters, its keys
 * only). Unknown Map layouts count as holding values.
 */
export function holdsNumbers(g: Pick<FinalGraph, 's' | 'k' | 'scripts'>, holder: number): boolean {
  const { s, k } = g;
  const ty = s.types;
  const builtin = builtinCollection(g, holder);
  const isMap = builtin === 'Map';
  // Other objects (a Buffer, a class instance) count only with a store of their own that can
  // hold numbers: a dictionary with keys, or indexed elements (`countsById[id] += 1`).
  if (!builtin && !isDictionary(s, k, holder) && !hasElementsStore(s, k, holder)) return false;
  for (let e = s.firstEdge[holder]; e < s.firstEdge[holder + 1]; e++) {
    const t = s.edgeType[e];
    const to = s.edgeTo[e];
    if ((t === ty.edgeElement || (t === ty.edgeProperty && s.edgeName[e] !== k.proto)) && isValueNode(s, to)) return false;
    if (t !== ty.edgeInternal || s.edgeName[e] !== k.table) continue;
    const start = isMap ? mapEntryStart(s, to) : -1;
    for (let f = s.firstEdge[to]; f < s.firstEdge[to + 1]; f++) {
      const slot = s.edgeType[f] === ty.edgeInternal ? s.strings.asIndex(s.edgeName[f]) : -1;
      if (slot < 0 || !isValueNode(s, s.edgeTo[f])) continue;
      // A Map's keys are not what it holds; a Set's are.
      if (!isMap || start < 0 || (slot - start) % 3 === 1) return false;
    }
  }
  return true;
}

/**
 * The class of the objects a Map is keyed by, when most of its entries added since the baseline
 * have an object as their key (`startedAt.set(req, ...)`): a Map keeps its keys alive, which a
 * WeakMap would not. null for keys that are strings, numbers or symbols, and for other holders.
 */
export function objectKeyClass(g: FinalGraph, holder: number): string | null {
  const { s, k } = g;
  const ty = s.types;
  if (builtinCollection(g, holder) !== 'Map') return null;
  const table = edgeTarget(s, holder, ty.edgeInternal, k.table);
  const start = table >= 0 ? mapEntryStart(s, table) : -1;
  if (start < 0) return null;
  const keys: number[] = [];
  let others = 0;
  for (let e = s.firstEdge[table]; e < s.firstEdge[table + 1]; e++) {
    const slot = s.edgeType[e] === ty.edgeInternal ? s.strings.asIndex(s.edgeName[e]) : -1;
    const v = s.edgeTo[e];
    if (slot < start || (slot - start) % 3 !== 0 || s.nodeId[v] <= g.baselineMaxId) continue;
    if (s.nodeType[v] === ty.object || s.nodeType[v] === ty.closure) keys.push(v);
    else others++;
  }
  return keys.length > others ? dominantClass(g, keys) : null;
}

/**
 * Objects allocated after the baseline that `holder` alone keeps alive (its dominator
 * subtree), V8 heap objects only (odd ids; embedder nodes get even ones). With `topsOnly`,
 * only those no other new object keeps alive: what it holds, not what those hold in turn
 * (a subscriber, not the request and strings its callback keeps).
 */
export function newRetained(g: FinalGraph, holder: number, limit = 200_000, topsOnly = false): number[] {
  const { order, s } = g;
  const out: number[] = [];
  const start = order.pre[holder] + 1;
  const end = Math.min(order.pre[holder] + order.size[holder], start + limit);
  for (let i = start; i < end; i++) {
    const v = order.order[i];
    if (s.nodeId[v] <= g.baselineMaxId || (s.nodeId[v] & 1) === 0) continue;
    out.push(v);
    if (topsOnly) i += order.size[v] - 1;
  }
  return out;
}

/** The class shown for a `vm.createContext()` sandbox, whatever its own constructor. */
export const VM_CONTEXT = 'vm context';

/** A readable class for an object: constructor name, `fn()` for closures, `string`... */
export function classOf(g: FinalGraph, v: number): string | null {
  const { s } = g;
  const t = s.nodeType[v];
  if (isStringType(s, t)) return 'string';
  if (s.nodeName[v] === g.k.jsProxy) return PROXY;
  if (t === s.types.closure) {
    const target = boundTarget(g, v);
    const name = nodeNameOf(s, target);
    const shown = name ? `${name}()` : 'anonymous function';
    return target === v ? shown : `bound ${shown}`;
  }
  if (t === s.types.object) {
    if (edgeTarget(s, v, s.types.edgeProperty, g.k.contextifyContext) >= 0) return VM_CONTEXT;
    const name = nodeNameOf(s, v);
    return name.startsWith('system / ') ? null : name || 'Object';
  }
  if (t === s.types.native) {
    // A browser's DOM nodes are native nodes named by their tag (`<div>`); Node's are V8 internals.
    const name = nodeNameOf(s, v);
    if (name && !name.startsWith('system / ')) return name;
    return s.selfSize[v] > 0 ? 'native memory' : null;
  }
  if (t === s.types.number) return null;
  if (t === s.types.array || t === s.types.hidden || t === s.types.code) return null;
  return s.nodeTypeNames[t] ?? null;
}

/** The function a bound function calls (through any number of binds), or the closure itself. */
function boundTarget(g: FinalGraph, v: number): number {
  const { s, k } = g;
  for (let hops = 0; hops < 16; hops++) {
    const target = edgeTarget(s, v, s.types.edgeInternal, k.boundFunction);
    if (target < 0 || s.nodeType[target] !== s.types.closure) return v;
    v = target;
  }
  return v;
}

/** Most frequent class among nodes; ties go to the name that sorts first (deterministic). */
export function dominantClass(g: FinalGraph, nodes: number[]): string | null {
  const tally = new Map<string, number>();
  for (const v of nodes) {
    const c = classOf(g, v);
    if (c) tally.set(c, (tally.get(c) ?? 0) + 1);
  }
  let best: string | null = null;
  let bestCount = 0;
  for (const [c, n] of [...tally].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (n > bestCount) {
      best = c;
      bestCount = n;
    }
  }
  return best;
}

/**
 * A closure that stands for the leaking entries: the listener or callback a developer wrote.
 * Timeouts carry theirs in `_onTimeout`; once-wrappers carry theirs in `listener`; a bound
 * function (`this.onTick.bind(this)`) has no code of its own, its target does.
 */
export function representativeClosure(g: FinalGraph, nodes: number[]): number {
  // Each entry may keep a package's function beside the developer's (a subscriber's callback and
  // the unsubscribe its library made): the order they come in says nothing, whose code they are
  // does. Node's own (a readline interface's `ondata`) are kept: they say which API added them.
  let first = -1;
  let seen = 0;
  for (const fn of entryFunctions(g, nodes)) {
    if (first < 0) first = fn;
    const script = g.scripts.scriptName(fn) ?? '';
    if (!isLibraryScript(script) || (fn === first && isInternal(script))) return fn;
    if (++seen >= REPRESENTATIVE_TRIES) break;
  }
  return first;
}

/**
 * The functions that `nodes` are or carry, in their order: a function itself (a bound one's
 * target), a once-wrapper's `listener`, a Timeout's `_onTimeout`, an Immediate's `_onImmediate`.
 */
export function* entryFunctions(g: FinalGraph, nodes: Iterable<number>): Generator<number> {
  const { s, k } = g;
  for (const v of nodes) {
    // `once()` wraps the listener in Node's own function and keeps it as that one's `listener`.
    const wrapped = edgeTarget(s, v, s.types.edgeProperty, k.listener);
    if (wrapped >= 0 && s.nodeType[wrapped] === s.types.closure) yield boundTarget(g, wrapped);
    else if (s.nodeType[v] === s.types.closure) yield boundTarget(g, v);
    else {
      // A timer's or an immediate's callback, often bound (rxjs binds its scheduled actions).
      let cb = edgeTarget(s, v, s.types.edgeProperty, k.onTimeout);
      if (cb < 0) cb = edgeTarget(s, v, s.types.edgeProperty, k.onImmediate);
      if (cb >= 0 && s.nodeType[cb] === s.types.closure) yield boundTarget(g, cb);
    }
  }
}

/** How many of the entries' functions are looked at for one of the developer's. */
const REPRESENTATIVE_TRIES = 50;

/**
 * A function the first new entries keep as a property: a library's wrapper around the
 * developer's callback (Express's Layer keeps the middleware as `handle`). -1 when none does.
 * A library's function there may wrap the developer's a level or more down, in what the entry
 * alone keeps (a route Layer's `handle` is the router's; the handler given to `app.get()` is in
 * its `route.stack`): the developer's function among those wins.
 */
export function entryFunction(g: FinalGraph, nodes: number[], max = 20): number {
  const { s, k } = g;
  let first = -1;
  for (const v of nodes.slice(0, max)) {
    if (s.nodeType[v] !== s.types.object) continue;
    for (let e = s.firstEdge[v]; e < s.firstEdge[v + 1]; e++) {
      if (s.edgeType[e] !== s.types.edgeProperty || s.edgeName[e] === k.proto || s.edgeName[e] === k.constructorName) continue;
      if (s.nodeType[s.edgeTo[e]] !== s.types.closure) continue;
      const fn = boundTarget(g, s.edgeTo[e]);
      if (!isLibraryScript(g.scripts.scriptName(fn) ?? '')) return fn;
      if (first < 0) first = fn;
    }
    if (first >= 0) {
      const own = developerFunctionKeptBy(g, v);
      if (own >= 0) return own;
    }
  }
  return first;
}

/** How many of what an entry alone keeps are looked through for the developer's function. */
const KEPT_BY_ENTRY_LIMIT = 400;

/** A function of the developer's that only `entry` keeps (in its dominator subtree), or -1. */
function developerFunctionKeptBy(g: FinalGraph, entry: number): number {
  const { order, s } = g;
  const start = order.pre[entry] + 1;
  const end = Math.min(order.pre[entry] + order.size[entry], start + KEPT_BY_ENTRY_LIMIT);
  for (let i = start; i < end; i++) {
    const v = order.order[i];
    if (s.nodeType[v] !== s.types.closure) continue;
    const fn = boundTarget(g, v);
    const script = g.scripts.scriptName(fn) ?? '';
    if (script && !isLibraryScript(script)) return fn;
  }
  return -1;
}
