import { describe, expect, it } from 'vitest';
import { findHolderWrites, removalKind } from '../../analysis/holder-writes.ts';
import { renderMarkdown } from '../../analysis/render-markdown.ts';
import { renderText } from '../../analysis/render-text.ts';
import { diagnoseKind, dir, lineOf, run } from './outside-leak-runs.ts';
import { CHILD_TIMEOUT_MS, TEST_TIMEOUT_MS } from '../helpers/lane-bounds.ts';
import { REPO } from './fixtures.ts';
import { diagnose } from '../../analysis/diagnose.ts';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const INFLIGHT = fileURLToPath(new URL('../fixtures/analysis/inflight-calls.mjs', import.meta.url));
const JOB_QUEUE = fileURLToPath(new URL('../fixtures/analysis/job-queue.ts', import.meta.url));
/** The fixture as the report names it, relative to the repository the tests run in. */
const file = 'test/fixtures/analysis/inflight-calls.mjs';

describe('where the holder is added to and taken from (findHolderWrites)', () => {
  const server = [
    'const inflight = new Map();',
    'function handle(req, res) {',
    '  inflight.set(req.id, req);',
    '  if (req.bad) return res.end(); // inflight.delete is skipped here',
    '  /* inflight.clear() */',
    '  inflight.delete(req.id);',
    '  other.inflight.set(1, 2);',
    '  if (inflight != null) res.end();',
    '}',
  ].join('\n');

  it('finds a Map variable\'s set() and delete(), not in comments, not another object\'s property of the same name', () => {
    expect(findHolderWrites(server, 'inflight', 'map', false, { line: 1, column: 7 })).toEqual({
      adds: [{ line: 3, column: 3, call: 'inflight.set' }],
      removes: [{ line: 6, column: 3, call: 'inflight.delete' }],
    });
  });

  it('finds a property through any object, and reads `!=` as a comparison, not an assignment', () => {
    const found = findHolderWrites(server, 'inflight', 'map', true);
    expect(found?.adds).toEqual([{ line: 7, column: 9, call: 'inflight.set' }]);
    expect(found?.removes).toEqual([]);
  });

  it('reads each kind by its own calls: Set add, array push and length = 0, dictionary keys, appended strings', () => {
    const text = [
      'class Seen { constructor() { this.ids = new Set(); } take(id) { this.ids.add(id); } }',
      'const log = []; log.push(1); log[log.length] = 2; function reset() { log.length = 0; }',
      'const hits = {}; hits[ip] = (hits[ip] || 0) + 1; delete hits[old];',
      "let text = ''; text += line; text = '';",
    ].join('\n');
    // Where `needle` starts on a 1-based line of the text (the name it holds).
    const at = (line: number, needle: string, name: string) => ({ line, column: text.split('\n')[line - 1].indexOf(needle) + needle.indexOf(name) + 1 });
    expect(findHolderWrites(text, 'ids', 'set', true, at(1, 'this.ids =', 'ids'))).toEqual({ adds: [{ ...at(1, 'this.ids.add', 'ids'), call: 'ids.add' }], removes: [] });
    expect(findHolderWrites(text, 'log', 'array', false)).toEqual({
      adds: [{ ...at(2, 'log.push', 'log'), call: 'log.push' }, { ...at(2, 'log[log.length]', 'log'), call: 'log[…] =' }],
      removes: [{ ...at(2, 'log.length = 0', 'log'), call: 'log.length =' }],
    });
    expect(findHolderWrites(text, 'hits', 'object', false)).toEqual({ adds: [{ ...at(3, 'hits[ip] =', 'hits'), call: 'hits[…] =' }], removes: [{ ...at(3, 'delete hits', 'hits'), call: 'delete hits' }] });
    expect(findHolderWrites(text, 'text', 'string', false)).toEqual({ adds: [{ ...at(4, 'text +=', 'text'), call: 'text +=' }], removes: [{ ...at(4, 'line; text =', 'text'), call: 'text =' }] });
  });

  it('tells removals of entries from resets of the whole holder', () => {
    expect(removalKind([])).toBe('none');
    expect(removalKind([{ call: 'cache.clear' }, { call: 'log.length =' }, { call: 'queue =' }])).toBe('reset');
    expect(removalKind([{ call: 'cache.clear' }, { call: 'cache.delete' }])).toBe('entries');
    expect(removalKind([{ call: 'delete hits' }])).toBe('entries');
  });

  it('says nothing when nothing adds to it, or for a kind or a name it cannot search for', () => {
    expect(findHolderWrites(server, 'sessions', 'map', false)).toBeNull();
    expect(findHolderWrites(server, 'inflight', 'listeners', false)).toBeNull();
    expect(findHolderWrites(server, "byRoute['/a']", 'map', false)).toBeNull();
  });

  it("a property set anew (another class's constructor making a field of the same name) is not a removal; a variable set anew is", () => {
    const text = 'class Store {\n  constructor() { this.subscribers = new Set(); }\n  add(fn) { this.subscribers.add(fn); }\n}\nclass Other {\n  constructor() { this.subscribers = new Set(); }\n}\nlet subscribers = new Set();\nsubscribers.add(1);\nfunction reset() { subscribers = new Set(); }';
    expect(findHolderWrites(text, 'subscribers', 'set', true, { line: 2, column: 24 })?.removes).toEqual([]);
    expect(findHolderWrites(text, 'subscribers', 'set', false, { line: 8, column: 5 })).toEqual({ adds: [{ line: 9, column: 1, call: 'subscribers.add' }], removes: [{ line: 10, column: 20, call: 'subscribers =' }] });
  });

  it('the one assignment of a variable declared without a value is where it is made, not emptied; of two, each may empty it', () => {
    const lines = ['let cache;', 'function init() { cache = new Map(); }', 'function put(k, v) { cache.set(k, v); }'];
    expect(findHolderWrites(lines.join('\n'), 'cache', 'map', false, { line: 1, column: 5 })).toEqual({ adds: [{ line: 3, column: 22, call: 'cache.set' }], removes: [] });
    const reset = [...lines, 'setInterval(() => { cache = new Map(); }, 60_000);'].join('\n');
    expect(findHolderWrites(reset, 'cache', 'map', false, { line: 1, column: 5 })?.removes).toEqual([
      { line: 2, column: 19, call: 'cache =' },
      { line: 4, column: 21, call: 'cache =' },
    ]);
    // Declared with a value, the one assignment replaces it: a removal, as before.
    const valued = ['let cache = new Map();', 'function flush() { cache = new Map(); }', 'function put(k, v) { cache.set(k, v); }'].join('\n');
    expect(findHolderWrites(valued, 'cache', 'map', false, { line: 1, column: 5 })?.removes).toEqual([{ line: 2, column: 20, call: 'cache =' }]);
  });

  it('a variable set to a bigger copy of itself is added to, and one set to a smaller one taken from', () => {
    const text = [
      'let queue = [];',
      'function putBack(batch) { queue = [...batch, ...queue]; }',
      'function take(n) { const b = queue.slice(0, n); queue = queue.slice(n); return b; }',
      'function more(x) { queue = queue.concat(x); }',
      'function capped(x) { queue = queue.concat(x).slice(-500); }',
      'let state = {};',
      'function set(id, v) { state = { ...state, [id]: v }; }',
    ].join('\n');
    expect(findHolderWrites(text, 'queue', 'array', false, { line: 1, column: 5 })).toEqual({
      adds: [{ line: 2, column: 27, call: 'queue = [...queue, …]' }, { line: 4, column: 20, call: 'queue = queue.concat(…)' }],
      removes: [{ line: 3, column: 49, call: 'queue =' }, { line: 5, column: 22, call: 'queue =' }],
    });
    expect(findHolderWrites(text, 'state', 'object', false, { line: 6, column: 5 })).toEqual({ adds: [{ line: 7, column: 23, call: 'state = { ...state, … }' }], removes: [] });
    // A property the same ways, read through its object; set anew otherwise it is only made.
    const log = 'class Log {\n  constructor() { this.entries = []; }\n  add(e) { this.entries = this.entries.concat(e); }\n  tag(t) { this.entries = [...this.entries, t]; }\n}';
    expect(findHolderWrites(log, 'entries', 'array', true, { line: 2, column: 24 })).toEqual({
      adds: [{ line: 3, column: 17, call: 'entries = entries.concat(…)' }, { line: 4, column: 17, call: 'entries = [...entries, …]' }],
      removes: [],
    });
  });

  it('follows the holder under the names the code gives it: destructured, read into a local, imported under another name', () => {
    const text = [
      "import { sessions as store } from './store.js';",
      'class Tracker {',
      '  constructor() { this.pending = new Map(); }',
      '  start(id) { this.pending.set(id, 1); }',
      '  finish(id) { const { pending } = this; pending.delete(id); }',
      '  drop(id) { const { pending: waiting } = this; waiting.delete(id); }',
      '  clear() { const table = this.pending; table.clear(); }',
      '}',
      'store.set(1, 2); store.delete(1);',
      'table.set(1, 2);',
    ].join('\n');
    // `table` at the top level is another thing: its alias ends with the method's block.
    const found = findHolderWrites(text, 'pending', 'map', true, { line: 3, column: 24 });
    expect(found).toEqual({
      adds: [{ line: 4, column: 20, call: 'pending.set' }],
      removes: [
        { line: 5, column: 42, call: 'pending.delete' },
        { line: 6, column: 49, call: 'waiting.delete' },
        { line: 7, column: 41, call: 'table.clear' },
      ],
    });
    // An import's new name, in a module that names the holder only as it imports it.
    expect(findHolderWrites(text, 'sessions', 'map', 'either')).toEqual({ adds: [{ line: 9, column: 1, call: 'store.set' }], removes: [{ line: 9, column: 18, call: 'store.delete' }] });
  });

  it("follows the holder into a helper of the same file that it is passed to, as the helper's parameter, in its body only", () => {
    const text = [
      'function remember(m, key, value) {',
      '  m.set(key, value);',
      '}',
      'const forget = (m, key) => m.delete(key);',
      'class Index {',
      '  constructor() { this.byEmail = new Map(); }',
      '  add(u) { remember(this.byEmail, u.email, u); }',
      '  drop(u) { forget(this.byEmail, u.email); elsewhere(this.byEmail); }',
      '}',
      'm.clear();',
    ].join('\n');
    expect(findHolderWrites(text, 'byEmail', 'map', true, { line: 6, column: 24 })).toEqual({
      adds: [{ line: 2, column: 3, call: 'remember(): m.set' }],
      removes: [{ line: 4, column: 28, call: 'forget(): m.delete' }],
    });
  });

  it('an alias set anew is not a removal, and the same word before the alias is taken is another thing', () => {
    const text = ['const list = [];', 'queue.push(0);', 'function f(state) {', '  let queue = state.jobs;', '  queue.push(1);', '  queue = [];', '}'].join('\n');
    expect(findHolderWrites(text, 'jobs', 'array', true)).toEqual({ adds: [{ line: 5, column: 3, call: 'queue.push' }], removes: [] });
  });

  it('follows a getter that returns the holder, and methods borrowed for it: push.apply, Object.assign', () => {
    const text = [
      'class Analytics {',
      '  get breadcrumbs() {',
      '    if (!this._breadcrumbs) this._breadcrumbs = [];',
      '    return this._breadcrumbs;',
      '  }',
      '  track(e) { this.breadcrumbs.push(e); }',
      '  get other() { return this.elsewhere; }',
      '  more(e) { this.other.push(e); }',
      '}',
      'const rows = [];',
      'function collect(batch) { Array.prototype.push.apply(rows, batch); }',
      'const hits = {};',
      'function count(c) { Object.assign(hits, c); }',
    ].join('\n');
    expect(findHolderWrites(text, '_breadcrumbs', 'array', true, { line: 3, column: 35 })).toEqual({ adds: [{ line: 6, column: 19, call: 'breadcrumbs.push' }], removes: [] });
    expect(findHolderWrites(text, 'rows', 'array', false)).toEqual({ adds: [{ line: 11, column: 54, call: 'push.apply(rows, …)' }], removes: [] });
    expect(findHolderWrites(text, 'hits', 'object', false)).toEqual({ adds: [{ line: 13, column: 35, call: 'Object.assign(hits, …)' }], removes: [] });
  });

  it("a property made as this['name'] = new Map() is not emptied there", () => {
    const text = "class Rpc {\n  constructor() { this['pending'] = new Map(); }\n  call(id, r) { this['pending'].set(id, r); }\n}";
    expect(findHolderWrites(text, 'pending', 'map', true)).toEqual({ adds: [{ line: 3, column: 23, call: 'pending.set' }], removes: [] });
  });

  it('a property read under a constant of its name is found through the constant: this[PENDING].set', () => {
    const text = "const PENDING = 'pendingRequests';\nclass Gateway {\n  constructor() { this[PENDING] = new Map(); }\n  send(id, r) { this[PENDING].set(id, r); }\n  done(id) { this[PENDING].delete(id); }\n}";
    expect(findHolderWrites(text, 'pendingRequests', 'map', true, { line: 3, column: 24 })).toEqual({
      adds: [{ line: 4, column: 22, call: 'pendingRequests.set' }],
      removes: [{ line: 5, column: 19, call: 'pendingRequests.delete' }],
    });
    // A constant of another value is another property.
    expect(findHolderWrites(text.replace("'pendingRequests'", "'pending'"), 'pendingRequests', 'map', true)).toBeNull();
  });

  it('a private field is found through this.#name', () => {
    const text = 'class Pool {\n  #waiting = [];\n  wait(cb) { this.#waiting.push(cb); }\n  wake() { this.#waiting.shift()?.(); }\n}';
    expect(findHolderWrites(text, '#waiting', 'array', true)).toEqual({ adds: [{ line: 3, column: 19, call: '#waiting.push' }], removes: [{ line: 4, column: 17, call: '#waiting.shift' }] });
  });

  it("a group's member is added to through its outer holder, by index, by Map key, or through a local it is read into", () => {
    const text = [
      'const shards = Array.from({ length: 16 }, () => []);',
      'const byTenant = new Map();',
      'const byRoute = {};',
      'function track(n, tenant, route) {',
      '  shards[n % 16].push(n);',
      '  shards.push([]);',
      '  let inner = byTenant.get(tenant);',
      '  if (!inner) byTenant.set(tenant, (inner = new Map()));',
      '  inner.set(n, { n });',
      '  this.byTenant.get(tenant)?.delete(n - 100);',
      '  (byRoute[route] ??= new Set()).add(n);',
      '  shards[0].splice(0, 1);',
      '}',
    ].join('\n');
    const col = (line: number, text2: string) => text.split('\n')[line - 1].indexOf(text2) + 1;
    // shards.push([]) adds a member, not to one; byTenant.set(tenant, ...) makes one.
    expect(findHolderWrites(text, 'shards', 'array', 'either', undefined, 'index')).toEqual({
      adds: [{ line: 5, column: col(5, 'shards['), call: 'shards[…].push' }],
      removes: [{ line: 12, column: col(12, 'shards['), call: 'shards[…].splice' }],
    });
    expect(findHolderWrites(text, 'byTenant', 'map', 'either', undefined, 'key')).toEqual({
      adds: [{ line: 9, column: col(9, 'inner.set'), call: 'inner.set' }],
      removes: [{ line: 10, column: col(10, 'byTenant.get'), call: 'byTenant.get(…).delete' }],
    });
    expect(findHolderWrites(text, 'byRoute', 'set', 'either', undefined, 'index')).toEqual({ adds: [{ line: 11, column: col(11, 'byRoute['), call: 'byRoute[…].add' }], removes: [] });
    // Without the member, the outer holder's own calls are what is found.
    expect(findHolderWrites(text, 'shards', 'array', false)?.adds).toEqual([{ line: 6, column: 3, call: 'shards.push' }]);
  });

  it("a group's member visited by a loop is added to through the loop's variable, in that loop only", () => {
    const text = [
      'const shards = Array.from({ length: 16 }, () => []);',
      'const byTenant = new Map();',
      'const archive = [[]];',
      'function fanOut(n) {',
      '  for (const shard of shards) shard.push(n);',
      '  for (const [, sessions] of this.byTenant) {',
      '    sessions.set(n, { n });',
      '  }',
      '  byTenant.forEach((sessions, tenant) => sessions.delete(`${tenant}:${n - 100}`));',
      '  for (const shard of archive) shard.push(n);',
      '  Object.values(byRoute).forEach(function (routeSet) { routeSet.add(n); });',
      '}',
    ].join('\n');
    const col = (line: number, text2: string) => text.split('\n')[line - 1].indexOf(text2) + 1;
    // Line 10's `shard` is archive's: another loop over another array.
    expect(findHolderWrites(text, 'shards', 'array', 'either', undefined, 'index')).toEqual({ adds: [{ line: 5, column: col(5, 'shard.push'), call: 'shard.push' }], removes: [] });
    expect(findHolderWrites(text, 'byTenant', 'map', 'either', undefined, 'key')).toEqual({
      adds: [{ line: 7, column: col(7, 'sessions.set'), call: 'sessions.set' }],
      removes: [{ line: 9, column: col(9, 'sessions.delete'), call: 'sessions.delete' }],
    });
    // A dictionary's members are its values.
    expect(findHolderWrites(text, 'byRoute', 'set', 'either', undefined, 'index')).toEqual({ adds: [{ line: 11, column: col(11, 'routeSet.add'), call: 'routeSet.add' }], removes: [] });
  });
});

