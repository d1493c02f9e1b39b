import { andList, formatBytes, where } from './format.ts';
import { handlesLabel, handlesWhy } from './handle-words.ts';
import { VM_CONTEXT } from './holder-contents.ts';
import { nodeStateApi } from './node-api-state.ts';
import { SYMBOL_REGISTRY } from './symbol-registry.ts';
import type { Leak, PathStep } from './report-types.ts';

const KIND_LABEL: Record<Leak['kind'], string> = {
  map: 'Map',
  set: 'Set',
  array: 'array',
  object: 'object',
  'closure-context': 'closure variable',
  listeners: 'event listeners',
  timers: 'timers',
  string: 'string',
  promise: 'promise',
  handles: 'open handles',
};

/** Why a callback queued on Node's own queues waits: the thread is never let go. */
const HELD_THREAD = 'a loop whose every `await` is of a promise already settled (a cache hit, `Promise.resolve()`), or that never awaits, holds the thread, and each callback waits with all it keeps';

/**
 * Holders whose entries V8 keeps in a list of its own (holder-metrics.ts): what one entry is,
 * and why it stays.
 */
const LISTED: Record<string, { unit: string; why: string }> = {
  Promise: { unit: 'reactions', why: 'it never settles, and each `then`, `await` or `Promise.race` on it adds a reaction that it keeps until it does' },
  FinalizationRegistry: { unit: 'registrations', why: 'each `register()` keeps its held value until the target is collected, and the targets stay alive' },
  // Node's queue behind an `events.on()` iterator (its `unconsumedEvents`).
  FixedQueue: { unit: 'queued items', why: "Node's queue gives an item up only when it is read: an `events.on()` iterator that is never iterated, or left without `return()`, queues every event it listens for" },
  // V8's registry of `Symbol.for()` symbols (registry-leak.ts).
  [SYMBOL_REGISTRY]: { unit: 'symbols', why: "V8's registry keeps every symbol made with `Symbol.for()`, and its key, for the life of the process, so a key made per request or per object is never let go" },
  // Node's queue of `setImmediate()` callbacks (`immediateQueue` in node:timers).
  ImmediateList: { unit: 'queued callbacks', why: `callbacks passed to \`setImmediate()\` wait for the event loop's next turn, and pile up when it does not come: ${HELD_THREAD}` },
};

/** The FixedQueue that is Node's queue of `process.nextTick()` callbacks, not an iterator's. */
const NEXT_TICKS = {
  unit: 'queued callbacks',
  why: `callbacks passed to \`process.nextTick()\` wait until the code running now, and the promise jobs it queues, are done, and pile up when that does not come: ${HELD_THREAD}`,
};
const TICK_QUEUE_MODULE = 'node:internal/process/task_queues';

/** What one of a leak's counts is: 'entries', 'reactions' (of a pending promise), 'objects'... */
export function countUnit(leak: Leak, retained = 'objects'): string {
  if (leak.countsOf !== 'entries') return retained;
  if (leak.kind === 'handles') return 'handles';
  // A timer list counts its timers; a table of lists, one per delay, each with one timer, counts lists: the lists are the timers.
  if (leak.kind === 'timers') return 'timers';
  return listedHolder(leak)?.unit ?? 'entries';
}

/** Why a listed holder (a promise, a FinalizationRegistry, one of Node's queues) keeps what it gained, or null for other holders. */
export function listedHolder(leak: Leak): { unit: string; why: string } | null {
  if (leak.countsOf !== 'entries' || !Object.hasOwn(LISTED, leak.holder.nodeName)) return null;
  return leak.holder.nodeName === 'FixedQueue' && leak.package === TICK_QUEUE_MODULE ? NEXT_TICKS : LISTED[leak.holder.nodeName];
}

/**
 * Node's CommonJS loader pushes every Module it loads into its parent's `children` and never
 * takes it out: a file required again after `delete require.cache[file]` (a hot reload, a
 * test's fresh require) piles up one copy per load.
 */
export function reloadedModules(leak: Pick<Leak, 'objectName' | 'countsOf'>): boolean {
  return leak.objectName === 'Module' && leak.countsOf === 'entries';
}

