import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lab/repo-root.ts';
import type { TimelineEvent } from '../../lab/run-files.ts';
import { isAlive } from '../helpers/process-alive.ts';
import { runTs } from '../helpers/run-node.ts';
import { waitFor } from '../helpers/wait-for.ts';

const root = mkdtempSync(path.join(tmpdir(), 'leak-lab-abort-'));
// A run folder inside a plain file cannot be made, even by root.
const notAFolder = path.join(root, 'a-file');
writeFileSync(notAFolder, 'not a folder\n');
afterAll(() => rmSync(root, { recursive: true, force: true }));


describe('outage run: faults and bad input', () => {
  it('Ctrl-C mid-run ends it within seconds: exit 130, every child gone, an aborted event, a valid timeline', async () => {
    const out = path.join(root, 'aborted');
    const child = spawn(process.execPath, ['--import', 'tsx', 'lab/outage-cli.ts', '--profile', 'short', '--out', out, '--tz', 'UTC'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor('the first snapshot', () => stderr.includes('Heap snapshot "baseline"'), { timeoutMs: 60_000, seen: () => stderr.slice(-1500) });
    const sentAt = Date.now();
    child.kill('SIGINT');
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 15_000))]);
    if (code === 'hung') child.kill('SIGKILL');
    expect(code).toBe(130);
    expect(Date.now() - sentAt).toBeLessThan(15_000);
    const events = readFileSync(path.join(out, 'timeline.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TimelineEvent);
    expect(events.at(-1)?.type).toBe('aborted');
    const pids = events.filter((e) => e.type === 'deploy').map((e) => e.data.pid as number);
    expect(pids.length).toBeGreaterThan(0);
    await waitFor('every app process gone', () => pids.every((pid) => !isAlive(pid)), { timeoutMs: 5_000, seen: () => pids.filter(isAlive).join(',') });
  });

  it.each([
    [['--scenario', 'nope'], /unknown scenario "nope"/],
    [['--tz', 'Mars/Base'], /unknown time zone "Mars\/Base"/],
    [['--out', path.join(notAFolder, 'run')], /cannot write the run folder/],
    // Node's recursive mkdir never returns here; the lab must still fail at once.
    [['--out', '/proc/leak-lab-run/here'], /cannot write the run folder/],
    [['--rate', 'fast'], /--rate must be a whole number/],
  ])('refuses %j with one line and exit 2, before starting anything', async (args, message) => {
    const result = await runTs('lab/outage-cli.ts', args, { timeoutMs: 30_000 });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  });
});
