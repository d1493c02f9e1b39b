import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startApp, type AppProcess } from '../../lab/app-process.ts';
import { isLabError } from '../../lab/errors.ts';
import { runTs } from '../helpers/run-node.ts';
import { waitFor } from '../helpers/wait-for.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'leak-lab-entry-'));
let app: AppProcess | undefined;
afterAll(async () => {
  await app?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('app/server.ts, the entry that listens', () => {
  it('starts under the heap cap it is given, on 127.0.0.1, and writes a snapshot on SIGUSR2', async () => {
    const lines: string[] = [];
    app = await startApp({ scenario: null, variant: 'off', heapCapMb: 96, snapshotDir: dir, token: 'entry-token', onStderrLine: (l) => lines.push(l) });
    expect(app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines.join('\n')).toMatch(/heap limit \d+ MB/);
    process.kill(app.pid, 'SIGUSR2');
    const written = await waitFor('a snapshot written on SIGUSR2', () => lines.find((l) => l.startsWith('heap snapshot written: ')), {
      timeoutMs: 30_000,
      seen: () => lines.join(' | '),
    });
    const file = written.slice('heap snapshot written: '.length);
    expect(path.basename(file)).toMatch(new RegExp(`^signal-${app.pid}-.*\\.heapsnapshot$`));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toContain(path.basename(file));
    const exit = await app.stop();
    expect(exit.code).toBe(0);
    // Asked for something once it is gone (a leaky app killed between two steps): a coded error
    // that names the app and the request, not fetch's bare "fetch failed".
    await expect(app.admin('POST', '/snapshots', { label: 'late' })).rejects.toSatisfy(
      (e) => isLabError(e, 'LAB_ERR_APP_DIED') && new RegExp(`^the app \\(pid ${app!.pid}\\) could not be asked for admin POST /snapshots: it has exited`).test((e as Error).message),
    );
  });

  it.each([
    [['--port', 'seventy'], /--port must be/],
    [['--variant', 'sideways'], /--variant must be/],
    [['--scenario', 'no-such-leak'], /unknown scenario "no-such-leak"/],
    [['--bogus'], /Unknown option '--bogus'/],
    // util.parseArgs words this one over three lines.
    [['--port', '-5'], /argument is ambiguous\. Did you forget/],
  ])('refuses %j with one line and exit 2', async (args, message) => {
    const result = await runTs('app/server.ts', args, { timeoutMs: 20_000 });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints its help', async () => {
    const result = await runTs('app/server.ts', ['--help'], { timeoutMs: 20_000 });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/--scenario NAME/);
  });
});
