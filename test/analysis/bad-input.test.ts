import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { isLabError, type LabErrorCode } from '../../lab/errors.ts';
import { diagnose } from '../../analysis/diagnose.ts';
import { readSnapshot } from '../../analysis/read-snapshot.ts';
import { makeTinySnapshot } from './fixtures.ts';
import { SnapshotBuilder } from './snapshot-builder.ts';

const dir = mkdtempSync(join(tmpdir(), 'leak-lab-bad-'));
let real: string;
let realBytes: Buffer;
beforeAll(async () => {
  real = await makeTinySnapshot(join(dir, 'real.heapsnapshot'));
  realBytes = readFileSync(real);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function expectLabError(p: Promise<unknown>, code: LabErrorCode, mention?: string): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isLabError(err, code), `expected ${code}, got ${String(err)}`).toBe(true);
  const message = (err as Error).message;
  expect(message.split('\n')).toHaveLength(1);
  if (mention) expect(message).toContain(mention);
}

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('bad snapshot files', () => {
  it('missing', async () => {
    const missing = join(dir, 'nope.heapsnapshot');
    await expectLabError(readSnapshot(missing), 'LAB_ERR_SNAPSHOT_FILE', missing);
    await expectLabError(diagnose({ snapshots: [real, missing] }), 'LAB_ERR_SNAPSHOT_FILE', missing);
  });

  it('a directory', async () => {
    await expectLabError(diagnose({ snapshots: [real, dir] }), 'LAB_ERR_SNAPSHOT_FILE', dir);
  });

  it('empty', async () => {
    const f = file('empty.heapsnapshot', '');
    await expectLabError(readSnapshot(f), 'LAB_ERR_SNAPSHOT_FILE', f);
  });

  it('truncated at several points', async () => {
    for (const frac of [0.0001, 0.1, 0.5, 0.9, 0.99999]) {
      const f = file(`cut-${frac}.heapsnapshot`, realBytes.subarray(0, Math.floor(realBytes.length * frac)));
      await expectLabError(readSnapshot(f), 'LAB_ERR_SNAPSHOT_FILE', f);
    }
  });

  it('gzipped: a cut .gz and a .gz of a cut snapshot name the .gz, and leave no inflated copy behind', async () => {
    // A temporary folder of this test's own: other test files inflate snapshots at the same time.
    const ownTmp = join(dir, 'tmp');
    mkdirSync(ownTmp);
    const before = process.env.TMPDIR;
    process.env.TMPDIR = ownTmp;
    onTestFinished(() => {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    });
    const whole = gzipSync(realBytes);
    const cutGz = file('cut.heapsnapshot.gz', whole.subarray(0, Math.floor(whole.length / 2)));
    await expectLabError(diagnose({ snapshots: [real, cutGz] }), 'LAB_ERR_SNAPSHOT_FILE', `${cutGz} is gzipped but it cannot be inflated`);
    const gzOfCut = file('inner-cut.heapsnapshot.gz', gzipSync(realBytes.subarray(0, Math.floor(realBytes.length / 2))));
    await expectLabError(diagnose({ snapshots: [real, gzOfCut] }), 'LAB_ERR_SNAPSHOT_FILE', `${gzOfCut} is not a usable heap snapshot`);
    expect(tmpdir()).toBe(ownTmp);
    expect(readdirSync(ownTmp)).toEqual([]);
  });

  it('corrupt numbers and structure', async () => {
    const text = realBytes.toString('latin1');
    const nodesAt = text.indexOf('"nodes":[') + 12;
    const letters = file('letters.heapsnapshot', Buffer.from(`${text.slice(0, nodesAt)}xyz${text.slice(nodesAt + 3)}`, 'latin1'));
    await expectLabError(readSnapshot(letters), 'LAB_ERR_SNAPSHOT_FILE', letters);
    const b = new SnapshotBuilder();
    const badTarget = b.toJSON().replace('"edges":[1,1,7]', '"edges":[1,1,999]');
    const f = file('bad-target.heapsnapshot', badTarget);
    await expectLabError(readSnapshot(f), 'LAB_ERR_SNAPSHOT_FILE', f);
    const count = file('bad-count.heapsnapshot', b.toJSON().replace('"node_count":2', '"node_count":3'));
    await expectLabError(readSnapshot(count), 'LAB_ERR_SNAPSHOT_FILE', count);
  });

  it('JSON that is not a heap snapshot', async () => {
    for (const [name, content] of [
      ['object', '{"hello": [1, 2, 3]}'],
      ['array', '[1, 2, 3]'],
      ['string', '"snapshot"'],
      ['meta-less', '{"snapshot": {"node_count": 1}, "nodes": [], "edges": [], "strings": []}'],
      ['text', 'hello world'],
    ]) {
      const f = file(`${name}.json`, content);
      await expectLabError(readSnapshot(f), 'LAB_ERR_SNAPSHOT_FILE', f);
    }
  });
});