/**
 * A `vm.createContext()` sandbox keeps its context: a global object and a copy of every
 * built-in, far more than the sandbox's own few bytes.
 */
export function keptVmContexts(leak: Pick<Leak, 'objectName'>): boolean {
  return leak.objectName === VM_CONTEXT;
}

const VM_CONTEXTS = 'each is the sandbox of a `vm.createContext()` and keeps that whole context alive, its global object and a copy of every built-in';

const RELOADED = 'each `require()` of a file deleted from `require.cache` loads a new copy, and Node keeps every copy in its parent module\'s `children`';

const NUMBERS = 'V8 keeps them inside the holder\'s store, not as objects, so its bytes are what can be counted';

/** One sentence a developer can act on: what grows, by how much, holding what, defined where. */
export function summarizeLeak(leak: Leak): string {
  const last = leak.counts.length - 1;
  const unit = countUnit(leak);
  const listed = listedHolder(leak);
  const span = `over ${leak.counts.length} snapshots without ever shrinking`;
  // One buffer or string that gets longer keeps its object count: its bytes are the growth.
  const numbers = leak.objectName === 'number';
  const grew =
    leak.counts[last] === leak.counts[0]
      ? `grew from ${formatBytes(leak.bytes[0])} to ${formatBytes(leak.bytes[last])} retained${numbers ? '' : ` (${leak.counts[last]} ${unit} throughout)`} ${span}`
      : `grew from ${leak.counts[0]} to ${leak.counts[last]} ${unit} (${formatBytes(leak.bytes[0])} to ${formatBytes(leak.bytes[last])} retained) ${span}`;
  const group = leak.instances > 1 ? ` (${leak.instances} holders on the same path)` : '';
  const at = leak.location ? `; see ${where(leak.location)}` : '';
  let what: string;
  if (leak.kind === 'handles') what = `Open ${handlesLabel(leak)}`;
  else if (domListeners(leak)) what = `Listeners added to \`${leak.owner ?? 'an event target'}\` with addEventListener()${leak.name === ANONYMOUS_DOM_LISTENERS ? '' : `, calling ${leak.name}(),`}`;
  else if (onEmitterTable(leak)) what = `${eventTable(leak) ? 'Event names with listeners' : 'Listeners'} on \`${emitterName(leak)}\``;
  else if (leak.kind === 'listeners') what = `"${leak.name}" listeners${leak.owner ? ` on \`${leak.owner}\`` : ''}`;
  else if (leak.kind === 'timers') what = anonymousTimers(leak.name) ? capital(leak.name) : `Timers whose callback is ${leak.name.includes(' ') ? leak.name : `${leak.name}()`}${timersByDelay(leak) ? ', each with a delay of its own,' : ''}`;
  else if (leak.holder.nodeName === SYMBOL_REGISTRY) what = 'Symbols made with `Symbol.for()`';
  else if (leak.awaitedBy) what = `Promises chained by \`${leak.awaitedBy}\``;
  else if (insideLibrary(leak)) what = `${capital(KIND_LABEL[leak.kind])} inside \`${leak.name}\` (${libraryClass(leak)})`;
  else if (libraryWithin(leak)) what = `${leak.holder.nodeName} inside \`${leak.name}\` (${leak.library?.node ? "Node's own" : "a library's"} object)`;
  else what = `${holderLabel(leak)} \`${leak.name}\`${packageState(leak)}`;
  const holding = leak.kind === 'handles'
    ? handlesWhy(leak)
    : leak.awaitedBy
    ? ', each call waiting for the next, so none settles until the last one does'
    : leak.chainedPromises
    ? `, with ${leak.chainedPromises} promises chained behind it since the first snapshot: it never settles, so each \`.then()\` on it, or on a promise waiting for it, waits for ever with all it keeps`
    : leak.kind === 'timers'
      ? ', never cleared'
      : domListeners(leak)
        ? ', never removed'
      : streamBacklog(leak)
        ? streamBacklog(leak) === 'write' ? ': writes the stream has queued and not passed on' : ': chunks pushed into the stream and not read'
      : nodeStateApi(leak)
        ? `: ${nodeStateApi(leak)!.why}`
      : listed
        ? `: ${listed.why}`
        : numbers
          ? `, holding numbers${leak.kind === 'array' ? ' or empty slots' : ''}${leak.counts[last] === leak.counts[0] ? `: ${NUMBERS}` : ''}`
          : leak.keyedBy
          ? `, keyed by ${leak.keyedBy} objects${leak.objectName === leak.keyedBy ? '' : `, holding ${leak.objectName} values`}: a Map keeps its keys alive`
          : leak.addedBy
          ? `, holding ${leak.objectName} values: Node's own listeners, added by each \`${leak.addedBy.call}\` call`
          : `, holding ${leak.objectName} values${leak.madeAt ? ` (made at ${where(leak.madeAt)})` : ''}${reloadedModules(leak) ? `: ${RELOADED}` : keptVmContexts(leak) ? `: ${VM_CONTEXTS}` : ''}`;
  const scope = leak.scopeKeeps ? `, each keeping alive the scope it was made in, with its \`${leak.scopeKeeps.variable}\` (${leak.scopeKeeps.className}, ${formatBytes(leak.scopeKeeps.bytes)})` : '';
  const link = leak.chainLink ? `; each value keeps the one before it alive through ${linkName(leak.chainLink)}` : '';
  const also = !leak.alsoGrowing?.length
    ? ''
    : leak.kind === 'handles'
      ? `; the ${alsoGrowing(leak)} they keep grow with them`
      : `; ${alsoGrowing(leak)} ${leak.alsoGrowing.length === 1 ? 'grows' : 'grow'} with it`;
  return `${what}${group} ${grew}${holding}${scope}${link}${also}${at}.`;
}

