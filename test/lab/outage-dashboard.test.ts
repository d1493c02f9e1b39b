import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lab/repo-root.ts';
import { waitFor } from '../helpers/wait-for.ts';

const root = mkdtempSync(path.join(tmpdir(), 'leak-lab-outage-dash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('npm run outage -- --dashboard', () => {
  it('serves the live view of the scripted run, with the token, read-only', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'lab/outage-cli.ts', '--profile', 'short', '--dashboard', '--out', path.join(root, 'run'), '--no-postmortem'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const line = await waitFor('the dashboard URL', () => /live dashboard: (http:\/\/127\.0\.0\.1:\d+)\/#token=([\w-]+)/.exec(stderr), { timeoutMs: 30_000, seen: () => stderr.slice(-1000) });
      const [, url, token] = line;
      const auth = { authorization: `Bearer ${token}` };
      expect((await fetch(`${url}/api/state`)).status).toBe(401);
      expect((await fetch(`${url}/api/state`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      // The timeline grows on the dashboard as the run records it.
      const timeline = await waitFor(
        'the deploy and the baseline snapshot on the dashboard',
        async () => {
          const body = (await (await fetch(`${url}/api/timeline`, { headers: auth })).json()) as { events: { type: string }[] };
          return body.events.some((e) => e.type === 'snapshot') && body.events;
        },
        { timeoutMs: 60_000, everyMs: 500 },
      );
      expect(timeline.map((e) => e.type)).toContain('deploy');
      const act = await fetch(`${url}/api/actions/restart`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' });
      expect(act.status).toBe(409);
      expect(((await act.json()) as { error: string }).error).toMatch(/scripted/);
      expect((await fetch(`${url}/`)).status).toBe(200);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(130);
  });
});
