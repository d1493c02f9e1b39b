import { edgeNameIsIndex, edgeNameOf, edgeTarget, isStringType, nodeNameOf } from './heap-snapshot.ts';
import type { FinalGraph } from './final-graph.ts';
import type { LeakKind } from './report-types.ts';
import { asyncFrame, type AsyncFrame } from './async-frame.ts';
import { quoteKey } from './format.ts';
import { isModuleScope } from './scopes.ts';
import { builtinCollection } from './builtin-collections.ts';
import { mapEntryStart } from './holder-metrics.ts';
import { isUserModuleRecord, ownerOf, runningScopeRetainer, userEdgeName, userRetainer, type Owner } from './code-ownership.ts';
import { exportNameOfCell, keyBefore, nodeBefore } from './module-exports.ts';
import { packageModuleScope } from './package-state.ts';
import { hiddenSlotName } from './scope-slot-name.ts';
import { isIdentifier } from './source-files.ts';

export interface HolderNaming {
  kind: LeakKind;
  name: string;
  /** The name in the developer's own code that reaches the holder (for listeners: the emitter's). */
  holderName: string;
  edgeType: string;
  /** For holders whose growth sits behind one slot (a context variable): that slot's target. */
  slotTarget: number;
  /** For listeners, when known here: what the emitter is called. */
  owner?: string;
  /** For listeners: the emitter's position on the path. */
  ownerAt?: number;
  /** For a local of a suspended async function or generator: that function (its locals have no names here). */
  frame?: AsyncFrame;
  /** Named as a field the developer's code handed to a library's object (handedField): theirs, not the object's. */
  handed?: true;
}

/**
 * Names a holder the way its author would search for it: the variable (context edge), the
 * property, the event name for listener arrays, the export name for ESM bindings. Internal
 * links (tables, backing stores, element indices) are skipped on the way up the path.
 */
export function nameHolder(g: FinalGraph, path: { nodes: number[]; edges: number[] }, isSlot = false): HolderNaming {
  const naming = kindAndName(g, path, isSlot);
  const last = path.nodes.length - 1;
  let holderName = naming.name;
  if (naming.kind === 'listeners') holderName = userPathName(g, path, last) || naming.name;
  return { ...naming, holderName };
}

