import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSnapshot } from '../../analysis/read-snapshot.ts';
import { computeDominators } from '../../analysis/dominators.ts';
import { dominatorOrder, dominates } from '../../analysis/dominator-order.ts';
import { shortestRetainers, pathNodes } from '../../analysis/retainer-paths.ts';
import { makeTinySnapshot } from './fixtures.ts';
import { edgeNameOf, nodeNameOf } from '../../analysis/heap-snapshot.ts';
import { buildIdIndex, buildIdLookup, findId, lookupId } from '../../analysis/id-index.ts';
import { SnapshotTokenizer } from '../../analysis/snapshot-tokenizer.ts';
import { indexStrings } from '../../analysis/strings-section.ts';
import { SnapshotBuilder } from './snapshot-builder.ts';
import { collapseRuns } from '../../analysis/path-steps.ts';
import { pathLines } from '../../analysis/render-text.ts';
import type { PathStep } from '../../analysis/report-types.ts';

const dir = mkdtempSync(join(tmpdir(), 'leak-lab-graph-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * root -> (GC roots) -> (Global handles) -> A
 * A -> B, A -> C, B -> D, C -> D, D -> E       (diamond: D is dominated by A, not B or C)
 * A -> ring head H; H <-> n1 <-> n2 <-> n3 <-> H  (doubly linked: all dominated by H)
 * A -weak-> W and nothing else retains W           (unreachable: hung under the root)
 * (Internalized strings) -> S, A -> S              (S retained by two: idom is (GC roots))
 */
function diamond() {
  const b = new SnapshotBuilder();
  const handles = b.node('synthetic', '(Global handles)', 0);
  const strs = b.node('synthetic', '(Internalized strings)', 0);
  b.edge(b.gcRoots, 'element', 1, strs).edge(b.gcRoots, 'element', 2, handles);
  const A = b.node('object', 'A', 10);
  const B = b.node('object', 'B', 20);
  const C = b.node('object', 'C', 30);
  const D = b.node('object', 'D', 40);
  const E = b.node('string', 'payload "quoted" \\ é', 50);
  b.edge(handles, 'element', 0, A).edge(A, 'property', 'b', B).edge(A, 'property', 'c', C);
  b.edge(B, 'property', 'd', D).edge(C, 'property', 'd', D).edge(D, 'internal', 'e', E);
  const H = b.node('object', 'Head', 8);
  const ring = [b.node('object', 'Link', 100), b.node('object', 'Link', 100), b.node('object', 'Link', 100)];
  b.edge(A, 'property', 'list', H);
  const all = [H, ...ring];
  all.forEach((x, i) => {
    b.edge(x, 'property', 'next', all[(i + 1) % all.length]);
    b.edge(x, 'property', 'prev', all[(i + all.length - 1) % all.length]);
    b.edge(x, 'property', 'self', x);
  });
  const W = b.node('object', 'Weakly', 7);
  b.edge(A, 'weak', 'w', W);
  const S = b.node('string', 'interned', 5);
  b.edge(strs, 'internal', '1', S).edge(A, 'property', 's', S);
  b.location(A, 3, 9, 4);
  return { b, handles, A, B, C, D, E, H, ring, W, S };
}

describe('streaming parser', () => {
  it('reads nodes, edges, strings with escapes and locations, whatever the chunking', async () => {
    const g = diamond();
    const s = await readSnapshot(g.b.write(join(dir, 'diamond.heapsnapshot')));
    expect(s.nodeCount).toBe(15);
    expect(nodeNameOf(s, g.E)).toBe('payload "quoted" \\ é');
    expect(s.edgeTo[s.firstEdge[g.A]]).toBe(g.B);
    expect(edgeNameOf(s, s.firstEdge[g.A])).toBe('b');
    expect(s.nodeId[g.A]).toBe(g.b.idOf(g.A));
    expect(s.locations.count).toBe(1);
    expect([s.locations.node[0], s.locations.scriptId[0], s.locations.line[0], s.locations.column[0]]).toEqual([g.A, 3, 9, 4]);
    expect(s.strings.indexOf('interned')).toBeGreaterThan(0);
    expect(s.strings.indexOf('absent string')).toBe(-1);
    // Many names in one pass agree with one search each, escaped, absent and empty ones included.
    const names = ['interned', 'absent string', 'payload "quoted" \\ é', 'b', 'Weakly', '', 'interne'];
    expect([...s.strings.indexOfAll(names)]).toEqual(names.map((n) => s.strings.indexOf(n)));
    expect(s.strings.indexOfAll(names)[0]).toBeGreaterThan(0);
  });

  it('gives the same arrays when the bytes arrive in tiny chunks', () => {
    const text = Buffer.from(diamond().b.toJSON());
    const parse = (chunk: number) => {
      const t = new SnapshotTokenizer('x', text.length);
      for (let i = 0; i < text.length; i += chunk) t.push(text.subarray(i, i + chunk));
      const out = t.end();
      const strings = indexStrings(out.strings);
      return { ids: [...out.nodes.id], to: [...out.edges.to], names: [...out.nodes.name].map((i) => strings.get(i)) };
    };
    const whole = parse(text.length);
    for (const chunk of [1, 2, 3, 7, 64]) expect(parse(chunk)).toEqual(whole);
  });
});

describe('dominators and retained sizes', () => {
  it('match the hand-computed tree', async () => {
    const g = diamond();
    const s = await readSnapshot(g.b.write(join(dir, 'dom.heapsnapshot')));
    const d = computeDominators(s);
    expect(d.idom[g.D]).toBe(g.A);
    expect(d.idom[g.E]).toBe(g.D);
    expect(d.idom[g.B]).toBe(g.A);
    for (const link of g.ring) expect(d.idom[link]).toBe(g.H);
    expect(d.idom[g.S]).toBe(g.b.gcRoots);
    expect(d.idom[g.W]).toBe(0);
    expect(d.orphan[g.W]).toBe(1);
    expect(d.retainedSize[g.H]).toBe(308);
    expect(d.retainedSize[g.A]).toBe(10 + 20 + 30 + 40 + 50 + 308);
    expect(d.retainedCount[g.A]).toBe(9);
    expect(d.retainedSize[0]).toBe(10 + 20 + 30 + 40 + 50 + 308 + 7 + 5);
    const order = dominatorOrder(d);
    expect(dominates(order, g.A, g.E)).toBe(true);
    expect(dominates(order, g.B, g.D)).toBe(false);
    expect(order.size[g.A]).toBe(9);
  });

  it('handles a long doubly-linked list (slow for iterative dominators) quickly', async () => {
    const b = new SnapshotBuilder();
    const handles = b.node('synthetic', '(Global handles)', 0);
    b.edge(b.gcRoots, 'element', 0, handles);
    // A list of the program's own: Node's timer lists have their back links left out (dominators.ts).
    const head = b.node('object', 'JobList', 16);
    b.edge(handles, 'element', 0, head);
    const links = Array.from({ length: 5000 }, () => b.node('object', 'Job', 10));
    b.ring([head, ...links]);
    const s = await readSnapshot(b.write(join(dir, 'ring.heapsnapshot')));
    const started = performance.now();
    const d = computeDominators(s);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(d.idom[links[2500]]).toBe(head);
    expect(d.retainedSize[head]).toBe(16 + 5000 * 10);
  });

  it("give Node's timer list each of its timers, whichever of them the program also keeps", async () => {
    // (Global handles) -> timerListMap -> TimersList, newest first: list <-> t0 <-> ... <-> t5 <-> list;
    // (Global handles) -> Context -> the newest (`poller`) and one in the middle (an idle timer it refreshes).
    const b = new SnapshotBuilder();
    const handles = b.node('synthetic', '(Global handles)', 0);
    b.edge(b.gcRoots, 'element', 0, handles);
    const table = b.node('object', 'Object', 16);
    const list = b.node('object', 'TimersList', 40);
    const ctx = b.node('object', 'system / Context', 32);
    b.edge(handles, 'element', 0, table).edge(table, 'element', 60000, list).edge(handles, 'element', 1, ctx);
    const timers = Array.from({ length: 6 }, () => b.node('object', 'Timeout', 100));
    const kept = b.node('object', 'Quote', 1000);
    b.edge(timers[4], 'property', 'quote', kept);
    b.ring([list, ...timers]);
    b.edge(ctx, 'context', 'poller', timers[0]).edge(ctx, 'context', 'idle', timers[2]);
    const d = computeDominators(await readSnapshot(b.write(join(dir, 'timer-list.heapsnapshot'))));
    for (const t of [1, 3, 4, 5]) expect(d.idom[timers[t]], `timer ${t}`).toBe(list);
    for (const t of [0, 2]) expect(d.idom[timers[t]], `timer ${t}`).toBe(handles);
    expect(d.idom[kept]).toBe(timers[4]);
    expect(d.retainedSize[list]).toBe(40 + 4 * 100 + 1000);
    // The list's links to its timers other than the first are not in the snapshot: added, and kept apart.
    expect(d.added.to.sort()).toEqual([timers[1], timers[2], timers[3], timers[4], timers[5]].sort());
  });

  it("give a timer list the timers after an object put in it with timers.enroll()", async () => {
    const b = new SnapshotBuilder();
    const handles = b.node('synthetic', '(Global handles)', 0);
    b.edge(b.gcRoots, 'element', 0, handles);
    const list = b.node('object', 'TimersList', 40);
    b.edge(handles, 'element', 0, list);
    const [t0, enrolled, t2] = [b.node('object', 'Timeout', 100), b.node('object', 'Session', 100), b.node('object', 'Timeout', 100)];
    b.ring([list, t0, enrolled, t2]);
    const d = computeDominators(await readSnapshot(b.write(join(dir, 'enrolled.heapsnapshot'))));
    for (const v of [t0, enrolled, t2]) expect(d.idom[v]).toBe(list);
    expect(d.orphan[t2]).toBe(0);
  });

  it.each(['Node / CleanupQueue', 'Node / BaseObjectList'])("charge a vm context to the sandbox that keeps it, not to %s, which only lists it", async (register) => {
    // (GC roots) -> Node / Environment -> the register (Node 20's name, Node 22's) -> Node / ContextifyContext -> wrapper -> NativeContext
    // (GC roots) -> list -> sandbox -> wrapper
    const b = new SnapshotBuilder();
    const env = b.node('native', 'Node / Environment', 100, 1000);
    const queue = b.node('native', register, 50, 1002);
    const native = b.node('native', 'Node / ContextifyContext', 48, 1004);
    const wrapper = b.node('object', 'Object', 40);
    const context = b.node('hidden', 'system / NativeContext', 100_000);
    const list = b.node('object', 'Array', 32);
    const sandbox = b.node('object', 'Object', 32);
    b.edge(b.gcRoots, 'element', 0, env).edge(env, 'internal', 'cleanup_queue', queue).edge(queue, 'element', 1, native);
    b.edge(native, 'internal', 'native_to_javascript', wrapper).edge(wrapper, 'internal', 'javascript_to_native', native);
    b.edge(wrapper, 'internal', 'context', context);
    b.edge(b.gcRoots, 'element', 1, list).edge(list, 'element', 0, sandbox).edge(sandbox, 'property', '<symbol node:contextify:context>', wrapper);
    const s = await readSnapshot(b.write(join(dir, `register-${register.length}.heapsnapshot`)));
    const d = computeDominators(s);
    expect(d.idom[context]).toBe(wrapper);
    expect(d.idom[wrapper]).toBe(sandbox);
    expect(d.idom[native]).toBe(wrapper);
    expect(d.retainedSize[list]).toBe(32 + 32 + 40 + 48 + 100_000);
    expect(d.retainedSize[queue]).toBe(50);
  });
});

describe('retainer paths', () => {
  it('skip weak edges and prefer ordinary roots over the string table', async () => {
    const g = diamond();
    const s = await readSnapshot(g.b.write(join(dir, 'paths.heapsnapshot')));
    const tree = shortestRetainers(s);
    const toS = pathNodes(tree, g.S);
    expect(toS.nodes.map((v) => nodeNameOf(s, v))).toEqual(['(GC roots)', '(Global handles)', 'A', 'interned']);
    expect(pathNodes(tree, g.W).nodes).toEqual([]);
    expect(pathNodes(tree, g.E).nodes).toEqual([g.b.gcRoots, g.handles, g.A, g.B, g.D, g.E]);
  });

  it('stop early once the targets are settled, with the same paths to them', async () => {
    const s = await readSnapshot(await makeTinySnapshot(join(dir, 'paths-real.heapsnapshot')));
    const full = shortestRetainers(s);
    const reached = [...Array(s.nodeCount).keys()].filter((v) => pathNodes(full, v).nodes.length > 0);
    // A few targets at different depths, and one nothing reaches.
    const targets = [reached[10], reached[Math.floor(reached.length / 2)], reached.at(-1)!];
    const early = shortestRetainers(s, 0, targets);
    for (const t of targets) expect(pathNodes(early, t)).toEqual(pathNodes(full, t));
    expect(early.dist.filter((d) => d !== 0xffffffff).length).toBeLessThanOrEqual(full.dist.filter((d) => d !== 0xffffffff).length);
    const unreachable = [...Array(s.nodeCount).keys()].find((v) => pathNodes(full, v).nodes.length === 0 && v !== 0);
    if (unreachable !== undefined) expect(pathNodes(shortestRetainers(s, 0, [unreachable, targets[0]]), targets[0])).toEqual(pathNodes(full, targets[0]));
  });

  it('give a run of three or more identical steps (a linked list) once, with its length', () => {
    const step = (edge: string, node: string, nodeId: number): PathStep => ({ edge, edgeType: 'property', node, nodeType: 'object', nodeId });
    const links = Array.from({ length: 5000 }, (_, i) => step('next', 'Listener', 100 + i));
    const path = [step('', 'Object', 1), ...links, step('items', 'Array', 2), step('x', 'A', 3), step('x', 'A', 4)];
    const out = collapseRuns(path);
    expect(out).toEqual([step('', 'Object', 1), { ...links[0], repeat: 5000 }, step('items', 'Array', 2), step('x', 'A', 3), step('x', 'A', 4)]);
    expect(pathLines(out)[1]).toBe('-> next (property) Listener [object]  x5000 in a row');
  });

  it('give a run of a unit of two steps (a chain of promises through their reactions) once, with its length', () => {
    const step = (edge: string, node: string, nodeId: number): PathStep => ({ edge, edgeType: 'internal', node, nodeType: 'object', nodeId });
    const links = Array.from({ length: 3000 }, (_, i) => [step('reactions_or_result', 'PromiseReaction', 100 + 2 * i), step('[2]', 'Promise', 101 + 2 * i)]).flat();
    const head = [step('', 'Object', 1), step('pending', 'Promise', 2)];
    const out = collapseRuns([...head, ...links, step('x', 'A', 3), step('x', 'B', 4)]);
    expect(out).toEqual([...head, links[0], { ...links[1], repeat: 3000, period: 2 }, step('x', 'A', 3), step('x', 'B', 4)]);
    expect(pathLines(out)[3]).toBe('-> [2] (internal) Promise [object]  x3000 in a row, with the step before it');
    // Twice in a row reads fine as it is.
    expect(collapseRuns([...head, ...links.slice(0, 4)])).toHaveLength(6);
  });
});

describe('id index', () => {
  it('sorts ids with a radix sort and finds them by binary search', () => {
    const ids = new Uint32Array([70001, 3, 4_000_000_001, 65537, 9, 65535]);
    const index = buildIdIndex(ids);
    expect([...index.ids]).toEqual([3, 9, 65535, 65537, 70001, 4_000_000_001]);
    expect(index.ordinals[findId(index, 65537)]).toBe(3);
    expect(findId(index, 5)).toBe(-1);
  });

  it('looks odd ids up in a table and even ones in the sorted index', () => {
    // Ids as V8 hands them out: odd heap-object ids from one counter, even native ids from addresses.
    const ids = new Uint32Array([1, 7, 3_000_000_000, 5, 11, 2_000_000_002, 9]);
    const l = buildIdLookup(ids);
    expect(l.direct.length).toBe(6);
    expect(l.rest.ids.length).toBe(2);
    ids.forEach((id, v) => expect(lookupId(l, id)).toBe(v));
    for (const missing of [3, 13, 1_000_001, 2, 3_000_000_002]) expect(lookupId(l, missing)).toBe(-1);
  });

  it('falls back to the sorted index when odd ids are too sparse for a table', () => {
    // A long-lived process snapshotted many times: ids far above its node count.
    const ids = new Uint32Array([4_000_001, 3, 900_000_001, 2_000_000_002]);
    const l = buildIdLookup(ids);
    expect(l.direct.length).toBe(0);
    ids.forEach((id, v) => expect(lookupId(l, id)).toBe(v));
    expect(lookupId(l, 5)).toBe(-1);
    expect(lookupId(l, 4_000_003)).toBe(-1);
  });
});
