import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isAlive } from '../helpers/process-alive.ts';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lab/repo-root.ts';
import { SCENARIOS } from '../../leak-scenarios/index.ts';
import { runTs } from '../helpers/run-node.ts';
import { waitFor } from '../helpers/wait-for.ts';

const FIELDS = ['name', 'title', 'story', 'file', 'identifier', 'rootCause', 'fix', 'routes', 'noisy'];

describe('scenarios CLI', () => {
  it('--json prints every scenario with its fields', async () => {
    const { code, stdout } = await runTs('lab/scenarios-cli.ts', ['--json'], { timeoutMs: 30_000 });
    expect(code).toBe(0);
    const list = JSON.parse(stdout) as Record<string, unknown>[];
    expect(list.map((s) => s.name)).toEqual(SCENARIOS.map((s) => s.name));
    for (const item of list) {
      for (const field of FIELDS) expect(item, `${String(item.name)}.${field}`).toHaveProperty(field);
      expect(Array.isArray(item.routes)).toBe(true);
      expect(typeof item.noisy).toBe('boolean');
    }
  });

  it('lists them for people, and refuses unknown flags with 2', async () => {
    const listing = await runTs('lab/scenarios-cli.ts', [], { timeoutMs: 30_000 });
    expect(listing.code).toBe(0);
    for (const s of SCENARIOS) expect(listing.stdout).toContain(`${s.leak.identifier} in ${s.leak.file}`);
    const bad = await runTs('lab/scenarios-cli.ts', ['--nope'], { timeoutMs: 30_000 });
    expect(bad.code).toBe(2);
  });
});

describe('verify CLI', () => {
  const small = ['--scenario', 'price-bus-listener', '--rounds', '3', '--requests', '500'];

  it('exits 0 when the fixed build is flat', async () => {
    const { code, stdout, stderr } = await runTs('lab/verify-cli.ts', [...small, '--variant', 'fixed', '--json'], { timeoutMs: 60_000 });
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout) as { verdict: string; samples: unknown[]; bytesPer1kRequests: number };
    expect(result.verdict).toBe('flat');
    expect(result.samples).toHaveLength(4);
  });

  it('exits 1 when the leaky build leaks, prints the numbers, and with --snapshots the command that names the leak', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'leak-lab verify '));
    try {
      const { code, stdout, stderr } = await runTs('lab/verify-cli.ts', [...small, '--variant', 'leaky', '--snapshots', dir], { timeoutMs: 60_000 });
      expect(code, stderr).toBe(1);
      expect(stdout).toMatch(/LEAKING/);
      expect(stdout).toMatch(/KB per 1,000 requests/);
      const files = readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot')).map((f) => path.join(dir, f));
      expect(files).toHaveLength(3);
      // A folder with spaces: the command is one a shell runs as printed.
      const command = /what leaks: (npm run diagnose -- .*)/.exec(stdout)?.[1];
      expect(command).toBe(`npm run diagnose -- ${files.sort().map((f) => `'${f}'`).join(' ')}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 with one line naming the valid scenarios for an unknown one', async () => {
    const { code, stdout, stderr } = await runTs('lab/verify-cli.ts', ['--scenario', 'no-such-leak'], { timeoutMs: 30_000 });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    for (const s of SCENARIOS) expect(lines[0]).toContain(s.name);
  });

  it('exits 2 on other bad input', async () => {
    for (const args of [[], ['--scenario', 'price-bus-listener', '--variant', 'sideways'], ['--scenario', 'price-bus-listener', '--rounds', 'two'], ['--scenario', 'price-bus-listener', '--rounds', '1']]) {
      const { code, stderr } = await runTs('lab/verify-cli.ts', args, { timeoutMs: 30_000 });
      expect(code, `${args.join(' ')}: ${stderr}`).toBe(2);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('verify CLI on a signal', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s stops the app child and exits %i', async (signal, expected) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'lab/verify-cli.ts', '--scenario', 'price-bus-listener', '--rounds', '50', '--requests', '5000'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const appPid = await waitFor('the app pid on stderr', () => Number(/app pid (\d+)/.exec(stderr)?.[1]) || null, { timeoutMs: 30_000, seen: () => stderr });
      child.kill(signal);
      const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000))]);
      expect(code, stderr).toBe(expected);
      await waitFor('the app child to be gone', () => !isAlive(appPid), { timeoutMs: 5_000 });
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});