function kindAndName(g: FinalGraph, path: { nodes: number[]; edges: number[] }, isSlot: boolean): Omit<HolderNaming, 'holderName'> {
  const { s, k } = g;
  const last = path.nodes.length - 1;
  const holder = path.nodes[last];
  const inEdge = path.edges[last] ?? -1;
  const edgeType = inEdge >= 0 ? (s.edgeTypeNames[s.edgeType[inEdge]] ?? '') : '';
  const named = (upTo: number) => userPathName(g, path, upTo) || pathName(g, path, upTo);
  if (isSlot && inEdge >= 0) {
    // A property replaced by a longer value (`logsByLevel[level] += line`): `info` alone is
    // too common a name to grep for; its object's name goes with it.
    const name = (s.edgeType[inEdge] === s.types.edgeProperty ? withOwner(g, path, named) : null) ?? edgeNameOf(s, inEdge);
    return { kind: kindOfValue(g, holder), name, edgeType, slotTarget: holder };
  }
  if (s.nodeName[holder] === k.timersList || newestTimerList(g, holder) >= 0 || s.nodeName[holder] === k.blinkTimerCoordinator) return { kind: 'timers', name: '', edgeType, slotTarget: -1 };
  // Chromium keeps an EventTarget's listeners in Blink, with no event name a snapshot shows.
  if (s.nodeName[holder] === k.blinkEventTargetData) return { kind: 'listeners', name: '', owner: targetName(g, last >= 1 ? path.nodes[last - 1] : -1), edgeType, slotTarget: -1 };
  const event = eventTargetEvent(g, path);
  if (event) return { kind: 'listeners', name: event.name, owner: named(event.targetAt), ownerAt: event.targetAt, edgeType, slotTarget: -1 };
  if (inEdge >= 0 && s.edgeType[inEdge] === s.types.edgeProperty) {
    const parentEdge = path.edges[last - 1] ?? -1;
    if (parentEdge >= 0 && s.edgeName[parentEdge] === k.events && s.edgeType[parentEdge] === s.types.edgeProperty) {
      return { kind: 'listeners', name: edgeNameOf(s, inEdge), ownerAt: last - 2, edgeType, slotTarget: -1 };
    }
    // The emitter's table itself grows: a listener under a new event name each time (`once(`done:${id}`)`).
    if (s.edgeName[inEdge] === k.events) return { kind: 'listeners', name: `${named(last - 1)}._events`, owner: named(last - 1), ownerAt: last - 1, edgeType, slotTarget: -1 };
  }
  if (s.nodeName[holder] === k.systemContext) {
    const slot = growthSlot(g, holder, s.types.edgeContext);
    if (slot >= 0) {
      const target = s.edgeTo[slot];
      return { kind: kindOfValue(g, target), name: edgeNameOf(s, slot), edgeType: 'context', slotTarget: target };
    }
    return { kind: 'closure-context', name: named(last), edgeType, slotTarget: -1 };
  }
  // A block scope's variable that the snapshot left unnamed (`let hits = 0; const cache = new Map()`).
  const slot = last >= 1 && inEdge >= 0 && s.edgeType[inEdge] === s.types.edgeHidden ? hiddenSlotName(g, path.nodes[last - 1], s.edgeName[inEdge]) : null;
  if (slot) return { kind: kindOf(g, holder), name: slot, edgeType: 'context', slotTarget: -1 };
  const frame = asyncFrame(g, path);
  const found = frame ? null : (underFunction(g, path) ?? onFunction(g, path, named) ?? onPrototype(g, path) ?? underKey(g, path, named) ?? underMapKey(g, path, named) ?? underSymbol(g, path, named) ?? privateOfLibrary(g, path));
  const handed = frame || found ? null : handedField(g, path);
  const name = frame ? `local in ${frame.name || 'an async function'}()` : (found ?? handed ?? named(last));
  return { kind: kindOf(g, holder), name, edgeType, slotTarget: -1, ...(frame ? { frame } : {}), ...(handed ? { handed: true as const } : {}) };
}

/**
 * A library's private field (prom-client's `globalRegistry._metrics`) that no name of the
 * developer's reaches: `_metrics` is not in the developer's code, the library object that owns
 * it is what they know (`globalRegistry`), and the summary says the holder is inside it.
 */
function privateOfLibrary(g: FinalGraph, path: { nodes: number[]; edges: number[] }): string | null {
  const { s } = g;
  const last = path.nodes.length - 1;
  if (last < 2 || s.edgeType[path.edges[last]] !== s.types.edgeProperty || userPathName(g, path, last)) return null;
  if (!privateName(edgeNameOf(s, path.edges[last]))) return null;
  const owner = path.nodes[last - 1];
  if (s.nodeType[owner] !== s.types.object || ownerOf(g, owner) !== 'library') return null;
  const name = pathName(g, path, last - 1);
  return name && !privateName(name) ? name : null;
}

/**
 * A field of a library's object that the developer's code put there or reads by name
 * (`app.decorate('sessionCache', new Map())`, a plugin API that sets `this[name] = value`; or
 * `app.sessionCache.set(...)`): `app.sessionCache`, an expression in their code, rather than
 * `app` with the Map inside it as the library's business. Only through the developer's variable
 * for that object, so that a common word (`store`) elsewhere in their code does not count.
 */
function handedField(g: FinalGraph, path: { nodes: number[]; edges: number[] }): string | null {
  const { s } = g;
  const last = path.nodes.length - 1;
  if (last < 2 || s.edgeType[path.edges[last]] !== s.types.edgeProperty || ownerOf(g, path.nodes[last - 1]) !== 'library') return null;
  const field = edgeNameOf(s, path.edges[last]);
  const user = userPathNameAt(g, path, last - 1);
  if (!isIdentifier(field) || privateName(field) || !user.name || user.at !== last - 1 || !isIdentifier(user.name)) return null;
  const [o, f] = [user.name, field].map((x) => x.replace(/\$/g, '\\$'));
  const written = new RegExp(`(?<![\\w$.])${o}\\s*\\??\\.\\s*(?:${f}(?![\\w$])|[\\w$]+\\s*\\(\\s*['"\`]${f}['"\`])`);
  for (const script of g.scripts.appScripts()) {
    const text = g.sources.read(script);
    if (text && written.test(text)) return `${user.name}.${field}`;
  }
  return null;
}