// Each runs a fixture in a child and diagnoses it, five at once, in the lane with the least CPU
// priority: the bounds of outside-leak-runs.ts, not one minute (three kinds of 90,000 entries
// passed a minute together once the suite ran beside them).
describe.concurrent('where the leaking program adds and removes, in the report', () => {
  it("dropped-unsubscribe: another ES module's exported registry is the module's state, not inside Node's loader that keeps the module", async () => {
    const r = await diagnoseKind('dropped-unsubscribe', INFLIGHT);
    const top = r.leaks[0];
    expect(top.holder.name).toMatch(/^listenersByTopic\['topic-\d'\]$/);
    expect(top).toMatchObject({ kind: 'array', instances: 4, location: { file: 'test/fixtures/analysis/topic-registry.mjs', line: 4 } });
    expect(top.library).toBeUndefined();
    expect(top.summary).not.toContain('LoadCache');
  }, TEST_TIMEOUT_MS);

  it('stack-local: an array that only the running top-level code keeps, with no name in the snapshot, is named and located by its declaration in the running script', async () => {
    const r = await diagnoseKind('stack-local', INFLIGHT);
    const top = r.leaks[0];
    // The snapshot has it under (Stack roots), in a register of the module's frame.
    expect(top.retainerPath.map((p) => p.node)).toContain('(Stack roots)');
    expect(top).toMatchObject({ name: 'processedBatches', kind: 'array', counts: [30000, 60000, 90000], location: { file, line: lineOf('const processedBatches = [];', INFLIGHT), column: 7 } });
    expect(top.writes).toMatchObject({ adds: [{ file, line: lineOf("processedBatches.push(", INFLIGHT), call: 'processedBatches.push' }], removes: [] });
  }, TEST_TIMEOUT_MS);

  it("stack-owner: an array in an object that only the running top-level code keeps is named through the script's variable for the object, and located at its key", async () => {
    const r = await diagnoseKind('stack-owner', INFLIGHT);
    const top = r.leaks[0];
    expect(top.fullRetainerPath?.map((p) => p.node)).toContain('(Stack roots)');
    const line = lineOf('const importRun = {', INFLIGHT);
    const column = readFileSync(INFLIGHT, 'utf8').split('\n')[line - 1].indexOf('rejectedRows') + 1;
    expect(top).toMatchObject({ name: 'importRun.rejectedRows', kind: 'array', counts: [30000, 60000, 90000], location: { file, line, column } });
    expect(top.writes).toMatchObject({ adds: [{ file, line: lineOf('importRun.rejectedRows.push(', INFLIGHT), call: 'rejectedRows.push' }], removes: [] });
  }, TEST_TIMEOUT_MS);

  it("stack-instance: a field of a class's instance that only the running top-level code keeps is named through the script's one variable made by `new` of that class, and located at the class's field", async () => {
    const r = await diagnoseKind('stack-instance', INFLIGHT);
    const top = r.leaks[0];
    expect(top.fullRetainerPath?.map((p) => p.node)).toContain('(Stack roots)');
    // The script never reads `exportRun.rows`: its method adds to it.
    expect(readFileSync(INFLIGHT, 'utf8')).not.toContain('exportRun.rows');
    expect(top).toMatchObject({ name: 'exportRun.rows', kind: 'array', counts: [30000, 60000, 90000], location: { file, line: lineOf('  rows = [];', INFLIGHT), column: 3 } });
    expect(top.writes).toMatchObject({ adds: [{ file, line: lineOf('this.rows.push(', INFLIGHT), call: 'rows.push' }], removes: [] });
  }, TEST_TIMEOUT_MS);

  it("template-cache: functions cached by their source are located where they are written, not at the `let fn` they are named after", async () => {
    const r = await diagnoseKind('template-cache', INFLIGHT);
    const top = r.leaks[0];
    expect(top).toMatchObject({ name: 'compiledTemplates', kind: 'map', counts: [30000, 60000, 90000] });
    // V8 says where each function starts; the file's first `fn` is another thing of that name.
    expect(top.location).toEqual({ file, line: lineOf('fn = (data) =>', INFLIGHT), column: 10 });
    expect(top.writes?.adds).toEqual([{ file, line: lineOf('compiledTemplates.set(', INFLIGHT), column: 5, call: 'compiledTemplates.set' }]);
  }, TEST_TIMEOUT_MS);

  it('skipped-delete: a Map deleted from on the success path only names both the set() and the delete() it skips', async () => {
    const r = await diagnoseKind('skipped-delete', INFLIGHT);
    const top = r.leaks[0];
    expect(top).toMatchObject({ name: 'inflightCalls', kind: 'map', counts: [3000, 6000, 9000] });
    expect(top.writes).toEqual({
      adds: [{ file, line: lineOf('  inflightCalls.set(', INFLIGHT), column: 3, call: 'inflightCalls.set' }],
      removes: [{ file, line: lineOf('  inflightCalls.delete(', INFLIGHT), column: 3, call: 'inflightCalls.delete' }],
      searched: [file],
    });
    expect(renderText(r)).toContain(`removed at: test/fixtures/analysis/inflight-calls.mjs:${lineOf('  inflightCalls.delete(', INFLIGHT)}:3 (inflightCalls.delete)`);
    expect(renderMarkdown(r)).toContain('look for a path that adds without reaching a removal');
  }, TEST_TIMEOUT_MS);

  it("destructured-field: a class's field is located where the constructor makes it, and deleted from through `const { pending } = this`", async () => {
    const r = await diagnoseKind('destructured-field', INFLIGHT);
    const top = r.leaks[0];
    // `requests`, the script's one instance, is kept only by its running top-level code: the name says whose field it is.
    expect(top).toMatchObject({ name: 'requests.pending', kind: 'map', counts: [3000, 6000, 9000] });
    expect(top.location).toEqual({ file, line: lineOf('this.pending = new Map()', INFLIGHT), column: 10 });
    expect(top.writes).toEqual({
      adds: [{ file, line: lineOf('this.pending.set(', INFLIGHT), column: 10, call: 'pending.set' }],
      removes: [{ file, line: lineOf('pending.delete(id)', INFLIGHT), column: 5, call: 'pending.delete' }],
      searched: [file],
    });
  }, TEST_TIMEOUT_MS);

  it('renamed-import: a Map another module declares is added to and deleted from under the name it is imported as', async () => {
    const r = await diagnoseKind('renamed-import', INFLIGHT);
    const top = r.leaks[0];
    expect(top).toMatchObject({ name: 'openCalls', kind: 'map', counts: [3000, 6000, 9000], location: { file: 'test/fixtures/analysis/call-ledger.mjs', line: 3 } });
    expect(top.writes).toMatchObject({
      adds: [{ file, line: lineOf('ledger.set(', INFLIGHT), call: 'ledger.set' }],
      removes: [{ file, line: lineOf('ledger.delete(', INFLIGHT), call: 'ledger.delete' }],
    });
  }, TEST_TIMEOUT_MS);

  it('copied-state: a store whose state is copied on each change says which array in it grows, and where the copy adds to it', async () => {
    const r = await diagnoseKind('copied-state', INFLIGHT);
    const top = r.leaks[0];
    expect(top).toMatchObject({ name: 'appStore', kind: 'object', growsIn: { path: 'state.history', collection: 'Array', entries: 4500 } });
    expect(top.writes).toEqual({ adds: [{ file, line: lineOf('history: [...state.history', INFLIGHT), column: 32, call: 'history = [...history, …]' }], removes: [], searched: [file] });
    expect(renderText(r)).toContain('grows in: appStore.state.history (Array, 4500 entries, made anew with each change)');
    expect(renderMarkdown(r)).toContain('What grows in it is `appStore.state.history` (an Array of 4500 entries in the last snapshot), made anew with each change');
  }, TEST_TIMEOUT_MS);

  it("a TypeScript class's field run through tsx is located at its declaration in the class, not at a method's `const { running } = this`", async () => {
    const out = join(dir, 'job-queue');
    mkdirSync(out);
    await run(process.execPath, ['--expose-gc', '--import', 'tsx', JOB_QUEUE, out], { cwd: REPO, timeout: CHILD_TIMEOUT_MS });
    const r = await diagnose({ snapshots: [0, 1, 2].map((i) => join(out, `s${i}.heapsnapshot`)) });
    const ts = 'test/fixtures/analysis/job-queue.ts';
    expect(r.leaks[0]).toMatchObject({ name: 'queue.running', kind: 'map', counts: [1000, 2000, 3000], location: { file: ts, line: lineOf('private readonly running', JOB_QUEUE), column: 20 } });
    expect(r.leaks[0].writes).toMatchObject({ removes: [{ file: ts, line: lineOf('running.delete(id)', JOB_QUEUE), call: 'running.delete' }] });
  }, TEST_TIMEOUT_MS);

  it("never-removed: a class's Set that only ever grows says nothing in its file takes out of it", async () => {
    const r = await diagnoseKind('never-removed', INFLIGHT);
    const top = r.leaks[0];
    expect(top).toMatchObject({ name: 'dedup.seenIds', kind: 'set', counts: [30000, 60000, 90000] });
    expect(top.writes).toEqual({ adds: [{ file, line: lineOf('this.seenIds.add(', INFLIGHT), column: 10, call: 'seenIds.add' }], removes: [], searched: [file] });
    expect(renderText(r)).toContain('removed at: nowhere in test/fixtures/analysis/inflight-calls.mjs');
    expect(renderMarkdown(r)).toContain('nothing in `test/fixtures/analysis/inflight-calls.mjs` ever takes out of it');
  }, TEST_TIMEOUT_MS);
});
