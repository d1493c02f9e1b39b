import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { diagnose, renderMarkdown } from '../../analysis/diagnose.ts';
import { renderText } from '../../analysis/render-text.ts';
import { REPO } from './fixtures.ts';
import { ABORT_TIMEOUT, diagnoseKind, dir, FIXTURE, lineOf, run } from './outside-leak-runs.ts';
import { CHILD_TIMEOUT_MS, TEST_TIMEOUT_MS } from '../helpers/lane-bounds.ts';

/**
 * The diagnosis on leak shapes that none of the lab's scenarios (nor their names) use:
 * - fields: a class's static field, a class's private field, an ES module's exported instance;
 * - scopes: an array in a function's scope reached only through a closure, a global, a
 *   factory's cache whose scope a signal handler reaches first;
 * - listeners: bound methods, `process` listeners, an AbortSignal's (Node's EventTarget keeps
 *   them as a linked list);
 * - collections: a dictionary of many small growing arrays, a WeakMap value whose key lives for
 *   ever, a metric's label sets (prom-client), promises that never settle, anonymous timeouts,
 *   a local of an async consumer loop that never ends, a memoizer's cache on its function;
 * - replaced values: an array replaced by a longer copy (`list = list.concat(x)`), one Buffer that
 *   only gets longer, strings that properties only append to, Meteor's `theThing` chain.
 * - lists V8 keeps itself: a never-settling promise raced on every call, a FinalizationRegistry
 *   whose target never dies; Node's queues of setImmediate() and process.nextTick() callbacks
 *   behind a loop that never lets go of the thread; short ids sliced from big strings; a Map on a class's prototype;
 *   an array and Maps stored as a Map's values; once() listeners under a new event name each;
 *   lru-cache given a ttl and no max (one suspect for its several growing collections); streams
 *   piped into a long-lived writable and never unpiped (one suspect for its events' listeners);
 *   a module imported under a new URL per request (Node's loader caches: one suspect); a file
 *   required again after deleting it from require.cache; a linked list of events; lodash's
 *   memoize; a hand-rolled linked queue; numbers kept inline (an array of latencies, a Set of
 *   ids, a dictionary and a Map of counters); a class's field under a symbol key; an installed
 *   package's module variable that every call adds to (CommonJS, and an ES module's export), or
 *   that keeps a growing dictionary, or a cron package's registry of tasks whose bytes stand
 *   still; a Set in Node's own module (signals from AbortSignal.any() with listeners); a
 *   package's container of loggers imported from an ES module; a library's private field (a
 *   metric registered per request, in prom-client's `_metrics`); an HTTP client's interceptors
 *   kept under a symbol; a template engine's registry that two of its objects share; timers
 *   each with a delay of its own; callbacks that each keep their call's scope, and a buffer in
 *   it; a dictionary set on the global object; a Map declared in an `if` block (V8 leaves a
 *   block's variables unnamed); an array the developer sets on a Koa-like framework's
 *   object; objects kept for ever with their metadata in a WeakMap; a stream written to and
 *   never read, and one pushed to and never consumed; the block's Map after a counter that
 *   starts at 0; listeners on a MessagePort that its native handle reaches first; diagnostics_channel subscribers never unsubscribed; a Map keyed by call objects; listeners that an emitter package wraps in objects of its own; a service's Map, the service kept by a container's Map keyed by its class; an `events.on()` iterator never read; a store's subscribers whose unsubscribe is dropped; an observable's Subject keeping its subscribers in two arrays; a Proxy wrapped around the one before it; a database client's queue, set by a base class in another of its files; a class's static private field, reached from its instance; an array on the global object under a `Symbol.for()` key; an interval started into one variable, the one it replaces never cleared; intervals beside an idle timer the program refreshes; symbols from `Symbol.for()` under a new key each time; writes serialized by `.then()` behind one that never settles; a `for await` over node:timers/promises' setInterval that never breaks; a long AbortSignal.timeout() per call with an 'abort' listener (its own script).
 * And healthy heaps: the dictionary with each array capped, a registry whose targets die, a
 * growing chain of promises that nothing holds, the replaced array sliced to a cap.
 */
// Side by side: each fixture is a child process doing a fixed amount of work with no timing in
// it, so running several at once only shortens the suite. The Express app, driven over real
// HTTP, is in express-leaks.test.ts.
const PENDING_WARNING = fileURLToPath(new URL('../fixtures/analysis/pending-warning.mjs', import.meta.url));
const CR_LINE_ENDS = fileURLToPath(new URL('../fixtures/analysis/cr-line-ends.mjs', import.meta.url));

