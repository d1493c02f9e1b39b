import type { LoadSecond } from '../load/load-types.ts';
import type { MetricSample } from './monitor-types.ts';

/** What a rule sees: the last `window` seconds of samples and load seconds. */
export interface WindowData {
  /** Epoch ms of this evaluation. */
  now: number;
  /** The rule's window, in seconds. */
  seconds: number;
  /** Monitor samples with t in (now - window, now], oldest first. */
  samples: readonly MetricSample[];
  /** Load seconds that overlap (now - window, now], oldest first. */
  load: readonly LoadSecond[];
}

export type AlertUnit = 'ratio' | 'bytes' | 'ms';

export type AlertBasis = 'level' | 'forecast';

export interface RuleResult {
  /** The measured value; null when the window holds too little to judge (the evaluation is skipped). */
  value: number | null;
  /** The condition holds in this evaluation (normally value > threshold). */
  firing: boolean;
  /** One line with the measured values, used as the alert's summary. */
  summary?: string;
}

/**
 * One alert rule, declarative like memlab's rule plugins: the engine owns timing ("for"
 * evaluations) and hysteresis; the rule only measures. All our rules fire when the value goes
 * above `threshold` and may resolve once it stays below `resolveThreshold`.
 */
export interface AlertRule {
  readonly name: string;
  readonly severity: 'warning' | 'critical';
  readonly description: string;
  /** Seconds of history evaluate() is given. */
  readonly window: number;
  readonly threshold: number;
  /** Lower than threshold, so a value hovering at the threshold does not flap. */
  readonly resolveThreshold: number;
  /** What value and thresholds are measured in. */
  readonly unit: AlertUnit;
  /** Whether the value is a level measured now, or a forecast from its trend (predict_linear). */
  readonly basis: AlertBasis;
  /** Overrides the engine's K for this rule. */
  readonly forEvaluations?: number;
  evaluate(window: WindowData): RuleResult;
}

export interface AlertEvent {
  rule: string;
  severity: 'warning' | 'critical';
  state: 'firing' | 'resolved';
  /** Epoch ms of the evaluation that changed the state. */
  at: number;
  value: number;
  /** The bound that was crossed: threshold when firing, resolveThreshold when resolved. */
  threshold: number;
  unit: AlertUnit;
  basis: AlertBasis;
  summary: string;
}

export interface RuleStatus {
  rule: string;
  severity: 'warning' | 'critical';
  state: 'inactive' | 'pending' | 'firing';
  value: number | null;
  /** Epoch ms the rule started firing, while it fires. */
  firingSince: number | null;
}
