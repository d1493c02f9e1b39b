import { edgeNameOf, nodeNameOf } from './heap-snapshot.ts';
import type { ChainLink } from './chain-link.ts';
import type { FinalGraph } from './final-graph.ts';
import type { HolderNaming } from './leak-naming.ts';
import { constructorChain, exportsOnPath, isInternal, ofUserClass, ownerOf, runningScopeRetainer } from './code-ownership.ts';
import { exportingModule, exportNameOfCell, modulesExporting } from './module-exports.ts';
import type { SourceLocation } from './report-types.ts';
import type { HandleOpeners } from './handle-words.ts';
import type { PathKeeper } from './path-keeper.ts';
import type { ClosureSite } from './script-locations.ts';
import { displayPath, findAfter, findConstruction, findDeclaration, findFieldDeclaration, findGlobalAssignment, findKeyArgument, findListenerCall, findOpener, findPropertyAssignment, findPropertyPathAssignment, findTimerCall } from './source-files.ts';
import { inPackage } from './source-maps.ts';

/**
 * Points at source: for a chain of values, the variable through which each keeps the one
 * before it; the leaking callback itself when the entries are functions (listeners, timers);
 * otherwise the closure whose context holds the holder's variable. Refined to the variable's
 * declaration when the script is on disk.
 */
export function locateLeak(g: FinalGraph, path: { nodes: number[]; edges: number[] }, naming: HolderNaming, made: MadeBy): SourceLocation | null {
  // A library's own variable (Express's `router`, behind `app.use()` called per request) is not
  // what a developer changes: a place in their own code, found further down the list, is. Node's
  // own code (`timerListMap` in node:timers, on the path to a cache whose sweep timer reached it
  // first) even less: it is not on disk to open.
  let library: SourceLocation | null = null;
  let node: SourceLocation | null = null;
  // A position only near the truth (code rewritten on the fly) waits for an exact one further down.
  let approximate: SourceLocation | null = null;
  for (const loc of places(g, path, naming, made)) {
    if (!loc) continue;
    if (loc.file.startsWith('node:')) node ??= loc;
    else if (inPackage(loc.file)) library ??= loc;
    else if (loc.approximate) approximate ??= loc;
    else return loc;
  }
  // Only Node's own code keeps it (AsyncLocalStorage instances in node:async_hooks' `storageList`):
  // where the program makes what piles up, when one of its scripts does, is the call to change.
  // Not a language built-in: every program makes Maps and Promises, for other reasons.
  const piled = made.piledClass && !LANGUAGE_CLASS.test(made.piledClass) ? made.piledClass : '';
  const construction = !approximate && !library && piled ? inOneAppScript(g, piled, findConstruction) : null;
  return approximate ?? library ?? construction ?? node;
}

const LANGUAGE_CLASS = /^(?:Object|Function|Array|Map|Set|WeakMap|WeakSet|WeakRef|FinalizationRegistry|Promise|RegExp|Date|Proxy|DataView|\w*Error|\w*Array|\w*ArrayBuffer)$/;

/** The functions that made what piles up, as far as the entries say. */
export interface MadeBy {
  /** The entries' own callback (a listener's, a timer's, a function pushed), or -1. */
  closure: number;
  /** For a chain of values: the link from one to the one before it. */
  link: ChainLink | null;
  /** For listeners: what the emitter is called (`priceBus`), where the code that adds them may be found. */
  owner?: string;
  /**
   * The developer's variable that keeps the holder's owner when the path came to it through
   * plumbing (see path-keeper.ts): the path is shown from there, so it is located there too.
   */
  kept?: PathKeeper | null;
  /** For timers: the delay they were set with (ms), where the call that sets them may be found. */
  delay?: number | null;
  /** A function the entries keep as a property (a library's wrapper around a callback), or -1. */
  entryFunction: number;
  /** The class of what piles up (`AsyncLocalStorage`), for a holder only Node's code keeps. */
  piledClass?: string;
  /** For listeners Node's API adds (a readline interface's on its input): the developer's call to that API. */
  apiCall?: SourceLocation | null;
}

