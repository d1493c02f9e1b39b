import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppProcess } from '../../lab/app-process.ts';
import { runTs } from '../helpers/run-node.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'leak-lab-clis-'));
let app: AppProcess;
beforeAll(async () => {
  app = await startApp({ scenario: null, variant: 'off', heapCapMb: 96, snapshotDir: dir, token: 'cli-token' });
});
afterAll(async () => {
  await app.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the standalone load and monitor CLIs (compose services)', () => {
  it('load drives the mix at the app and reports the totals', async () => {
    const result = await runTs('lab/load-cli.ts', ['--url', app.url, '--seconds', '3', '--rate', '100', '--json'], { timeoutMs: 30_000 });
    expect(result.code, result.stderr).toBe(0);
    const totals = JSON.parse(result.stdout) as { requests: number; failed: number; users: number };
    expect(totals.requests).toBeGreaterThan(150);
    expect(totals.failed).toBe(0);
  });

  it('monitor finds the pid from /healthz and samples it', async () => {
    const result = await runTs('lab/monitor-cli.ts', ['--url', app.url, '--heap-cap-mb', '96', '--seconds', '3'], { timeoutMs: 30_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/rss \d+ MB heap \d+ MB\/96 MB/);
    expect(result.stdout).toMatch(/^\d+ samples, 0 alerts fired/);
  });

  it.each([
    ['lab/load-cli.ts', ['--url', 'http://10.0.0.1:3000', '--seconds', '1'], /refusing to target 10.0.0.1/],
    ['lab/monitor-cli.ts', ['--url', app?.url ?? 'http://127.0.0.1:1', '--heap-cap-mb', 'big'], /--heap-cap-mb must be above 0/],
  ])('%s refuses bad input with exit 2', async (entry, args, message) => {
    const result = await runTs(entry, args, { timeoutMs: 30_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
