import { propertyLabel, shorten } from './format.ts';
import { edgeNameOf, edgeTarget, nodeNameOf } from './heap-snapshot.ts';
import { deltas, MIN_ENTRY_GROWTH, type Candidate } from './growth-candidates.ts';
import { growthOf } from './candidate-selection.ts';
import { chainLink } from './chain-link.ts';
import { scopeKept } from './closure-scope.ts';
import { entryExamples } from './entry-examples.ts';
import { growsIn } from './grows-in.ts';
import type { FinalGraph } from './final-graph.ts';
import { classOf, dominantClass, entryFunction, entryTargets, holdsNumbers, newRetained, objectKeyClass, representativeClosure } from './holder-contents.ts';
import { callbackLocation, locateLeak } from './leak-location.ts';
import { constructorOf, exportsOnPath, isInternal, isLibraryScript, libraryObjectOf, libraryOwned, ofUserClass } from './code-ownership.ts';
import { isDataKey, nameHolder, newestTimerList, pathName, userPathName, type HolderNaming } from './leak-naming.ts';
import { packageOfHolder } from './package-state.ts';
import { modulesExporting } from './module-exports.ts';
import { apiCallSite, nodeListenerApi } from './node-api-listeners.ts';
import { pathKeeper } from './path-keeper.ts';
import { collapseRuns, pathSteps, shownPath, withoutMapTables } from './path-steps.ts';
import { isModuleScope, scopeName } from './scopes.ts';
import { pathNodes } from './retainer-paths.ts';
import type { Leak, LeakKind, PathStep, SourceLocation } from './report-types.ts';
import { scoreLeak } from './leak-score.ts';
import { ANONYMOUS_DOM_LISTENERS, AWAITED_BY, eventTable, summarizeLeak, TIMERS_BY_DELAY, timersByDelay } from './leak-summary.ts';
import { awaitedChain, awaitingFunction } from './promise-chain.ts';
import { nodeStateApi, stateApiCall } from './node-api-state.ts';
import { isIdentifier } from './source-files.ts';
import { isDictionary } from './holder-metrics.ts';
import { namedHolderWrites, writesAt } from './holder-writes.ts';
import { libraryObjectCalls } from './library-calls.ts';
import { frameLocal, stackLocal, stackOwnerField } from './stack-local.ts';

/** Holders whose entries are keyed values a developer put there, not links or listeners. */
const COLLECTIONS: ReadonlySet<LeakKind> = new Set(['map', 'set', 'array', 'object']);

/**
 * Turns surviving candidates into reported leaks, merging holders that share a retainer path,
 * and ranks them with `others` (leaks found another way: open handles) by one score.
 */
export function buildLeaks(g: FinalGraph, cands: Candidate[], ctx: { minBytes: number; heapGrowth: number }, others: Leak[] = []): Leak[] {
  const groups = new Map<string, Ranked>();
  const totalGrowth = Math.max(
    ctx.heapGrowth,
    cands.reduce((a, c) => a + Math.max(0, growthOf(c)), 0) + others.reduce((a, l) => a + Math.max(0, l.bytes[l.bytes.length - 1] - l.bytes[0]), 0),
    1,
  );
  for (const c of [...cands].sort((a, b) => growthOf(b) - growthOf(a) || a.id - b.id)) {
    const path = pathNodes(g.paths, c.node);
    if (path.nodes.length === 0) continue;
    const steps = pathSteps(g, path);
    const key = signature(g, path, steps);
    const prev = groups.get(key);
    if (prev) {
      mergeInto(prev.leak, c);
      continue;
    }
    // A variable replaced by a bigger value is the developer's, whatever the value's class.
    const { leak, handed } = describe(g, c, path, steps);
    const outer = path.nodes.length >= 2 && !c.slot ? path.nodes[path.nodes.length - 2] : -1;
    groups.set(key, { leak, node: c.slot ? -1 : c.node, emitter: emitterOf(g, path), parent: libraryParent(g, path), handed, outer });
  }
  const scored = [...groups.values(), ...others.map((leak) => ({ leak, node: -1, emitter: -1, parent: -1, handed: false, outer: -1 }))];
  for (const { leak } of scored) leak.score = scoreLeak(leak, { minBytes: ctx.minBytes, totalGrowth });
  scored.sort(
    (a, b) =>
      b.leak.score - a.leak.score ||
      totalOf(b.leak.growth.bytesPerSnapshot) - totalOf(a.leak.growth.bytesPerSnapshot) ||
      a.leak.holder.nodeId - b.leak.holder.nodeId,
  );
  const leaks = foldSameObject(g, scored);
  for (const leak of leaks) leak.summary = summarizeLeak(leak);
  return leaks;
}