/** Where the leak may be looked at, best first; computed only as far as they are read. */
function* places(g: FinalGraph, path: { nodes: number[]; edges: number[] }, naming: HolderNaming, made: MadeBy): Generator<SourceLocation | null> {
  const { s, k } = g;
  const { closure, link, entryFunction } = made;
  // A chain of values is cut where one value captures the one before it.
  if (link && link.context >= 0) yield fromContext(g, link.context, link.variable);
  // A local of a suspended async function: the function, whose variables V8 does not name.
  const frameSite = naming.frame ? g.scripts.site(naming.frame.fn) : null;
  if (frameSite && naming.frame) yield resolve(g, frameSite, naming.frame.name, true);
  // Most of the listeners are Node's, added by the program's call into its API: that call, before
  // any one callback of the program's that the same objects keep (a readline interface's 'line').
  if (made.apiCall) yield made.apiCall;
  const callback = closure >= 0 ? g.scripts.site(closure) : null;
  // A named callback (or any listener/timer callback) is where the leak is created; an
  // anonymous function pushed into a collection says less than the collection's declaration.
  const callbackFirst = naming.kind === 'listeners' || naming.kind === 'timers' || (closure >= 0 && nodeNameOf(s, closure) !== '');
  if (callback && callbackFirst && !isInternal(callback.script)) {
    const at = resolve(g, callback, nodeNameOf(s, closure), true);
    // Its position lost (tsx rewrites TypeScript onto one line), a listener is found by its
    // event's name where the same file adds it.
    if (at.approximate && naming.kind === 'listeners' && naming.name) {
      const owner = made.owner?.split('.').pop() ?? '';
      yield declaredInScript(g, callback.script, naming.name, (text, event) => findListenerCall(text, event, owner));
    }
    if (at.approximate && naming.kind === 'timers' && made.delay != null) {
      const delay = made.delay;
      yield declaredInScript(g, callback.script, 'timer', (text) => findTimerCall(text, delay));
    }
    yield at;
  }
  // A library's object shown from the developer's variable that keeps it (express-session's
  // MemoryStore, which the path reaches through a signal handler's scope and the app's router)
  // is not declared in the scopes the path came through on its way there.
  const kept = made.kept;
  const above = kept && ownerOf(g, path.nodes[kept.at]) === 'library' ? kept.at : 0;
  const last = path.nodes.length - 1;
  // The object whose property the holder is (`this.x`, `settings.x`, `globalThis.x`), or -1.
  const fieldOwner = last >= 1 && s.edgeType[path.edges[last]] === s.types.edgeProperty ? path.nodes[last - 1] : -1;
  const field = fieldOwner >= 0 ? edgeNameOf(s, path.edges[last]) : '';
  if (naming.edgeType === 'context' && s.nodeName[path.nodes[last]] === k.systemContext) yield fromContext(g, path.nodes[last], naming.name);
  // A field of an instance of the developer's class (`this.quotesBySku = {}`) is set in the
  // class, wherever the instance is kept; when the source does not say where, the variable
  // that keeps the instance is more exact than the class's (transpiled) position.
  if (fieldOwner >= 0 && ofUserClass(g, fieldOwner)) yield classField(g, fieldOwner, field);
  // A static field (`static #buckets = new Map()`) is a property of the class itself, declared
  // in its body; the class's own line says less.
  if (fieldOwner >= 0 && s.nodeType[fieldOwner] === s.types.closure) yield staticField(g, fieldOwner, field);
  // Below a CommonJS module's exports (`module.exports = { stats: { queues: { mobile: [] } } }`),
  // however the path reached them (an importer's variable, tsc's re-export getter), a field is
  // written in that module.
  const exporting = fieldOwner >= 0 ? exportsOnPath(g, path) : null;
  if (exporting) yield declaredInScript(g, exporting.file, field);
  for (let i = last; i >= 1; i--) {
    const from = path.nodes[i - 1];
    const e = path.edges[i];
    if (s.edgeType[e] === s.types.edgeContext && s.nodeName[from] === k.systemContext && i > above) {
      const variable = edgeNameOf(s, e);
      if (WRAPPER_PARAMETERS.has(variable) && fieldOwner >= 0 && i >= last - 2) yield declaredInScope(g, from, field);
      // A field the developer's code put on a library's object it keeps (`app.decorate('cache',
      // new Map())`, `app.cache = ...`): where it does, before where the object is made.
      const site = i === last - 1 && fieldOwner >= 0 && ownerOf(g, fieldOwner) === 'library' ? contextSite(g, from) : null;
      if (site) yield declaredInScript(g, site.script, `${variable}.${field}`, findPropertyPathAssignment, field);
      yield fromContext(g, from, variable);
    }
    if (i === last && s.edgeType[e] === s.types.edgeHidden && naming.edgeType === 'context') yield fromContext(g, from, naming.name);
    if (s.nodeName[from] === k.systemCell && s.edgeName[e] === k.value) {
      // A field of an exported object (`export default { buckets: {} }`, or deeper: `state: {
      // connections: { byDevice: new Map() } }`) is declared in it, in the module.
      if (fieldOwner >= 0 && path.edges.slice(i + 1).every((x) => s.edgeType[x] === s.types.edgeProperty)) yield exportedField(g, path, i - 1, field);
      yield fromModuleCell(g, path, i - 1);
    }
  }
  // A callback of the developer's kept in a library's collection, bare or inside the library's
  // entries (Express's Layer keeps the middleware as `handle`), is the code to change.
  if (callback && !callbackFirst && !isInternal(callback.script)) yield resolve(g, callback, nodeNameOf(s, closure), true);
  const inEntry = entryFunction >= 0 ? g.scripts.site(entryFunction) : null;
  if (inEntry && !isInternal(inEntry.script)) yield resolve(g, inEntry, nodeNameOf(s, entryFunction), true);
  // Named after a variable beside the path (a library's registry reached the holder first,
  // the developer's code keeps it in `httpRequests`): that variable's scope.
  // `app.locals.recentSearches` is kept in `app`, and made where that scope's script assigns
  // `locals.recentSearches` (a field Express's object does not have), if it does.
  const holderName = naming.holderName || naming.name;
  const name = /^[\w$]+/.exec(holderName)?.[0] ?? '';
  const steps = holderName.split('.');
  const lastStep = fieldOwner >= 0 && steps.length >= 2 && steps.at(-1) === field ? steps.slice(-2).join('.') : '';
  for (let i = last; i >= 1 && name; i--) {
    const context = contextHolding(g, path.nodes[i], name);
    if (context >= 0 && WRAPPER_PARAMETERS.has(name) && fieldOwner >= 0) yield declaredInScope(g, context, field);
    const site = context >= 0 ? contextSite(g, context) : null;
    if (site && lastStep) yield declaredInScript(g, site.script, lastStep, findPropertyPathAssignment, field);
    if (site) yield resolve(g, site, name);
  }
  // A property of the global object (`globalThis.sessionsById = {}`) has no scope to say where
  // it is made: one of the application's scripts assigns it.
  if (fieldOwner >= 0 && isGlobalObject(nodeNameOf(s, fieldOwner))) {
    for (const script of g.scripts.appScripts()) yield declaredInScript(g, script, field, findGlobalAssignment);
  }
  // A property of a library's plain object (Express's `settings`) that the developer's code
  // named only as a key (`app.set('renderCache', new Map())`): where that code hands it over, if
  // one script does. Not a field of a library's class (a MemoryStore's `sessions`): the class
  // names it, and the same word in the developer's code may be about something else.
  const libraryObject = fieldOwner >= 0 && ownerOf(g, fieldOwner) === 'library';
  if (fieldOwner >= 0 && !libraryObject) yield inOneAppScript(g, field, findKeyArgument);
  // A field of a package's class (winston's `Container` sets `this.loggers = new Map()`), when
  // nothing of the developer's says more: the package's code, not Node's loader that the path
  // came through (its require cache).
  const inLibrary = libraryObject && s.nodeType[fieldOwner] === s.types.object ? classField(g, fieldOwner, field) : null;
  if (inLibrary) yield inLibrary;
  // A field no class sets, set by the developer's code on an object it does not define (Koa's
  // `app.context.seenPaths = []`, which every request's `ctx` inherits): where one script does.
  else if (fieldOwner >= 0) yield inOneAppScript(g, field, findPropertyAssignment);
  // Node's own callback, when nothing of the developer's was found.
  if (callback && isInternal(callback.script)) yield resolve(g, callback, nodeNameOf(s, closure), true);
}

