import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../analysis/diagnose.ts';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diagnoseKind, EXPRESS, lineOf } from './outside-leak-runs.ts';
import { TEST_TIMEOUT_MS } from '../helpers/lane-bounds.ts';

const ORDER_STORE = fileURLToPath(new URL('../fixtures/analysis/order-store.cjs', import.meta.url));

/**
 * The diagnosis on an Express app written in CommonJS, its leaks made by real HTTP requests
 * (see test/fixtures/analysis/express-cjs-leaks.cjs). Apart from outside-leaks.test.ts because a
 * starved machine changes what the HTTP libraries' timers and sockets hold when its snapshots are
 * taken: the suite runs it with the solo files (vitest.config.ts), one app at a time: two would
 * take both cores from the analysis lane beside it (it passed with four at a time).
 */
describe('diagnose on an Express app written in CommonJS, under real HTTP requests', () => {
  it.each([
    ['request-array', 'recentRequests', 'array', 'IncomingMessage'],
    ['request-keyed-map', 'startedAt', 'map', 'IncomingMessage'],
    ['log-string', 'accessLog', 'string', 'string'],
    ['upload-buffers', 'uploads', 'array', 'Buffer'],
  ])('%s: the top suspect is the module variable %s (%s of %s), shown from the module scope', async (kind, holder, leakKind, objectName) => {
    const r = await diagnoseKind(kind, EXPRESS);
    expect(r.verdict).toBe('leak');
    const top = r.leaks[0];
    expect(top).toMatchObject({ name: holder, kind: leakKind, objectName });
    expect(top.growth.perSnapshot.every((g) => g > 0)).toBe(true);
    // Node compiles a CommonJS module into a function: its scope is the module's, whichever
    // closure (a listen callback, a library's once() wrapper) happens to reach it first.
    expect(top.retainerPath.map((p) => [p.edge, p.node])).toEqual([['', '(module scope)'], [holder, expect.any(String)]]);
    expect(top.location).toMatchObject({ file: 'test/fixtures/analysis/express-cjs-leaks.cjs', line: lineOf(`${holder} =`, EXPRESS) });
    // A string replaced by a longer one is held by its variable's scope, named as such.
    if (kind === 'log-string') expect(top.holder.nodeName).toBe('module scope');
    // Keyed by the request itself, under real HTTP: the Map keeps every request alive.
    expect(top.keyedBy).toBe(kind === 'request-keyed-map' ? 'IncomingMessage' : undefined);
  }, TEST_TIMEOUT_MS);

  it.each([
    ['middleware-per-request', 'app.router.stack', 'array', 'Layer', 'app.use((later'],
    // The Layer keeps the router's function; the developer's handler is in the route it keeps.
    ['route-per-request', 'app.router.stack', 'array', 'Layer', 'app.get(`/callback/'],
    // Made on the app's own object by the handler (`??=`): that line, not the app's.
    ['app-locals', 'app.locals.recentSearches', 'array', 'string', '(app.locals.recentSearches ??= [])'],
    // Node's Module reaches a required module's exports first; the requiring module's variable
    // names them, and the module that sets the field on its exports is where it is made.
    ['exports-map', 'orderStore.seenOrders', 'map', 'Object', 'exports.seenOrders = new Map()', ORDER_STORE],
  ])("%s: a holder under the properties of something the code keeps (the app, a required module) is named by the expression that grows, %s", async (kind, name, leakKind, objectName, line, file = EXPRESS) => {
    const r = await diagnoseKind(kind, EXPRESS);
    const top = r.leaks[0];
    // The router is Express's, kept behind the app's `router` getter: the name is the
    // expression a developer can evaluate, the location their own code, not Express's.
    expect(top).toMatchObject({ name, kind: leakKind, objectName });
    expect(top.location).toMatchObject({ file: `test/fixtures/analysis/${basename(file)}`, line: lineOf(line, file) });
    expect(top.growth.perSnapshot).toEqual([400, 400]);
  }, TEST_TIMEOUT_MS);

  it('exported-singleton: an instance a module exports is shown from the variable that requires it, not through process.mainModule', async () => {
    const r = await diagnoseKind('exported-singleton', EXPRESS);
    const top = r.leaks[0];
    expect(top).toMatchObject({ name: 'placed', kind: 'array' });
    expect(top.retainerPath.map((p) => [p.edge, p.node])).toEqual([['', '(module scope)'], ['orderService', 'OrderService'], ['placed', 'Array']]);
    expect(top.fullRetainerPath?.map((p) => p.edge)).toContain('mainModule');
    // A field of the developer's class: where the class sets it.
    expect(top.location).toMatchObject({ file: 'test/fixtures/analysis/order-service.cjs', line: 5 });
  }, TEST_TIMEOUT_MS);

  it('app-listeners: listeners added to the app are on `app`, not on the event the server calls it for', async () => {
    const r = await diagnoseKind('app-listeners', EXPRESS);
    const top = r.leaks[0];
    expect(top).toMatchObject({ name: 'settings-changed', kind: 'listeners', owner: 'app', location: { line: lineOf("app.on('settings-changed'", EXPRESS) } });
    expect(top.summary.startsWith('"settings-changed" listeners on `app` grew from 400 to 1200 entries')).toBe(true);
  }, TEST_TIMEOUT_MS);

  it("app-setting: a cache handed with app.set() to an app that a factory builds is located where it is handed over", async () => {
    const r = await diagnoseKind('app-setting', EXPRESS);
    const top = r.leaks[0];
    expect(top).toMatchObject({ name: 'renderedPages', kind: 'map', location: { file: 'test/fixtures/analysis/express-cjs-leaks.cjs', line: lineOf("catalog.set('renderedPages'", EXPRESS) } });
    // Not `app.router.stack.handle.settings.renderedPages`: nobody wrote that.
    expect(top.summary.startsWith('Map `renderedPages` grew from 400 to 1200 entries')).toBe(true);
    expect(top.retainerPath.at(-2)?.edge).toBe('settings');
  }, TEST_TIMEOUT_MS);

  it("socket-listeners: listeners on a kept-alive request's socket are on `Socket`, not on Node's symbol that reaches it", async () => {
    const r = await diagnoseKind('socket-listeners', EXPRESS);
    const top = r.leaks[0];
    expect(top).toMatchObject({ name: 'close', kind: 'listeners', owner: 'Socket', location: { line: lineOf("req.socket.on('close'", EXPRESS) } });
    expect(top.summary).toMatch(/^"close" listeners on `Socket`( \(\d+ holders on the same path\))? grew from \d+ to \d+ entries/);
  }, TEST_TIMEOUT_MS);

  it('pollers: an interval armed per user is found by its callback, located in the class that arms it', async () => {
    const r = await diagnoseKind('pollers', EXPRESS);
    const top = r.leaks[0];
    expect(top).toMatchObject({ kind: 'timers', objectName: 'Timeout', location: { line: lineOf('setInterval(() => this.user', EXPRESS) } });
    expect(top.growth.perSnapshot.every((g) => g > 0)).toBe(true);
    expect(top.examples).toBeUndefined();
  }, TEST_TIMEOUT_MS);

  // No collection of the program's grows: Node keeps each open handle from a root of its own.
  it.each([
    ['price-watchers', 'FSWatcher', 'FSEvent', [400, 400], 'watch(priceFile, () => console.log(`prices changed while serving'],
    // Both ends of each connection are in this process: the agents' sockets and the upstream's.
    ['upstream-agents', 'Socket', 'TCP', [800, 800], null],
  ])('%s: %s handles opened per request and never closed are the suspect, with no variable holding them', async (kind, name, handleClass, perSnapshot, line) => {
    const r = await diagnoseKind(kind, EXPRESS);
    const top = r.leaks[0];
    expect(top).toMatchObject({ name, kind: 'handles', objectName: name, handle: { className: handleClass }, holder: { name: '(Global handles)' } });
    expect(top.growth.perSnapshot).toEqual(perSnapshot);
    expect(top.retainerPath.map((p) => p.node)).toEqual(['(Global handles)', handleClass, name]);
    expect(top.summary).toMatch(/^Open `\w+` handles \(from .*\) grew from \d+ to \d+ handles/);
    expect(top.summary.startsWith(`Open \`${name}\``)).toBe(true);
    // A callback the watcher keeps is on the line that opens it; the agents' sockets keep only Node's.
    if (line) expect(top.location).toMatchObject({ file: 'test/fixtures/analysis/express-cjs-leaks.cjs', line: lineOf(line, EXPRESS) });
    else expect(top.location).toBeNull();
    // The server side of each connection keeps an HTTP parser: part of the same suspect.
    if (kind === 'upstream-agents') expect(top.alsoGrowing).toEqual(['HTTPParser handles']);
    expect(renderMarkdown(r)).toContain(`\`${name}\` handles (from `);
  }, TEST_TIMEOUT_MS);

  it('listed-watchers: handles a growing array also keeps are its entries, one suspect, not a second one for the handles', async () => {
    const r = await diagnoseKind('listed-watchers', EXPRESS);
    expect(r.leaks[0]).toMatchObject({ name: 'priceWatchers', kind: 'array', objectName: 'FSWatcher' });
    expect(r.leaks.filter((l) => l.kind === 'handles')).toEqual([]);
  }, TEST_TIMEOUT_MS);

  it.each([
    ['closed-watchers', 'a watcher per request, closed when the response is sent'],
    // What stays open at the end rises (0, 200, 600 of them were open at each snapshot), but the pool does not.
    ['watcher-pool', 'a pool of 600 watchers that closes its oldest when full'],
    ['shared-agent', 'one keep-alive agent for every upstream call, its few connections reused'],
  ])('%s: no leak found in %s', async (kind) => {
    const r = await diagnoseKind(kind, EXPRESS);
    expect(r.verdict).toBe('no-leak');
    expect(r.leaks).toEqual([]);
  }, TEST_TIMEOUT_MS);
});
