import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { diagnose } from '../../analysis/diagnose.ts';
import { readAllHere, readInWorker } from '../../analysis/earlier-pool.ts';
import { isLabError } from '../../lab/errors.ts';
import { SnapshotBuilder } from './snapshot-builder.ts';

const dir = mkdtempSync(join(tmpdir(), 'leak-lab-series-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A closure `handler` (with a source location) held by a global handle, whose context holds a
 * Map under `mapName` (its hash table gets `tableId`) and a plain object under `objectName`.
 */
function handlerScope(b: SnapshotBuilder, mapName: string, objectName: string, tableId: number): { table: number; cache: number } {
  const handles = b.node('synthetic', '(Global handles)', 0, 5);
  b.edge(b.gcRoots, 'element', 1, handles);
  const ctx = b.node('object', 'system / Context', 48, 101);
  const map = b.node('object', 'Map', 32, 103);
  const cache = b.node('object', 'Object', 56, 105);
  const fn = b.node('closure', 'handler', 64, 107);
  b.edge(handles, 'element', 0, fn).edge(fn, 'internal', 'context', ctx);
  b.edge(ctx, 'context', mapName, map).edge(ctx, 'context', objectName, cache);
  const table = b.node('array', '', 16 + 24 * 90, tableId);
  b.edge(map, 'internal', 'table', table);
  b.location(fn, 1, 4, 2);
  return { table, cache };
}

/**
 * One process seen three times. A context holds `growingTable`, a small Map gaining 30
 * entries per snapshot, and `bigCache`, an object of 500 properties whose 1 KB values are
 * all replaced between snapshots (new ids, same count): large, churning, bounded. `plan`
 * gives the Map's entries at each snapshot instead (and how many snapshots there are).
 */
function series(grow: boolean, plan = grow ? [30, 60, 90] : [30, 30, 30]): string[] {
  const base = (k: number) => 100_000 + k * 20_000;
  const label = plan.join('-');
  return plan.map((entries, k) => {
    const b = new SnapshotBuilder();
    const { table, cache } = handlerScope(b, 'growingTable', 'bigCache', base(k) + 1);
    for (let j = 0; j < entries; j++) {
      const born = plan.findIndex((n) => j < n);
      const entry = b.node('object', 'Session', 100, base(born) + 5001 + 2 * j);
      b.edge(table, 'internal', String(8 + 3 * j), entry);
    }
    for (let j = 0; j < 500; j++) {
      const value = b.node('object', 'CachedResponse', 1000, base(k) + 9001 + 2 * j);
      b.edge(cache, 'property', `k${j}`, value);
    }
    return b.write(join(dir, `${grow ? 'leak' : 'healthy'}-${label}-${k}.heapsnapshot`));
  });
}

/**
 * V8 keys snapshot ids by address: a leak entry allocated in old space where a cached page
 * died inherits the page's id. Here the baseline's `pageCache` holds 30 pages (each with a
 * 2 KB body) that are all gone later, and the last snapshot's newest 30 `leakMap` entries
 * carry those pages' ids. Taken at face value, the ids would put the dead pages and their
 * bodies under `leakMap` at the baseline, bigger than it is at the second snapshot.
 */
function ghostSeries(): string[] {
  return [0, 1, 2].map((k) => {
    const b = new SnapshotBuilder();
    const { table, cache } = handlerScope(b, 'leakMap', 'pageCache', 50_001 + k * 2);
    for (let j = 0; j < 30 * k; j++) {
      // The first 30 entries are new ids; the next 30 reuse the baseline pages' ids.
      const id = j < 30 ? 60_001 + 2 * j : 10_001 + 2 * (j - 30);
      b.edge(table, 'internal', String(8 + 3 * j), b.node('object', 'Session', 100, id));
    }
    if (k === 0) {
      for (let j = 0; j < 30; j++) {
        const page = b.node('object', 'CachedPage', 64, 10_001 + 2 * j);
        b.edge(cache, 'property', `p${j}`, page).edge(page, 'property', 'body', b.node('string', `body ${j}`, 2048, 20_001 + 2 * j));
      }
    }
    return b.write(join(dir, `ghost-${k}.heapsnapshot`));
  });
}

/**
 * A module scope whose `Stream` class's prototype gains 40 objects of 2 KB per snapshot, new
 * each time, that no property names: V8's optimized code for its methods (`code`) as the JIT
 * warms them up, or (`array`) internal arrays of V8's that something of the program's fills.
 */
function warmingPrototype(gains: 'code' | 'array'): string[] {
  const base = (k: number) => 200_000 + k * 20_000;
  return [0, 1, 2].map((k) => {
    const b = new SnapshotBuilder();
    const handles = b.node('synthetic', '(Global handles)', 0, 5);
    b.edge(b.gcRoots, 'element', 1, handles);
    const ctx = b.node('object', 'system / Context', 48, 101);
    const cls = b.node('closure', 'Stream', 64, 103);
    const proto = b.node('object', 'Stream', 56, 105);
    b.edge(handles, 'element', 0, ctx).edge(ctx, 'context', 'Stream', cls).edge(cls, 'property', 'prototype', proto);
    for (let j = 0; j < 30; j++) {
      const method = b.node('closure', `method${j}`, 64, 1001 + 2 * j);
      b.edge(proto, 'property', `method${j}`, method);
    }
    for (let born = 0; born <= k; born++) {
      for (let j = 0; j < 40; j++) b.edge(proto, 'internal', `${born}:${j}`, b.node(gains, gains === 'code' ? '' : '(internal array)', 2048, base(born) + 1 + 2 * j));
    }
    return b.write(join(dir, `warming-${gains}-${k}.heapsnapshot`));
  });
}

/**
 * Node's timer list for one delay, gaining 100 timers per snapshot, each keeping 1 KB through
 * its callback's scope; Node links them both ways. The handle scope (what V8's C++ code held
 * as the snapshot was taken) holds the newest timer, as it holds whatever was running.
 */
function timersWithHandleScope(): string[] {
  const base = (k: number) => 400_000 + k * 20_000;
  return [0, 1, 2].map((k) => {
    const b = new SnapshotBuilder();
    const handles = b.node('synthetic', '(Global handles)', 0, 5);
    const scope = b.node('synthetic', '(Handle scope)', 0, 7);
    b.edge(b.gcRoots, 'element', 1, handles).edge(b.gcRoots, 'element', 2, scope);
    const ctx = b.node('object', 'system / Context', 48, 101);
    const table = b.node('object', 'Object', 56, 103);
    const list = b.node('object', 'TimersList', 80, 105);
    b.edge(handles, 'element', 0, ctx).edge(ctx, 'context', 'timerListMap', table).edge(table, 'element', 60000, list);
    const timers: number[] = [];
    for (let born = k; born >= 0; born--) {
      for (let j = 99; j >= 0; j--) {
        const id = base(born) + 1 + 8 * j;
        const timer = b.node('object', 'Timeout', 120, id);
        const fn = b.node('closure', 'refresh', 64, id + 2);
        const scopeCtx = b.node('object', 'system / Context', 40, id + 4);
        const quote = b.node('object', 'Quote', 1000, id + 6);
        b.edge(timer, 'property', '_onTimeout', fn).edge(fn, 'internal', 'context', scopeCtx).edge(scopeCtx, 'context', 'quote', quote);
        timers.push(timer);
      }
    }
    // Newest first from the list, as Node appends: each links to the older one and back.
    b.ring([list, ...timers]);
    b.edge(scope, 'element', 0, timers[0]);
    return b.write(join(dir, `timers-handle-scope-${k}.heapsnapshot`));
  });
}

describe('growth ranking on a hand-built series', () => {
  it('does not take an id V8 reused for a new object as the dead object it replaced', async () => {
    const report = await diagnose({ snapshots: ghostSeries() });
    expect(report.verdict).toBe('leak');
    expect(report.leaks[0].holder.name).toBe('leakMap');
    expect(report.leaks[0].counts).toEqual([0, 30, 60]);
  });

  it('names the small collection that only grows and ignores the big cache that churns', async () => {
    const report = await diagnose({ snapshots: series(true) });
    expect(report.verdict).toBe('leak');
    const top = report.leaks[0];
    expect(top.holder.name).toBe('growingTable');
    expect(top.kind).toBe('map');
    expect(top.counts).toEqual([30, 60, 90]);
    expect(top.growth.perSnapshot).toEqual([30, 30]);
    expect(top.objectName).toBe('Session');
    // Shown from the scope that names the Map; the full path from the synthetic root is kept beside it.
    expect(top.retainerPath.map((p) => p.edge)).toEqual(['', 'growingTable']);
    // A scope with no outer realm link is a function's, not a module's.
    expect(top.retainerPath[0].node).toBe('(function scope)');
    expect(top.fullRetainerPath?.map((p) => p.edge)).toEqual(['[1]', '[1]', '[0]', 'context', 'growingTable']);
    expect(top.score).toBeGreaterThan(0.5);
    expect(top.score).toBeLessThanOrEqual(1);
    expect(report.leaks.some((l) => l.name === 'bigCache')).toBe(false);
  });

  it('finds the leak over four snapshots when one interval is a lull, but not a cache that warmed up and stopped', async () => {
    const lull = await diagnose({ snapshots: series(true, [30, 60, 60, 90]) });
    expect(lull.verdict).toBe('leak');
    expect(lull.leaks[0]).toMatchObject({ name: 'growingTable', counts: [30, 60, 60, 90] });
    // Still growing, but stopped at its bound: a warm-up, not a leak.
    expect((await diagnose({ snapshots: series(true, [30, 60, 90, 90]) })).verdict).toBe('no-leak');
    // Two lulls in three intervals leave too little growth to tell.
    expect((await diagnose({ snapshots: series(true, [30, 30, 30, 90]) })).verdict).toBe('no-leak');
    // Over three snapshots both intervals must gain, as before.
    expect((await diagnose({ snapshots: series(true, [30, 30, 90]) })).verdict).toBe('no-leak');
  });

  it("takes a prototype that gains only V8's compiled code (the JIT warming up) for no leak, but not one that gains other objects", async () => {
    const code = await diagnose({ snapshots: warmingPrototype('code') });
    expect(code.verdict).toBe('no-leak');
    const arrays = await diagnose({ snapshots: warmingPrototype('array') });
    expect(arrays.verdict).toBe('leak');
    expect(arrays.leaks[0]).toMatchObject({ countsOf: 'retained objects', holder: { nodeName: 'Stream' } });
    expect(arrays.leaks[0].growth.perSnapshot).toEqual([40, 40]);
  });

  it("finds timers piling up in Node's list though the handle scope holds the newest one, which reaches the rest", async () => {
    const report = await diagnose({ snapshots: timersWithHandleScope() });
    expect(report.verdict).toBe('leak');
    expect(report.leaks[0]).toMatchObject({ kind: 'timers', name: 'refresh', holder: { nodeName: 'TimersList' } });
    // Counted in timers, not in the four objects each keeps.
    expect(report.leaks[0]).toMatchObject({ countsOf: 'entries', counts: [100, 200, 300] });
  });

  it('reports no leak when only the cache churns', async () => {
    const report = await diagnose({ snapshots: series(false) });
    expect(report.verdict).toBe('no-leak');
    expect(report.leaks).toEqual([]);
  });

  it('gives the same report twice (deterministic)', async () => {
    const files = series(true);
    const a = await diagnose({ snapshots: files });
    const b = await diagnose({ snapshots: files });
    expect({ ...a, elapsedMs: 0 }).toEqual({ ...b, elapsedMs: 0 });
  });

  it('reads earlier snapshots the same in a worker thread, and reports a bad one as the same LabError', async () => {
    const files = series(true).slice(0, 2);
    const here = await readAllHere(files, () => {});
    const there = await Promise.all(readInWorker(files, () => {}));
    expect(there).toEqual(here);
    const bad = join(dir, 'bad.heapsnapshot');
    writeFileSync(bad, '{"snapshot": {"meta": {}}, "nodes": [1,2');
    const err = await Promise.all(readInWorker([files[0], bad], () => {})).catch((e: unknown) => e);
    expect(isLabError(err, 'LAB_ERR_SNAPSHOT_FILE'), String(err)).toBe(true);
    expect((err as Error).message).toContain(bad);
  });

  it('gives the same report with the earlier snapshots read in parallel', async () => {
    const files = series(true);
    const a = await diagnose({ snapshots: files });
    // Forced to split the earlier files between a worker and this thread (these files are tiny).
    const b = await diagnose({ snapshots: files, parallel: true, parallelMinBytes: 0 });
    expect({ ...a, elapsedMs: 0 }).toEqual({ ...b, elapsedMs: 0 });
    // Read at once, two bad files are reported as reading them in order does: the first one.
    const badA = join(dir, 'bad-a.heapsnapshot');
    const badB = join(dir, 'bad-b.heapsnapshot');
    writeFileSync(badA, '{"snapshot": {"meta": {}}, "nodes": [1,2');
    writeFileSync(badB, 'not a snapshot');
    for (const [series3, named] of [[[badA, badB, files[2]], badA], [[files[0], badB, files[2]], badB], [[badA, files[1], files[2]], badA]] as const) {
      const inOrder = await diagnose({ snapshots: [...series3] }).catch((e: unknown) => e);
      const split = await diagnose({ snapshots: [...series3], parallel: true, parallelMinBytes: 0 }).catch((e: unknown) => e);
      expect((inOrder as Error).message).toContain(named);
      expect((split as Error).message).toBe((inOrder as Error).message);
    }
    // And with the parse helper thread forced on (whether it gets a part of these small files or not).
    const c = await diagnose({ snapshots: files, parseHelper: true });
    expect({ ...a, elapsedMs: 0 }).toEqual({ ...c, elapsedMs: 0 });
  });
});