/** Where the program opens handles of a kind (`new BroadcastChannel(`, `fs.watch(`), when one of its scripts does. */
export function openerLocation(g: FinalGraph, opens: HandleOpeners): SourceLocation | null {
  return foundInOneAppScript(g, (text) => findOpener(text, opens.constructs ?? [], opens.calls ?? []))?.at ?? null;
}

/** Where `find` finds `name` in the application's scripts, when exactly one of them has it. */
function inOneAppScript(g: FinalGraph, name: string, find: typeof findDeclaration): SourceLocation | null {
  return name ? (foundInOneAppScript(g, (text) => find(text, name), name)?.at ?? null) : null;
}

/**
 * Where `find` finds a place in the application's scripts, when exactly one of them has one,
 * with what it found (a call's name, say). `declared`: the name declared there, whose original
 * a source map may give back.
 */
export function foundInOneAppScript<T extends { line: number; column: number }>(g: FinalGraph, find: (text: string) => T | null, declared = ''): { at: SourceLocation; found: T } | null {
  const all: { at: SourceLocation; found: T }[] = [];
  for (const script of g.scripts.appScripts()) {
    const text = g.sources.read(script);
    const found = text ? find(text) : null;
    if (found) all.push({ at: mapped(g, script, { file: displayPath(script), line: found.line, column: found.column }, declared), found });
  }
  return all.length === 1 ? all[0] : null;
}

