import { labError } from '../../lab/errors.ts';
import type { AlertRule } from '../alert-types.ts';
import { ALERT_RULE_DEFAULTS } from '../monitor-defaults.ts';
import { errorRateOverBound } from './error-rate-over-bound.ts';
import { heapExhaustionPredicted } from './heap-exhaustion-predicted.ts';
import { heapOverCapShare } from './heap-over-cap-share.ts';
import { latencyP99OverSlo } from './latency-p99-over-slo.ts';

export type AlertRuleSettings = { -readonly [K in keyof typeof ALERT_RULE_DEFAULTS]: number };

export interface AlertRuleParams extends Partial<AlertRuleSettings> {
  heapCapBytes: number;
}

/** Every rule the monitor runs, in one list, built from the caps and SLOs of this run. */
export function createAlertRules(params: AlertRuleParams): AlertRule[] {
  const s: AlertRuleSettings & { heapCapBytes: number } = { ...ALERT_RULE_DEFAULTS, ...definedOnly(params), heapCapBytes: params.heapCapBytes };
  for (const [key, value] of Object.entries(s)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw labError('LAB_ERR_BAD_OPTION', `alert setting ${key} must be a positive number, got ${String(value)}`);
    }
  }
  return [
    heapOverCapShare({ heapCapBytes: s.heapCapBytes, fire: s.heapShareFire, resolve: s.heapShareResolve, windowSeconds: s.heapShareWindowSeconds }),
    heapExhaustionPredicted({
      heapCapBytes: s.heapCapBytes,
      windowSeconds: s.exhaustionWindowSeconds,
      horizonSeconds: s.exhaustionHorizonSeconds,
      resolveShare: s.exhaustionResolveShare,
      minPoints: s.exhaustionMinPoints,
      minSpanSeconds: s.exhaustionMinSpanSeconds,
    }),
    latencyP99OverSlo({ sloMs: s.latencySloMs, resolveMs: s.latencyResolveMs, windowSeconds: s.latencyWindowSeconds, minSeconds: s.latencyMinSeconds }),
    errorRateOverBound({ bound: s.errorRateBound, resolve: s.errorRateResolve, windowSeconds: s.errorRateWindowSeconds, minRequests: s.errorRateMinRequests }),
  ];
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export { errorRateOverBound, heapExhaustionPredicted, heapOverCapShare, latencyP99OverSlo };
