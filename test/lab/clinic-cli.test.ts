import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTs } from '../helpers/run-node.ts';

const root = mkdtempSync(path.join(tmpdir(), 'leak-lab-clinic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('npm run clinic', () => {
  it('really writes clinic doctor’s HTML report (NO_INSIGHT set, so it does not silently do nothing)', async () => {
    const out = path.join(root, 'doctor');
    const result = await runTs('lab/clinic-cli.ts', ['--seconds', '3', '--out', out], { timeoutMs: 120_000, env: { NO_INSIGHT: '' } });
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    const report = result.stdout.trim();
    expect(path.dirname(report)).toBe(out);
    expect(report).toMatch(/\.clinic-doctor\.html$/);
    expect(existsSync(report)).toBe(true);
    expect(statSync(report).size).toBeGreaterThan(100_000);
  });

  it('refuses an unknown tool with exit 2', async () => {
    const result = await runTs('lab/clinic-cli.ts', ['--tool', 'flamegraph'], { timeoutMs: 30_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--tool must be doctor or heapprofiler/);
  });
});