/**
 * Holders that grow inside one object are one suspect to the developer who keeps it: an LRU
 * cache without a bound grows its Map and its key and value lists at once; a stream piped into
 * a long-lived writable and never unpiped adds its close, finish, error and unpipe listeners.
 * The best ranked stands for them, naming the others.
 */
interface Ranked {
  leak: Leak;
  node: number;
  emitter: number;
  /** The object of a library's class that the path reaches the holder from, or -1. */
  parent: number;
  /** A field the developer's code put on a library's object (`app.decorate('cache', ...)`): theirs, not the object's. */
  handed: boolean;
  /** The node the path reaches the holder from: for a group of holders (`instances` > 1), what keeps the group. */
  outer: number;
}

function foldSameObject(g: FinalGraph, ranked: Ranked[]): Leak[] {
  const out: Leak[] = [];
  const byObject = new Map<string, Leak>();
  const growing = new Set(ranked.map((r) => r.node));
  // A group's members and the collection that keeps them grow at once when what the members hold
  // is shared (one message pushed to every subscriber's mailbox: only the outer array keeps
  // them): one suspect, not the same name twice.
  const groupOf = (r: Ranked) => (r.outer >= 0 && r.leak.instances > 1 && COLLECTIONS.has(r.leak.kind) ? r.outer : -1);
  const outers = new Set(ranked.map(groupOf).filter((o) => o >= 0));
  for (const r of ranked) {
    const { leak, node, emitter, parent, handed } = r;
    const collection = COLLECTIONS.has(leak.kind) || leak.kind === 'string';
    // A collection that two of a library's objects share (a base environment's and the one it
    // exports) is dominated by neither: the one the path comes through owns it.
    const dominated = collection && node >= 0 && !handed ? libraryObjectOf(g, node, growing) : -1;
    const object = handed ? -1 : dominated >= 0 || !collection || node < 0 ? dominated : parent;
    // Node's table of timer lists by delay and its queue of them grow together: one suspect.
    const byDelay = timersByDelay(leak);
    const member = groupOf(r);
    const group = member >= 0 ? member : COLLECTIONS.has(leak.kind) && outers.has(node) ? node : -1;
    const key = byDelay ? 'timer lists' : leak.kind === 'listeners' ? (emitter >= 0 ? `emitter ${emitter}` : '') : group >= 0 ? `group ${group}` : object >= 0 ? `object ${object}` : '';
    const first = key ? byObject.get(key) : undefined;
    // An EventTarget chains its listeners, so links deeper in one event's chain grow too: the same list.
    if (first && (byDelay || (leak.kind === 'listeners' && first.kind === 'listeners' && first.name === leak.name))) continue;
    if (first) {
      const step = leak.retainerPath[leak.retainerPath.length - 1];
      const what =
        leak.kind === 'listeners'
          ? eventTable(leak) ? 'listeners under new event names' : `"${leak.name}" listeners`
          : object === node || group === node ? 'the object itself'
          : group >= 0 ? `each of its ${leak.instances} members (${step.node})`
          : `${shorten(propertyLabel(step.edge), 48)} (${step.node})`;
      (first.alsoGrowing ??= []).push(what);
      // The members' calls add to the group's collection too.
      if (group >= 0 && !first.writes && leak.writes) first.writes = leak.writes;
      continue;
    }
    if (object >= 0) leak.library = { className: nodeNameOf(g.s, object), ...(nodeOwn(g, object) ? { node: true as const } : {}) };
    if (key) byObject.set(key, leak);
    out.push(leak);
  }
  return out;
}

