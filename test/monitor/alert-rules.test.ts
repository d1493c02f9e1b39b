import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isLabError } from '../../lab/errors.ts';
import { createAlertEngine, windowFor } from '../../monitor/alert-engine.ts';
import { createAlertRules } from '../../monitor/alert-rules/index.ts';
import { ALERT_RULE_DEFAULTS } from '../../monitor/monitor-defaults.ts';
import type { AlertEvent, AlertRule } from '../../monitor/alert-types.ts';
import type { MetricSample } from '../../monitor/monitor-types.ts';
import type { LoadSecond } from '../../load/load-types.ts';
import { T0, down, loadSecond, up } from './synthetic-window.ts';

const MB = 2 ** 20;
const CAP = 128 * MB;

function rule(name: string, params: Parameters<typeof createAlertRules>[0] = { heapCapBytes: CAP }): AlertRule {
  return createAlertRules(params).find((r) => r.name === name)!;
}

function evalAt(r: AlertRule, samples: MetricSample[], load: LoadSecond[] = [], now = T0) {
  return r.evaluate(windowFor({ samples, load }, r.window, now));
}

/** One sample a second for the `n` seconds up to `now`. */
function heapSeries(n: number, heapAt: (secondsAgo: number) => number, pid = 4242, now = T0): MetricSample[] {
  return Array.from({ length: n }, (_, i) => up(now - (n - 1 - i) * 1000, heapAt(n - 1 - i), pid));
}

describe('the registered rules', () => {
  it('are one list of four, built from the caps and SLOs given', () => {
    const rules = createAlertRules({ heapCapBytes: CAP, latencySloMs: 300, errorRateBound: 0.05 });
    expect(rules.map((r) => r.name)).toEqual(['heap-over-cap-share', 'heap-exhaustion-predicted', 'latency-p99-over-slo', 'error-rate-over-bound']);
    expect(rules.find((r) => r.name === 'latency-p99-over-slo')!.threshold).toBe(300);
    expect(rules.find((r) => r.name === 'error-rate-over-bound')!.threshold).toBe(0.05);
    expect(rules.find((r) => r.name === 'heap-exhaustion-predicted')!.threshold).toBe(CAP);
    // Only the exhaustion rule's value is a forecast (predict_linear); the others measure a level.
    expect(rules.map((r) => r.basis)).toEqual(['level', 'forecast', 'level', 'level']);
    try {
      createAlertRules({ heapCapBytes: 0 });
      expect.unreachable();
    } catch (err) {
      expect(isLabError(err, 'LAB_ERR_BAD_OPTION')).toBe(true);
    }
  });
});

describe('heap-over-cap-share', () => {
  it('measures the window mean of heap used over the cap', () => {
    const r = rule('heap-over-cap-share');
    const result = evalAt(r, heapSeries(5, (ago) => (ago % 2 === 0 ? 0.9 : 0.8) * CAP));
    expect(result.value).toBeCloseTo(0.86, 6);
    expect(result.firing).toBe(true);
    expect(result.summary).toContain('128.0 MB cap');
    expect(evalAt(r, heapSeries(5, () => 0.75 * CAP)).firing).toBe(false);
    expect(evalAt(r, heapSeries(5, () => 0.75 * CAP)).value).toBeCloseTo(0.75, 6);
  });

  it('looks only at the newest process, and has no value without an up sample', () => {
    const r = rule('heap-over-cap-share');
    const samples = [...heapSeries(3, () => 0.95 * CAP, 1, T0 - 2000), down(T0 - 1000, 1), up(T0, 0.2 * CAP, 2)];
    expect(evalAt(r, samples).value).toBeCloseTo(0.2, 6);
    expect(evalAt(r, [down(T0)]).value).toBeNull();
  });

  it('follows the cap it was built with', () => {
    const samples = heapSeries(5, () => 100 * MB);
    expect(evalAt(rule('heap-over-cap-share', { heapCapBytes: 128 * MB }), samples).firing).toBe(false);
    expect(evalAt(rule('heap-over-cap-share', { heapCapBytes: 110 * MB }), samples).firing).toBe(true);
  });
});

