import type { LoadSecond } from '../load/load-types.ts';
import { labError } from '../lab/errors.ts';
import { createAlertEngine } from './alert-engine.ts';
import { createAlertRules, type AlertRuleSettings } from './alert-rules/index.ts';
import type { AlertEvent, AlertRule, RuleStatus } from './alert-types.ts';
import { MetricHistory } from './metric-history.ts';
import type { AppTarget, MetricSample } from './monitor-types.ts';
import { startSampler } from './sampler.ts';
import { startWatchdog, type Watchdog, type WatchdogKill, type WatchdogReport } from './watchdog.ts';

export interface MonitorOptions {
  target: AppTarget;
  /** The app's heap cap (--max-old-space-size) in bytes. */
  heapCapBytes: number;
  latencySloMs?: number;
  /** Share of requests allowed to fail, e.g. 0.01. */
  errorRateBound?: number;
  /** Any other rule threshold or window (see ALERT_RULE_DEFAULTS). */
  rules?: Partial<AlertRuleSettings>;
  /** Replaces the built-in rules entirely (tests, experiments). */
  customRules?: (heapCapBytes: number) => AlertRule[];
  intervalMs?: number;
  scrapeTimeoutMs?: number;
  forEvaluations?: number;
  resolveForEvaluations?: number;
  /** Kills the app from outside when its RSS passes the limit; restarted for each new pid. */
  watchdog?: { rssLimitBytes: number; intervalMs?: number; onKill?: (kill: WatchdogKill) => void };
  onSample?: (sample: MetricSample) => void;
  onAlert?: (event: AlertEvent) => void;
}

export interface MonitorReport {
  samples: number;
  alerts: AlertEvent[];
  firingAtStop: string[];
  watchdogs: WatchdogReport[];
}

export interface Monitor {
  /** Points sampling (and the watchdog) at a restarted app; a new heap cap rebuilds the rules, keeping their state. */
  retarget(target: AppTarget & { heapCapBytes?: number }): void;
  /** The load's seconds, for the latency and error-rate rules. */
  feedLoadSecond(sec: LoadSecond): void;
  firing(): string[];
  status(): RuleStatus[];
  recentSamples(): readonly MetricSample[];
  stop(): Promise<MonitorReport>;
}

/** Sampler + rules engine (+ watchdog): rules are evaluated after every sample. */
export function startMonitor(opts: MonitorOptions): Monitor {
  const buildRules = (heapCapBytes: number): AlertRule[] => {
    if (!(heapCapBytes > 0)) throw labError('LAB_ERR_BAD_OPTION', `heapCapBytes must be > 0, got ${heapCapBytes}`);
    return opts.customRules
      ? opts.customRules(heapCapBytes)
      : createAlertRules({ ...opts.rules, heapCapBytes, latencySloMs: opts.latencySloMs ?? opts.rules?.latencySloMs, errorRateBound: opts.errorRateBound ?? opts.rules?.errorRateBound });
  };
  const rules = buildRules(opts.heapCapBytes);
  const alerts: AlertEvent[] = [];
  const engine = createAlertEngine({
    rules,
    forEvaluations: opts.forEvaluations,
    resolveForEvaluations: opts.resolveForEvaluations,
    onAlert: (event) => {
      alerts.push(event);
      opts.onAlert?.(event);
    },
  });
  const history = new MetricHistory(Math.max(...rules.map((r) => r.window), 1) + 5);
  const watchdogReports: Promise<WatchdogReport>[] = [];
  let watchdog: Watchdog | null = null;
  let samples = 0;
  let stopped: Promise<MonitorReport> | null = null;

  const watch = (pid: number) => {
    if (!opts.watchdog) return;
    void watchdog?.stop();
    watchdog = startWatchdog({ pid, ...opts.watchdog });
    watchdogReports.push(watchdog.done);
  };

  const sampler = startSampler({
    target: opts.target,
    intervalMs: opts.intervalMs,
    scrapeTimeoutMs: opts.scrapeTimeoutMs,
    onSample(sample) {
      samples += 1;
      history.addSample(sample);
      opts.onSample?.(sample);
      engine.evaluate(history, Date.now());
    },
  });
  watch(opts.target.pid);

  return {
    retarget(target) {
      sampler.retarget(target);
      if (target.heapCapBytes !== undefined) engine.setRules(buildRules(target.heapCapBytes));
      watch(target.pid);
    },
    feedLoadSecond(sec) {
      history.addLoadSecond(sec);
    },
    firing: () => engine.firing(),
    status: () => engine.status(),
    recentSamples: () => history.samples,
    stop() {
      stopped ??= (async () => {
        await sampler.stop();
        await watchdog?.stop();
        return { samples, alerts: [...alerts], firingAtStop: engine.firing(), watchdogs: await Promise.all(watchdogReports) };
      })();
      return stopped;
    },
  };
}