/** Where the class of `object` sets its `field` (`this.field = ...`); null for Node's own classes, not on disk to open. */
function classField(g: FinalGraph, object: number, field: string): SourceLocation | null {
  // A base class may set it (mongoose's Connection sets `this._queue` for NativeConnection),
  // in a file of its own.
  for (const ctor of constructorChain(g, object)) {
    const cls = g.scripts.site(ctor);
    if (!cls || isInternal(cls.script)) continue;
    // Another class of the file may set a field of the same name: this class's own comes first.
    // In rewritten code V8's position of the class is not the source's: its declaration is.
    const className = nodeNameOf(g.s, ctor);
    const after = (text: string, name: string) => {
      const start = isTranspiled(cls.script) ? findDeclaration(text, className) : cls;
      return (start ? findAfter(text, name, start, findFieldDeclaration) : null) ?? findFieldDeclaration(text, name);
    };
    const at = declaredInScript(g, cls.script, field, after);
    if (at) return at;
  }
  return null;
}

/** Where the class (or function) `fn` of the developer's declares its own `field`, or null. */
function staticField(g: FinalGraph, fn: number, field: string): SourceLocation | null {
  const site = g.scripts.site(fn);
  if (!site || isInternal(site.script)) return null;
  // V8 places a class with a constructor at the constructor, after fields declared above it:
  // the search starts at the class's declaration when the file has one by its name.
  const find = (text: string, name: string) => {
    const start = findDeclaration(text, nodeNameOf(g.s, fn)) ?? site;
    return findAfter(text, name, start, findDeclaration);
  };
  return declaredInScript(g, site.script, field, find);
}

/** A scope (Context) that keeps `v` in a variable called `name`, or -1. */
function contextHolding(g: FinalGraph, v: number, name: string): number {
  const { s, k } = g;
  const { retStart, retFrom } = g.dom.retainers;
  for (let r = retStart[v]; r < retStart[v + 1]; r++) {
    const from = retFrom[r];
    if (s.nodeName[from] !== k.systemContext) continue;
    for (let e = s.firstEdge[from]; e < s.firstEdge[from + 1]; e++) {
      if (s.edgeTo[e] === v && s.edgeType[e] === s.types.edgeContext && edgeNameOf(s, e) === name) return from;
    }
  }
  // A script whose work runs at its top level: its module scope keeps `v` through an edge the dominator tree leaves out.
  return runningScopeRetainer(g, v, (_, e) => edgeNameOf(s, e) === name)?.from ?? -1;
}

function fromContext(g: FinalGraph, context: number, variable: string): SourceLocation | null {
  const site = contextSite(g, context);
  return site ? resolve(g, site, variable) : null;
}

/** A closure of a scope, in the developer's code when one is, as where that scope's code is. */
function contextSite(g: FinalGraph, context: number): ClosureSite | null {
  const sites = g.scripts
    .closuresOf(context)
    .map((c) => g.scripts.site(c))
    .filter((x): x is ClosureSite => x !== null);
  return sites.find((x) => !isInternal(x.script)) ?? sites[0] ?? null;
}

function fromModuleCell(g: FinalGraph, path: { nodes: number[] }, cellAt: number): SourceLocation | null {
  // A barrel (`export * from './render-cache.mjs'`) holds the binding too: the module whose source declares it is where it is.
  for (const { module, name } of modulesExporting(g, path.nodes[cellAt])) {
    const at = declaredInScope(g, g.scripts.moduleContextOf(module), name);
    if (at) return at;
  }
  const context = moduleContextOfCell(g, path, cellAt);
  const name = exportNameOfCell(g, path.nodes[cellAt], cellAt > 0 ? path.nodes[cellAt - 1] : -1);
  return context >= 0 && name ? fromContext(g, context, name) : null;
}

/** The scope of the module that exports the binding in a cell, or -1. */
function moduleContextOfCell(g: FinalGraph, path: { nodes: number[] }, cellAt: number): number {
  // The module that exports the binding declares it; the path may come through a module that
  // imports it (`import { store } from './state.mjs'`), whose source only names it.
  const module = exportingModule(g, path.nodes[cellAt]) ?? path.nodes.slice(0, cellAt).reverse().find((v) => nodeNameOf(g.s, v) === 'system / SourceTextModule');
  return module === undefined ? -1 : g.scripts.moduleContextOf(module);
}