describe('heap-exhaustion-predicted', () => {
  it('fires when the trend passes the cap within the horizon, long before the level is high', () => {
    const r = rule('heap-exhaustion-predicted');
    // 60 MB now, +1.5 MB/s: 150 MB in 60 s, cap reached in about 45 s.
    const result = evalAt(r, heapSeries(30, (ago) => 60 * MB - ago * 1.5 * MB));
    expect(result.value! / MB).toBeCloseTo(150, 6);
    expect(result.firing).toBe(true);
    expect(result.summary).toMatch(/cap reached in about 45s/);
    expect(evalAt(rule('heap-over-cap-share'), heapSeries(5, (ago) => 60 * MB - ago * 1.5 * MB)).firing).toBe(false);
  });

  it('stays quiet for a high but flat heap and for slow growth', () => {
    const r = rule('heap-exhaustion-predicted');
    expect(evalAt(r, heapSeries(30, (ago) => 110 * MB + (ago % 2) * 4 * MB)).firing).toBe(false);
    const slow = evalAt(r, heapSeries(30, (ago) => 60 * MB - ago * 0.5 * MB));
    expect(slow.value! / MB).toBeCloseTo(90, 6);
    expect(slow.firing).toBe(false);
  });

  it('needs enough points from one process', () => {
    const r = rule('heap-exhaustion-predicted');
    expect(evalAt(r, heapSeries(5, (ago) => 100 * MB - ago * 10 * MB)).value).toBeNull();
    const restarted = [...heapSeries(20, (ago) => 120 * MB - ago * MB, 1, T0 - 10_000), ...heapSeries(5, () => 30 * MB, 2)];
    expect(evalAt(r, restarted).value).toBeNull();
  });

  it('fires no alert before the samples span the warm-up, yet resolves with a young process', () => {
    // A fresh process climbing 2 MB/s for 15 s: a line through it reaches 150 MB in 60 s.
    const ramp = heapSeries(16, (ago) => 30 * MB - ago * 2 * MB);
    const young = evalAt(rule('heap-exhaustion-predicted'), ramp);
    expect(young.value! / MB).toBeCloseTo(150, 6);
    expect(young.firing).toBe(false);
    expect(young.summary).toMatch(/over 15s: .*; no alert before 20s of samples$/);
    expect(evalAt(rule('heap-exhaustion-predicted', { heapCapBytes: CAP, exhaustionMinSpanSeconds: 15 }), ramp).firing).toBe(true);
    // Still a value a young process resolves with: 5 MB and flat.
    expect(evalAt(rule('heap-exhaustion-predicted'), heapSeries(12, () => 5 * MB)).value! / MB).toBeCloseTo(5, 6);
    expect(() => rule('heap-exhaustion-predicted', { heapCapBytes: CAP, exhaustionMinSpanSeconds: 31 })).toThrow(/could never fire/);
  });

  it('replayed over recorded runs, keeps the fixed build far under the cap and fires on the leaky one', () => {
    const replay = (file: string) => {
      const { heapUsedBytes } = JSON.parse(readFileSync(new URL(`../fixtures/monitor/${file}`, import.meta.url), 'utf8')) as { heapUsedBytes: [number, number][] };
      const r = rule('heap-exhaustion-predicted');
      const events: AlertEvent[] = [];
      const engine = createAlertEngine({ rules: [r], onAlert: (e) => events.push(e) });
      const samples: MetricSample[] = [];
      let highest = 0;
      for (const [t, heap] of heapUsedBytes) {
        samples.push(up(T0 + t, heap));
        engine.evaluate({ samples, load: [] }, T0 + t);
        // Once the rule may fire, how close the fixed build's forecast comes to the cap.
        if (t - heapUsedBytes[0]![0] >= ALERT_RULE_DEFAULTS.exhaustionMinSpanSeconds * 1000) highest = Math.max(highest, evalAt(r, samples, [], T0 + t).value ?? 0);
      }
      return { events, highest };
    };
    // A margin, not just "never fired": three forecasts in a row over the cap is all it takes.
    const fixed = replay('heap-used-fixed-build.json');
    expect(fixed.events).toEqual([]);
    expect(fixed.highest).toBeLessThan(0.6 * CAP);
    const leaky = replay('heap-used-leaky-build.json');
    expect(leaky.events.map((e) => e.state)).toEqual(['firing']);
    expect(leaky.events[0]!.at - T0).toBeLessThan(40_000);
  });

  it('uses the horizon it was built with', () => {
    const samples = heapSeries(30, (ago) => 60 * MB - ago * 0.5 * MB);
    expect(evalAt(rule('heap-exhaustion-predicted', { heapCapBytes: CAP, exhaustionHorizonSeconds: 180 }), samples).firing).toBe(true);
  });
});

