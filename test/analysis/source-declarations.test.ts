import { describe, expect, it } from 'vitest';
import { findAfter, findApiCall, findConstruction, findDeclaration, findFieldDeclaration, findGlobalAssignment, findKeyArgument, findListenerCall, findOpener, findPropertyAssignment, findPropertyPathAssignment, findTimerCall } from '../../analysis/source-files.ts';

describe('finding where a name is declared in source', () => {
  const at = (text: string, name: string) => findDeclaration(text, name);

  it('finds variables, functions, classes and assigned fields, 1-based', () => {
    expect(at('let a = 1;\nconst cache = new Map();', 'cache')).toEqual({ line: 2, column: 7 });
    expect(at('function poll() {}', 'poll')).toEqual({ line: 1, column: 10 });
    expect(at('class Tracker {}', 'Tracker')).toEqual({ line: 1, column: 7 });
    expect(at('class Q {\n  push(x) {\n    else this.head = x;\n  }\n}', 'head')).toEqual({ line: 3, column: 15 });
  });

  it("finds a field made by Babel's _defineProperty or Object.defineProperty on `this`, and code before a comment that reads like a declaration", () => {
    const babel = 'class EventBuffer {\n  constructor(name) {\n    (0, _helpers._defineProperty)(this, "events", []);\n    _defineProperty2.default(this, \'seen\', new Set());\n  }\n}';
    expect(findFieldDeclaration(babel, 'events')).toEqual({ line: 3, column: 42 });
    expect(findFieldDeclaration(babel, 'seen')).toEqual({ line: 4, column: 37 });
    expect(findFieldDeclaration("class L {\n  constructor() {\n    Object.defineProperty(this, 'held', { value: new Map() });\n  }\n}", 'held')).toEqual({ line: 3, column: 34 });
    expect(at('// was: const cache = new Map();\nexports.cache = void 0;\nexports.cache = new Map();', 'cache')).toEqual({ line: 3, column: 9 });
  });

  it('finds a class field whose value a bundler marks pure (esbuild)', () => {
    const bundled = 'var JobStore = class {\n  pending = /* @__PURE__ */ new Map();\n  add(job) {\n    this.pending.set(job.id, job);\n  }\n};\nvar store = new JobStore();';
    expect(findFieldDeclaration(bundled, 'pending')).toEqual({ line: 2, column: 3 });
  });

  it('finds a field set under a constant key (`this[PENDING] = new Map()`), at the key', () => {
    const text = "const PENDING = 'pendingRequests';\nclass Gateway {\n  constructor() {\n    if (this[PENDING] == null) this[PENDING] = new Map();\n  }\n}";
    expect(findFieldDeclaration(text, 'pendingRequests')).toEqual({ line: 4, column: 37 });
    // A constant of another value, or none: not found.
    expect(findFieldDeclaration(text.replace("'pendingRequests'", "'pending'"), 'pendingRequests')).toBeNull();
    expect(findFieldDeclaration('class G {\n  constructor() { this[key] = new Map(); }\n}', 'pendingRequests')).toBeNull();
  });

  it('finds a TypeScript class field by its type annotation and initializer', () => {
    expect(at('class S {\n  private readonly bySession: Map<string, E> = new Map();\n}', 'bySession')).toEqual({ line: 2, column: 20 });
    expect(at('class S {\n  static cache!: Record<string, number> = {};\n}', 'cache')).toEqual({ line: 2, column: 10 });
  });

  it('finds a TypeScript namespace or enum, an object kept in a variable of its name', () => {
    expect(at('// Pricing\nnamespace Pricing {\n  export const quotes = new Map();\n}', 'Pricing')).toEqual({ line: 2, column: 11 });
    expect(at('export enum Level { Info }', 'Level')).toEqual({ line: 1, column: 13 });
    expect(at('const ns = namespaceOf(Pricing);', 'Pricing')).toBeNull();
  });

  it('does not take a use, a comparison or a typed field with no initializer for a declaration', () => {
    expect(at('if (x.total == 2) total();', 'total')).toBeNull();
    expect(at('class S {\n  count: number;\n  n = this.count === 1;\n}', 'count')).toBeNull();
    expect(at('<symbol kRequests>', '<symbol kRequests>')).toBeNull();
  });

  it('finds a property set on the global object, and not a read or a comparison of it', () => {
    const global = findGlobalAssignment;
    expect(global("import x from 'y';\nglobalThis.sessionsById = {};", 'sessionsById')).toEqual({ line: 2, column: 12 });
    expect(global("if (!global['cache']) global['cache'] = new Map();", 'cache')).toEqual({ line: 1, column: 31 });
    expect(global('window.events ??= [];\nwindow.events = [];', 'events')).toEqual({ line: 2, column: 8 });
    expect(global('if (globalThis.cache === undefined) use(global.cache);', 'cache')).toBeNull();
    expect(global('const cache = {}; other.cache = cache;', 'cache')).toBeNull();
    // Made on first use, when no plain assignment makes it.
    expect(global('export function track(u) {\n  (globalThis.__metrics ??= new Map()).set(u, 1);\n}', '__metrics')).toEqual({ line: 2, column: 15 });
    expect(global('global.cache ||= {};', 'cache')).toEqual({ line: 1, column: 8 });
    expect(global('if (globalThis.cache ?? false) use();', 'cache')).toBeNull();
  });

  it('finds a property set on the global object under a Symbol.for() key, directly or through its constant', () => {
    const global = findGlobalAssignment;
    expect(global("globalThis[Symbol.for('acme.registry')] = [];", '<symbol acme.registry>')).toEqual({ line: 1, column: 12 });
    expect(global('const KEY = Symbol.for("acme.registry");\nif (!globalThis[KEY]) use();\nglobalThis[KEY] ??= [];', '<symbol acme.registry>')).toEqual({ line: 3, column: 12 });
    // Another description, or a symbol that is not on the global object, is not it.
    expect(global("globalThis[Symbol.for('acme.registryX')] = [];", '<symbol acme.registry>')).toBeNull();
    expect(global("const KEY = Symbol.for('acme.registry');\nstore[KEY] = [];", '<symbol acme.registry>')).toBeNull();
  });

  it("finds a class's private field where the class body declares it, static or not, else where it is first set", () => {
    expect(at('class Pool {\n  static #waiting = [];\n  constructor() {}\n}', '#waiting')).toEqual({ line: 2, column: 10 });
    expect(at('class Pool {\n  #idle;\n  constructor() { this.#idle = []; }\n}', '#idle')).toEqual({ line: 2, column: 3 });
    expect(at('class Pool {\n  constructor() { this.#idle = []; }\n}', '#idle')).toEqual({ line: 2, column: 24 });
    // A read or a comparison is not a declaration; nor is the same name without its `#`.
    expect(at('class Pool {\n  size() { return this.#idle.length === 0; }\n}', '#idle')).toBeNull();
    expect(at('const idle = [];', '#idle')).toBeNull();
  });

  it('finds a name handed to a call as a string key', () => {
    expect(findKeyArgument("const app = express();\napp.set('renderCache', new Map());", 'renderCache')).toEqual({ line: 2, column: 10 });
    expect(findKeyArgument('registry.register( "renderCache" , cache)', 'renderCache')).toEqual({ line: 1, column: 21 });
    // Read back, not handed over: `app.get('renderCache')` takes no value.
    expect(findKeyArgument("app.get('renderCache').set(k, v)", 'renderCache')).toBeNull();
    expect(findKeyArgument("const key = 'renderCache';", 'renderCache')).toBeNull();
    expect(findKeyArgument("m.set('id', 1)", 'id')).toBeNull();
  });

  it("finds where code sets a property on another's object, not where it reads or compares it", () => {
    expect(findPropertyAssignment('const app = new Koa();\napp.context.seenPaths = [];', 'seenPaths')).toEqual({ line: 2, column: 13 });
    expect(findPropertyAssignment("server['inFlight'] ??= new Map()", 'inFlight')).toEqual({ line: 1, column: 9 });
    expect(findPropertyAssignment('if (ctx.seenPaths === undefined) ctx.seenPaths.push(1);', 'seenPaths')).toBeNull();
    expect(findPropertyAssignment('app.context.seenPathsByUser = {};', 'seenPaths')).toBeNull();
    expect(findPropertyAssignment('const seenPaths = [];', 'seenPaths')).toBeNull();
  });

  it('finds an assignment to a field under the object of its last step only (`locals.seen`, not any `.seen`)', () => {
    const text = "err.stack = trimmed;\nconst app = express();\napp.locals.recentUsers = [];\n(app.locals?.seen ??= []).push(1);\nlocals['hits'] = {};";
    expect(findPropertyPathAssignment(text, 'locals.recentUsers')).toEqual({ line: 3, column: 12 });
    expect(findPropertyPathAssignment(text, 'locals.seen')).toEqual({ line: 4, column: 14 });
    expect(findPropertyPathAssignment(text, 'locals.hits')).toEqual({ line: 5, column: 9 });
    // Another object's `stack`, and a read: not it.
    expect(findPropertyPathAssignment(text, 'router.stack')).toBeNull();
    expect(findPropertyPathAssignment('if (app.locals.recentUsers == null) use(app.locals.recentUsers);', 'locals.recentUsers')).toBeNull();
    expect(findPropertyPathAssignment('mylocals.recentUsers = [];', 'locals.recentUsers')).toBeNull();
    expect(findPropertyPathAssignment(text, 'app.locals.recentUsers')).toBeNull();
  });

  it("finds a field's name handed to a method of its owner (a plugin API's `app.decorate('cache', new Map())`) when nothing assigns it", () => {
    const text = "const app = fastify();\ncache.set('tokens', 1);\napp.decorate('tokens', new Map());\napp.tokens = app.tokens;";
    // The assignment comes first; without it, the owner's call that names the field.
    expect(findPropertyPathAssignment(text, 'app.tokens')).toEqual({ line: 4, column: 5 });
    expect(findPropertyPathAssignment(text.split('\n').slice(0, 3).join('\n'), 'app.tokens')).toEqual({ line: 3, column: 15 });
    // Another object's call with that key, or the name only as a later argument: not it.
    expect(findPropertyPathAssignment("cache.set('tokens', 1);\napp.set(name, 'tokens');", 'app.tokens')).toBeNull();
  });

  it('finds where a listener for an event is added, on its emitter first', () => {
    const text = ["cache.on('price', refresh);", "  priceBus.on('price', (sku: string) => {", '  signal.addEventListener("abort", stop);', 'jobs.once(`done.1`, next);'].join('\n');
    expect(findListenerCall(text, 'price', 'priceBus')).toEqual({ line: 2, column: 3 });
    // Without the emitter's name in the file, the first call for that event.
    expect(findListenerCall(text, 'price', 'feed')).toEqual({ line: 1, column: 7 });
    expect(findListenerCall(text, 'abort', 'signal')).toEqual({ line: 3, column: 3 });
    // The event is a literal, not a pattern: `done.1` is not `doneX1`.
    expect(findListenerCall(text, 'done.1')).toEqual({ line: 4, column: 6 });
    expect(findListenerCall(text.replace('done.1', 'doneX1'), 'done.1')).toBeNull();
    expect(findListenerCall(text, 'pric')).toBeNull();
  });

  it("finds the call into Node's API that adds listeners to an emitter: the one that names it", () => {
    const text = [
      '// each session calls createInterface(commands) and once(jobs, ...) below',
      "const other = readline.createInterface({ input: process.stdin });",
      'const rl = readline.createInterface({',
      '  input: commands,',
      '});',
      "jobs.once('done', () => jobs.size);",
      "await once(jobs, 'done');",
      'body.pipe(requestLog, { end: false });',
      'commands.pipe(sink);',
    ].join('\n');
    // Not the comment, not the interface over stdin: the call whose arguments name the stream.
    expect(findApiCall(text, ['createInterface'], 'commands', false)).toEqual({ call: 'createInterface', line: 3, column: 12 });
    expect(findApiCall(text, ['createInterface'], 'stdin', false)).toEqual({ call: 'createInterface', line: 2, column: 15 });
    // `jobs.once(` is the emitter's own method, with the developer's callback: events.once() is the API.
    expect(findApiCall(text, ['once', 'on'], 'jobs', false)).toEqual({ call: 'once', line: 7, column: 7 });
    // A method names the emitter as its argument (the destination) or as its receiver (the source).
    expect(findApiCall(text, ['pipe'], 'requestLog', true)).toEqual({ call: 'pipe', line: 8, column: 1 });
    expect(findApiCall(text, ['pipe'], 'commands', true)).toEqual({ call: 'pipe', line: 9, column: 1 });
    // A whole word: `command` is not `commands`; and no call names `sink2`.
    expect(findApiCall(text, ['createInterface'], 'command', false)).toBeNull();
    expect(findApiCall(text, ['pipe'], 'sink2', true)).toBeNull();
  });

  it('finds where objects of a class are made, outside comments', () => {
    const text = ['// new AsyncLocalStorage() per request', 'const ctx = new hooks.AsyncLocalStorage();', 'const b = new AsyncLocalStorage ();'].join('\n');
    expect(findConstruction(text, 'AsyncLocalStorage')).toEqual({ line: 2, column: 13 });
    expect(findConstruction(text, 'AsyncLocal')).toBeNull();
    expect(findConstruction('x.new AsyncLocalStorage()', 'AsyncLocalStorage')).toBeNull();
  });

  it('finds where handles are opened: a call, not its declaration nor a comment, inside a function before the top level', () => {
    const text = ['// fs.watch(file) per request', 'function watch(file) {}', 'const w = fs.watch(file);', 'app.get(() => {', '  watch(other);', '});'].join('\n');
    expect(findOpener(text, [], ['watch'])).toEqual({ line: 5, column: 3 });
    expect(findOpener(text.replace('  watch(other);', 'rewatch(other);'), [], ['watch'])).toEqual({ line: 3, column: 11 });
    const channels = ['const { port1 } = new MessageChannel();', 'function handle() {', "  new BroadcastChannel('prices');", '}'].join('\n');
    expect(findOpener(channels, ['MessageChannel', 'BroadcastChannel'], [])).toEqual({ line: 3, column: 3 });
    expect(findOpener('new Watch(1); rewatch(2);', [], ['watch'])).toBeNull();
  });

  it('finds the call that sets timers with a given delay: as digits, as seconds, or through a constant', () => {
    const text = [
      'const HEARTBEAT_MS: number = 30_000;',
      'setTimeout(() => ready(), 50);',
      'function open(conn) {',
      '  setInterval(() => { ping(conn); }, HEARTBEAT_MS);',
      '}',
      'timers.push(setInterval(poll, 5 * 1000));',
      'setTimeout(retry, 600000);',
    ].join('\n');
    expect(findTimerCall(text, 30000)).toEqual({ line: 4, column: 3 });
    expect(findTimerCall(text, 5000)).toEqual({ line: 6, column: 13 });
    expect(findTimerCall(text, 600000)).toEqual({ line: 7, column: 1 });
    expect(findTimerCall(text, 50)).toEqual({ line: 2, column: 1 });
    // Several calls and none with that delay: no guess.
    expect(findTimerCall(text, 1234)).toBeNull();
    // The file's only call, whatever its delay is written as.
    expect(findTimerCall('const t = setInterval(tick, cfg.every);', 1234)).toEqual({ line: 1, column: 11 });
    // 300 is not 30_000's prefix, nor 3000.
    expect(findTimerCall('setInterval(a, 3000); setInterval(b, 300);', 300)).toEqual({ line: 1, column: 23 });
  });

  it("finds a class's own field after the class's start, not another class's of the same name", () => {
    const text = [
      'class Registry {',
      '  constructor() { this.subscribers = []; }',
      '}',
      'class PriceStore {',
      '  constructor() {',
      '    this.subscribers = new Set();',
      '  }',
      '}',
    ].join('\n');
    expect(findDeclaration(text, 'subscribers')).toEqual({ line: 2, column: 24 });
    expect(findAfter(text, 'subscribers', { line: 4, column: 1 }, findDeclaration)).toEqual({ line: 6, column: 10 });
    // On the start line itself, columns count from the line's start.
    expect(findAfter('class A { x = 1 } class B { y = new Map() }', 'y', { line: 1, column: 19 }, findDeclaration)).toEqual({ line: 1, column: 29 });
    expect(findAfter(text, 'subscribers', { line: 7, column: 1 }, findDeclaration)).toBeNull();
    expect(findAfter(text, 'subscribers', { line: 40, column: 1 }, findDeclaration)).toBeNull();
  });
});
