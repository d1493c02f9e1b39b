import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdgeHelper } from '../../analysis/edge-helper.ts';
import type { HeapSnapshot } from '../../analysis/heap-snapshot.ts';
import { readSnapshot } from '../../analysis/read-snapshot.ts';
import { isLabError } from '../../lab/errors.ts';
import { makeTinySnapshot } from './fixtures.ts';

/**
 * The parse helper thread takes the tail (about 40%) of the number arrays. Whatever it does (its
 * part, declining an unusual layout, failing on a bad record), the result must be what one
 * thread reads, byte for byte, and the same error for a bad file.
 */
const dir = mkdtempSync(join(tmpdir(), 'leak-lab-helper-'));
let real: string;
let helper: EdgeHelper;
beforeAll(async () => {
  real = await makeTinySnapshot(join(dir, 'real.heapsnapshot'));
  helper = new EdgeHelper();
});
afterAll(() => {
  helper.close();
  rmSync(dir, { recursive: true, force: true });
});

function arrays(s: HeapSnapshot) {
  const all = [s.nodeType, s.nodeName, s.nodeId, s.selfSize, s.firstEdge, s.edgeType, s.edgeName, s.edgeTo, s.locations.node, s.locations.line];
  return all.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64'));
}

async function split(file: string) {
  const before = helper.delivered;
  // awaitHelper: the main thread starts only once the helper has claimed its part (or declined).
  const s = await readSnapshot(file, { edges: helper, awaitHelper: true });
  return { s, delivered: helper.delivered - before };
}

/** The real snapshot's text with the body of its edges array rewritten by `fn`. */
function withEdges(fn: (body: string) => string): string {
  const text = readFileSync(real, 'latin1');
  const start = text.indexOf('"edges":[') + '"edges":['.length;
  const end = text.indexOf(']', start);
  return text.slice(0, start) + fn(text.slice(start, end)) + text.slice(end);
}

/** Rewrites one edge record's to_node (record `at`, or counted from the end if negative) to a value that is no node. */
function corruptEdge(at: number): string {
  return withEdges((body) => {
    const records = body.split('\n,');
    const i = at < 0 ? records.length + at : at;
    const fields = records[i].split(',');
    fields[2] = String(Number(fields[2]) + 1);
    records[i] = fields.join(',');
    return records.join('\n,');
  });
}

/** A file the helper gets no part of: the main thread reads it all, exactly as the real one. */
async function expectReadAlone(name: string, text: string): Promise<void> {
  const file = join(dir, name);
  writeFileSync(file, text, 'latin1');
  const { s, delivered } = await split(file);
  expect(delivered).toBe(0);
  expect(arrays(s)).toEqual(arrays(await readSnapshot(real)));
}

/** A bad edge gives the same LabError with the helper as without, and leaves the helper free for the next file. */
async function expectSameError(name: string, text: string): Promise<void> {
  const bad = join(dir, name);
  writeFileSync(bad, text, 'latin1');
  const alone = await readSnapshot(bad).catch((e: unknown) => e);
  expect(isLabError(alone, 'LAB_ERR_SNAPSHOT_FILE'), String(alone)).toBe(true);
  expect((alone as Error).message).toContain('is not a node');
  const withHelper = await readSnapshot(bad, { edges: helper, awaitHelper: true }).catch((e: unknown) => e);
  expect((withHelper as Error).message).toBe((alone as Error).message);
  expect((await split(real)).delivered).toBe(1);
}

describe('parse helper thread', () => {
  it('splits a real snapshot with the main thread and reads exactly what one thread reads', async () => {
    const alone = await readSnapshot(real);
    const { s, delivered } = await split(real);
    expect(delivered).toBe(1);
    expect(s.edgeCount).toBe(alone.edgeCount);
    expect(arrays(s)).toEqual(arrays(alone));
    // Again on the same helper: jobs run one after the other.
    const again = await split(real);
    expect(again.delivered).toBe(1);
    expect(arrays(again.s)).toEqual(arrays(alone));
  });

  it('declines a layout without record separators, and the main thread reads it all', async () => {
    await expectReadAlone('spaced.heapsnapshot', readFileSync(real, 'latin1').replace(/\n,/g, ', '));
  });

  it('lets the main thread parse on alone when the newlines do not end records', async () => {
    // A writer whose lines start one number into each record: every "\n," is mid-record, so
    // the helper's part never adds up to whole records and the main thread parses it all.
    const odd = withEdges((body) => {
      const numbers = body.split(/\n?,/);
      const lines = [numbers[0]];
      for (let i = 1; i < numbers.length; i += 3) lines.push(numbers.slice(i, i + 3).join(','));
      return lines.join('\n,');
    });
    await expectReadAlone('odd-lines.heapsnapshot', odd);
  });

  it('reports a bad edge in its half as the same error as one thread does', async () => {
    await expectSameError('bad-edge.heapsnapshot', corruptEdge(-3));
  });

  it('is not left waiting when the main thread fails in its own half', async () => {
    // The helper had claimed its part of that file; it must be free for the next one.
    await expectSameError('bad-first-edge.heapsnapshot', corruptEdge(1));
  });
});