describe('latency-p99-over-slo', () => {
  const seconds = (p99s: (number | null)[]) => p99s.map((p99, i) => loadSecond(T0 - (p99s.length - i) * 1000, { latencyP99Ms: p99 }));

  it('uses the median of the per-second p99s, so one slow second does not fire it', () => {
    const r = rule('latency-p99-over-slo');
    expect(evalAt(r, [], seconds([20, 20, 5000, 20, 20, 20, 20, 20, 20, 20])).firing).toBe(false);
    const slow = evalAt(r, [], seconds([20, 900, 800, 700, 600, 650, 20, 700, 900, 20]));
    expect(slow.value).toBe(675);
    expect(slow.firing).toBe(true);
    expect(slow.summary).toContain('900 ms');
  });

  it('has no value without enough seconds with answers, and follows the SLO given', () => {
    expect(evalAt(rule('latency-p99-over-slo'), [], seconds([null, null, 900, 900])).value).toBeNull();
    expect(evalAt(rule('latency-p99-over-slo', { heapCapBytes: CAP, latencySloMs: 100 }), [], seconds([150, 150, 150])).firing).toBe(true);
  });
});

describe('error-rate-over-bound', () => {
  it('divides failed by requests over the window', () => {
    const r = rule('error-rate-over-bound');
    const load = Array.from({ length: 10 }, (_, i) => loadSecond(T0 - (10 - i) * 1000, { requests: 200, failed: i === 9 ? 30 : 0, errors: i === 9 ? 30 : 0 }));
    const result = evalAt(r, [], load);
    expect(result.value).toBeCloseTo(0.015, 9);
    expect(result.firing).toBe(true);
    expect(result.summary).toContain('30 of 2000');
    expect(evalAt(r, [], load.slice(0, 9)).value).toBe(0);
  });

  it('has no value with too few requests', () => {
    expect(evalAt(rule('error-rate-over-bound'), [], [loadSecond(T0 - 1000, { requests: 3, failed: 3 })]).value).toBeNull();
  });
});

describe('rules in the engine', () => {
  it('fire and resolve with hysteresis on a heap that climbs and then drops after a restart', () => {
    const rules = createAlertRules({ heapCapBytes: CAP });
    const events: AlertEvent[] = [];
    const engine = createAlertEngine({ rules: rules.filter((r) => r.name === 'heap-over-cap-share'), onAlert: (e) => events.push(e) });
    const samples: MetricSample[] = [];
    const shares = [0.5, 0.6, 0.7, 0.85, 0.9, 0.9, 0.9, 0.9, 0.9, 0.75, 0.75, 0.75, 0.75, 0.75, 0.75, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1];
    shares.forEach((share, i) => {
      const t = T0 + i * 1000;
      samples.push(up(t, share * CAP, i < 15 ? 1 : 2));
      engine.evaluate({ samples, load: [] }, t);
    });
    expect(events.map((e) => e.state)).toEqual(['firing', 'resolved']);
    expect(events[0]!.value).toBeGreaterThan(0.8);
    // Held through the 0.75 plateau (between 0.7 and 0.8); resolved on the new process's low heap.
    expect(events[1]!.at).toBeGreaterThanOrEqual(T0 + 17_000);
    expect(events[1]!.value).toBeLessThan(0.7);
    expect(events[1]!.threshold).toBe(0.7);
  });
});