/** `, a module variable of the package ejs,` or `, kept by \`utils\`, a module variable of the package ejs,`; '' for the developer's own state. */
export function packageState(leak: Pick<Leak, 'package' | 'packageVariable'>, code = (x: string) => x): string {
  if (!leak.package) return '';
  const keeper = leak.packageVariable ? `, kept by \`${leak.packageVariable}\`` : '';
  return `${keeper}, a module variable of ${nodeModule(leak.package) ? "Node's own" : 'the package'} ${code(leak.package)},`;
}

/** A `package` that is one of Node's own modules (`node:internal/abort_controller`), not an installed one. */
export function nodeModule(pkg: string): boolean {
  return pkg.startsWith('node:');
}

/** The developer's names in a chain link: `someMethod -> originalThing`, V8's internal steps left out. */
export function linkName(steps: PathStep[]): string {
  const named = steps.filter((p) => p.edgeType === 'context' || p.edgeType === 'property').map((p) => p.edge);
  if (named.length === 0 && steps.some((p) => p.edgeType === 'proxy' && p.edge === 'target')) return 'its `new Proxy()` target';
  return named.length > 0 ? `\`${named.join(' -> ')}\`` : 'a variable of its closure whose name the snapshot did not keep';
}

/** A collection of a library's object (its Map, its list), not the object itself. */
export function insideLibrary(leak: Leak): boolean {
  return leak.library !== undefined && leak.holder.nodeName !== leak.library.className;
}

/**
 * A library's object that is itself the holder, named by the developer's variable for an
 * object that keeps it (`sessionStore`, a MemoryStore whose `store` is the LRUCache that
 * grows): its class is not the variable's, so it is said to be inside it.
 */
export function libraryWithin(leak: Leak): boolean {
  return keptWithin(leak.library?.className, leak.holder.nodeName, leak.name, leak.retainerPath.map((p) => p.edge));
}

/**
 * libraryWithin on plain data, for readers of a saved report (the postmortem): the library's
 * class is the holder's own, and `name` is an earlier step of the path than the holder's.
 */
export function keptWithin(className: string | undefined, holderClass: string, name: string, edges: readonly string[]): boolean {
  const last = edges[edges.length - 1];
  return className !== undefined && className === holderClass && last !== undefined && last !== '' && last !== name && edges.includes(name);
}

