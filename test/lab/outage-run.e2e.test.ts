import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../../lab/run-files.ts';
import { isAlive } from '../helpers/process-alive.ts';
import { runTs } from '../helpers/run-node.ts';

const out = path.join(mkdtempSync(path.join(tmpdir(), 'leak-lab-outage-')), 'run');
afterAll(() => rmSync(path.dirname(out), { recursive: true, force: true }));

function timeline(dir: string): TimelineEvent[] {
  return readFileSync(path.join(dir, 'timeline.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TimelineEvent);
}


describe('npm run outage (short profile), end to end', () => {
  it('tells the whole incident in order, with real times, and leaves the run files', async () => {
    const started = Date.now();
    const result = await runTs('lab/outage-cli.ts', ['--profile', 'short', '--tz', 'Africa/Nairobi', '--out', out, '--json'], { timeoutMs: 240_000 });
    const finished = Date.now();
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    const summary = JSON.parse(result.stdout) as { outcome: string; users: { users: number; affected: number }; diagnosis: { correct: boolean } };
    expect(summary.outcome).toBe('resolved');

    const events = timeline(out);
    const order = ['deploy', 'load', 'snapshot', 'alert', 'snapshot', 'snapshot', 'action', 'deploy', 'observation', 'action', 'deploy', 'observation', 'crash', 'escalation', 'diagnosis', 'deploy', 'verify', 'resolved'];
    let at = 0;
    for (const type of order) {
      const next = events.findIndex((e, i) => i >= at && e.type === type);
      expect(next, `a ${type} event after event #${at} (${events.map((e) => e.type).join(', ')})`).toBeGreaterThanOrEqual(0);
      at = next + 1;
    }
    const diagnosis = events.find((e) => e.type === 'diagnosis')!;
    expect(diagnosis.data.correct, JSON.stringify(diagnosis.data.topSuspect)).toBe(true);
    // Each alert says whether its value was measured or forecast, for the postmortem's detection.
    const alerts = events.filter((e) => e.type === 'alert');
    expect(alerts.filter((e) => e.data.basis !== 'forecast' && e.data.basis !== 'level')).toEqual([]);
    expect(events.find((e) => e.type === 'alert' && e.data.basis === 'forecast')!.summary).toMatch(/ MB predicted against a threshold of /);
    // A short bullet: the holder's place said once.
    const place = (diagnosis.data.topSuspect as { location: string }).location;
    expect(diagnosis.summary.split(place)).toHaveLength(2);

    // Real times: in the zone asked for, in order, and inside the run's own wall-clock window.
    const times = events.map((e) => Date.parse(e.at));
    for (const e of events) expect(e.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+03:00$/);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times[0]).toBeGreaterThanOrEqual(started - 1000);
    expect(times[times.length - 1]).toBeLessThanOrEqual(finished);

    const crash = events.find((e) => e.type === 'crash')!;
    expect(['heap-exhaustion', 'unresponsive']).toContain(crash.data.reason);
    const deploys = events.filter((e) => e.type === 'deploy');
    expect(deploys.map((e) => e.data.variant)).toEqual(['leaky', 'leaky', 'leaky', 'fixed']);
    for (const d of deploys) expect(isAlive(d.data.pid as number), `pid ${d.data.pid} still running`).toBe(false);

    const verify = events.find((e) => e.type === 'verify')!;
    expect(verify.data, JSON.stringify(verify.data)).toMatchObject({ passed: true, verdict: 'flat', alertsFired: 0, availabilityTarget: 0.999 });
    // Served within the SLO's objective: a stalled host may time out a few requests, never more.
    expect(verify.data.failed as number).toBeLessThanOrEqual((verify.data.requests as number) * 0.001);
    // A reading each second, the window's last one included: the trend's noise falls with their number.
    expect(verify.data.probes).toHaveLength((verify.data.seconds as number) + 1);

    // The users saw the outage, and the counts agree with the per-user file.
    const users = JSON.parse(readFileSync(path.join(out, 'users.json'), 'utf8')) as { users: number; affected: number; perUser: Record<string, { failures: number }> };
    expect(users.affected).toBeGreaterThan(0);
    expect(users.affected).toBe(Object.values(users.perUser).filter((u) => u.failures > 0).length);
    expect(summary.users).toMatchObject({ users: users.users, affected: users.affected });

    for (const file of ['settings.json', 'metrics.jsonl', 'load.jsonl', 'diagnosis.json', 'postmortem.md', 'postmortem.html']) {
      expect(existsSync(path.join(out, file)), file).toBe(true);
    }
    expect(readFileSync(path.join(out, 'postmortem.md'), 'utf8')).toMatch(/\| Requests served \/ objective \| \d+\.\d\d% \/ 99\.9% \|/);
    expect(readdirSync(path.join(out, 'snapshots')).filter((f) => f.endsWith('.heapsnapshot'))).toHaveLength(3);
    const metrics = readFileSync(path.join(out, 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(metrics.length).toBeGreaterThan(20);
    // The run is real time: the leak takes 100 to 120 s to bring the app down beside the rest of
    // the suite on 2 cores. The run's own bound (240 s) is the one that matters, not the default 120 s.
  }, 250_000);
});
