import { describe, expect, it } from 'vitest';
import { isLabError } from '../../lab/errors.ts';
import { createAlertEngine, windowFor } from '../../monitor/alert-engine.ts';
import type { AlertEvent, AlertRule } from '../../monitor/alert-types.ts';
import { T0, loadSecond, up } from './synthetic-window.ts';

/** A rule whose value is whatever the test says next: fires above 10, resolves below 5. */
function scriptedRule(values: (number | null)[], extra: Partial<AlertRule> = {}): AlertRule {
  let i = 0;
  return {
    name: 'scripted',
    severity: 'warning',
    description: 'a value from a script',
    window: 5,
    threshold: 10,
    resolveThreshold: 5,
    unit: 'ms',
    basis: 'level',
    evaluate() {
      const value = values[i++] ?? null;
      return { value, firing: value !== null && value > 10, summary: `value ${value}` };
    },
    ...extra,
  };
}

function run(values: (number | null)[], k = 3, extra: Partial<AlertRule> = {}) {
  const events: AlertEvent[] = [];
  const engine = createAlertEngine({ rules: [scriptedRule(values, extra)], forEvaluations: k, resolveForEvaluations: k, onAlert: (e) => events.push(e) });
  const states: string[] = [];
  values.forEach((_, i) => {
    engine.evaluate({ samples: [], load: [] }, T0 + i * 1000);
    states.push(engine.status()[0]!.state);
  });
  return { events, states, engine };
}

describe('alert engine', () => {
  it('fires only after K consecutive true evaluations, with the measured value', () => {
    const { events, states } = run([11, 12, 3, 11, 12, 13, 14]);
    expect(states).toEqual(['pending', 'pending', 'inactive', 'pending', 'pending', 'firing', 'firing']);
    expect(events).toEqual([
      { rule: 'scripted', severity: 'warning', state: 'firing', at: T0 + 5000, value: 13, threshold: 10, unit: 'ms', basis: 'level', summary: 'value 13' },
    ]);
  });

  it('holds a firing alert while the value sits between the resolve threshold and the threshold', () => {
    const { events, states } = run([11, 11, 11, 9, 7, 6, 9, 8, 7, 6]);
    expect(events.map((e) => e.state)).toEqual(['firing']);
    expect(states.slice(3).every((s) => s === 'firing')).toBe(true);
  });

  it('resolves after K consecutive evaluations under the resolve threshold, and a bounce restarts the count', () => {
    const { events } = run([11, 11, 11, 4, 4, 6, 4, 3, 2, 1]);
    expect(events.map((e) => [e.state, e.at, e.value, e.threshold])).toEqual([
      ['firing', T0 + 2000, 11, 10],
      ['resolved', T0 + 8000, 2, 5],
    ]);
  });

  it('skips evaluations without data: they neither advance nor break a streak', () => {
    const { events } = run([11, null, 11, null, null, 11]);
    expect(events.map((e) => [e.state, e.at])).toEqual([['firing', T0 + 5000]]);
    const held = run([11, 11, 11, null, null, null, null]);
    expect(held.events).toHaveLength(1);
    expect(held.engine.firing()).toEqual(['scripted']);
  });

  it('lets a rule override K', () => {
    expect(run([11, 3], 3, { forEvaluations: 1 }).events.map((e) => e.at)).toEqual([T0]);
  });

  it('keeps state by name across setRules, and checks rules', () => {
    const { engine } = run([11, 11, 11]);
    engine.setRules([scriptedRule([1, 1, 1])]);
    expect(engine.firing()).toEqual(['scripted']);
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return isLabError(err) ? err.code : 'other';
      }
      return undefined;
    };
    expect(codeOf(() => createAlertEngine({ rules: [scriptedRule([]), scriptedRule([])] }))).toBe('LAB_ERR_BAD_OPTION');
    expect(codeOf(() => createAlertEngine({ rules: [scriptedRule([], { resolveThreshold: 20 })] }))).toBe('LAB_ERR_BAD_OPTION');
    expect(codeOf(() => createAlertEngine({ rules: [], forEvaluations: 0 }))).toBe('LAB_ERR_BAD_OPTION');
  });

  it('gives each rule only its own window of samples and load seconds', () => {
    const history = {
      samples: [up(T0 - 10_000, 1), up(T0 - 5_000, 2), up(T0 - 4_999, 3), up(T0, 4)],
      load: [loadSecond(T0 - 7_000), loadSecond(T0 - 6_000), loadSecond(T0 - 1_000)],
    };
    const w = windowFor(history, 5, T0);
    expect(w.samples.map((s) => s.heapUsedBytes)).toEqual([3, 4]);
    expect(w.load.map((s) => s.t)).toEqual([T0 - 1_000]);
    expect(windowFor(history, 7, T0).load.map((s) => s.t)).toEqual([T0 - 7_000, T0 - 6_000, T0 - 1_000]);
  });
});