/** `a library's MemoryStore`, `Node's WritableState`, or, for a minified bundle's class `d`, `a library's object`. */
export function libraryClass(leak: Leak): string {
  const name = leak.library?.className ?? '';
  return `${leak.library?.node ? "Node's" : "a library's"} ${name.length > 2 ? name : 'object'}`;
}

/**
 * Writes a stream has queued and not passed on: its WritableState's buffered writes or its
 * ReadableState's unread chunks (Node's own classes, whatever the stream).
 */
export function streamBacklog(leak: Pick<Leak, 'library'>): 'write' | 'read' | null {
  if (!leak.library?.node) return null;
  return leak.library.className === 'WritableState' ? 'write' : leak.library.className === 'ReadableState' ? 'read' : null;
}

/** The other growing holders in the same object: `#s (Map) and #i (Array)`. */
export function alsoGrowing(leak: Leak): string {
  return andList(leak.alsoGrowing ?? []);
}

/** An emitter's whole event table (`bus._events`) as the holder, not one event's listeners. */
export function onEmitterTable(leak: Pick<Leak, 'kind' | 'name'>): boolean {
  return leak.kind === 'listeners' && leak.name.endsWith('._events');
}

/** The emitter whose table is the holder: `bus` for `bus._events`. */
export function emitterName(leak: Pick<Leak, 'name' | 'owner'>): string {
  return leak.owner ?? leak.name.slice(0, -'._events'.length);
}

/** An emitter's event table that grows by event names (a listener under a new name each time). */
export function eventTable(leak: Pick<Leak, 'kind' | 'name' | 'countsOf'>): boolean {
  return onEmitterTable(leak) && leak.countsOf === 'entries';
}

/** Timers named by their interval ('timers every 60000 ms') because their callback has no name. */
export function anonymousTimers(name: string): boolean {
  return name === 'timers' || name.startsWith('timers every ') || name === TIMERS_BY_DELAY;
}

/** Timers Node set for the program's `for await` over node:timers/promises' setInterval(): named `... awaited by fn()`. */
export const AWAITED_BY = ' awaited by ';

/** Anonymous timers each set with a delay of its own, so that each adds a list to Node's table of timer lists by delay. */
export const TIMERS_BY_DELAY = 'timers with a delay of their own';

/** Timers found by the lists Node keeps one per delay, not by one list that grows. */
export function timersByDelay(leak: Pick<Leak, 'kind' | 'holder'>): boolean {
  return leak.kind === 'timers' && leak.holder.nodeName !== 'TimersList' && !leak.holder.nodeName.startsWith('blink::');
}

/** A page's listeners from addEventListener(), which Chromium keeps in Blink: the event's name is not in the snapshot. */
export function domListeners(leak: Pick<Leak, 'kind' | 'holder'>): boolean {
  return leak.kind === 'listeners' && leak.holder.nodeName === 'blink::EventTargetData';
}

/** Name of DOM listeners whose callback has no name. */
export const ANONYMOUS_DOM_LISTENERS = 'addEventListener';

/** `Map`, `Set`, or an object's own class when it has one (`Buffer`, `FinalizationRegistry`), not just `Object`. */
function holderLabel(leak: Leak): string {
  // A variable or field replaced by a bigger value each time is held by its scope or object
  // (a Channel whose `_subscribers` is copied on every subscribe()): the value's class is the label.
  const value = leak.retainerPath[leak.retainerPath.length - 1];
  const replaced = leak.holder.nodeName.endsWith(' scope') || (value !== undefined && value.nodeId !== leak.holder.nodeId && leak.holder.edgeType === 'property');
  const cls = replaced ? (value?.node ?? '') : leak.holder.nodeName;
  // A class's own name says more (`TtlMap`, `EventLog extends Array`), a plain one no less.
  if (['object', 'map', 'set', 'array'].includes(leak.kind) && cls !== 'Object' && /^[A-Z][\w$]*$/.test(cls)) return cls;
  // A function replaced by a wrapper of itself (`handlers.onOrder = (o) => inner(o)`) is kept in a property, not a variable.
  if (leak.kind === 'closure-context' && leak.holder.edgeType === 'property') return 'Property';
  return capital(KIND_LABEL[leak.kind]);
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
