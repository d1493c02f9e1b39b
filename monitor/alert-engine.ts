import type { LoadSecond } from '../load/load-types.ts';
import { labError } from '../lab/errors.ts';
import type { AlertEvent, AlertRule, RuleStatus, WindowData } from './alert-types.ts';
import { MONITOR_DEFAULTS } from './monitor-defaults.ts';
import type { MetricSample } from './monitor-types.ts';

export interface AlertEngineOptions {
  rules: readonly AlertRule[];
  onAlert?: (event: AlertEvent) => void;
  /** K: consecutive evaluations a condition must hold before firing. */
  forEvaluations?: number;
  /** Consecutive evaluations under the resolve threshold before resolving. */
  resolveForEvaluations?: number;
}

export interface History {
  samples: readonly MetricSample[];
  load: readonly LoadSecond[];
}

interface RuleState {
  firing: boolean;
  firingSince: number | null;
  streak: number;
  lastValue: number | null;
}

export interface AlertEngine {
  /** Runs every rule once over the history as of `now`; returns (and delivers) the state changes. */
  evaluate(history: History, now: number): AlertEvent[];
  /** Swaps the rules (say, for a new heap cap); a rule keeps its state when its name stays. */
  setRules(rules: readonly AlertRule[]): void;
  status(): RuleStatus[];
  firing(): string[];
}

/**
 * The shared evaluation: Prometheus-style "for" (K consecutive true evaluations to fire) plus
 * hysteresis (K consecutive evaluations under the lower resolve threshold to resolve). An
 * evaluation without a value (no data: app down, too few points) is skipped: it neither
 * advances nor breaks a streak, so a missed scrape near the heap cap does not reset a pending alert.
 */
export function createAlertEngine(opts: AlertEngineOptions): AlertEngine {
  const defaultK = opts.forEvaluations ?? MONITOR_DEFAULTS.forEvaluations;
  const resolveK = opts.resolveForEvaluations ?? MONITOR_DEFAULTS.resolveForEvaluations;
  requireCount('forEvaluations', defaultK);
  requireCount('resolveForEvaluations', resolveK);
  let rules = checkRules(opts.rules);
  const states = new Map<string, RuleState>();
  const stateOf = (name: string): RuleState => {
    let s = states.get(name);
    if (!s) {
      s = { firing: false, firingSince: null, streak: 0, lastValue: null };
      states.set(name, s);
    }
    return s;
  };

  return {
    evaluate(history, now) {
      const events: AlertEvent[] = [];
      for (const rule of rules) {
        const result = rule.evaluate(windowFor(history, rule.window, now));
        const state = stateOf(rule.name);
        state.lastValue = result.value;
        if (result.value === null) continue;
        const base = { rule: rule.name, severity: rule.severity, at: now, value: result.value, unit: rule.unit, basis: rule.basis };
        const summary = result.summary ?? `${rule.name}: ${result.value} (threshold ${rule.threshold})`;
        if (!state.firing) {
          state.streak = result.firing ? state.streak + 1 : 0;
          if (state.streak >= (rule.forEvaluations ?? defaultK)) {
            Object.assign(state, { firing: true, firingSince: now, streak: 0 });
            events.push({ ...base, state: 'firing', threshold: rule.threshold, summary });
          }
        } else {
          state.streak = result.value < rule.resolveThreshold ? state.streak + 1 : 0;
          if (state.streak >= resolveK) {
            Object.assign(state, { firing: false, firingSince: null, streak: 0 });
            events.push({ ...base, state: 'resolved', threshold: rule.resolveThreshold, summary });
          }
        }
      }
      for (const event of events) opts.onAlert?.(event);
      return events;
    },
    setRules(next) {
      rules = checkRules(next);
    },
    status() {
      return rules.map((rule) => {
        const s = stateOf(rule.name);
        return {
          rule: rule.name,
          severity: rule.severity,
          state: s.firing ? 'firing' : s.streak > 0 ? 'pending' : 'inactive',
          value: s.lastValue,
          firingSince: s.firingSince,
        };
      });
    },
    firing() {
      return rules.filter((rule) => stateOf(rule.name).firing).map((rule) => rule.name);
    },
  };
}

export function windowFor(history: History, seconds: number, now: number): WindowData {
  const from = now - seconds * 1000;
  return {
    now,
    seconds,
    samples: history.samples.filter((s) => s.t > from && s.t <= now),
    load: history.load.filter((s) => s.t + 1000 > from && s.t <= now),
  };
}

function checkRules(rules: readonly AlertRule[]): readonly AlertRule[] {
  const names = new Set<string>();
  for (const rule of rules) {
    if (names.has(rule.name)) throw labError('LAB_ERR_BAD_OPTION', `two alert rules are named ${rule.name}`);
    names.add(rule.name);
    if (!(rule.window > 0)) throw labError('LAB_ERR_BAD_OPTION', `rule ${rule.name}: window must be > 0 seconds`);
    if (!(rule.resolveThreshold <= rule.threshold)) {
      throw labError('LAB_ERR_BAD_OPTION', `rule ${rule.name}: resolveThreshold ${rule.resolveThreshold} must not be above threshold ${rule.threshold}`);
    }
    if (rule.forEvaluations !== undefined) requireCount(`rule ${rule.name}: forEvaluations`, rule.forEvaluations);
  }
  return [...rules];
}

function requireCount(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw labError('LAB_ERR_BAD_OPTION', `${name} must be an integer >= 1, got ${n}`);
}