describe('bad snapshot sets', () => {
  it('fewer than two', async () => {
    await expectLabError(diagnose({ snapshots: [real] }), 'LAB_ERR_SNAPSHOT_SET');
    await expectLabError(diagnose({ snapshots: [] }), 'LAB_ERR_SNAPSHOT_SET');
    // One mistyped path (a folder meant, say) is named as missing, not counted as too few.
    const typo = join(dir, 'snapshotz');
    await expectLabError(diagnose({ snapshots: [typo] }), 'LAB_ERR_SNAPSHOT_FILE', typo);
  });

  it('out of order', async () => {
    const older = new SnapshotBuilder();
    older.edge(older.gcRoots, 'element', 1, older.node('object', 'A', 10, 501));
    const newer = new SnapshotBuilder();
    newer.edge(newer.gcRoots, 'element', 1, newer.node('object', 'A', 10, 501));
    newer.edge(newer.gcRoots, 'element', 2, newer.node('object', 'B', 10, 903));
    const a = older.write(join(dir, 'older.heapsnapshot'));
    const b = newer.write(join(dir, 'newer.heapsnapshot'));
    await expectLabError(diagnose({ snapshots: [b, a] }), 'LAB_ERR_SNAPSHOT_SET', a);
    // The same snapshot twice shows nothing growing: an error, not a "no leak" verdict.
    await expectLabError(diagnose({ snapshots: [a, b, join(dir, '.', 'older.heapsnapshot')] }), 'LAB_ERR_SNAPSHOT_SET', `${join(dir, '.', 'older.heapsnapshot')} is given twice`);
  });

  it('different processes', async () => {
    // Same id range, different objects behind the ids: what two processes look like.
    const make = (name: string, extra: number) => {
      const b = new SnapshotBuilder();
      for (let i = 0; i < 3000 + extra; i++) b.edge(b.gcRoots, 'element', i, b.node('object', `${name}${i % 7}`, 10));
      return b.write(join(dir, `${name}.heapsnapshot`));
    };
    const a = make('ProcA', 0);
    const b = make('ProcB', 10);
    await expectLabError(diagnose({ snapshots: [a, b] }), 'LAB_ERR_SNAPSHOT_SET', 'different processes');
  });

  it('bad maxLeaks', async () => {
    await expectLabError(diagnose({ snapshots: [real, real], maxLeaks: 0 }), 'LAB_ERR_BAD_OPTION');
  });
});

describe('fuzz: truncated and byte-flipped copies of a real snapshot', () => {
  it('always end in a report or a clean LabError, within a time bound', async () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const cases: Buffer[] = [];
    for (let i = 0; i < 10; i++) cases.push(realBytes.subarray(0, rand(realBytes.length)));
    for (let i = 0; i < 14; i++) {
      const copy = Buffer.from(realBytes);
      // Flips concentrated in the header and sections, where damage is most varied.
      for (let j = 0; j < 1 + (i % 4); j++) copy[i % 3 === 0 ? rand(4096) : rand(copy.length)] ^= 1 << rand(8);
      cases.push(copy);
    }
    for (const [i, bytes] of cases.entries()) {
      const f = file(`fuzz-${i}.heapsnapshot`, bytes);
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`fuzz case ${i} hung`)), 60_000)));
      const outcome = await Promise.race([diagnose({ snapshots: [real, f] }), bound]).then(
        () => 'ok',
        (e: unknown) => e,
      );
      clearTimeout(timer);
      if (outcome !== 'ok') {
        expect(isLabError(outcome), `case ${i}: ${String(outcome)}`).toBe(true);
        expect(['LAB_ERR_SNAPSHOT_FILE', 'LAB_ERR_SNAPSHOT_SET']).toContain((outcome as { code: string }).code);
      }
    }
  });
});
