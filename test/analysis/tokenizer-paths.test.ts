import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnapshotTokenizer, type TokenizedSnapshot } from '../../analysis/snapshot-tokenizer.ts';
import { makeTinySnapshot } from './fixtures.ts';
import { seededRandom } from '../../load/seeded-random.ts';

/**
 * The tokenizer has a fast path for records in V8's exact layout and a general loop for
 * everything else (other whitespace, chunk ends mid-record). Both must read the same numbers.
 */
const dir = mkdtempSync(join(tmpdir(), 'leak-lab-tokenizer-'));
let bytes: Buffer;
beforeAll(async () => {
  bytes = readFileSync(await makeTinySnapshot(join(dir, 'real.heapsnapshot')));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tokenize(input: Buffer, chunkSizes: () => number): TokenizedSnapshot {
  const t = new SnapshotTokenizer('x.heapsnapshot', input.length);
  for (let at = 0; at < input.length; ) {
    const n = Math.max(1, chunkSizes());
    t.push(input.subarray(at, at + n));
    at += n;
  }
  return t.end();
}

function numbers(t: TokenizedSnapshot) {
  return {
    nodes: [t.nodes.type, t.nodes.name, t.nodes.id, t.nodes.selfSize, t.nodes.edgeCount].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64')),
    edges: [t.edges.type, t.edges.name, t.edges.to].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64')),
    locations: t.locations ? [t.locations.node, t.locations.scriptId, t.locations.line, t.locations.column].map((a) => [...a.subarray(0, t.locations!.count)].join(',')) : [],
  };
}

/** The same snapshot with ", " and "\r\n" between numbers: nothing in V8's layout, so no fast path. */
function respaced(input: Buffer): Buffer {
  const text = input.toString('latin1');
  const start = text.indexOf('"nodes":');
  const end = text.indexOf('"strings":');
  const middle = text.slice(start, end).replace(/\n,/g, ' ,\r\n').replace(/,(\d)/g, ', $1');
  return Buffer.from(text.slice(0, start) + middle + text.slice(end), 'latin1');
}

describe('snapshot tokenizer paths', () => {
  it('reads the same numbers in one chunk, in random small chunks, and with other whitespace', () => {
    const whole = numbers(tokenize(bytes, () => bytes.length));
    expect(whole.nodes[0].length).toBeGreaterThan(1000);
    expect(whole.locations[0].split(',').length).toBeGreaterThan(100);
    const random = seededRandom(11);
    expect(numbers(tokenize(bytes, () => 1 + Math.floor(random() * 200)))).toEqual(whole);
    expect(numbers(tokenize(bytes, () => 4096 + Math.floor(random() * 4096)))).toEqual(whole);
    const spaced = respaced(bytes);
    expect(spaced.length).toBeGreaterThan(bytes.length);
    expect(numbers(tokenize(spaced, () => 65536))).toEqual(whole);
  });
});
