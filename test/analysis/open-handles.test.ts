import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diagnose } from '../../analysis/diagnose.ts';
import { knownStrings } from '../../analysis/known-strings.ts';
import { nodeSignatures } from '../../analysis/node-signatures.ts';
import { countSignatures, handleGroups } from '../../analysis/open-handles.ts';
import { readSnapshot } from '../../analysis/read-snapshot.ts';
import { SnapshotBuilder } from './snapshot-builder.ts';

const dir = mkdtempSync(join(tmpdir(), 'leak-lab-handles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const OWNER = '<symbol owner_symbol>';
const APP_SCRIPT = '/srv/shop/watch-prices.js';

/** A snapshot with a (Global handles) root, and a way to hang a handle from it. */
function withHandles() {
  const b = new SnapshotBuilder();
  const handles = b.node('synthetic', '(Global handles)', 0, 5);
  b.edge(b.gcRoots, 'element', 1, handles);
  let slot = 0;
  const hold = (v: number, type: 'element' | 'weak' = 'element') => b.edge(handles, type, slot++, v);
  return { b, hold };
}

/**
 * Snapshot `i` of a process whose Node keeps, under (Global handles):
 * - 30 more FSEvent handles each time, each with its FSWatcher, none ever closed (the leak);
 * - a pool of 40 TCP handles (Servers) that closes its 20 oldest and opens 20 new ones between
 *   snapshots: the ones open at the end were opened late, so their count as of each snapshot
 *   rises (0, 20, 40), though the pool never grows;
 * - as many ConnectionsLists, kept by weak handles: they keep nothing alive.
 * Ids are fixed per object, as V8 keeps them for an object's life.
 */
function snapshot(i: number): string {
  const { b, hold } = withHandles();
  // V8's ids rise with allocation: what an interval allocates is above all that existed before.
  const idAt = (interval: number, slot: number) => 1001 + 2 * (100_000 * interval + slot);
  const script = (name: string, slot: number) => {
    const shared = b.node('code', '(shared function info)', 0, idAt(0, slot));
    b.edge(shared, 'internal', 'script_or_debug_info', b.node('code', name, 0, idAt(0, slot + 1)));
    return shared;
  };
  const inWasm = script('wasm://wasm/0002f80e', 90_000);
  const inApp = script(APP_SCRIPT, 90_002);
  for (let w = 0; w < 30 * (i + 1); w++) {
    const id = (k: number) => idAt(Math.floor(w / 30), 8 * (w % 30) + k);
    const event = b.node('object', 'FSEvent', 40, id(0));
    const watcher = b.node('object', 'FSWatcher', 120, id(1));
    hold(event).edge(event, 'property', OWNER, watcher);
    hold(b.node('object', 'ConnectionsList', 64, id(2)), 'weak');
    // Its listeners: one of a WebAssembly module's (undici's parser has such), then the program's.
    const events = b.node('object', 'Object', 0, id(3));
    b.edge(watcher, 'property', '_events', events);
    for (const [name, shared, k] of [['error', inWasm, 4], ['change', inApp, 5]] as const) {
      const fn = b.node('closure', '', 0, id(k));
      b.edge(events, 'property', name, fn).edge(fn, 'internal', 'shared', shared).location(fn, 1, 11, 4);
    }
  }
  for (let p = 20 * i; p < 20 * i + 40; p++) {
    const id = (k: number) => idAt(p < 40 ? 0 : Math.floor(p / 20) - 1, 50_000 + 2 * (p % 40) + k);
    const tcp = b.node('object', 'TCP', 48, id(0));
    hold(tcp).edge(tcp, 'property', OWNER, b.node('object', 'Server', 200, id(1)));
  }
  return b.write(join(dir, `s${i}.heapsnapshot`));
}

/**
 * Snapshot `i` of a process that starts 30 workers between snapshots and never ends them. As in
 * Node, each JS Worker keeps Node's Worker handle (`[kHandle]`, no `owner_symbol` back) and the
 * worker's three MessagePorts, each a handle of its own and each referring back to the JS Worker.
 */
function workers(i: number): string {
  const { b, hold } = withHandles();
  for (let w = 0; w < 30 * (i + 1); w++) {
    const id = 1001 + 16 * w;
    const handle = b.node('object', 'Worker', 80, id);
    const wrapper = b.node('object', 'Worker', 160, id + 2);
    hold(handle).edge(wrapper, 'property', '<symbol kHandle>', handle);
    for (let p = 0; p < 3; p++) {
      const port = b.node('object', 'MessagePort', 100, id + 4 + 2 * p);
      hold(port).edge(wrapper, 'property', `port${p}`, port).edge(port, 'property', 'worker', wrapper);
    }
  }
  return b.write(join(dir, `w${i}.heapsnapshot`));
}

describe('open handles', () => {
  it('groups what (Global handles) keeps by its class and its owner\'s, skipping weak handles', async () => {
    const s = await readSnapshot(snapshot(2));
    const sig = nodeSignatures(s);
    const groups = handleGroups(s, knownStrings(s), sig);
    expect(groups.map((g) => [g.handleClass, g.ownerClass, g.members.length])).toEqual([
      ['FSEvent', 'FSWatcher', 90],
      ['TCP', 'Server', 40],
    ]);
    expect(groups[0].owners.every((o) => s.strings.get(s.nodeName[o]) === 'FSWatcher')).toBe(true);
  });

  it('counts a signature once per object, however many groups share it, and none for a group too small to count', () => {
    expect(countSignatures(Uint32Array.from([7, 9, 7, 7, 3]), [7, 9, 7, 4, -1])).toEqual([3, 1, 3, 0, 0]);
  });

  it('reports the handles that only ever open, located at their listener, and not a pool that rotates its members', async () => {
    const r = await diagnose({ snapshots: [0, 1, 2].map(snapshot) });
    expect(r.leaks.map((l) => [l.name, l.kind])).toEqual([['FSWatcher', 'handles']]);
    const top = r.leaks[0];
    expect(top).toMatchObject({ counts: [30, 60, 90], bytes: [4800, 9600, 14400], handle: { className: 'FSEvent' }, holder: { name: '(Global handles)' } });
    // The program's listener, not the WebAssembly one before it: nothing of the developer's is in wasm://.
    expect(top.location).toEqual({ file: APP_SCRIPT, line: 12, column: 5 });
    expect(top.retainerPath.map((p) => p.node)).toEqual(['(Global handles)', 'FSEvent', 'FSWatcher']);
    expect(top.summary.startsWith('Open `FSWatcher` handles (from `fs.watch()`) grew from 30 to 90 handles')).toBe(true);
  });

  it("folds handles that the objects of another group keep into that group, through a JS wrapper of the handle's own name", async () => {
    const r = await diagnose({ snapshots: [0, 1, 2].map(workers) });
    expect(r.leaks.map((l) => [l.name, l.kind, l.alsoGrowing])).toEqual([['Worker', 'handles', ['MessagePort handles']]]);
    // What the workers pin is their ports too.
    expect(r.leaks[0].counts).toEqual([30, 60, 90]);
    expect(r.leaks[0].retainedBytes).toBeGreaterThan(90 * 3 * 100);
    expect(r.leaks[0].summary.startsWith('Open `Worker` handles (from `new Worker()`)')).toBe(true);
  });
});