/** A library's private field: `_metrics`, `#store`, or a symbol key (`[kState]`), none of them in the developer's code. */
function privateName(name: string): boolean {
  return /^(?:[_#]|<symbol)/.test(name);
}

/**
 * Node keeps one TimersList per delay, in a table by delay and in a priority queue: timers each
 * set with a delay of its own (a reminder an hour after each order, a computed backoff) add
 * lists there, not timers to one list. For such a table, its newest list; -1 for any other node.
 */
export function newestTimerList(g: FinalGraph, holder: number): number {
  const { s, k } = g;
  let newest = -1;
  for (let e = s.firstEdge[holder]; e < s.firstEdge[holder + 1]; e++) {
    const t = s.edgeType[e];
    const to = s.edgeTo[e];
    if ((t === s.types.edgeProperty || t === s.types.edgeElement) && s.nodeName[to] === k.timersList && (newest < 0 || s.nodeId[to] > s.nodeId[newest])) newest = to;
  }
  return newest;
}

/** A page's EventTarget as its code calls it: `window` for a window (`Window / https://...`), else its tag or class (`<button>`). */
function targetName(g: FinalGraph, v: number): string {
  const name = v >= 0 ? nodeNameOf(g.s, v) : '';
  return name.startsWith('Window') ? 'window' : name.replace(/ \/ .*$/, '') || 'an event target';
}

/** A property name that is data (`'/r5'`, `'user-42'`, `'10.0.0.1'`), not an identifier (or a symbol) a developer writes. */
export function isDataKey(name: string): boolean {
  return !/^(?:[A-Za-z_$#][\w$]*|<symbol.*>)$/s.test(name);
}

/**
 * A holder stored under a data key of a dictionary (`byRoute['/search']`): the key is a
 * value, the dictionary's name is what a developer greps for, so it goes first.
 */
function underKey(g: FinalGraph, path: { nodes: number[]; edges: number[] }, named: (upTo: number) => string): string | null {
  const { s } = g;
  const last = path.nodes.length - 1;
  const e = path.edges[last];
  if (last < 1 || s.edgeType[e] !== s.types.edgeProperty) return null;
  const key = edgeNameOf(s, e);
  if (!isDataKey(key) || named(last) !== key) return null;
  const owner = named(last - 1);
  return owner ? `${owner}[${quoteKey(key)}]` : null;
}

/**
 * A holder under a symbol-keyed property (`this[kRequests]`, as Node's own code keeps its
 * fields): the symbol's description is, by habit, the name of the variable holding the symbol,
 * and the owner's name says whose field it is (`tracker[kRequests]`).
 */
function underSymbol(g: FinalGraph, path: { nodes: number[]; edges: number[] }, named: (upTo: number) => string): string | null {
  const { s } = g;
  const last = path.nodes.length - 1;
  const e = path.edges[last];
  // A library's object keeps its fields to itself (a stream state's `kBufferedValue`).
  if (last < 1 || s.edgeType[e] !== s.types.edgeProperty || ownerOf(g, path.nodes[last - 1]) === 'library') return null;
  const symbol = /^<symbol ([A-Za-z_$][\w$]*)>$/.exec(edgeNameOf(s, e))?.[1];
  const owner = symbol ? named(last - 1) : '';
  return owner ? `${owner}[${symbol}]` : null;
}

/**
 * A holder stored as a Map's value under a string key (`eventsByType.get('all')`, one of
 * `sessionsByTenant`'s Maps): the Map's name alone says which Map, not which of its values.
 */
function underMapKey(g: FinalGraph, path: { nodes: number[]; edges: number[] }, named: (upTo: number) => string): string | null {
  const last = path.nodes.length - 1;
  const key = mapKeyAt(g, path, last);
  const map = key === null ? '' : named(last - 2);
  return map ? `${map}.get(${quoteKey(key as string)})` : null;
}

/**
 * The string key under which path step `i` is a Map's value: V8 keeps a Map's entries in a
 * hash table behind the internal `table` edge, each value in the slot after its key. null when
 * the step is anything else, or the key is not a string (an object, a number).
 */
export function mapKeyAt(g: FinalGraph, path: { nodes: number[]; edges: number[] }, i: number): string | null {
  const at = mapTableSlot(g, path, i);
  return at ? keyBefore(g, at.table, at.slot) : null;
}

/** The hash table and slot of path step `i` when it is a slot of a Map's table (not a Set's), else null. */
function mapTableSlot(g: FinalGraph, path: { nodes: number[]; edges: number[] }, i: number): { table: number; slot: number } | null {
  const { s, k } = g;
  if (i < 2) return null;
  const e = path.edges[i];
  const toTable = path.edges[i - 1];
  if (s.edgeType[e] !== s.types.edgeInternal || s.edgeType[toTable] !== s.types.edgeInternal || s.edgeName[toTable] !== k.table) return null;
  // Map subclasses too (Node's own SafeMap, a LoadCache): a Set's keys have no key before them.
  if (builtinCollection(g, path.nodes[i - 2]) === 'Set') return null;
  return { table: path.nodes[i - 1], slot: s.strings.asIndex(s.edgeName[e]) };
}

/**
 * How path step `i` reads when it is a Map's value under a key that is not a string (a DI
 * container's `instances.get(PricingService)`, a Map keyed by request objects): the key's
 * function name or class and id, as the step's `get(...)`. Told by the table's layout, so a
 * value is never taken for a key. null for anything else.
 */
export function objectKeyLabelAt(g: FinalGraph, path: { nodes: number[]; edges: number[] }, i: number): string | null {
  const { s } = g;
  const at = mapTableSlot(g, path, i);
  if (!at) return null;
  const { table, slot } = at;
  const start = mapEntryStart(s, table);
  if (slot < 0 || start < 0 || slot < start || (slot - start) % 3 !== 1) return null;
  const key = nodeBefore(g, table, slot);
  if (key < 0) return null;
  const name = nodeNameOf(s, key);
  if (s.nodeType[key] === s.types.closure && name) return name;
  if (s.nodeType[key] === s.types.object || s.nodeType[key] === s.types.closure) return `${name || 'Object'} @${s.nodeId[key]}`;
  return null;
}

/**
 * A holder kept as a property of a function (a memoizer's `memo.cache`): `cache` alone is what
 * every memoized function has, so the function's name goes with it (`priceFor.cache`).
 */
function onFunction(g: FinalGraph, path: { nodes: number[]; edges: number[] }, named: (upTo: number) => string): string | null {
  const { s } = g;
  const last = path.nodes.length - 1;
  if (last < 1 || s.edgeType[path.edges[last]] !== s.types.edgeProperty || s.nodeType[path.nodes[last - 1]] !== s.types.closure) return null;
  // A class's static field reached from an instance (`limiter.__proto__.constructor`): the
  // class's name is the one in the code (`RateLimiter.#buckets`), not `constructor`.
  const fn = nodeNameOf(s, path.nodes[last - 1]);
  const viaConstructor = last >= 2 && s.edgeName[path.edges[last - 1]] === g.k.constructorName;
  if (viaConstructor && fn) return `${fn}.${edgeNameOf(s, path.edges[last])}`;
  return withOwner(g, path, named);
}

/**
 * A holder under the properties of a library's function that the developer keeps (Express's
 * `app`: `app.locals.recentSearches`, `app.settings.cache` after `app.set('cache', ...)`, the
 * router behind the `router` getter; lodash's `memoize(fn)`: `quote.cache`): the properties from
 * the developer's name down, short of the library's private fields, make an expression that
 * exists in the code, not `app` alone. So do a plain object's (a CommonJS module's `exports`,
 * kept by Node's Module and by the developer's `const store = require('./store')`:
 * `store.seenOrders`). A library's object (a session store, a cache) keeps the developer's
 * name only: its fields are its own business.
 */
function underFunction(g: FinalGraph, path: { nodes: number[]; edges: number[] }): string | null {
  const { s } = g;
  const last = path.nodes.length - 1;
  const user = userPathNameAt(g, path, last);
  if (!user.name || user.at >= last) return null;
  const at = path.nodes[user.at];
  if (s.nodeType[at] !== s.types.closure && !(s.nodeType[at] === s.types.object && ownerOf(g, at) === 'plain')) return null;
  const between: string[] = [];
  for (let i = user.at + 1; i <= last; i++) {
    const name = userEdgeName(g, path.edges[i]);
    // A library's private fields (`_router`, lodash's `__data__`, axios's `[$internals]`) are not in the developer's code.
    if (/^[_#]/.test(name) || (s.edgeType[path.edges[i]] === s.types.edgeProperty && privateName(edgeNameOf(s, path.edges[i])))) break;
    // An entry of a library's list (a sub-app in Express's router stack) has no name in the
    // developer's code: `app.router.stack.handle.settings.x` is not an expression anyone wrote,
    // but the key the holder was handed over under (`sub.set('x', new Map())`) is.
    if (s.edgeType[path.edges[i]] === s.types.edgeElement) return s.edgeType[path.edges[last]] === s.types.edgeProperty ? userEdgeName(g, path.edges[last]) || null : null;
    if (name && s.edgeType[path.edges[i]] === s.types.edgeProperty) between.push(name.replace(/^[gs]et /, ''));
  }
  return between.length > 0 && s.edgeType[path.edges[last]] === s.types.edgeProperty ? [user.name, ...between].join('.') : null;
}

/**
 * A holder on a class's prototype (`Catalog.prototype.cache = new Map()`) is one object that
 * every instance shares, reached through whichever instance came first: the class names it.
 */
function onPrototype(g: FinalGraph, path: { nodes: number[]; edges: number[] }): string | null {
  const { s, k } = g;
  const last = path.nodes.length - 1;
  if (last < 1 || s.edgeType[path.edges[last]] !== s.types.edgeProperty) return null;
  const proto = path.nodes[last - 1];
  const cls = edgeTarget(s, proto, s.types.edgeProperty, k.constructorName);
  if (cls < 0 || s.nodeType[cls] !== s.types.closure || edgeTarget(s, cls, s.types.edgeProperty, k.prototype) !== proto) return null;
  const name = nodeNameOf(s, cls);
  return name ? `${name}.prototype.${edgeNameOf(s, path.edges[last])}` : null;
}

/** The holder's property name after its owner's (`owner.prop`), or null when the owner has no name. */
function withOwner(g: FinalGraph, path: { nodes: number[]; edges: number[] }, named: (upTo: number) => string): string | null {
  const last = path.nodes.length - 1;
  const owner = last >= 1 ? named(last - 1) : '';
  return owner ? `${owner}.${edgeNameOf(g.s, path.edges[last])}` : null;
}

/** What kind of holder a node is, by its shape alone. */
function kindOf(g: FinalGraph, holder: number): LeakKind {
  const { s, k } = g;
  if (s.nodeName[holder] === k.promise) return 'promise';
  if (edgeTarget(s, holder, s.types.edgeInternal, k.table) >= 0) return builtinCollection(g, holder) === 'Set' ? 'set' : 'map';
  if (s.nodeType[holder] === s.types.closure) return 'closure-context';
  if (builtinCollection(g, holder) === 'Array') return 'array';
  return 'object';
}

function kindOfValue(g: FinalGraph, v: number): LeakKind {
  const { s, k } = g;
  if (isStringType(s, s.nodeType[v])) return 'string';
  if (s.nodeName[v] === k.promise) return 'promise';
  const builtin = builtinCollection(g, v);
  if (builtin) return builtin === 'Array' ? 'array' : builtin === 'Map' ? 'map' : 'set';
  if ((s.nodeType[v] === s.types.object && !nodeNameOf(s, v).startsWith('system / ')) || s.nodeName[v] === k.jsProxy) return 'object';
  return 'closure-context';
}

/** The outgoing edge (of `type`, or any if -1) whose dominated target retains the most. */
export function growthSlot(g: FinalGraph, holder: number, type = -1): number {
  const { s, dom } = g;
  let best = -1;
  let bestSize = -1;
  for (let e = s.firstEdge[holder]; e < s.firstEdge[holder + 1]; e++) {
    if (type >= 0 && s.edgeType[e] !== type) continue;
    const to = s.edgeTo[e];
    if (dom.idom[to] !== holder || to === holder) continue;
    if (dom.retainedSize[to] > bestSize) {
      best = e;
      bestSize = dom.retainedSize[to];
    }
  }
  return best;
}

/** Nearest user-level name at or above path position `upTo`. */
export function pathName(g: FinalGraph, path: { nodes: number[]; edges: number[] }, upTo: number): string {
  const { s, k } = g;
  for (let i = upTo; i >= 0; i--) {
    const e = path.edges[i];
    const t = s.edgeType[e];
    if (t === s.types.edgeContext || t === s.types.edgeShortcut) return edgeNameOf(s, e);
    if (t === s.types.edgeProperty && !edgeNameIsIndex(s, e)) {
      const name = edgeNameOf(s, e);
      if (!/^\d+$/.test(name)) return name;
    }
    if (t === s.types.edgeInternal && s.edgeName[e] === k.value && i > 0 && s.nodeName[path.nodes[i - 1]] === k.systemCell) {
      const exported = exportNameOfCell(g, path.nodes[i - 1], i > 1 ? path.nodes[i - 2] : -1);
      if (exported) return exported;
    }
  }
  const holder = path.nodes[upTo];
  return holder === undefined ? '' : nodeNameOf(s, holder);
}

/**
 * Node's EventTarget (AbortSignal, MessagePort, BroadcastChannel...) keeps each event's
 * listeners as a linked list, a root object then one Listener per listener chained by `next`,
 * and the root as the value of the event's name in a Map. For a holder on such a chain: that
 * name and the path position of the object that holds the Map (the EventTarget); null for
 * anything else.
 */
function eventTargetEvent(g: FinalGraph, path: { nodes: number[]; edges: number[] }): { name: string; targetAt: number } | null {
  const { s, k } = g;
  let i = path.nodes.length - 1;
  const next = (e: number) => s.edgeType[e] === s.types.edgeProperty && s.edgeName[e] === k.next;
  while (i > 0 && next(path.edges[i])) i--;
  if (i === path.nodes.length - 1 || i < 3) return null;
  const toTable = path.edges[i - 1];
  if (s.edgeType[toTable] !== s.types.edgeInternal || s.edgeName[toTable] !== k.table) return null;
  const name = keyBefore(g, path.nodes[i - 1], s.strings.asIndex(s.edgeName[path.edges[i]]));
  return name === null ? null : { name, targetAt: i - 3 };
}

/**
 * The nearest name at or above path position `upTo` that the developer's own code gives:
 * a variable of a scope whose functions are in their code, or a property of an object of one
 * of their classes (or of a plain object or array they own). Names inside library and Node.js
 * objects (`sessions` of express-session's MemoryStore, `_cache` of Ajv, `_events` of an
 * EventEmitter) are skipped up to the variable that holds the library object, which is what a
 * developer greps for. '' when the path has no such name.
 */
export function userPathName(g: FinalGraph, path: { nodes: number[]; edges: number[] }, upTo: number): string {
  return userPathNameAt(g, path, upTo).name;
}

/**
 * The developer's variable or property that keeps the holder's owner when the path itself
 * reaches that owner through Node's or a library's own code (a cache's sweep timer in Node's
 * timer list, a metric in its library's registry): which node it names (`at`, a path position)
 * and the retainer and edge that name it. null when the path's own names are the developer's.
 */
export function userNameBeside(g: FinalGraph, path: { nodes: number[]; edges: number[] }): { at: number; from: number; edge: number } | null {
  const found = userPathNameAt(g, path, path.nodes.length - 1);
  return found.beside ? { at: found.at, ...found.beside } : null;
}

/**
 * Node's record of a CommonJS module of the developer's whose exports no variable of the
 * developer's keeps (a module required for its side effects, or by a script whose `require` the
 * running frame holds): what it exports is the developer's, though Node's loader keeps it.
 */
function onlyLoaderKeepsExports(g: FinalGraph, v: number): boolean {
  if (!isUserModuleRecord(g, v)) return false;
  const exported = edgeTarget(g.s, v, g.s.types.edgeProperty, g.k.exports);
  return exported >= 0 && !userRetainer(g, exported) && !runningScopeRetainer(g, exported);
}

/** userPathName, and the path position of the node that the name is the name of. */
function userPathNameAt(g: FinalGraph, path: { nodes: number[]; edges: number[] }, upTo: number): { name: string; at: number; beside?: { from: number; edge: number } } {
  const { s, k } = g;
  const owned: Owner[] = [];
  let up: Owner = 'user';
  for (let i = 0; i <= upTo; i++) {
    const o = onlyLoaderKeepsExports(g, path.nodes[i]) ? 'user' : ownerOf(g, path.nodes[i]);
    up = o === 'plain' ? up : o;
    owned.push(up);
  }
  for (let i = upTo; i >= 1; i--) {
    if (owned[i - 1] === 'user') {
      const e = path.edges[i];
      const name = userEdgeName(g, e);
      // A library's or Node's function kept under a name (`global.clearInterval`) is its API,
      // not where the developer keeps data: the holder's own name is nearer. Names further up
      // are no better: the shortest path can reach a module's scope (and its `require`)
      // through any closure of that module. The same for a library's function listening under
      // an event's name (`process.on('acme:request', app.callback())`).
      if (libraryApiFunction(g, path.nodes[i]) || libraryListener(g, path, i)) return { name: '', at: -1 };
      if (name) return { name, at: i };
      if (s.edgeType[e] === s.types.edgeInternal && s.edgeName[e] === k.value && s.nodeName[path.nodes[i - 1]] === k.systemCell) {
        const exported = exportNameOfCell(g, path.nodes[i - 1], i > 1 ? path.nodes[i - 2] : -1);
        if (exported) return { name: exported, at: i };
      }
      continue;
    }
    // A package's module variable (`const registry = []` at its top level) is the package's
    // state, shared by every caller: the variable that keeps the package's exports is not it.
    if (packageModuleScope(g, path.nodes[i])) return { name: '', at: -1 };
    // The shortest path can reach a library object through the library's own closures (a
    // middleware's `store`); the variable the developer's code keeps it in is another retainer.
    const beside = userRetainer(g, path.nodes[i]) ?? runningScopeRetainer(g, path.nodes[i]);
    if (beside) return { name: userEdgeName(g, beside.edge), at: i, beside };
  }
  return { name: '', at: -1 };
}

/** Path position `i` is a library's function kept in an emitter's `_events` under its event name. */
function libraryListener(g: FinalGraph, path: { nodes: number[]; edges: number[] }, i: number): boolean {
  const { s, k } = g;
  const toTable = path.edges[i - 1];
  return i >= 2 && s.edgeType[toTable] === s.types.edgeProperty && s.edgeName[toTable] === k.events && s.nodeType[path.nodes[i]] === s.types.closure && ownerOf(g, path.nodes[i]) === 'library';
}

/**
 * A function of Node's (`clearInterval`, a `require`), or one that a package defines at its
 * module's top level, one for every caller: what it keeps is Node's or the package's. A function
 * a package's factory made for the caller (`memoize(fn)`, `express()`) closes over that call's
 * scope instead, and is the caller's object, named by the caller's variable.
 */
function libraryApiFunction(g: FinalGraph, v: number): boolean {
  const { s, k } = g;
  if (s.nodeType[v] !== s.types.closure || ownerOf(g, v) !== 'library') return false;
  if (g.scripts.scriptName(v)?.startsWith('node:')) return true;
  const scope = edgeTarget(s, v, s.types.edgeInternal, k.context);
  return scope < 0 || s.nodeName[scope] !== k.systemContext || isModuleScope(g, scope);
}