describe.concurrent('diagnose on leaks written outside the lab', () => {
  it.each([
    ['static-field', 'RequestTracker.seenRequests', 'map'],
    ['private-field', '#hitsByClient', 'map'],
    ['static-private', 'ConnectionPool.#waiting', 'array'],
    ['symbol-global', '<symbol acme.plugins>', 'array'],
    ['function-scope', 'samples', 'array'],
    ['global-var', 'metricsHistory', 'array'],
    ['process-listeners', 'beforeExit', 'listeners'],
    ['abort-signal', 'shutdown', 'listeners'],
    ['bound-listeners', 'priceFeed', 'listeners'],
    ['exported-instance', 'subscribers', 'array'],
    ['nested-dictionary', 'historyByUser', 'object'],
    ['pending-promises', 'pendingCalls', 'set'],
    ['immutable-history', 'orderHistory', 'array'],
    ['growing-buffer', 'auditBlob', 'object'],
    ['weakmap-value', 'events', 'array'],
    ['metric-labels', 'httpRequests', 'object'],
    ['replace-thing', 'theThing', 'object'],
    ['anonymous-timeouts', 'timers every 3600000 ms', 'timers'],
    ['scope-behind-plumbing', 'pagesByUrl', 'map'],
    ['async-consumer', 'seenOrders', 'array'],
    ['memoized-function', 'priceFor.cache', 'map'],
    ['prototype-cache', 'PriceList.prototype.quotes', 'map'],
    ['require-reload', 'children', 'array'],
    ['linked-list', 'newestEvent', 'object'],
    ['lodash-memoize', 'shippingQuote.cache', 'object'],
    ['linked-queue', 'head', 'object'],
    ['latency-samples', 'latenciesMs', 'array'],
    ['seen-ids', 'seenRequestIds', 'set'],
    ['hits-by-ip', 'hitsByIp', 'object'],
    ['hits-by-client', 'hitsByClient', 'map'],
    ['counts-by-user-id', 'countsByUserId', 'object'],
    ['symbol-field', 'tracker[kRequests]', 'array'],
    ['vm-contexts', 'templateSandboxes', 'array'],
    ['sweeping-cache', 'entries', 'map'],
    ['pruned-store', 'sessionStore', 'object'],
    ['set-subclass', 'visitorIds', 'set'],
    ['counter-map-subclass', 'hitsByPath', 'map'],
    ['array-subclass', 'auditTrail', 'array'],
    ['imported-state', 'orders', 'array'],
    ['package-state', 'recentVisits', 'array'],
    ['package-export', 'auditLines', 'array'],
    ['package-nested', 'hitsByPath', 'object'],
    ['scheduled-tasks', 'tasks', 'map'],
    ['abort-any', 'gcPersistentSignals', 'set'],
    ['logger-per-tenant', 'loggers', 'map'],
    ['shared-scope', 'retryCallbacks', 'array'],
    ['interceptor-per-request', 'api.interceptors.request', 'map'],
    ['global-property', 'sessionsById', 'object'],
    ['block-scoped', 'inFlight', 'map'],
    ['framework-context', 'seenPaths', 'array'],
    ['decorated-field', 'app.tokensByUser', 'map'],
    ['weakmap-metadata', 'openSessions', 'array'],
    ['unread-stream', 'accessLog', 'array'],
    ['unpulled-feed', 'quoteFeed', 'array'],
    ['block-counter', 'pendingQuotes', 'map'],
    ['port-listeners', 'message', 'listeners'],
    ['channel-subscribers', 'queryChannel._subscribers', 'array'],
    ['object-keys', 'callStartedAt', 'map'],
    ['wrapped-listeners', 'priceTicker', 'listeners'],
    ['di-container', 'quotesBySession', 'map'],
    ['unread-events', 'quoteEvents', 'object'],
    ['forgotten-unsubscribe', 'subscribers', 'set'],
  ])('%s: the top suspect is %s (%s), growing by the leak rate', async (kind, holder, leakKind) => {
    const r = await diagnoseKind(kind);
    expect(r.verdict).toBe('leak');
    const top = r.leaks[0];
    expect(top.holder.name).toBe(holder);
    expect(top.kind).toBe(leakKind);
    // One Buffer that gets longer keeps its object count: its bytes are what grows.
    // Numbers V8 keeps inline have no nodes to count: their bytes are the growth.
    const byBytes = ['growing-buffer', 'latency-samples', 'seen-ids', 'counts-by-user-id'].includes(kind);
    const growth = byBytes ? top.growth.bytesPerSnapshot : top.growth.perSnapshot;
    expect(growth.every((g) => g > 0)).toBe(true);
    if (kind === 'immutable-history') expect(top.objectName).toBe('Object');
    if (kind === 'growing-buffer') expect(top.summary).toMatch(/^Buffer `auditBlob` grew from [\d.]+ KB to [\d.]+ KB retained \(\d+ objects throughout\)/);
    if (kind === 'weakmap-value') {
      // V8's edge name carries the pair's and the table's ids; the step says what it is.
      expect(top.retainerPath.map((p) => p.edge)).toEqual(['', 'tenant', expect.stringMatching(/^WeakMap\[Object @\d+\]$/), 'events']);
    }
    if (kind === 'private-field') {
      // The key space in plain sight: one entry per client address and port.
      expect(top.examples).toHaveLength(3);
      for (const key of top.examples ?? []) expect(key).toMatch(/^10\.0\.\d+\.\d+:\d+$/);
    }
    // Found in the class body, not at the class's constructor, where V8 places a class that has one.
    if (kind === 'static-private') expect(top.location).toMatchObject({ file: 'test/fixtures/analysis/outside-leaks.mjs', line: lineOf('static #waiting = []'), column: 10 });
    // Assigned through the constant that holds the key.
    if (kind === 'symbol-global') expect(top.location).toMatchObject({ file: 'test/fixtures/analysis/outside-leaks.mjs', line: lineOf('globalThis[PLUGINS] ??= []') });
    if (kind === 'static-field') {
      // Entries with no string key are shown by their text fields.
      expect(top.examples?.length).toBeGreaterThan(0);
      for (const x of top.examples ?? []) expect(x).toMatch(/^\{ path: '\/items\/\d+' \}$/);
    }
    if (kind === 'require-reload') {
      // Node's loader keeps each copy in the parent module's children; which file, the entries say.
      expect(top.summary).toContain('holding Module values: each `require()` of a file deleted from `require.cache` loads a new copy');
      expect(top.examples?.length).toBeGreaterThan(0);
      for (const x of top.examples ?? []) expect(x).toMatch(/^Module \{ id: '.*rules-plugin\.cjs'/);
      expect(renderMarkdown(r)).toContain('files are required again after being deleted from `require.cache`');
    }
    if (kind === 'linked-list') {
      // A chain's head has fields, not entries: `previous` is the link, not an example.
      expect(top.chainLink?.map((p) => p.edge)).toEqual(['previous']);
      expect(top.examples).toBeUndefined();
    }
    if (kind === 'lodash-memoize') {
      // A function lodash's factory made for the caller is the caller's: named by its variable, down to the documented `cache`.
      expect(top.summary.startsWith('Object inside `shippingQuote.cache` (a library')).toBe(true);
      expect(top.location).toMatchObject({ line: lineOf('const shippingQuote =') });
      for (const x of top.examples ?? []) expect(x).toMatch(/^NBO-\d+-LHR$/);
    }
    if (['latency-samples', 'seen-ids', 'hits-by-ip', 'hits-by-client', 'counts-by-user-id'].includes(kind)) {
      // What piles up is numbers, which V8 keeps inside the holder's store: not `Object` values.
      expect(top.objectName).toBe('number');
      expect(top.summary).toContain(', holding numbers');
      expect(top.summary).not.toContain('objects throughout');
      expect(renderMarkdown(r)).toContain('What piles up is numbers');
      // An array's `undefined` entries and holes look the same in its store: a queue that empties slots and never cuts them off.
      if (kind === 'latency-samples') expect(top.summary).toContain(', holding numbers or empty slots');
    }
    if (kind === 'hits-by-ip') {
      // No property edges for number values: the keys come from the dictionary's store.
      expect(top.countsOf).toBe('entries');
      expect(top.examples?.length).toBeGreaterThan(0);
      for (const x of top.examples ?? []) expect(x).toMatch(/^10\.1\.\d+\.\d+$/);
    }
    if (kind === 'vm-contexts') {
      // Node's cleanup queue lists every context for teardown, but does not keep one alive: the
      // sandbox does, and each is charged its whole context (over 100 KB on Node 20), not its 50 bytes.
      expect(top.counts).toEqual([30, 60, 90]);
      expect(top.objectName).toBe('vm context');
      expect((top.bytes[2] - top.bytes[0]) / 60).toBeGreaterThan(50_000);
      expect(top.summary).toContain('each is the sandbox of a `vm.createContext()`');
      expect(renderMarkdown(r)).toContain('contexts made with `vm.createContext()` are kept in `templateSandboxes`');
    }
    if (kind === 'sweeping-cache') {
      // Node's timer list reaches the cache first, through its sweep interval: the path shown
      // starts where the code keeps it, and the one found stays in fullRetainerPath.
      expect(top.retainerPath.map((p) => p.edge)).toEqual(['', 'sessionCache', 'entries']);
      expect(top.fullRetainerPath?.map((p) => p.edge)).toContain('timerListMap');
      expect(top.location).toMatchObject({ line: lineOf('this.entries = new Map()') });
    }
    if (kind === 'pruned-store') {
      // A library's object reached first through its prune timer: located at the developer's
      // variable, never in Node's own code (node:timers), and shown from that variable.
      expect(top.location).toMatchObject({ line: lineOf('const sessionStore =') });
      expect(top.retainerPath.map((p) => p.edge).slice(0, 2)).toEqual(['', 'sessionStore']);
      expect(top.summary).toContain('[Symbol(cache)] (Map) grows with it');
      // The variable keeps memorystore's MemoryStore; what grows is the LRUCache inside it.
      expect(top.summary.startsWith('LRUCache inside `sessionStore` (a library')).toBe(true);
      expect(renderMarkdown(r)).toContain('the LRUCache inside `sessionStore` (a library');
    }
    if (['set-subclass', 'counter-map-subclass', 'array-subclass'].includes(kind)) {
      // A subclass is named after its class, but it is the built-in collection it extends.
      const cls = { 'set-subclass': 'UniqueList', 'counter-map-subclass': 'CounterMap', 'array-subclass': 'EventLog' }[kind];
      expect(top.summary.startsWith(`${cls} \`${holder}\` grew from 3000 to 9000 entries`)).toBe(true);
      expect(top.objectName).toBe({ 'set-subclass': 'string', 'counter-map-subclass': 'number', 'array-subclass': 'Object' }[kind]);
    }
    if (kind === 'imported-state') {
      // Reached through the importing module's import list; declared where it is exported.
      expect(top.location).toMatchObject({ file: 'test/fixtures/analysis/esm-state.mjs', line: 3 });
      // Added to by the module that imports it, not the one that declares it: the program's other scripts say where.
      expect(top.writes).toMatchObject({ adds: [{ file: 'test/fixtures/analysis/outside-leaks.mjs', line: lineOf("kind === 'imported-state'"), call: 'orders.push' }], removes: [] });
      expect(top.writes?.searched).toContain('test/fixtures/analysis/esm-state.mjs');
      expect(top.retainerPath.map((p) => [p.edge, p.edgeType])).toEqual([['', ''], ['checkoutState', 'export'], ['orders', 'property']]);
    }
    if (kind === 'package-state') {
      // The package's own variable, not the developer's `visits` that keeps the package's exports.
      expect(top.package).toBe('@acme/visits');
      expect(top.location).toMatchObject({ file: 'test/fixtures/analysis/node_modules/@acme/visits/index.js', line: 2 });
      expect(top.summary.startsWith('Array `recentVisits`, a module variable of the package @acme/visits, grew from 3000 to 9000 entries')).toBe(true);
      expect(renderMarkdown(r)).toContain("It is the package's own state, shared by all its callers: look for the call into `@acme/visits`");
    }
    if (kind === 'shared-scope') {
      // The functions are small; the scope each keeps, with the buffer another closure reads, is not.
      expect(top.scopeKeeps).toMatchObject({ variable: 'body', className: 'Buffer' });
      expect(top.scopeKeeps?.bytes).toBeGreaterThanOrEqual(2048);
      // Where the functions are made (the push), beside where the array is declared.
      expect(top.madeAt).toMatchObject({ line: lineOf('retryCallbacks.push(') });
      expect(top.summary).toMatch(/holding anonymous function values \(made at test\/fixtures\/analysis\/outside-leaks\.mjs:\d+:\d+\), each keeping alive the scope it was made in, with its `body` \(Buffer, /);
      expect(renderMarkdown(r)).toContain('V8 keeps one scope per call for all the closures made in it');
    }
    if (kind === 'logger-per-tenant') {
      // Reached through Node's require cache: located where the package's class makes the Map,
      // not in Node's loader, nor at the application's `loggerSettings.set('loggers', ...)`.
      expect(top.location).toMatchObject({ file: 'test/fixtures/analysis/node_modules/@acme/loggers/index.js', line: 14 });
    }
    if (kind === 'abort-any') {
      // Node's own module keeps the signals: said so, with what to look for.
      expect(top.package).toMatch(/^node:internal\//);
      expect(top.summary.startsWith(`Set \`gcPersistentSignals\`, a module variable of Node's own ${top.package}, grew from 3000 to 9000 entries`)).toBe(true);
      expect(renderMarkdown(r)).toContain("It is Node's own state (`node:internal/");
      // Located at the program's call into Node's API that adds them, not in Node's own code.
      expect(top.location).toMatchObject({ line: lineOf('AbortSignal.any([shutdown.signal') });
      expect(top.summary).toContain("Node keeps each signal from `AbortSignal.timeout()` or `AbortSignal.any()` that has an 'abort' listener until it aborts");
    }
    if (kind === 'scheduled-tasks') {
      // 300, 600, 900 tasks: the table doubles in one interval only, and the timers keep the tasks.
      expect(top.package).toBe('@acme/scheduler');
      expect(top.counts).toEqual([300, 600, 900]);
      expect(top.retainedBytes).toBeLessThan(64 * 1024);
    }
    if (kind === 'package-nested') {
      // The package's variable keeps it, a few properties up: said so, with the variable.
      expect(top).toMatchObject({ package: '@acme/visits', packageVariable: 'stats' });
      expect(top.summary.startsWith('Object `hitsByPath`, kept by `stats`, a module variable of the package @acme/visits, grew')).toBe(true);
    }
    if (kind === 'interceptor-per-request') {
      // The developer's expression stops at the library's field under a symbol; the Map is inside its InterceptorManager.
      expect(top.summary.startsWith("Map inside `api.interceptors.request` (a library's InterceptorManager) grew from 3000 to 9000 entries")).toBe(true);
      expect(top.location).toMatchObject({ line: lineOf("const api = require('@acme/http-client')") });
    }
    if (kind === 'package-export') {
      // An ES module's exported binding lives in a Cell: the module that exports it says whose it is.
      expect(top.package).toBe('@acme/audit');
      expect(top.location).toMatchObject({ file: 'test/fixtures/analysis/node_modules/@acme/audit/index.js', line: 2 });
    }
    if (kind === 'global-property') {
      // No scope holds it: the script that assigns it to the global object says where it is made.
      expect(top.location).toMatchObject({ file: 'test/fixtures/analysis/outside-leaks.mjs', line: lineOf('globalThis.sessionsById = {}') });
      expect(top.retainerPath.map((p) => [p.edge, p.node])).toEqual([['', 'global'], ['sessionsById', 'Object']]);
    }
    if (kind === 'block-scoped') {
      // V8 leaves a block's variables unnamed; the names come from the block's scope_info.
      expect(top.summary).toMatch(/^Map `inFlight` grew/);
      expect(top.location?.line).toBe(lineOf('const inFlight = new Map()'));
    }
    if (kind === 'block-counter') {
      // `let served = 0` takes no index in V8's drawing: the source says which name is the Map's.
      expect(top.location?.line).toBe(lineOf('const pendingQuotes = new Map()'));
      expect(top.retainerPath.at(-1)).toMatchObject({ edge: 'pendingQuotes', edgeType: 'context' });
    }
    if (kind === 'unread-stream') {
      expect(top.summary).toMatch(/^Array inside `accessLog` \(Node's WritableState\) grew .*: writes the stream has queued and not passed on;/);
      expect(renderMarkdown(r)).toContain("calls `write()` without waiting for `'drain'`");
    }
    if (kind === 'unpulled-feed') {
      expect(top.summary).toMatch(/^Array inside `quoteFeed` \(Node's ReadableState\) grew .*: chunks pushed into the stream and not read;/);
      expect(renderMarkdown(r)).toContain('faster than it is consumed, or nothing consumes it at all');
    }
    if (kind === 'weakmap-metadata') {
      // A WeakMap's value lives as long as its key: each session's metadata is counted with it
      // (without it, 0.6 MB: the sessions alone).
      expect(top.retainedBytes).toBeGreaterThan(4 * 1024 * 1024);
    }
    if (kind === 'framework-context') {
      // Only the framework's closures reach it: the developer's line that set it is the place.
      expect(top.location?.file).toBe('test/fixtures/analysis/outside-leaks.mjs');
      expect(top.location?.line).toBe(lineOf('app.context.seenPaths = []'));
    }
    if (kind === 'decorated-field') {
      // The field is the developer's, handed to the framework's object by name: not a Map inside
      // a library's object, and made where it is handed over.
      expect(top.summary.startsWith('Map `app.tokensByUser` grew')).toBe(true);
      expect(top.location).toMatchObject({ file: 'test/fixtures/analysis/outside-leaks.mjs', line: lineOf("app.decorate('tokensByUser'") });
      expect(top.writes?.adds).toMatchObject([{ line: lineOf('app.tokensByUser.set('), call: 'tokensByUser.set' }]);
    }
    if (kind === 'hits-by-client') for (const x of top.examples ?? []) expect(x).toMatch(/^client-\d+$/);
    if (kind === 'linked-queue') {
      // The queue's `tail` is replaced on every push: a field, not a new entry.
      expect(top.examples).toBeUndefined();
      expect(top.countsOf).toBe('retained objects');
      // A field of the developer's class is located where the class sets it, not at `const emailJobs`.
      expect(top.location).toMatchObject({ line: lineOf('else this.head = node') });
    }
    if (kind === 'replace-thing') {
      // The variable only names the chain's head; the link is what a developer cuts.
      expect(top.chainLink?.map((p) => p.edge)).toEqual(['someMethod', 'context', 'originalThing']);
      expect(top.summary).toContain('each value keeps the one before it alive through `someMethod -> originalThing`');
      expect(top.location).toMatchObject({ line: lineOf('const originalThing = theThing') });
      expect(renderMarkdown(r)).toContain('Each new value keeps the one before it alive through `someMethod -> originalThing`');
    }
    if (kind === 'anonymous-timeouts') {
      // No callback name to give: the timers go by their interval, counted as timers, and what piles up is Timeouts.
      expect(top.summary).toMatch(/^Timers every 3600000 ms grew from 3000 to 9000 timers /);
      expect(top).toMatchObject({ countsOf: 'entries', counts: [3000, 6000, 9000] });
      expect(top).toMatchObject({ objectName: 'Timeout', location: { line: lineOf('setTimeout(() => request.id') } });
      // A timer list's links are not keys of entries.
      expect(top.examples).toBeUndefined();
    }
    if (kind === 'memoized-function') {
      // Every memoized function has a `cache`: the function's name is what tells them apart.
      for (const key of top.examples ?? []) expect(key).toMatch(/^sku-\d+$/);
    }
    if (kind === 'async-consumer') {
      // V8 keeps a suspended async function's locals unnamed: the one the function's body
      // declares and adds to is its name and place.
      expect(top.location).toMatchObject({ line: lineOf('const seenOrders = []') });
      expect(top.writes?.adds).toMatchObject([{ line: lineOf('seenOrders.push(order)'), call: 'seenOrders.push' }]);
      expect(top.retainerPath[0]).toMatchObject({ edge: '', node: 'suspended consumeOrders()' });
      expect(top.retainerPath).toHaveLength(3);
    }
    if (kind === 'scope-behind-plumbing') {
      // The signal handler that happens to reach the app's scope first is left out of the shown
      // path (it stays in fullRetainerPath): it starts at the scope holding the cache's owner.
      expect(top.retainerPath.map((p) => p.edge)).toEqual(['', 'pages', 'put', 'context', 'pagesByUrl']);
      expect(top.fullRetainerPath?.map((p) => p.edge)).toContain('SIGUSR2');
    }
    if (kind === 'metric-labels') {
      // Reached through the library's registry; located at the variable the code keeps it in.
      expect(top.retainerPath.at(-1)?.edge).toBe('hashMap');
      expect(top.location).toMatchObject({ line: lineOf('const httpRequests =') });
    }
    if (kind === 'abort-signal') {
      // The list's head, not a link deep in it: a short path, the event named, the listener located.
      const line = lineOf("addEventListener('abort'");
      expect(top).toMatchObject({ name: 'abort', owner: 'shutdown', location: { file: 'test/fixtures/analysis/outside-leaks.mjs', line } });
      expect(top.retainerPath.length).toBeLessThan(10);
      // Counted by the chain's links, one per addEventListener(), and said to hold the callbacks.
      expect(top).toMatchObject({ countsOf: 'entries', counts: [3000, 6000, 9000], objectName: 'anonymous function' });
    }
    if (kind === 'abort-signal' || kind === 'port-listeners') {
      // Every link of the chain after the first grows too: one list, so one suspect.
      expect(r.leaks.filter((l) => l.kind === 'listeners')).toHaveLength(1);
    }
    // Only a Map whose new keys are objects is said to keep its keys alive (a WeakMap would not).
    if (kind === 'object-keys') {
      expect(top).toMatchObject({ keyedBy: 'IncomingCall', objectName: 'IncomingCall', counts: [3000, 6000, 9000] });
      expect(top.summary).toContain('keyed by IncomingCall objects: a Map keeps its keys alive');
      expect(renderMarkdown(r)).toContain("They are the Map's keys, and a Map keeps each key alive");
    } else expect(top.keyedBy).toBeUndefined();
    if (kind === 'forgotten-unsubscribe') {
      // The Set is declared in the store; the leak is made where a widget subscribes and drops the unsubscribe.
      expect(top.location).toMatchObject({ line: lineOf('this.subscribers = new Set()') });
      expect(top.madeAt).toMatchObject({ file: 'test/fixtures/analysis/outside-leaks.mjs', line: lineOf('priceStore.subscribe((state)') });
      expect(renderMarkdown(r)).toContain(`The functions are made at \`test/fixtures/analysis/outside-leaks.mjs:${lineOf('priceStore.subscribe((state)')}:`);
      // Run from the app's own folder, its file is shown as a bare name: still the developer's code.
      const snapshots = [0, 1, 2].map((i) => join(dir, kind, `s${i}.heapsnapshot`));
      const tsx = pathToFileURL(join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;
      const cli = await run(process.execPath, ['--import', tsx, join(REPO, 'analysis/diagnose-cli.ts'), '--quiet', '--json', '-', ...snapshots], { cwd: dirname(FIXTURE), timeout: CHILD_TIMEOUT_MS });
      expect(JSON.parse(cli.stdout).leaks[0].madeAt).toMatchObject({ file: 'outside-leaks.mjs', line: lineOf('priceStore.subscribe((state)') });
    } else if (top.kind !== 'set' && top.kind !== 'array') expect(top.madeAt).toBeUndefined();
    if (kind === 'unread-events') {
      // Node's queue, counted across its ring buffers, is the one suspect (not its buffers' arrays), and says why it grows.
      expect(r.leaks).toHaveLength(1);
      expect(top).toMatchObject({ holder: { nodeName: 'FixedQueue' }, library: { className: 'FixedQueue', node: true }, counts: [3000, 6000, 9000] });
      expect(top.summary).toMatch(/^FixedQueue inside `quoteEvents` \(Node's own object\) grew from 3000 to 9000 queued items .*`events\.on\(\)` iterator/);
    }
    if (kind === 'di-container') {
      // A Map's value under a key that is a class reads as `get(QuoteService)`, not as V8's hash table and slot.
      expect(top.retainerPath.map((p) => p.edge).slice(-3)).toEqual(['instances', 'get(QuoteService)', 'quotesBySession']);
      expect(top.retainerPath.at(-2)).toMatchObject({ edgeType: 'map value', node: 'QuoteService' });
      expect(top.location).toMatchObject({ line: lineOf('this.quotesBySession = new Map()') });
    }
    if (kind === 'wrapped-listeners') {
      // The function inside the emitter's wrapper object is the listener: located, and what piles up.
      expect(top).toMatchObject({ name: 'tick', owner: 'priceTicker', objectName: 'anonymous function', counts: [3000, 6000, 9000], location: { line: lineOf("priceTicker.on('tick'") } });
    }
    if (kind === 'channel-subscribers') {
      // The channel's array, replaced by a longer copy on each subscribe(): said as the array it is, not as its Channel.
      expect(top.summary).toMatch(/^Array `queryChannel\._subscribers` grew/);
      expect(top).toMatchObject({ objectName: 'anonymous function', location: { line: lineOf('queryChannel.subscribe(') } });
    }
    if (kind === 'port-listeners') {
      // Reached first from its native handle, the port is called what the variable keeping it is called.
      expect(top).toMatchObject({ owner: 'replies', counts: [3000, 6000, 9000], location: { line: lineOf("replies.on('message'") } });
      expect(top.summary).toMatch(/^"message" listeners on `replies` grew/);
      expect(top.retainerPath.map((p) => p.edge).slice(0, 2)).toEqual(['', 'replies']);
    }
    if (kind === 'bound-listeners') {
      // A bound function has no code of its own: the method it calls is what a developer opens.
      const line = readFileSync(FIXTURE, 'utf8').split('\n').findIndex((l) => l.trim() === 'onTick() {') + 1;
      expect(top).toMatchObject({ name: 'tick', objectName: 'bound onTick()', location: { line } });
    }
    if (kind === 'exported-instance') {
      expect(top.retainerPath.map((p) => [p.edge, p.edgeType])).toEqual([
        ['', ''],
        ['registry', 'export'],
        ['subscribers', 'property'],
      ]);
    }
  }, TEST_TIMEOUT_MS);

  it.each([
    ['async-recursion', 'pollInventory', 'async function pollInventory'],
    ['then-recursion', 'pollPrices', 'function pollPrices'],
    ['once-recursion', 'awaitNextOrder', 'async function awaitNextOrder'],
    ['sleep-recursion', 'pollQuotes', 'async function pollQuotes'],
  ])('%s: a poll loop written as recursion is named by its function, %s()', async (kind, fn, declaration) => {
    const r = await diagnoseKind(kind);
    expect(r.verdict).toBe('leak');
    const top = r.leaks[0];
    // What holds the newest link is plumbing (the immediate queue, an emitter's listener, the timer list for a delay);
    // the promises behind it are the loop's.
    expect(top).toMatchObject({ name: `${fn}()`, kind: 'promise', objectName: 'Promise', awaitedBy: `${fn}()`, location: { line: lineOf(declaration) } });
    expect(top.growth.perSnapshot.every((g) => g > 0)).toBe(true);
    expect(top.summary.startsWith(`Promises chained by \`${fn}()\` grew from `)).toBe(true);
    expect(top.summary).toContain('each call waiting for the next, so none settles until the last one does');
    expect(top.holder.name).not.toMatch(/^(?:clearInterval|setImmediate)\b/);
    expect(renderMarkdown(r)).toContain(`each call of \`${fn}()\` waits for the next one`);
  }, TEST_TIMEOUT_MS);

  it('decorate-chain: a handler replaced by a wrapper of itself is a property, and its link is named', async () => {
    const r = await diagnoseKind('decorate-chain');
    const top = r.leaks[0];
    expect(top).toMatchObject({ name: 'orderHandlers.onOrder', kind: 'closure-context' });
    // The dictionary's declaration, or where the link is made: either opens the code to change.
    expect([lineOf('const orderHandlers ='), lineOf('const inner = orderHandlers'), lineOf('orderHandlers.onOrder = (order)')]).toContain(top.location?.line);
    expect(top.summary).toMatch(/^Property `orderHandlers.onOrder` grew from \d+ to \d+ objects .*each value keeps the one before it alive through `inner`/);
    expect(renderMarkdown(r)).toContain('Memory grows because the chain of values held by `orderHandlers.onOrder` only ever grows');
  }, TEST_TIMEOUT_MS);

  it("metric-per-request: a library's private field is named by the library's object that owns it", async () => {
    const r = await diagnoseKind('metric-per-request');
    const top = r.leaks[0];
    // prom-client exports its global registry as `register` and keeps it as Registry.globalRegistry,
    // and the fixture keeps the package in its own `client`: the three paths are equally short,
    // and each is what a developer knows; `_metrics` is not.
    expect(top.name).toMatch(/^(?:register|globalRegistry|client\.register)$/);
    expect(top.summary).toMatch(/^Object inside `(?:register|globalRegistry|client\.register)` \(a library's Registry\) grew from \d+ to \d+ entries/);
    // One metric per five requests, beside the fixture's own `httpRequests`.
    expect(top.growth.perSnapshot).toEqual([600, 600]);
  }, TEST_TIMEOUT_MS);

  it("shared-registry: a library's collection that two of its objects share is inside the one its path comes through", async () => {
    const r = await diagnoseKind('shared-registry');
    const top = r.leaks[0];
    // Dominated by neither environment; which of the two the shortest path takes varies from run
    // to run (the developer's `templates`, or the base one that only the require cache keeps).
    expect(top.library).toEqual({ className: 'TemplateEnvironment' });
    expect(top.summary).toMatch(/^Object inside `(templates|partials)` \(a library's TemplateEnvironment\) grew from 3000 to 9000 entries/);
  });

  it("running-main: a CommonJS script's module scope that only main()'s frame on the stack keeps is still where the path starts", async () => {
    const out = join(dir, 'running-main');
    mkdirSync(out);
    const fixture = fileURLToPath(new URL('../fixtures/analysis/running-main.cjs', import.meta.url));
    // A small interrupt budget makes V8 optimize importRow() early, so that main()'s frame holds
    // the Map as a constant of its optimized code too (`48 / deoptimization literal`), as it did
    // now and then without the flag.
    await run(process.execPath, ['--expose-gc', '--max-old-space-size=256', '--interrupt-budget=1000', fixture, out], { cwd: REPO, timeout: CHILD_TIMEOUT_MS });
    const r = await diagnose({ snapshots: [0, 1, 2].map((i) => join(out, `s${i}.heapsnapshot`)) });
    const top = r.leaks[0];
    // V8's handle scopes also reach it, because writing the snapshot touched it: not a retainer a developer has.
    expect(top.retainerPath.map((p) => [p.edge, p.node])).toEqual([['', '(module scope)'], ['importedSkus', 'Map']]);
    expect(top.location).toMatchObject({ file: 'test/fixtures/analysis/running-main.cjs', line: lineOf('const importedSkus =', fixture) });
  });

  it('timers-by-delay: timers each with a delay of their own are one suspect, found by their callback, not by Node\'s table of timer lists', async () => {
    const r = await diagnoseKind('timers-by-delay');
    const top = r.leaks[0];
    expect(top).toMatchObject({ name: 'sendReminder', kind: 'timers', countsOf: 'entries', counts: [3000, 6000, 9000], location: { line: lineOf('function sendReminder()') } });
    expect(top.summary.startsWith('Timers whose callback is sendReminder(), each with a delay of its own, grew from 3000 to 9000 timers')).toBe(true);
    // Node's table of lists by delay and its queue of them grow together: one suspect, not two.
    expect(r.leaks.filter((l) => l.kind === 'timers')).toHaveLength(1);
    expect(renderMarkdown(r)).toContain('each set with a delay of its own, are scheduled and never cleared');
  });

  it.each([
    ['event-target', 'change', 'themeStore'],
    ['emitter', 'reload', 'configBus'],
  ])("pending-warning %s: listeners snapshotted while Node's MaxListenersExceededWarning waits in the tick queue are shown from the program's emitter", async (kind, event, emitter) => {
    const r = await diagnoseKind(kind, PENDING_WARNING);
    const top = r.leaks[0];
    expect(top).toMatchObject({ kind: 'listeners', name: event, counts: [3000, 6000, 9000] });
    expect(top.summary).toContain(`"${event}" listeners on \`${emitter}\``);
    expect(top.retainerPath.map((p) => p.edge)).not.toContain('queue');
  });

  it('cr-line-ends: a script saved with a lone CR ending each line is located on its lines, counted as V8 and editors count them', async () => {
    const r = await diagnoseKind('receipts', CR_LINE_ENDS);
    const lines = readFileSync(CR_LINE_ENDS, 'utf8').split('\r');
    expect(lines.length).toBeGreaterThan(10);
    const line = (text: string) => lines.findIndex((l) => l.includes(text)) + 1;
    const top = r.leaks[0];
    expect(top).toMatchObject({ name: 'receiptsByOrder', kind: 'map', location: { file: 'test/fixtures/analysis/cr-line-ends.mjs', line: line('const receiptsByOrder ='), column: 7 } });
    expect(top.writes).toMatchObject({ adds: [{ line: line('receiptsByOrder.set('), column: 3, call: 'receiptsByOrder.set' }], removes: [] });
  }, TEST_TIMEOUT_MS);

  it("fan-out: a group of mailboxes that share each message is one suspect with the collection that keeps them, added to through the loop", async () => {
    const r = await diagnoseKind('fan-out');
    expect(r.leaks.map((l) => l.name)).toEqual(['subscriberMailboxes']);
    const top = r.leaks[0];
    // The messages are in every mailbox: only the outer array keeps them, and its members grow too.
    expect(top).toMatchObject({ kind: 'array', location: { line: lineOf('const subscriberMailboxes =') } });
    expect(top.alsoGrowing).toEqual(['each of its 4 members (Array)']);
    expect(top.writes?.adds).toMatchObject([{ line: lineOf('mailbox.push(message)'), call: 'mailbox.push' }]);
  }, TEST_TIMEOUT_MS);

  it('retry-forever: timeouts that pile up in the one list of their delay are that list\'s, not "each with a delay of its own"', async () => {
    const r = await diagnoseKind('retry-forever');
    const top = r.leaks[0];
    expect(top).toMatchObject({ name: 'timers every 50 ms', kind: 'timers', holder: { nodeName: 'TimersList' }, location: { line: lineOf('setTimeout(() => {') } });
    expect(top.summary).not.toContain('delay of its own');
    expect(renderMarkdown(r)).not.toContain('delay of its own');
  });

  it('interval-beside-sweeper: intervals never cleared are found beside a timer of the same delay that the program keeps for ever', async () => {
    const r = await diagnoseKind('interval-beside-sweeper');
    expect(r.verdict).toBe('leak');
    const top = r.leaks[0];
    // Node links each timer to the next and the previous one in its list: through the back links,
    // the sweeper the program keeps was a way into every newer timer, and the list dominated none.
    expect(top).toMatchObject({ name: 'refreshQuote', kind: 'timers', holder: { nodeName: 'TimersList' }, location: { line: lineOf('setInterval(function refreshQuote()') } });
    expect(top.growth.perSnapshot.every((g) => g >= 3000)).toBe(true);
  }, TEST_TIMEOUT_MS);

  it('reassigned-interval: a variable that keeps the newest interval, the one before never cleared, does not hide the older ones', async () => {
    const r = await diagnoseKind('reassigned-interval');
    expect(r.verdict).toBe('leak');
    const top = r.leaks[0];
    // The list links to its newest timer first, and each timer to the one before it: the variable
    // was a second way into the newest, and through it into every older one.
    expect(top).toMatchObject({ name: 'pollStock', kind: 'timers', holder: { nodeName: 'TimersList' }, location: { line: lineOf('setInterval(function pollStock()') } });
    expect(top).toMatchObject({ countsOf: 'entries', counts: [3000, 6000, 9000] });
  }, TEST_TIMEOUT_MS);

  it('abort-timeout: a long AbortSignal.timeout() per call with an abort listener is located at that call, not in Node', async () => {
    const r = await diagnoseKind('abort-timeout', ABORT_TIMEOUT);
    expect(r.verdict).toBe('leak');
    const top = r.leaks[0];
    expect(top).toMatchObject({ name: 'gcPersistentSignals', package: 'node:internal/abort_controller', counts: [3000, 6000, 9000], location: { file: expect.stringMatching(/abort-timeout\.mjs$/), line: lineOf('AbortSignal.timeout(1_800_000)', ABORT_TIMEOUT) } });
    expect(renderMarkdown(r)).toContain('only ever grows: Node keeps each signal from `AbortSignal.timeout()`');
  }, TEST_TIMEOUT_MS);

  it("awaited-interval: timers Node sets for a `for await` over node:timers/promises' setInterval are located at the program's loop, not in Node", async () => {
    const r = await diagnoseKind('awaited-interval');
    expect(r.verdict).toBe('leak');
    expect(r.leaks[0]).toMatchObject({ kind: 'timers', name: 'timers every 60000 ms awaited by watchJob()', countsOf: 'entries', counts: [3000, 6000, 9000], location: { line: lineOf('async function watchJob(') } });
    expect(renderMarkdown(r)).toContain('the loop that awaits them never ends');
  }, TEST_TIMEOUT_MS);

  it('stuck-write-queue: a chain of .then() behind a promise that never settles is found at that promise, its path not thousands of links long', async () => {
    const r = await diagnoseKind('stuck-write-queue');
    expect(r.verdict).toBe('leak');
    const top = r.leaks[0];
    // The oldest link, there since the first snapshot, stands for the chain: not one made since,
    // whose growth is all it holds, nor one thousands of links down.
    expect(top).toMatchObject({ kind: 'promise', holder: { name: 'awaitingAck', nodeName: 'Promise' }, location: { line: lineOf('const awaitingAck = new Map()') } });
    expect(top.counts[0]).toBeGreaterThan(3000);
    expect(top.growth.perSnapshot.every((g) => g >= 3000)).toBe(true);
    expect(top.retainerPath.length).toBeLessThan(10);
    // One promise per write since the first snapshot but the newest, which `writeQueue` also keeps.
    expect(top).toMatchObject({ objectName: 'Promise', chainedPromises: 5999 });
    expect(top.summary).toContain('with 5999 promises chained behind it since the first snapshot: it never settles');
    expect(renderMarkdown(r)).toContain('the promise kept in `awaitingAck` never settles, and a chain of `.then()` grows behind it');
    expect(top.fullRetainerPath?.length).toBeLessThan(40);
  }, TEST_TIMEOUT_MS);

  it("symbol-keys: symbols from Symbol.for() under a new key each time are V8's registry's, located at that call", async () => {
    const r = await diagnoseKind('symbol-keys');
    expect(r.verdict).toBe('leak');
    // Not in any object of the program's: V8's table under (Strong roots), a new one each time it grows.
    expect(r.leaks[0]).toMatchObject({ name: 'Symbol.for()', objectName: 'symbol', countsOf: 'entries', holder: { name: 'public_symbol_table' }, location: { line: lineOf('Symbol.for(`acme.request:') } });
    expect(r.leaks[0].growth.perSnapshot).toEqual([3000, 3000]);
    // Keys of symbols new since the first snapshot (V8 numbers objects as a snapshot first sees them, so not in creation order within an interval).
    expect(r.leaks[0].examples).toHaveLength(3);
    for (const key of r.leaks[0].examples ?? []) expect(Number(/^acme\.request:(\d+)$/.exec(key)?.[1])).toBeGreaterThanOrEqual(3000);
    expect(r.leaks[0].summary).toMatch(/^Symbols made with `Symbol\.for\(\)` grew from \d+ to \d+ symbols .*: V8's registry keeps every symbol/);
    expect(renderMarkdown(r)).toContain('symbols are made with `Symbol.for()` under a new key each time');
  }, TEST_TIMEOUT_MS);

  it('refreshed-idle: an idle timer the program keeps and refreshes, in the same list, does not hide the intervals never cleared', async () => {
    const r = await diagnoseKind('refreshed-idle');
    expect(r.verdict).toBe('leak');
    expect(r.leaks).toHaveLength(1);
    // Refreshed, the idle timer is the newest but one: through the links, a way into every older timer.
    expect(r.leaks[0]).toMatchObject({ name: 'remindOrder', kind: 'timers', holder: { nodeName: 'TimersList' }, countsOf: 'entries', counts: [3001, 6001, 9001], location: { line: lineOf('setInterval(function remindOrder()') } });
  }, TEST_TIMEOUT_MS);

  it('path-trie: alike dictionaries a level below dictionaries V8 keeps as such (a trie\'s nodes) are one suspect, at the trie\'s variable', async () => {
    const r = await diagnoseKind('path-trie');
    expect(r.leaks.map((l) => [l.name, l.instances, l.counts]), r.leaks.map((l) => l.summary).join('\n')).toEqual([['children', 28, [3000, 6000, 9000]]]);
    const top = r.leaks[0];
    expect(top.summary).toContain('(28 holders on the same path)');
    expect(top.location).toMatchObject({ file: 'test/fixtures/analysis/outside-leaks.mjs', line: lineOf('const routeStats = new PathTrie()') });
    expect(top.writes?.adds.map((w) => w.line)).toEqual([lineOf('node = node.children[part] ??=')]);
  }, TEST_TIMEOUT_MS);

  it('per-route-sets: Sets under data keys of one dictionary are one suspect, named with the dictionary', async () => {
    const r = await diagnoseKind('per-route-sets');
    expect(r.leaks).toHaveLength(1);
    const top = r.leaks[0];
    expect(top.name).toMatch(/^requestIdsByRoute\['\/api\/v1\/r\d'\]$/);
    expect(top).toMatchObject({ kind: 'set', instances: 7, counts: [3000, 6000, 9000] });
    expect(top.summary).toContain('(7 holders on the same path)');
    // Each Set is made as it is first added to, through the dictionary.
    expect(top.writes?.adds).toMatchObject([{ line: lineOf("kind === 'per-route-sets'"), call: 'requestIdsByRoute[…].add' }]);
  }, TEST_TIMEOUT_MS);

  it.each([
    ['race-shutdown', 'shutdownRequested', 'promise', 'Promise', 'reactions', 'const shutdownRequested ='],
    ['live-registrations', 'releaseLater', 'object', 'FinalizationRegistry', 'registrations', 'const releaseLater ='],
  ])('%s: what V8 keeps in a list of its own behind %s is counted, one entry per call', async (kind, holder, leakKind, cls, unit, declaration) => {
    const r = await diagnoseKind(kind);
    expect(r.leaks).toHaveLength(1);
    const top = r.leaks[0];
    // A pending promise's reactions and a registry's cells are linked lists, not properties.
    expect(top).toMatchObject({ name: holder, kind: leakKind, countsOf: 'entries', counts: [3000, 6000, 9000], location: { line: lineOf(declaration) } });
    expect(top.holder.nodeName).toBe(cls);
    expect(top.summary.startsWith(`${cls} \`${holder}\` grew from 3000 to 9000 ${unit} `)).toBe(true);
    expect(renderMarkdown(r)).toContain(`the ${cls} \`${holder}\` only ever gains ${unit}`);
  }, TEST_TIMEOUT_MS);

  it.each([
    ['starved-immediates', 'immediateQueue', 'ImmediateList', 'node:timers', '`setImmediate()`', 'setImmediate(function flushAudit()'],
    ['starved-ticks', 'queue', 'FixedQueue', 'node:internal/process/task_queues', '`process.nextTick()`', 'process.nextTick(function announceImport()'],
  ])("%s: a loop that never lets go of the thread grows Node's queue %s, counted in callbacks, located at the callback", async (kind, holder, cls, module, api, call) => {
    const r = await diagnoseKind(kind);
    expect(r.leaks).toHaveLength(1);
    const top = r.leaks[0];
    expect(top).toMatchObject({ name: holder, countsOf: 'entries', package: module, location: { file: 'test/fixtures/analysis/outside-leaks.mjs', line: lineOf(call) } });
    expect(top.holder.nodeName).toBe(cls);
    expect(top.growth.perSnapshot).toEqual([3000, 3000]);
    // Why the callbacks wait, not why an events.on() iterator's queue (also a FixedQueue) would.
    expect(top.summary).toContain(`queued callbacks (`);
    expect(top.summary).toContain(`: callbacks passed to ${api} wait`);
    expect(top.summary).not.toContain('events.on()');
    expect(renderMarkdown(r)).toContain(`only ever gains queued callbacks (callbacks passed to ${api} wait`);
  }, TEST_TIMEOUT_MS);

  it.each([
    ['map-value-array', "auditByLevel.get('info')", 'array', 1, 'auditByLevel.get(…).push'],
    ['map-of-maps', "sessionsByTenant.get('", 'map', 3, 'sessionsByTenant.get(…).set'],
  ])("%s: a holder that is a Map's value is named by its key, %s..., and added to through the Map", async (kind, name, leakKind, instances, call) => {
    const r = await diagnoseKind(kind);
    expect(r.leaks).toHaveLength(1);
    const top = r.leaks[0];
    // One suspect however many of the Map's values grow, as for a dictionary's data keys.
    expect(top).toMatchObject({ kind: leakKind, instances, counts: [3000, 6000, 9000] });
    expect(top.name.startsWith(name)).toBe(true);
    expect(top.writes?.adds).toMatchObject([{ line: lineOf(`kind === '${kind}'`), call }]);
    // The Map's hash table is V8's: the step reads as the code does.
    expect(top.retainerPath.map((p) => [p.edge, p.edgeType])).toEqual([
      ['', ''],
      [name.split('.')[0], 'context'],
      [top.name.slice(name.split('.')[0].length + 1), 'map value'],
    ]);
  }, TEST_TIMEOUT_MS);

  it('once-per-job: a listener under a new event name each time is the emitter\'s table growing, located at the listener', async () => {
    const r = await diagnoseKind('once-per-job');
    const top = r.leaks[0];
    expect(top).toMatchObject({ name: 'jobEvents._events', owner: 'jobEvents', kind: 'listeners', counts: [3000, 6000, 9000] });
    expect(top.summary.startsWith('Event names with listeners on `jobEvents` grew from 3000 to 9000 entries')).toBe(true);
    // The event names are the key space; once() wraps the listener, whose line is where to look.
    for (const x of top.examples ?? []) expect(x).toMatch(/^job:\d+:done$/);
    expect(top.examples?.length).toBeGreaterThan(0);
    expect(top.location).toMatchObject({ line: lineOf('jobEvents.once(') });
    expect(renderMarkdown(r)).toContain('listeners are added to `jobEvents` under a new event name each time');
  }, TEST_TIMEOUT_MS);

  it("lru-ttl-only: a library's object growing in several collections is one suspect, named by the developer's variable", async () => {
    const r = await diagnoseKind('lru-ttl-only');
    expect(r.leaks).toHaveLength(1);
    const top = r.leaks[0];
    expect(top).toMatchObject({ name: 'pageCache', location: { line: lineOf('const pageCache =') } });
    expect(top.growth.perSnapshot).toEqual([3000, 3000]);
    // Its Map and its key and value lists grow together: one cache kept without a bound.
    expect(top.alsoGrowing?.length).toBeGreaterThanOrEqual(2);
    expect(top.summary).toMatch(/^\w+ inside `pageCache` \(a library's \w+\) grew from 3000 to 9000 entries/);
    // Nothing of the developer's adds to a collection of theirs: their calls of the library's object do.
    expect(top.writes).toEqual({ adds: [{ file: 'test/fixtures/analysis/outside-leaks.mjs', line: lineOf('pageCache.set('), column: expect.any(Number), call: 'pageCache.set' }], removes: [], searched: ['test/fixtures/analysis/outside-leaks.mjs'], calls: true });
    expect(renderText(r)).toContain('called at: test/fixtures/analysis/outside-leaks.mjs:');
    expect(renderMarkdown(r)).toContain('usually kept without a bound on its size or age');
  }, TEST_TIMEOUT_MS);

  it('pipe-never-ends: the listeners that pipe() adds to one writable are one suspect, on that writable', async () => {
    const r = await diagnoseKind('pipe-never-ends');
    expect(r.leaks).toHaveLength(1);
    const top = r.leaks[0];
    expect(top).toMatchObject({ kind: 'listeners', owner: 'requestLog' });
    expect(top.growth.perSnapshot.every((x) => x > 0)).toBe(true);
    // close, finish, error and unpipe each gain one listener per pipe: folded, named.
    expect(top.alsoGrowing).toEqual(expect.arrayContaining(['"close" listeners', '"unpipe" listeners']));
    // Node's code adds them, not the program's: located at the program's pipe() call, not at the stream.
    expect(top.location).toMatchObject({ line: lineOf('body.pipe(requestLog') });
    expect(top.addedBy?.call).toBe('pipe()');
  }, TEST_TIMEOUT_MS);

  it("context-per-request: Node's own list of AsyncLocalStorage instances is located where the program makes them", async () => {
    const r = await diagnoseKind('context-per-request');
    expect(r.leaks).toHaveLength(1);
    const top = r.leaks[0];
    expect(top).toMatchObject({ name: 'storageList', objectName: 'AsyncLocalStorage', package: 'node:async_hooks' });
    expect(top.growth.perSnapshot).toEqual([3000, 3000]);
    // node:async_hooks is not on disk to open: the program's `new AsyncLocalStorage(` is what to change.
    expect(top.location).toMatchObject({ file: 'test/fixtures/analysis/outside-leaks.mjs', line: lineOf('const requestContext = new AsyncLocalStorage(') });
  }, TEST_TIMEOUT_MS);

  it.each([
    ['channel-per-request', 'MessagePort', "new BroadcastChannel('prices')", '`port.close()` or `channel.close()`', 300],
    ['url-per-report', 'Blob', 'reportLinks.push(URL.createObjectURL(', '`URL.revokeObjectURL()`', 3000],
  ])('%s: open %s handles with no callback of the program\'s are located where the program opens them', async (kind, name, line, closeWith, perSnapshot) => {
    const r = await diagnoseKind(kind);
    expect(r.leaks).toHaveLength(1);
    const top = r.leaks[0];
    expect(top).toMatchObject({ name, kind: 'handles' });
    expect(top.growth.perSnapshot).toEqual([perSnapshot, perSnapshot]);
    expect(top.location).toMatchObject({ file: 'test/fixtures/analysis/outside-leaks.mjs', line: lineOf(line) });
    expect(top.summary).toContain(closeWith);
  }, TEST_TIMEOUT_MS);

  it.each([
    ['readline-per-session', 'commandInput', 'createInterface()', 'readline.createInterface({ input: commandInput', '`close()` on the interface it returns'],
    ['wait-for-event', 'paymentEvents', 'once()', "once(paymentEvents, 'settled')", 'an AbortSignal'],
  ])("%s: listeners Node's own code adds to `%s` are located at the program's %s call", async (kind, owner, call, line, release) => {
    const r = await diagnoseKind(kind);
    expect(r.leaks).toHaveLength(1);
    const top = r.leaks[0];
    expect(top).toMatchObject({ kind: 'listeners', owner, addedBy: { call } });
    expect(top.growth.perSnapshot.every((x) => x > 0)).toBe(true);
    // The program never calls .on( on the emitter: the place to change is its call into Node's API.
    expect(top.location).toMatchObject({ file: 'test/fixtures/analysis/outside-leaks.mjs', line: lineOf(line) });
    expect(top.summary).toContain(`Node's own listeners, added by each \`${call}\` call`);
    expect(renderMarkdown(r)).toContain(release);
  }, TEST_TIMEOUT_MS);

  it("import-per-request: Node's module loader, growing in several caches, is one suspect whose examples are the URLs", async () => {
    const r = await diagnoseKind('import-per-request');
    expect(r.leaks).toHaveLength(1);
    const top = r.leaks[0];
    expect(top.growth.perSnapshot).toEqual([3000, 3000]);
    // The loader is Node's: what the developer's code does is give it a new URL every time.
    expect(top.examples?.length).toBeGreaterThan(0);
    for (const x of top.examples ?? []) expect(x).toMatch(/^data:text\/javascript,export const rule = \d+;/);
    expect(top.alsoGrowing?.length).toBeGreaterThanOrEqual(1);
  }, TEST_TIMEOUT_MS);

  it('sliced-ids: a short id sliced from a big string shows the string it keeps alive', async () => {
    const r = await diagnoseKind('sliced-ids');
    const top = r.leaks[0];
    expect(top).toMatchObject({ name: 'recentIds', kind: 'array', objectName: 'string' });
    // V8 names every slice '(sliced string)'; the parent it pins is the surprise worth showing.
    expect(top.examples?.length).toBeGreaterThan(0);
    for (const x of top.examples ?? []) expect(x).toMatch(/^\(a slice of a 1\.\d KB string\) \d+\|bbbb/);
  }, TEST_TIMEOUT_MS);

  it("subject-subscribers: a library's object keeping its subscribers in two arrays holds subscribers, not what their callbacks keep", async () => {
    const r = await diagnoseKind('subject-subscribers');
    const top = r.leaks[0];
    // By count the requests' strings are more, but each is kept by a subscriber's callback.
    expect(top).toMatchObject({ name: 'priceUpdates', kind: 'object', objectName: 'Subscriber', madeAt: { line: lineOf('priceUpdates.subscribe(') } });
    expect(top.alsoGrowing).toEqual(['observers (Array)']);
    // Retained objects, not entries: a subscriber and what it keeps, plus the odd copy of the list.
    for (const g of top.growth.perSnapshot) expect(g).toBeGreaterThanOrEqual(30_000);
  }, TEST_TIMEOUT_MS);

  it('proxy-chain: a Proxy wrapped around the one before it is a chain whose link is the target', async () => {
    const r = await diagnoseKind('proxy-chain');
    const top = r.leaks[0];
    expect(top).toMatchObject({ name: 'settingsView', kind: 'object', objectName: 'Proxy', location: { line: lineOf('settingsView = new Proxy(') } });
    expect(top.chainLink).toEqual([expect.objectContaining({ edge: 'target', edgeType: 'proxy', node: 'Proxy' })]);
    for (const g of top.growth.perSnapshot) expect(g).toBeGreaterThanOrEqual(18_000);
    expect(top.summary).toMatch(/^Proxy `settingsView` grew .* each value keeps the one before it alive through its `new Proxy\(\)` target/);
  }, TEST_TIMEOUT_MS);

  it("queued-models: a package's field that a base class in another of its files sets is located there, not in Node's loader", async () => {
    const r = await diagnoseKind('queued-models');
    const top = r.leaks[0];
    const base = fileURLToPath(new URL('../fixtures/analysis/node_modules/@acme/db/lib/connection.js', import.meta.url));
    expect(top).toMatchObject({ kind: 'array', growth: { perSnapshot: [3000, 3000] }, holder: { name: 'connections' } });
    expect(top.location).toMatchObject({ file: 'test/fixtures/analysis/node_modules/@acme/db/lib/connection.js', line: lineOf('this._queue = []', base) });
  }, TEST_TIMEOUT_MS);

  it('growing-properties: each string a property only appends to is named with its object', async () => {
    const r = await diagnoseKind('growing-properties');
    expect(r.leaks.map((l) => l.name).sort()).toEqual(['logsByLevel.error', 'logsByLevel.info', 'logsByLevel.warn']);
    for (const l of r.leaks) expect(l).toMatchObject({ kind: 'string', location: { line: lineOf('const logsByLevel =') } });
  }, TEST_TIMEOUT_MS);

  it.each([
    ['bounded-dictionary', 'a dictionary of capped lists, though V8 keeps moving their backing stores'],
    ['dropped-promise-chain', 'a promise chain that nothing holds, however long it got'],
    ['capped-history', 'an array replaced by a copy of its last 500 entries on every request'],
    ['async-while-loop', 'a poll loop written as a loop, awaiting a tick on every turn'],
    ['dead-registrations', 'a FinalizationRegistry whose targets die, so it lets their held values go'],
    ['lru-bounded', 'an LRU cache with a max, keyed per request'],
  ])('%s: no leak found in %s', async (kind) => {
    const r = await diagnoseKind(kind);
    expect(r.verdict).toBe('no-leak');
    expect(r.leaks).toEqual([]);
  }, TEST_TIMEOUT_MS);
});