/**
 * CommonJS's `exports` and `module` are its wrapper's parameters, declared nowhere: the field set
 * on them is (`exports.tokenCache = new Map()`, as tsc compiles an export).
 */
const WRAPPER_PARAMETERS = new Set(['exports', 'module']);

/** Where the developer's script whose scope is `context` declares `name` (a module's field set on its exports), or null. */
function declaredInScope(g: FinalGraph, context: number, name: string): SourceLocation | null {
  const site = context >= 0 ? contextSite(g, context) : null;
  return site && !isInternal(site.script) ? declaredInScript(g, site.script, name) : null;
}

/** Where the module whose cell holds an object declares that object's `field`, or null. */
function exportedField(g: FinalGraph, path: { nodes: number[] }, cellAt: number, field: string): SourceLocation | null {
  return declaredInScope(g, moduleContextOfCell(g, path, cellAt), field);
}

/**
 * Where `name` is declared in the script of `site`, when its source is on disk and says so; when
 * `onLine` is not 0, only a declaration on that (compiled) line.
 */
function declaredIn(g: FinalGraph, site: ClosureSite, name: string, onLine = 0): SourceLocation | null {
  if (onLine === 0) return declaredInScript(g, site.script, name);
  return declaredInScript(g, site.script, name, (text, n) => {
    const found = findDeclaration(text, n);
    return found && found.line === onLine ? found : null;
  });
}

/** `declared`: the name a source map may give back, when `name` is more than that (`locals.seen`). */
function declaredInScript(g: FinalGraph, script: string, name: string, find = findDeclaration, declared = name): SourceLocation | null {
  const text = g.sources.read(script);
  const decl = text && name ? find(text, name) : null;
  return decl ? mapped(g, script, { file: displayPath(script), line: decl.line, column: decl.column }, declared) : null;
}

/** Node's global object, or a browser window's (`Window / https://shop.example`). */
function isGlobalObject(name: string): boolean {
  return name === 'global' || name === 'Window' || name.startsWith('Window / ');
}

/** A script V8 runs as rewritten code (TypeScript, JSX through tsx): its positions are near the source's, not in it. */
function isTranspiled(script: string): boolean {
  return /\.(?:ts|tsx|mts|cts|jsx)$/.test(script);
}

/**
 * Where `name` is declared in the script of a closure (`site`), or else where the closure is.
 * `own`: the name is the closure's own (a callback's), not a variable of its scope.
 */
function resolve(g: FinalGraph, site: ClosureSite, name: string, own = false): SourceLocation {
  const file = displayPath(site.script);
  // Transpiled sources run as rewritten code, so V8's position is only near the truth.
  const transpiled = isTranspiled(site.script);
  // Elsewhere V8's position of a function is exact: a declaration of its name found on that line
  // puts the column at the name; one elsewhere in the file is another thing of that name (the
  // `let fn` that an arrow function stored in a cache two lines down took its name from).
  const declared = declaredIn(g, site, name, own && !transpiled && site.line > 0 ? site.line : 0);
  if (declared) return declared;
  if (site.line > 0 && !transpiled) {
    const loc = mapped(g, site.script, { file, line: site.line, column: site.column });
    if (loc.generated) return loc;
  }
  if (site.line === 0) return { file, line: 1, column: 1, approximate: true };
  return transpiled ? { file, line: site.line, column: site.column, approximate: true } : { file, line: site.line, column: site.column };
}

/** Where a callback is defined, in the source the developer wrote when it is on disk. */
export function callbackLocation(g: FinalGraph, closure: number): SourceLocation | null {
  const site = g.scripts.site(closure);
  return site ? resolve(g, site, nodeNameOf(g.s, closure), true) : null;
}

/**
 * A location in compiled code given in its original source when the code has a source map, the
 * compiled one kept beside it. At the declaration of `declared`, the map may also give the
 * name the original source uses for it (a minified bundle's `i` is `quotesBySku`).
 */
export function mapped(g: FinalGraph, script: string, loc: SourceLocation, declared = ''): SourceLocation {
  const original = g.sources.original(script, loc.line, loc.column);
  if (!original) return loc;
  const renamed = declared && original.name && original.name !== declared ? { name: original.name } : {};
  return { file: displayPath(original.path), line: original.line, column: original.column, ...renamed, generated: { file: loc.file, line: loc.line, column: loc.column } };
}
