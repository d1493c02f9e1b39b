import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { entryExamples } from '../../analysis/entry-examples.ts';
import { entryTargets } from '../../analysis/holder-contents.ts';
import { entriesOf } from '../../analysis/holder-metrics.ts';
import { knownStrings } from '../../analysis/known-strings.ts';
import { readSnapshot } from '../../analysis/read-snapshot.ts';
import { SnapshotBuilder } from './snapshot-builder.ts';

const dir = mkdtempSync(join(tmpdir(), 'leak-lab-examples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('entries of a holder', () => {
  it('shows the string keys of entries added since the baseline, newest last, joining concatenations', async () => {
    const b = new SnapshotBuilder();
    const map = b.node('object', 'Map', 32);
    const mapTable = b.node('array', '', 64);
    const set = b.node('object', 'Set', 32);
    const setTable = b.node('array', '', 64);
    const dict = b.node('object', 'Object', 32);
    const lines = b.node('object', 'Array', 32);
    const oldKey = b.node('string', 'old-key', 24);
    const oldValue = b.node('object', 'Page', 40);
    const oldMember = b.node('string', 'c', 16);
    const oldEntry = b.node('object', 'History', 16);
    const baselineMaxId = b.idOf(oldEntry);
    // A Map entry is key, value, chain (a small integer, not in the graph): slots 5, 6 and 8, 9 pair up.
    const consKey = b.node('concatenated string', '(concatenated string)', 32);
    const user = b.node('string', 'user-7 ', 24);
    const url = b.node('string', '/cart?id=9', 24);
    const value = b.node('object', 'Page', 40);
    // A string key whose value is a small integer stands alone.
    const lonely = b.node('string', 'lonely', 24);
    const a = b.node('string', 'a', 16);
    const bb = b.node('string', 'b', 16);
    const fresh = b.node('object', 'History', 16);
    const line = b.node('string', 'GET /x 200', 24);
    for (const h of [map, set, dict, lines]) b.edge(b.gcRoots, 'element', h + 10, h);
    b.edge(map, 'internal', 'table', mapTable).edge(set, 'internal', 'table', setTable);
    b.edge(mapTable, 'internal', 5, oldKey).edge(mapTable, 'internal', 6, oldValue);
    b.edge(mapTable, 'internal', 8, consKey).edge(mapTable, 'internal', 9, value).edge(mapTable, 'internal', 11, lonely);
    b.edge(consKey, 'internal', 'first', user).edge(consKey, 'internal', 'second', url);
    // A Set entry is key, chain: its keys never sit side by side.
    b.edge(setTable, 'internal', 4, a).edge(setTable, 'internal', 6, bb).edge(setTable, 'internal', 8, oldMember);
    b.edge(dict, 'property', 'user0', oldEntry).edge(dict, 'property', 'user1', fresh);
    b.edge(lines, 'element', 0, line);
    const s = await readSnapshot(b.write(join(dir, 'examples.heapsnapshot')));
    const g = { s, k: knownStrings(s), baselineMaxId };
    expect(entryExamples(g, map)).toEqual(['user-7 /cart?id=9', 'lonely']);
    expect(entryExamples(g, set)).toEqual(['a', 'b']);
    expect(entryExamples(g, dict)).toEqual(['user1']);
    expect(entryExamples(g, lines)).toEqual(['GET /x 200']);
    expect(entryExamples(g, map, 1)).toEqual(['lonely']);
    // What the entries hold: a Map's values, not its keys; a Set's keys, which are its entries.
    expect(entryTargets(g, map)).toEqual([oldValue, value, lonely]);
    expect(entryTargets(g, set)).toEqual([a, bb, oldMember]);
  });

  it("counts what V8 keeps in lists of its own: a pending promise's reactions, a registry's cells whose target lives", async () => {
    const b = new SnapshotBuilder();
    const promise = b.node('object', 'Promise', 24);
    const registry = b.node('object', 'FinalizationRegistry', 40);
    b.edge(b.gcRoots, 'element', 1, promise).edge(b.gcRoots, 'element', 2, registry);
    // Reactions: a singly linked list, each `next` the older one.
    const reactions = [0, 1, 2].map(() => b.node('hidden', 'system / PromiseReaction', 40));
    b.edge(promise, 'internal', 'reactions_or_result', reactions[0]);
    b.edge(reactions[0], 'hidden', 0, reactions[1]).edge(reactions[1], 'hidden', 0, reactions[2]);
    // Cells: doubly linked, active ones (target alive, a weak edge) and a cleared one without.
    const pool = b.node('object', 'Object', 16);
    b.edge(b.gcRoots, 'element', 3, pool);
    const cells = [0, 1, 2].map(() => b.node('hidden', 'system / WeakCell', 72));
    b.edge(registry, 'hidden', 4, cells[0]).edge(registry, 'hidden', 5, cells[2]);
    b.edge(cells[0], 'weak', 'target', pool).edge(cells[0], 'hidden', 0, registry).edge(cells[0], 'hidden', 5, cells[1]);
    b.edge(cells[1], 'weak', 'target', pool).edge(cells[1], 'hidden', 4, cells[0]).edge(cells[1], 'hidden', 0, registry);
    b.edge(cells[2], 'hidden', 0, registry);
    const s = await readSnapshot(b.write(join(dir, 'lists.heapsnapshot')));
    const k = knownStrings(s);
    expect(entriesOf(s, k, promise)).toBe(3);
    expect(entriesOf(s, k, registry)).toBe(2);
  });
  it('shows entries with no string key by their class and first two public, non-empty string fields', async () => {
    const b = new SnapshotBuilder();
    const log = b.node('object', 'Array', 32);
    const numbers = b.node('object', 'Array', 32);
    const old = b.node('object', 'IncomingMessage', 64);
    const baselineMaxId = b.idOf(old);
    const req = b.node('object', 'IncomingMessage', 64);
    const plain = b.node('object', 'Object', 32);
    const bare = b.node('object', 'Object', 32);
    const text = (v: string) => b.node('string', v, 24);
    for (const h of [log, numbers]) b.edge(b.gcRoots, 'element', h + 10, h);
    b.edge(log, 'element', 0, old).edge(log, 'element', 1, req).edge(log, 'element', 2, plain);
    b.edge(old, 'property', 'url', text('/old'));
    // Library internals (`_header`) and empty strings say nothing; a third field is not needed.
    b.edge(req, 'property', '_header', text('HTTP/1.1 200 OK')).edge(req, 'property', 'method', text(''));
    b.edge(req, 'property', 'httpVersion', text('1.1')).edge(req, 'property', 'url', text('/cart?id=9')).edge(req, 'property', 'host', text('shop'));
    b.edge(plain, 'property', 'line', text("GET /x 'quoted'"));
    // Entries with no text at all give no example.
    b.edge(numbers, 'element', 0, bare);
    const s = await readSnapshot(b.write(join(dir, 'objects.heapsnapshot')));
    const g = { s, k: knownStrings(s), baselineMaxId };
    expect(entryExamples(g, log)).toEqual(["IncomingMessage { httpVersion: '1.1', url: '/cart?id=9' }", "{ line: 'GET /x \\'quoted\\'' }"]);
    expect(entryExamples(g, numbers)).toEqual([]);
  });
});
