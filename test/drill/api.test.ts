import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DrillScore } from '../../lab/drill-score.ts';
import { scenarioNames } from '../../leak-scenarios/index.ts';
import { runTs } from '../helpers/run-node.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { deployedPids, isAlive, readTimeline, startDrill, type RunningDrill } from './drill-process.ts';

const root = mkdtempSync(path.join(tmpdir(), 'leak-lab-drill-api-'));
const drills: RunningDrill[] = [];
afterAll(async () => {
  await Promise.all(drills.map((d) => d.stop()));
  rmSync(root, { recursive: true, force: true });
});

const traineeActions = (dir: string) => readTimeline(dir).filter((e) => e.type === 'action' && e.source === 'trainee');

function rawGet(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('npm run drill: the dashboard API', () => {
  it('guards every call with the token, validates, rate-limits, refuses during a restart, and ends by itself at the time limit', async () => {
    const out = path.join(root, 'api');
    const drill = await startDrill(out, ['--scenario', 'unbounded-response-cache', '--time-limit', '30', '--no-postmortem']);
    drills.push(drill);
    const state0 = (await drill.api('GET', '/state')).body;
    expect(state0.desk.app.up).toBe(true);
    const pid0 = state0.desk.app.pid as number;

    // No token, a wrong token, a malformed header: 401, and nothing happens.
    for (const token of [null, 'wrong-token', `${drill.token}x`, '']) {
      for (const [method, route] of [['GET', '/state'], ['GET', '/events'], ['GET', '/scenarios'], ['GET', '/timeline'], ['POST', '/actions/restart'], ['POST', '/actions/deploy-fix']] as const) {
        const r = await drill.api(method, route, { token, body: method === 'POST' ? { scenario: 'unbounded-response-cache' } : undefined });
        expect(r.status, `${method} ${route} with token ${token}`).toBe(401);
        expect(r.headers.get('www-authenticate')).toBe('Bearer');
      }
    }
    expect(traineeActions(out)).toEqual([]);
    expect((await drill.api('GET', '/state')).body.desk.app.pid).toBe(pid0);
    // A foreign Host header (DNS rebinding) is refused even with the token's route.
    expect(await rawGet(`${drill.base}/api/state`, 'evil.example')).toBe(403);
    // The page itself is public (it holds no data) and loads the chart library from this server.
    const page = await fetch(`${drill.base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await fetch(`${drill.base}/vendor/uPlot.iife.min.js`)).status).toBe(200);

    // Bad input: 400, with the list of valid names, nothing recorded.
    const unknown = await drill.api('POST', '/actions/name-suspect', { body: { scenario: 'no-such-leak' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatch(/Unknown scenario "no-such-leak"/);
    expect(unknown.body.scenarios).toEqual(scenarioNames());
    expect((await drill.api('POST', '/actions/deploy-fix', { body: {} })).status).toBe(400);
    expect((await drill.api('POST', '/actions/launch-rockets', { body: {} })).status).toBe(400);
    expect((await drill.api('POST', '/actions/raise-heap-limit', { body: { mb: 8 } })).status).toBe(400);
    expect((await drill.api('POST', '/actions/restart', { raw: '{not json' })).status).toBe(400);
    expect((await drill.api('POST', '/actions/diagnose', { body: {} })).status).toBe(409);
    expect(traineeActions(out)).toEqual([]);

    // Rate limit: one of a kind per second.
    expect((await drill.api('POST', '/actions/acknowledge', { body: {} })).status).toBe(200);
    const fast = await drill.api('POST', '/actions/acknowledge', { body: {} });
    expect(fast.status).toBe(429);
    expect(fast.headers.get('retry-after')).toBe('1');
    expect(traineeActions(out).map((e) => e.data.action)).toEqual(['acknowledge']);

    // During a restart, other operations on the app get 409 with a clear message; the drill carries on.
    const restart = await drill.api('POST', '/actions/restart', { body: {} });
    expect(restart.status).toBe(202);
    for (const [kind, body] of [['take-snapshot', {}], ['raise-heap-limit', {}], ['deploy-fix', { scenario: 'unbounded-response-cache' }]] as const) {
      const busy = await drill.api('POST', `/actions/${kind}`, { body });
      expect(busy.status, kind).toBe(409);
      expect(busy.body.error).toMatch(/a restart is in progress/);
    }
    // Naming a suspect is not an operation on the app: allowed meanwhile.
    expect((await drill.api('POST', '/actions/name-suspect', { body: { scenario: 'price-bus-listener' } })).status).toBe(200);
    const after = await waitFor('the restarted app', async () => {
      const s = (await drill.api('GET', '/state')).body;
      return !s.desk.busy && s.desk.app.up && s.desk.app.pid !== pid0 ? s : null;
    }, { timeoutMs: 30_000, everyMs: 200 });
    expect(after.desk.suspectsNamed).toEqual(['price-bus-listener']);
    expect(traineeActions(out).map((e) => e.data.action)).toEqual(['acknowledge', 'restart', 'name-suspect']);

    // The CLI: same API, same token.
    const status = await runTs('lab/drill-cli.ts', ['act', '--url', drill.openUrl, 'status'], { timeoutMs: 30_000 });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/drill running: \d+ s in/);
    expect(status.stdout).not.toContain('unbounded-response-cache');
    const wrongToken = await runTs('lab/drill-cli.ts', ['act', '--url', `${drill.base}/`, '--token', 'nope', 'ack'], { timeoutMs: 30_000 });
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.stderr).toMatch(/401/);

    // Left alone, the drill ends at its time limit: exit 1, a score, every process gone.
    const exit = await Promise.race([drill.exited, new Promise<null>((r) => setTimeout(() => r(null), 60_000))]);
    expect(exit?.code, drill.stderr().slice(-2000)).toBe(1);
    const score = JSON.parse(readFileSync(path.join(out, 'score.json'), 'utf8')) as DrillScore;
    expect(score).toMatchObject({ outcome: 'time-limit', scenario: 'unbounded-response-cache', wrongGuesses: 1, wrongGuessNames: ['price-bus-listener'], fix: { verified: false, attempts: 0 } });
    expect(score.actions).toEqual({ acknowledge: 1, restart: 1, 'name-suspect': 1 });
    expect(readTimeline(out).some((e) => e.type === 'note' && /time limit \(30 s\) reached/.test(e.summary))).toBe(true);
    const pids = deployedPids(out);
    expect(pids.length).toBe(2);
    await waitFor('every app process gone', () => pids.every((p) => !isAlive(p)), { timeoutMs: 5_000 });
    await expect(fetch(`${drill.base}/`)).rejects.toThrow();
    expect(existsSync(path.join(out, 'postmortem.md'))).toBe(false);
  }, 120_000);

  it('Ctrl-C: every child gone, exit 130, the score says interrupted', async () => {
    const out = path.join(root, 'sigint');
    const drill = await startDrill(out, ['--seed', '7']);
    drills.push(drill);
    const sentAt = Date.now();
    drill.child.kill('SIGINT');
    const exit = await Promise.race([drill.exited, new Promise<null>((r) => setTimeout(() => r(null), 20_000))]);
    expect(exit?.code, drill.stderr().slice(-2000)).toBe(130);
    expect(Date.now() - sentAt).toBeLessThan(20_000);
    const pids = deployedPids(out);
    expect(pids.length).toBe(1);
    await waitFor('every app process gone', () => pids.every((p) => !isAlive(p)), { timeoutMs: 5_000 });
    const events = readTimeline(out);
    expect(events.some((e) => e.type === 'aborted')).toBe(true);
    expect(JSON.parse(readFileSync(path.join(out, 'score.json'), 'utf8')).outcome).toBe('aborted');
  }, 60_000);

  it('a busy --port is refused before a run folder or a process exists', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    const out = path.join(root, 'busy-port');
    try {
      const result = await runTs('lab/drill-cli.ts', ['--port', String(port), '--out', out], { timeoutMs: 30_000 });
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n').at(-1)).toMatch(new RegExp(`port ${port} is in use.*LAB_ERR_PORT_BUSY`));
      expect(existsSync(out)).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it.each([
    [['--scenario', 'nope'], /unknown scenario "nope"/],
    [['--time-limit', '2'], /--time-limit must be a whole number of seconds from 5/],
    [['--seed', 'abc'], /--seed must be a whole number/],
    [['act', '--url', 'http://10.0.0.1:80/', '--token', 't', 'status'], /only 127\.0\.0\.1, localhost and \[::1\]/],
  ])('refuses %j with one line and exit 2, before starting anything', async (args, message) => {
    const result = await runTs('lab/drill-cli.ts', args, { timeoutMs: 30_000 });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  });
});
