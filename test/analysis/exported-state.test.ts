import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { renderText } from '../../analysis/render-text.ts';
import { diagnoseKind, lineOf } from './outside-leak-runs.ts';

const MAIN = fileURLToPath(new URL('../fixtures/analysis/cjs-exports/main.cjs', import.meta.url));
const STORE = fileURLToPath(new URL('../fixtures/analysis/cjs-exports/seen-store.cjs', import.meta.url));
const TOKENS = fileURLToPath(new URL('../fixtures/analysis/cjs-exports/token-cache.cjs', import.meta.url));
const LIMITER = fileURLToPath(new URL('../fixtures/analysis/cjs-exports/rate-limiter.cjs', import.meta.url));
const dir = 'test/fixtures/analysis/cjs-exports';

const BARREL = (file: string) => fileURLToPath(new URL(`../fixtures/analysis/barrel/${file}`, import.meta.url));
const INFLIGHT = fileURLToPath(new URL('../fixtures/analysis/inflight-calls.mjs', import.meta.url));
const BUCKETS = fileURLToPath(new URL('../fixtures/analysis/rate-buckets.mjs', import.meta.url));

describe.concurrent("what a module of the developer's exports is its state, not Node's loader's", () => {
  it('exported-object: a field of an ES module\'s default export is located at its key, not at `export default {`', async () => {
    const r = await diagnoseKind('exported-object', INFLIGHT);
    const top = r.leaks[0];
    expect(top).toMatchObject({ name: 'buckets', kind: 'object', counts: [10000, 20000, 30000], location: { file: 'test/fixtures/analysis/rate-buckets.mjs', line: lineOf('buckets: {}', BUCKETS), column: 3 } });
    expect(top.retainerPath.map((p) => p.edge)).toEqual(['', 'default', 'buckets']);
  });

  it('nested-default: a Map two objects down in a default export is located at its key, not at the method that adds to it', async () => {
    const r = await diagnoseKind('nested-default', INFLIGHT);
    const SERVICE = fileURLToPath(new URL('../fixtures/analysis/presence-service.mjs', import.meta.url));
    expect(r.leaks[0]).toMatchObject({ name: 'byDevice', kind: 'map', counts: [3000, 6000, 9000], location: { file: 'test/fixtures/analysis/presence-service.mjs', line: lineOf('byDevice: new Map()', SERVICE), column: 7 } });
  });

  it("exported-map: a module's Map that it also exports is named by its variable, not as inside Node's Module", async () => {
    const r = await diagnoseKind('exported-map', MAIN);
    const top = r.leaks[0];
    expect(top).toMatchObject({ name: 'seen', kind: 'map', counts: [3000, 6000, 9000], location: { file: `${dir}/seen-store.cjs`, line: lineOf('const seen = new Map()', STORE) } });
    expect(top.summary).not.toContain("Node's Module");
    expect(top.writes?.adds).toMatchObject([{ file: `${dir}/seen-store.cjs`, line: lineOf('seen.set(', STORE), call: 'seen.set' }]);
  });

  it("exported-literal: a dictionary in `module.exports = { ... }` is named, located and shown from its module, not from process.mainModule", async () => {
    const r = await diagnoseKind('exported-literal', MAIN);
    const top = r.leaks[0];
    expect(top).toMatchObject({ name: 'buckets', kind: 'object', counts: [3000, 6000, 9000], location: { file: `${dir}/rate-limiter.cjs`, line: lineOf('buckets: {}', LIMITER), column: 3 } });
    expect(top.retainerPath.map((p) => p.edge)).toEqual(['', 'exports', 'buckets']);
    expect(top.retainerPath[0].node).toBe(`module ${dir}/rate-limiter.cjs`);
    expect(top.writes?.adds).toMatchObject([{ file: `${dir}/rate-limiter.cjs`, line: lineOf('this.buckets[ip] =', LIMITER), call: 'buckets[…] =' }]);
    expect(renderText(r)).not.toContain('mainModule');
  });

  it('star-export: a binding re-exported by a barrel (`export * from`) is located in the module that declares it, not the barrel', async () => {
    const r = await diagnoseKind('star-export', BARREL('main.mjs'));
    const top = r.leaks[0];
    expect(top).toMatchObject({ name: 'renderedFragments', kind: 'map', location: { file: 'test/fixtures/analysis/barrel/render-cache.mjs', line: lineOf('export const renderedFragments', BARREL('render-cache.mjs')), column: 14 } });
    expect(top.writes?.adds).toMatchObject([{ file: 'test/fixtures/analysis/barrel/main.mjs', call: 'renderedFragments.set' }]);
  });

  it('renamed-export: a binding re-exported under another name is located where it is declared, and added to under the new name', async () => {
    const r = await diagnoseKind('renamed-export', BARREL('main.mjs'));
    const top = r.leaks[0];
    expect(top).toMatchObject({ kind: 'map', location: { file: 'test/fixtures/analysis/barrel/session-store.mjs', line: lineOf('export const sessions', BARREL('session-store.mjs')), column: 14 } });
    expect(top.name).toMatch(/^(?:sessions|activeSessions)$/);
    expect(top.writes).toMatchObject({
      adds: [{ file: 'test/fixtures/analysis/barrel/main.mjs', line: lineOf('activeSessions.set(', BARREL('main.mjs')), call: 'activeSessions.set' }],
      removes: [{ file: 'test/fixtures/analysis/barrel/session-store.mjs', line: lineOf('sessions.delete(', BARREL('session-store.mjs')), call: 'sessions.delete' }],
    });
  });

  it('nested-exports: an array deep in `module.exports = { ... }` is located at its key in that module, not at the importer\'s require', async () => {
    const r = await diagnoseKind('nested-exports', MAIN);
    const top = r.leaks[0];
    const NOTIFIER = fileURLToPath(new URL('../fixtures/analysis/cjs-exports/notifier.cjs', import.meta.url));
    expect(top).toMatchObject({ kind: 'array', counts: [3000, 6000, 9000], location: { file: `${dir}/notifier.cjs`, line: lineOf('mobile: [],', NOTIFIER), column: 7 } });
    expect(top.name).toMatch(/(?:^|\.)mobile$/);
  });

  it("compiled-barrel: an export re-exported by tsc's __exportStar is named and located in its module, not after the helper's parameter `m`", async () => {
    const r = await diagnoseKind('compiled-barrel', MAIN);
    const top = r.leaks[0];
    const CACHE = fileURLToPath(new URL('../fixtures/analysis/cjs-exports/client-cache.cjs', import.meta.url));
    expect(top).toMatchObject({ name: 'hitsByClient', kind: 'map', counts: [3000, 6000, 9000], location: { file: `${dir}/client-cache.cjs`, line: lineOf('exports.hitsByClient = new Map()', CACHE), column: 9 } });
    expect(top.writes?.adds).toMatchObject([{ file: `${dir}/client-cache.cjs`, line: lineOf('hitsByClient.set(', CACHE) }]);
  });

  it("compiled-exports: tsc's `exports.tokenCache = new Map()` is located there, not at its `= void 0` nor at a function of the module", async () => {
    const r = await diagnoseKind('compiled-exports', MAIN);
    const top = r.leaks[0];
    expect(top).toMatchObject({ kind: 'map', counts: [3000, 6000, 9000], location: { file: `${dir}/token-cache.cjs`, line: lineOf('exports.tokenCache = new Map()', TOKENS), column: 9 } });
    expect(top.name).toMatch(/(?:^|\.)tokenCache$/);
    expect(top.writes).toMatchObject({ adds: [{ line: lineOf('tokenCache.set(', TOKENS) }], removes: [{ line: lineOf('tokenCache.delete(', TOKENS) }] });
  });
});
