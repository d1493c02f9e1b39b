import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestSnapshots } from '../../analysis/snapshot-files.ts';
import { makeSnapshots, REPO } from './fixtures.ts';
import { CHILD_TIMEOUT_MS } from '../helpers/lane-bounds.ts';

const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'leak-lab-cli-'));
let leak: string[];
let healthy: string[];

beforeAll(async () => {
  [leak, healthy] = await Promise.all([makeSnapshots(dir, 'listeners'), makeSnapshots(dir, 'healthy')]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[], cwd = REPO): Promise<{ code: number; stdout: string; stderr: string }> {
  const entry = join(REPO, 'analysis/diagnose-cli.ts');
  // `--import tsx` resolves from cwd, which is not always the repo here.
  const tsx = pathToFileURL(join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', cwd === REPO ? 'tsx' : tsx, entry, ...args], { cwd, timeout: CHILD_TIMEOUT_MS });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout: string; stderr: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('diagnose CLI', () => {
  it('exits 0 on a leak and prints only JSON with --json -', async () => {
    const r = await cli(['--baseline', leak[0], '--target', leak[1], '--final', leak[2], '--json', '-']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.verdict).toBe('leak');
    expect(json.leaks[0].name).toBe('message');
    expect(json.leaks[0].holder.name).toBe('bus');
    expect(json.leaks[0].kind).toBe('listeners');
    const parallel = await cli(['--parallel', '--baseline', leak[0], '--target', leak[1], '--final', leak[2], '--json', '-']);
    expect(parallel.code).toBe(0);
    expect(JSON.parse(parallel.stdout).leaks).toEqual(json.leaks);
    const single = await cli(['--single-thread', '--baseline', leak[0], '--target', leak[1], '--final', leak[2], '--json', '-']);
    expect(single.code).toBe(0);
    expect(JSON.parse(single.stdout).leaks).toEqual(json.leaks);
    const both = await cli(['--single-thread', '--parallel', '--baseline', leak[0], '--final', leak[2]]);
    expect(both.code).toBe(2);
    expect(both.stderr.trim()).toBe('diagnose: use either --parallel or --single-thread, not both (LAB_ERR_BAD_OPTION)');
  });

  it('exits 0 on a healthy heap and says so; writes --json and --markdown files', async () => {
    const jsonFile = join(dir, 'report.json');
    const mdFile = join(dir, 'report.md');
    const r = await cli(['--snapshots', ...healthy, '--json', jsonFile, '--markdown', mdFile, '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no leak found');
    expect(r.stderr).toBe('');
    expect(JSON.parse(readFileSync(jsonFile, 'utf8'))).toMatchObject({ verdict: 'no-leak', leaks: [] });
    expect(readFileSync(mdFile, 'utf8')).toContain('No leak found');
  });

  it('uses runs/latest/snapshots when given no arguments', async () => {
    const cwd = join(dir, 'project');
    const snaps = join(cwd, 'runs/latest/snapshots');
    mkdirSync(snaps, { recursive: true });
    leak.forEach((f, i) => writeFileSync(join(snaps, `Heap.20250101.1200${i}0.4242.0.00${i + 1}.heapsnapshot`), readFileSync(f)));
    expect(await latestSnapshots(snaps)).toEqual([1, 2, 3].map((i) => join(snaps, `Heap.20250101.1200${i - 1}0.4242.0.00${i}.heapsnapshot`)));
    const r = await cli(['--quiet'], cwd);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('message');
  });

  it('takes a folder of snapshots, and relative paths from where `npm run diagnose` was typed', async () => {
    // leak[] lives in DIR/listeners as s0..s2.heapsnapshot.
    const folder = await cli(['--quiet', '--json', '-', join(dir, 'listeners')]);
    expect(folder.code).toBe(0);
    expect(JSON.parse(folder.stdout).snapshots.map((s: { file: string }) => s.file)).toEqual(leak);
    // Snapshots copied off a server, gzipped: read as they are, reported under their own names.
    const gz = join(dir, 'gzipped');
    mkdirSync(gz);
    const gzipped = leak.map((f, i) => join(gz, `s${i}.heapsnapshot.gz`));
    leak.forEach((f, i) => writeFileSync(gzipped[i], gzipSync(readFileSync(f))));
    const fromGz = await cli(['--quiet', '--json', '-', gz]);
    expect(fromGz.code).toBe(0);
    expect(JSON.parse(fromGz.stdout)).toMatchObject({ leaks: [{ holder: { name: 'bus' } }], snapshots: gzipped.map((file) => ({ file })) });
    // npm runs the script in the lab's folder; the user typed the paths in theirs.
    const where = join(dir, 'listeners');
    const npm = await exec('npm', ['--prefix', REPO, 'run', '-s', 'diagnose', '--', '--quiet', 's0.heapsnapshot', 's1.heapsnapshot', 's2.heapsnapshot', '--json', 'report.json'], {
      cwd: where,
      timeout: CHILD_TIMEOUT_MS,
    });
    expect(npm.stdout).toContain('message');
    expect(JSON.parse(readFileSync(join(where, 'report.json'), 'utf8')).leaks[0].holder.name).toBe('bus');
  });

  it('exits 2 with one line naming the file on bad input, and no stack trace', async () => {
    const bad = join(dir, 'bad.heapsnapshot');
    writeFileSync(bad, '{"snapshot": {"meta": {}}, "nodes": [1,2');
    for (const args of [
      ['--snapshots', leak[0], bad],
      ['--snapshots', leak[0], join(dir, 'missing.heapsnapshot')],
      ['--snapshots', leak[0]],
      ['--snapshots', leak[1], leak[0]],
      ['--max-leaks', 'lots', ...leak],
      ['--no-such-flag'],
    ]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('diagnose: reading') && !l.startsWith('diagnose: analysing'));
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^diagnose: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const r = await cli(['--snapshots', leak[0], bad]);
    expect(r.stderr).toContain(bad);
  });

  it('refuses an output it cannot write before reading any snapshot, so no analysis is lost to it', async () => {
    for (const out of [join(dir, 'no-such-folder', 'report.json'), dir]) {
      const r = await cli(['--json', out, ...leak]);
      expect(r.code, out).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^diagnose: cannot write .*(?:does not exist or is not writable|it is a folder) \(LAB_ERR_OUTPUT_DIR\)$/)]);
    }
  });

  it('prints help', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--baseline');
  });
});
