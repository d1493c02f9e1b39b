import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { edgeNameOf, type HeapSnapshot } from '../../analysis/heap-snapshot.ts';
import { readSnapshot } from '../../analysis/read-snapshot.ts';
import { startsAsNumber } from '../../analysis/scope-slot-name.ts';
import { SnapshotBuilder } from './snapshot-builder.ts';

const dir = mkdtempSync(join(tmpdir(), 'leak-lab-block-scopes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A block's Context as V8 draws it: scope_info with the names, slots as hidden edges by index. */
function blockContext(b: SnapshotBuilder, names: string[], slots: [number, number][], extra: (ctx: number) => void = () => {}): number {
  const info = b.node('code', 'system / ScopeInfo', 40);
  names.forEach((name, i) => b.edge(info, 'hidden', i, b.node('string', name, 16)));
  b.edge(info, 'hidden', names.length, b.node('code', 'system / ScopeInfo', 40));
  const ctx = b.node('object', 'system / Context', 32);
  b.edge(ctx, 'internal', 'scope_info', info);
  extra(ctx);
  for (const [index, to] of slots) b.edge(ctx, 'hidden', index, to);
  b.edge(b.gcRoots, 'element', b.idOf(ctx), ctx);
  return ctx;
}

function edgesOf(s: HeapSnapshot, id: number): string[] {
  const v = s.nodeId.indexOf(id);
  const out: string[] = [];
  for (let e = s.firstEdge[v]; e < s.firstEdge[v + 1]; e++) out.push(`${s.edgeTypeNames[s.edgeType[e]]}:${edgeNameOf(s, e)}`);
  return out;
}

describe('block scopes: variables the snapshot leaves unnamed', () => {
  it('names slots from scope_info when every slot holds an object, and leaves them when the order is in doubt', async () => {
    const b = new SnapshotBuilder();
    const map = () => b.node('object', 'Map', 32);
    // if (...) { const inFlight = new Map(); const app = {...}; hooks.push(() => ...) }
    const aligned = blockContext(b, ['inFlight', 'app'], [[0, map()], [1, b.node('object', 'Object', 24)]]);
    // A `let` still undefined (drawn as no edge, index 1 skipped): the order holds.
    const withHole = blockContext(b, ['cache', 'pending', 'seen'], [[0, map()], [2, b.node('object', 'Set', 32)]]);
    // let hits = 0; const cache = new Map(): the small integer takes no index, so the Map is [0].
    const shifted = blockContext(b, ['hits', 'cache'], [[0, map()]]);
    // A class body: the compiler's own slots keep their indices but no name.
    const classBody = blockContext(b, ['.home_object', 'registry'], [[0, b.node('object', 'Object', 24)], [1, map()]]);
    // A function's own scope is already named by V8: left as it is.
    const declared = blockContext(b, ['sessions'], [[0, map()]], (ctx) => b.edge(ctx, 'context', 'sessions', map()));
    const s = await readSnapshot(b.write(join(dir, 'blocks.heapsnapshot')));

    expect(edgesOf(s, b.idOf(aligned))).toEqual(['internal:scope_info', 'context:inFlight', 'context:app']);
    expect(edgesOf(s, b.idOf(withHole))).toEqual(['internal:scope_info', 'context:cache', 'context:seen']);
    expect(edgesOf(s, b.idOf(shifted))).toEqual(['internal:scope_info', 'hidden:0']);
    expect(edgesOf(s, b.idOf(classBody))).toEqual(['internal:scope_info', 'hidden:0', 'context:registry']);
    expect(edgesOf(s, b.idOf(declared))).toEqual(['internal:scope_info', 'context:sessions', 'hidden:0']);
  });

  it('tells a variable that starts as an integer (no object, no index) from one that does not', () => {
    expect(startsAsNumber('if (on) {\n  let hits = 0;\n  const cache = new Map();\n}', 'hits')).toBe(true);
    expect(startsAsNumber('var offset = -1, limit = 10;', 'offset')).toBe(true);
    expect(startsAsNumber('let mask: number = 0xff;', 'mask')).toBe(true);
    expect(startsAsNumber('let hits = 0; const cache = new Map();', 'cache')).toBe(false);
    // A heap number is an object in the drawing: it keeps its index.
    expect(startsAsNumber('let ratio = 0.5;', 'ratio')).toBe(false);
    expect(startsAsNumber('let started = Date.now();', 'started')).toBe(false);
  });
});