/** An object of one of Node's own classes (a stream's WritableState), not an installed package's. */
function nodeOwn(g: FinalGraph, object: number): boolean {
  const script = g.scripts.scriptName(constructorOf(g, object));
  return script !== null && isInternal(script);
}

/**
 * The object of a library's class that the path reaches the holder from (`partials` of a
 * HandlebarsEnvironment), directly or through a plain object under one of its private fields
 * (axios's InterceptorManager keeps its Map in `this[$internals]`), or -1. A public field's
 * object (i18next's `options`, shared with its logger) is not the library object's own.
 */
function libraryParent(g: FinalGraph, path: { nodes: number[]; edges: number[] }): number {
  const { s } = g;
  const last = path.nodes.length - 1;
  for (let i = last - 1; i >= 0 && i >= last - 3; i--) {
    const v = path.nodes[i];
    const into = path.edges[i + 1];
    if (s.nodeType[v] !== s.types.object || s.edgeType[into] !== s.types.edgeProperty || ofUserClass(g, v)) return -1;
    if (libraryOwned(g, v)) return v;
    const step = path.edges[i];
    if (i === 0 || s.edgeType[step] !== s.types.edgeProperty || !/^(?:[_#]|<symbol)/.test(edgeNameOf(s, step))) return -1;
  }
  return -1;
}

/** The emitter whose `_events` (or an EventTarget whose kEvents Map) a listener holder hangs from, or -1. */
function emitterOf(g: FinalGraph, path: { nodes: number[]; edges: number[] }): number {
  const { s, k } = g;
  for (let i = path.edges.length - 1; i >= 1; i--) {
    const name = s.edgeName[path.edges[i]];
    if (s.edgeType[path.edges[i]] === s.types.edgeProperty && (name === k.events || name === k.eventTargetEvents)) return path.nodes[i - 1];
  }
  return -1;
}

function describe(g: FinalGraph, c: Candidate, path: { nodes: number[]; edges: number[] }, steps: PathStep[]): { leak: Leak; handed: boolean } {
  const { s, k } = g;
  const naming = nameHolder(g, path, c.slot !== undefined);
  // A collection only the running frame keeps has no name in the snapshot: its script's declaration gives it one.
  // So has one a suspended async function or generator keeps: the function's body names it.
  const local = c.slot ? null : (stackLocal(g, path, naming.kind) ?? (naming.frame ? frameLocal(g, naming.frame, naming.kind) : null));
  if (local) Object.assign(naming, { name: local.name, holderName: local.name, edgeType: 'context' });
  // A field of an object only the running frame keeps: the script's variable for the object names it.
  const ownerField = c.slot || local ? null : stackOwnerField(g, path);
  if (ownerField) Object.assign(naming, { name: ownerField.name, holderName: ownerField.name });
  let holderNode = c.slot ? c.slot.holder : c.node;
  const entries = entryTargets(g, c.node);
  const fresh = entries.filter((v) => s.nodeId[v] > g.baselineMaxId);
  // A variable replaced by a bigger copy each time (`list = list.concat(x)`) is a slot
  // candidate: its new entries, not everything new under it, say what piles up.
  let grown = (c.byEntries || c.slot) && fresh.length > 0 ? fresh : newRetained(g, naming.slotTarget >= 0 ? naming.slotTarget : c.node);
  if (naming.slotTarget >= 0 && s.nodeId[naming.slotTarget] > g.baselineMaxId) grown = [naming.slotTarget, ...grown];
  const link = naming.slotTarget >= 0 ? chainLink(g, naming.slotTarget) : null;
  // What piles up is a chain's head copied, or a timer list's Timeouts, whatever else each keeps.
  let piled = link ? naming.slotTarget : -1;
  let list = -1;
  if (naming.kind === 'timers') {
    list = s.nodeName[c.node] === k.timersList ? c.node : newestTimerList(g, c.node);
    // Node's table of lists by delay with no list made since the baseline: its timers piled up in
    // a list it had (a retry every 50 ms, never given up), not in one new list per delay.
    if (list >= 0 && list !== c.node && s.nodeId[list] <= g.baselineMaxId) holderNode = list;
    const first = list >= 0 ? edgeTarget(s, list, s.types.edgeProperty, k.idleNext) : -1;
    // A list counted by its timers has the new ones as its entries; its newest timer may be an
    // older one the program refreshes (`idle.refresh()`), whose callback is not what piles up.
    const counted = c.byEntries && list === c.node && fresh.length > 0;
    if (!counted) grown = first >= 0 ? [first, ...grown] : grown;
    piled = counted ? fresh[0] : first;
  }
  const target = naming.slotTarget >= 0 ? naming.slotTarget : c.node;
  // Promises piling up behind one object (a pending immediate, an emitter's listener) rather
  // than side by side in a collection or in timers: a chain that a function builds.
  // So does a timer whose callback resolves a sleep (`await sleep(1); return poll()`): the chain
  // hangs from the timer list it waits in.
  const single = !c.byEntries && (naming.kind === 'object' || naming.kind === 'closure-context');
  const awaiting = single ? awaitedChain(g, target) : list >= 0 ? awaitedChain(g, list) : null;
  const awaitedBy = awaiting ? `${awaiting.name || '(anonymous)'}()` : '';
  if (awaiting) Object.assign(naming, { kind: 'promise', name: awaitedBy });
  // Keys are a collection's: a timer list's or a listener list's links are not entries, nor
  // are a chain head's fields (`previous`, `body`), nor an object's whose own fields do not
  // grow (a linked queue's `tail`, replaced on every push).
  const keyed = (!link && (c.byEntries || naming.kind !== 'object') && COLLECTIONS.has(naming.kind)) || eventTable({ kind: naming.kind, name: naming.name, countsOf: c.byEntries ? 'entries' : 'retained objects' });
  const examples = keyed ? entryExamples(g, target) : [];
  const keyedBy = keyed && naming.kind === 'map' ? objectKeyClass(g, target) : null;
  // The chain's function is where to look, as a listener's or a timer's callback is.
  let closure = awaiting ? awaiting.fn : representativeClosure(g, grown);
  // A library's emitter may wrap each listener in an object of its own (eventemitter3 keeps
  // `{ fn, context, once }`): the function in it is the listener, and what piles up.
  if (closure < 0 && naming.kind === 'listeners') {
    closure = entryFunction(g, grown);
    if (closure >= 0) piled = closure;
  }
  // Read once: the name says it (`timers every 30000 ms`), and the location looks for it in the code.
  const delay = naming.kind === 'timers' ? timerDelay(g, list) : null;
  if (naming.kind === 'timers') naming.name = timerName(g, holderNode, closure, delay);
  // Timers Node sets for the program call Node's own function (node:timers/promises' setInterval
  // in a `for await` that never breaks): the program's is the async function waiting on them.
  const waiting = naming.kind === 'timers' && piled >= 0 && closure >= 0 && isInternal(g.scripts.scriptName(closure) ?? '') ? awaitingFunction(g, piled) : null;
  if (waiting) {
    closure = waiting.fn;
    naming.name = `${naming.name}${AWAITED_BY}${waiting.name || '(anonymous)'}()`;
  }
  if (s.nodeName[c.node] === k.blinkEventTargetData) {
    naming.name = (closure >= 0 ? nodeNameOf(s, closure) : '') || ANONYMOUS_DOM_LISTENERS;
    piled = closure;
  }
  // Node's EventTarget chains one Listener per listener: what piles up is the callbacks.
  if (s.nodeName[c.node] === k.listenerClass && closure >= 0) piled = closure;
  const numbers = !awaiting && piled < 0 && COLLECTIONS.has(naming.kind) && holdsNumbers(g, target);
  const byRetained = grown !== fresh && !link && naming.kind !== 'timers';
  // A pending promise that grows in what it keeps, not in its own reactions: a chain of `.then()` waits behind it.
  const chained = s.nodeName[c.node] === k.promise && !c.byEntries && !awaiting ? newRetained(g, target).filter((v) => s.nodeName[v] === k.promise).length : 0;
  const chainedPromises = chained >= MIN_ENTRY_GROWTH ? chained : 0;
  const objectName = awaiting || chainedPromises ? 'Promise' : numbers ? 'number' : ((piled >= 0 ? classOf(g, piled) : null) ?? (byRetained ? dominantClass(g, newRetained(g, target, undefined, true)) : null) ?? dominantClass(g, grown) ?? 'Object');
  // An emitter the path reaches through Node's plumbing (a MessagePort from its native handle)
  // is called what the developer's variable that keeps it is called.
  const kept = pathKeeper(g, path);
  const keptOwner = kept && kept.at === naming.ownerAt ? edgeNameOf(s, kept.edge) : undefined;
  const owner = naming.kind === 'listeners' && path.nodes.length >= 3 ? (keptOwner ?? naming.owner ?? emitterName(g, path)) : undefined;
  // Node's own listeners (a readline interface's on its input) are added by a call of the developer's to Node's API.
  const api = naming.kind === 'listeners' && owner ? nodeListenerApi(g, grown) : null;
  const apiCall = api && owner ? apiCallSite(g, api, owner.split('.').pop() ?? owner) : null;
  const location = local?.at ?? ownerField?.at ?? locateLeak(g, path, naming, { closure, link, entryFunction: closure >= 0 ? -1 : entryFunction(g, grown), owner, delay, kept, apiCall: apiCall?.at, piledClass: objectName });
  const madeAt = COLLECTIONS.has(naming.kind) && !link && closure >= 0 && piled < 0 ? functionsMadeAt(g, closure, location) : null;
  if (!link) unminify(naming, location);
  if (!link) untranspileImport(naming, location);
  if (!link) nameFromExports(g, path, naming);
  const pkg = packageOfHolder(g, path);
  // Node's own state that its API adds to for the program: the program's call, not Node's line.
  const stateApi = pkg && (!location || location.file.startsWith('node:')) ? nodeStateApi({ package: pkg.name, name: pkg.variable }) : null;
  const stateCall = stateApi ? stateApiCall(g, stateApi) : null;
  const scope = awaiting || link ? null : scopeKept(g, fresh);
  // A chain of values is cut at its link, and a package's state is changed by how it is called: neither is added to by the program's own calls.
  const inside = naming.kind === 'object' && !c.byEntries && !link && !awaiting && !pkg ? growsIn(g, target) : null;
  const insideName = inside ? /[\w$]+$/.exec(inside.path)?.[0] : undefined;
  const writes = inside
    ? insideName
      ? writesAt(g, location, insideName, inside.collection.toLowerCase() as LeakKind, true)
      : null
    : !link && !pkg && (COLLECTIONS.has(naming.kind) || naming.kind === 'string')
      ? namedHolderWrites(g, location, naming, exportedNames(g, path))
      : null;
  // A library's object in the developer's variable (one Ajv, an LRU cache): their calls of its methods are what adds
  // (listeners, timers and handles have calls of their own to find).
  const calls = !writes && !link && !pkg && !inside && COLLECTIONS.has(naming.kind) ? libraryObjectCalls(g, path, location, naming.name) : null;
  const useEntries = c.byEntries;
  const counts = useEntries ? c.entries : c.count;
  const leak: Leak = {
    name: naming.name || nodeNameOf(s, c.node),
    kind: naming.kind,
    objectName,
    countsOf: useEntries ? 'entries' : 'retained objects',
    counts: [...counts],
    bytes: c.retained.map(Math.round),
    retainedBytes: Math.round(c.retained[c.retained.length - 1]),
    growth: { perSnapshot: deltas(counts), bytesPerSnapshot: deltas(c.retained).map(Math.round) },
    retainerPath: collapseRuns(withoutMapTables(shownPath(g, path, steps, kept))),
    fullRetainerPath: collapseRuns(withoutMapTables(steps)),
    holder: {
      name: naming.holderName || naming.name || nodeNameOf(s, c.node),
      nodeName: scopeName(g, holderNode) ?? nodeNameOf(s, holderNode),
      nodeType: s.nodeTypeNames[s.nodeType[holderNode]] ?? '',
      edgeType: naming.edgeType,
      nodeId: s.nodeId[holderNode],
    },
    ...(examples.length > 0 ? { examples } : {}),
    ...(link ? { chainLink: link.steps } : {}),
    ...(awaitedBy ? { awaitedBy } : {}),
    ...(chainedPromises ? { chainedPromises } : {}),
    ...(keyedBy ? { keyedBy } : {}),
    location: stateCall ?? location,
    ...(madeAt ? { madeAt } : {}),
    ...(inside ? { growsIn: inside } : {}),
    ...(writes ? { writes } : calls ? { writes: calls } : {}),
    ...(scope ? { scopeKeeps: scope } : {}),
    ...(pkg ? { package: pkg.name, ...(pkg.variable === naming.name ? {} : { packageVariable: pkg.variable }) } : {}),
    ...(owner !== undefined ? { owner } : {}),
    ...(api && apiCall ? { addedBy: { call: `${apiCall.call}()`, release: api.release } } : {}),
    instances: 1,
    score: 0,
    summary: '',
  };
  return { leak, handed: naming.handed === true };
}

/**
 * Where the functions a collection holds are written, when that is the developer's code and not
 * where the collection is (a store's `subscribers` Set is declared in the store; the component
 * that subscribes and never unsubscribes is where the leak is made).
 */
/** The names the ES module binding on the path is exported under, by the module that declares it and any that re-export it. */
function exportedNames(g: FinalGraph, path: { nodes: number[] }): string[] {
  const cell = path.nodes.findLast((v) => g.s.nodeName[v] === g.k.systemCell);
  return cell === undefined ? [] : modulesExporting(g, cell).map((x) => x.name);
}

function functionsMadeAt(g: FinalGraph, closure: number, location: SourceLocation | null): SourceLocation | null {
  const script = g.s.nodeType[closure] === g.s.types.closure ? g.scripts.scriptName(closure) : null;
  if (script === null || isLibraryScript(script)) return null;
  const made = callbackLocation(g, closure);
  // A position in code rewritten on the fly (tsx minifies TypeScript onto one line) says nothing.
  if (!made || made.approximate) return null;
  return location && made.file === location.file && made.line === location.line ? null : made;
}

/**
 * What a developer calls the emitter whose listeners grow: their variable or property for it,
 * else its class when the path reaches it only under one of Node's symbols (a socket is its TCP
 * handle's `owner_symbol`), which nobody writes.
 */
function emitterName(g: FinalGraph, path: { nodes: number[]; edges: number[] }): string {
  const at = path.nodes.length - 3;
  const name = userPathName(g, path, at) || pathName(g, path, at);
  return name.startsWith('<symbol ') ? nodeNameOf(g.s, path.nodes[at]) : name;
}

/**
 * tsc compiles `import { pendingJobs } from './job-state'` to CommonJS as `job_state_1.pendingJobs`:
 * in the TypeScript, where the location is (through the compiled file's map), it is `pendingJobs`.
 */
function untranspileImport(naming: HolderNaming, location: SourceLocation | null): void {
  if (!location?.generated || !/\.[cm]?tsx?$/.test(location.file)) return;
  const imported = /^[A-Za-z_$][\w$]*_\d+\.([\w$#]+)$/.exec(naming.name)?.[1];
  if (!imported) return;
  if (naming.holderName === naming.name) naming.holderName = imported;
  naming.name = imported;
}

/**
 * A module's exports named after a function's variable that also keeps them (tsc's
 * `__exportStar` re-exports through a getter over its parameter `m`) are named from the exports
 * on (`hitsByClient`, not `m.hitsByClient`), as are those named after CommonJS's own `exports`
 * (`exports.tokenCache`, as tsc compiles an export); a module's own variable (`notifier` of
 * `require('./notifier')`) stays.
 */
function nameFromExports(g: FinalGraph, path: { nodes: number[]; edges: number[] }, naming: HolderNaming): void {
  const exported = exportsOnPath(g, path);
  if (!exported) return;
  const { s, k } = g;
  const fields = path.edges.slice(exported.at + 1).map((e) => edgeNameOf(s, e));
  const [variable, ...rest] = naming.name.replace(/^module\.exports\./, 'exports.').split('.');
  if (fields.length === 0 || rest.join('.') !== fields.join('.')) return;
  if (variable === 'exports') return void rename(naming, fields.join('.'));
  const v = path.nodes[exported.at];
  const { retStart, retFrom } = g.dom.retainers;
  let inFunction = false;
  for (let r = retStart[v]; r < retStart[v + 1]; r++) {
    const from = retFrom[r];
    if (s.nodeName[from] !== k.systemContext) continue;
    for (let e = s.firstEdge[from]; e < s.firstEdge[from + 1]; e++) {
      if (s.edgeTo[e] !== v || s.edgeType[e] !== s.types.edgeContext || edgeNameOf(s, e) !== variable) continue;
      if (isModuleScope(g, from)) return;
      inFunction = true;
    }
  }
  if (inFunction) rename(naming, fields.join('.'));
}

function rename(naming: HolderNaming, name: string): void {
  if (naming.holderName === naming.name) naming.holderName = name;
  naming.name = name;
}

/**
 * A minified bundle's `i` is what its source map calls `quotesBySku` at the declaration the
 * location was found at: the holder takes the name the developer wrote.
 */
function unminify(naming: HolderNaming, location: SourceLocation | null): void {
  const minified = naming.name;
  if (!location?.name || !isIdentifier(minified)) return;
  naming.name = location.name;
  if (naming.holderName === minified) naming.holderName = location.name;
}

/** Timers are grepped by their callback; fall back to the interval they were scheduled with. */
function timerName(g: FinalGraph, list: number, callback: number, delay: number | null): string {
  const { s, k } = g;
  const fn = callback >= 0 ? nodeNameOf(s, callback) : '';
  if (fn) return fn;
  if (s.nodeName[list] === k.blinkTimerCoordinator) return 'timers';
  if (s.nodeName[list] !== k.timersList) return TIMERS_BY_DELAY;
  return delay === null ? 'timers' : `timers every ${delay} ms`;
}

/** The delay (ms) of a Node TimersList: its index in the table of lists by delay. */
function timerDelay(g: FinalGraph, list: number): number | null {
  const { s, k } = g;
  if (list < 0 || s.nodeName[list] !== k.timersList) return null;
  const { retStart, retFrom } = g.dom.retainers;
  for (let r = retStart[list]; r < retStart[list + 1]; r++) {
    const from = retFrom[r];
    for (let e = s.firstEdge[from]; e < s.firstEdge[from + 1]; e++) {
      if (s.edgeTo[e] === list && s.edgeType[e] === s.types.edgeElement) return s.edgeName[e];
    }
  }
  return null;
}

/**
 * What holders on "the same path" share: indices, data keys and Map keys (`perRoute['/r5']`,
 * `perRoute['/r1']`) are left out, so one dictionary's growing entries are one suspect. So are
 * the keys of an object V8 keeps as a dictionary on the way to the holder (a trie's nodes,
 * `root.children.api.children.v3.children`): the holders a level below are alike, one piece of
 * code grows them all. Not the holder's own key: `state.users` and `state.sessions` stay two.
 */
function signature(g: FinalGraph, path: { nodes: number[] }, steps: PathStep[]): string {
  const last = steps.length - 1;
  const inDictionary = (i: number) => i >= 1 && i < last && isDictionary(g.s, g.k, path.nodes[i - 1]);
  const edge = (p: PathStep, i: number) =>
    /^\[?\d+\]?$/.test(p.edge) || (p.edgeType === 'property' && (isDataKey(p.edge) || inDictionary(i))) || p.edgeType === 'map value' ? '#' : p.edge;
  return steps.map((p, i) => `${p.edgeType}:${edge(p, i)}>${p.nodeType}:${p.nodeType === 'string' ? '' : p.node}`).join('/');
}

function mergeInto(leak: Leak, c: Candidate): void {
  const counts = leak.countsOf === 'entries' ? c.entries : c.count;
  leak.counts = leak.counts.map((x, i) => x + (counts[i] ?? 0));
  leak.bytes = leak.bytes.map((x, i) => x + Math.round(c.retained[i] ?? 0));
  leak.retainedBytes = leak.bytes[leak.bytes.length - 1];
  leak.growth = { perSnapshot: deltas(leak.counts), bytesPerSnapshot: deltas(leak.bytes) };
  leak.instances++;
}

function totalOf(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
