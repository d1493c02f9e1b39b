import { describe, expect, it } from 'vitest';
import { pickScenario, resolveDrillOptions } from '../../lab/drill-options.ts';
import { publicEvent } from '../../lab/drill-public.ts';
import { formatScore, scoreDrill } from '../../lab/drill-score.ts';
import type { TimelineEvent } from '../../lab/run-files.ts';
import { scenarioNames } from '../../leak-scenarios/index.ts';

const T0 = Date.parse('2026-11-25T10:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const ev = (s: number, type: TimelineEvent['type'], source: string, data: Record<string, unknown> = {}, summary: string = type): TimelineEvent => ({ at: at(s), type, source, summary, data });

const base = { scenario: 'request-log-array', seed: 3, profile: 'short', timeLimitSeconds: 600 };

describe('drill score', () => {
  it('measures acknowledge, right diagnosis, wrong guesses and the verified fix from the timeline', () => {
    const events = [
      ev(0, 'note', 'lab'),
      ev(1, 'deploy', 'lab', { pid: 1, variant: 'leaky', reason: 'initial', heapCapMb: 64 }),
      ev(5, 'action', 'trainee', { action: 'take-snapshot' }),
      ev(12, 'alert', 'monitor', { rule: 'heap-exhaustion-predicted', state: 'firing' }),
      ev(20, 'action', 'trainee', { action: 'restart' }),
      ev(30, 'action', 'trainee', { action: 'name-suspect', scenario: 'price-bus-listener' }),
      ev(35, 'action', 'trainee', { action: 'deploy-fix', scenario: 'price-bus-listener' }),
      ev(60, 'verify', 'lab', { passed: false, verdict: 'leaking', variant: 'leaky' }),
      ev(70, 'action', 'trainee', { action: 'name-suspect', scenario: 'request-log-array' }),
      ev(71, 'action', 'trainee', { action: 'deploy-fix', scenario: 'request-log-array' }),
      ev(100, 'verify', 'lab', { passed: true, verdict: 'flat', variant: 'fixed', slopeBytesPerSecond: 900, noiseBoundBytesPerSecond: 65536, requests: 2400, failed: 0, alertsFired: 0, seconds: 12 }),
      ev(100, 'resolved', 'lab'),
    ];
    const s = scoreDrill({ ...base, events, outcome: 'resolved', endedAt: at(101) });
    expect(s.firstAlert).toEqual({ at: at(12), rule: 'heap-exhaustion-predicted', secondsAfterStart: 11 });
    // The first action after the alert counts as the acknowledgement; the snapshot before it does not.
    expect(s.acknowledge).toEqual({ at: at(20), action: 'restart', explicit: false, secondsAfterFirstAlert: 8 });
    expect(s.rightDiagnosis).toEqual({ at: at(70), via: 'name-suspect', secondsAfterStart: 69 });
    expect(s).toMatchObject({ wrongGuesses: 1, wrongGuessNames: ['price-bus-listener'], wrongFixes: 1, wrongFixNames: ['price-bus-listener'], durationSeconds: 100 });
    expect(s.fix).toMatchObject({ attempts: 2, verified: true, verifiedAt: at(100), secondsAfterStart: 99, verification: { verdict: 'flat', failed: 0, requests: 2400 } });
    expect(s.actions).toEqual({ 'take-snapshot': 1, restart: 1, 'name-suspect': 2, 'deploy-fix': 2 });
    expect(formatScore(s).join('\n')).toMatch(/wrong guesses: 1 \(price-bus-listener\)/);
  });

  it('an explicit acknowledge, no right answer, no fix: the time limit', () => {
    const events = [
      ev(0, 'deploy', 'lab', { pid: 1, variant: 'leaky', reason: 'initial' }),
      ev(10, 'alert', 'monitor', { rule: 'heap-over-cap-share', state: 'firing' }),
      ev(14.5, 'action', 'trainee', { action: 'acknowledge' }),
      ev(15, 'alert', 'monitor', { rule: 'heap-over-cap-share', state: 'resolved' }),
    ];
    const s = scoreDrill({ ...base, events, outcome: 'time-limit', endedAt: at(600) });
    expect(s.acknowledge).toMatchObject({ explicit: true, secondsAfterFirstAlert: 4.5 });
    expect(s.rightDiagnosis).toBeNull();
    expect(s.fix).toMatchObject({ verified: false, attempts: 0, verification: null });
    expect(formatScore(s)[0]).toMatch(/time limit \(600 s\) reached/);
  });

  it('no alert: nothing to acknowledge', () => {
    const s = scoreDrill({ ...base, events: [ev(0, 'deploy', 'lab', {}), ev(3, 'action', 'trainee', { action: 'acknowledge' })], outcome: 'aborted', endedAt: at(5) });
    expect(s.firstAlert).toBeNull();
    expect(s.acknowledge).toBeNull();
  });
});

describe('drill options', () => {
  it('a seed always picks the same scenario, and the picks cover the list', () => {
    expect(pickScenario(1234)).toBe(pickScenario(1234));
    const picked = new Set(Array.from({ length: 400 }, (_, i) => pickScenario(i)));
    expect([...picked].sort()).toEqual([...scenarioNames()].sort());
    const opts = resolveDrillOptions({ seed: 1234, profile: 'short' }, new Date('2026-11-25T10:00:00Z'));
    expect(opts.scenario).toBe(pickScenario(1234));
    expect(opts.scenarioGiven).toBe(false);
    // The run folder does not give the answer away.
    expect(opts.out).toMatch(/runs\/2026-11-25T10-00-00Z-drill$/);
    expect(opts.out).not.toContain(opts.scenario);
  });

  it('the public view of a deploy does not say which build went out', () => {
    const e = ev(0, 'deploy', 'lab', { pid: 42, variant: 'leaky', reason: 'fix', heapCapMb: 64, scenario: 'request-log-array' }, 'Build redeployed (leaky).');
    const p = publicEvent(e);
    expect(p).toEqual({ at: e.at, type: 'deploy', source: 'lab', summary: expect.stringContaining('pid 42') });
    expect(JSON.stringify(p)).not.toMatch(/leaky|fixed|request-log-array/);
  });
});
