import type { AlertData, CrashData, DeployData, EscalationData, ObservationData, VerifyData } from '../lab/run-files.ts';
import { errorBudget, type ErrorBudget } from './error-budget.ts';
import type { RunData, TimedEvent } from './run-data.ts';
import { secondsBetween, trafficTotals, type TrafficTotals } from './traffic-totals.ts';

/** A misleading path: what was done, and the measurement (if any) that showed it did not help. */
export interface MisleadingPath {
  action: TimedEvent<ActionFields>;
  observation: TimedEvent<Partial<ObservationData>> | null;
}

export interface ActionFields {
  action?: string;
  misleading?: boolean;
  assumption?: string;
  [key: string]: unknown;
}

export interface UserImpact {
  users: number;
  affected: number;
  share: number;
  requests: number;
  failed: number;
}

/** Every number the postmortem states, derived once from the run's files. */
export interface IncidentFacts {
  leakStart: TimedEvent<Partial<DeployData>> | null;
  firstAlert: TimedEvent<Partial<AlertData>> | null;
  /** First firing of each alert rule, in time order. */
  alertsFired: TimedEvent<Partial<AlertData>>[];
  /** Epoch ms of the first load second with a failure. */
  firstFailureMs: number | null;
  outageStart: { ms: number; cause: 'failure' | 'alert' } | null;
  resolved: TimedEvent | null;
  aborted: TimedEvent | null;
  /** The last time any of the run's files speaks of. */
  dataEndMs: number | null;
  /** The resolved event, or the end of the data when there is none. */
  outageEnd: { ms: number; resolved: boolean } | null;
  outageMs: number | null;
  fixDeploy: TimedEvent<Partial<DeployData>> | null;
  verify: TimedEvent<Partial<VerifyData>> | null;
  crashes: TimedEvent<Partial<CrashData>>[];
  escalations: TimedEvent<Partial<EscalationData>>[];
  actions: TimedEvent<ActionFields>[];
  misleading: MisleadingPath[];
  /** leakStart -> firstAlert. */
  detectMs: number | null;
  /** outageStart -> fixDeploy. */
  mitigateMs: number | null;
  /** outageStart -> resolved. */
  resolveMs: number | null;
  /** First misleading action -> first escalation (or the fix when there was no escalation). */
  misleadingMs: number | null;
  /** Seconds the monitor saw the app down (up=false) between the leak's start and the outage's end. */
  downSeconds: number;
  /** Heap growth under the leaky build before the first alert: least squares over heap used, bytes/s. */
  leakSlopeBytesPerSecond: number | null;
  whole: TrafficTotals;
  outage: TrafficTotals | null;
  users: UserImpact | null;
  budget: ErrorBudget | null;
}

export interface FactOptions {
  sloWindowDays: number;
}

const byType = <D>(run: RunData, type: string): TimedEvent<D>[] =>
  run.events.filter((e) => e.type === type) as unknown as TimedEvent<D>[];

export function incidentFacts(run: RunData, options: FactOptions): IncidentFacts {
  const deploys = byType<Partial<DeployData>>(run, 'deploy');
  const alerts = byType<Partial<AlertData>>(run, 'alert').filter((e) => e.data.state !== 'resolved');
  const leakStart = deploys.find((e) => e.data.variant === 'leaky') ?? null;
  const firstAlert = alerts[0] ?? null;
  const alertsFired = alerts.filter((e, i) => alerts.findIndex((a) => a.data.rule === e.data.rule) === i);
  const firstFailureMs = run.load.find((s) => (s.failed ?? 0) > 0)?.t ?? null;

  const starts = [
    firstFailureMs === null ? null : { ms: firstFailureMs, cause: 'failure' as const },
    firstAlert ? { ms: firstAlert.ms, cause: 'alert' as const } : null,
  ].filter((s): s is { ms: number; cause: 'failure' | 'alert' } => s !== null);
  const outageStart = starts.sort((a, b) => a.ms - b.ms)[0] ?? null;

  const resolved = run.events.find((e) => e.type === 'resolved') ?? null;
  const aborted = run.events.find((e) => e.type === 'aborted') ?? null;
  const dataEndMs = lastTime(run);
  const outageEnd = resolved
    ? { ms: resolved.ms, resolved: true }
    : dataEndMs !== null ? { ms: dataEndMs, resolved: false } : null;
  const outageMs = outageStart && outageEnd ? Math.max(0, outageEnd.ms - outageStart.ms) : null;

  const fixDeploy = deploys.find((e) => e.data.variant === 'fixed' && (!leakStart || e.ms >= leakStart.ms)) ?? null;
  const verifies = byType<Partial<VerifyData>>(run, 'verify');
  const verify = verifies.filter((e) => e.data.variant !== 'leaky').at(-1) ?? verifies.at(-1) ?? null;
  const actions = byType<ActionFields>(run, 'action');
  const escalations = byType<Partial<EscalationData>>(run, 'escalation');
  const misleading = misleadingPaths(run, actions);

  const latencySloMs = run.settings.slo?.latencyP99Ms ?? NaN;
  const whole = trafficTotals(run.load, latencySloMs);
  const outage = outageStart && outageEnd ? trafficTotals(secondsBetween(run.load, outageStart.ms, outageEnd.ms), latencySloMs) : null;

  const firstMisleading = misleading[0]?.action ?? null;
  const afterMisleading = firstMisleading
    ? (escalations.find((e) => e.ms >= firstMisleading.ms) ?? fixDeploy ?? null)
    : null;

  const users = userImpact(run);
  return {
    leakStart,
    firstAlert,
    alertsFired,
    firstFailureMs,
    outageStart,
    resolved,
    aborted,
    dataEndMs,
    outageEnd,
    outageMs,
    fixDeploy,
    verify,
    crashes: byType<Partial<CrashData>>(run, 'crash'),
    escalations,
    actions,
    misleading,
    detectMs: leakStart && firstAlert ? firstAlert.ms - leakStart.ms : null,
    mitigateMs: outageStart && fixDeploy ? fixDeploy.ms - outageStart.ms : null,
    resolveMs: outageStart && resolved ? resolved.ms - outageStart.ms : null,
    misleadingMs: firstMisleading && afterMisleading ? afterMisleading.ms - firstMisleading.ms : null,
    downSeconds: run.metrics.filter(
      (m) => m.up === false && (!leakStart || m.t >= leakStart.ms) && (!outageEnd || m.t < outageEnd.ms),
    ).length,
    leakSlopeBytesPerSecond: leakSlope(run, leakStart, firstAlert),
    whole,
    outage,
    users,
    budget: errorBudget(
      run.settings.slo?.availabilityTarget,
      options.sloWindowDays,
      whole.failed,
      whole.meanRequestsPerSecond,
    ),
  };
}

function misleadingPaths(run: RunData, actions: TimedEvent<ActionFields>[]): MisleadingPath[] {
  const observations = byType<Partial<ObservationData>>(run, 'observation');
  return actions
    .filter((a) => a.data.misleading === true)
    .map((action) => ({
      action,
      observation:
        observations.find((o) => o.ms >= action.ms && o.data.about !== undefined && o.data.about === action.data.action) ?? null,
    }));
}

function userImpact(run: RunData): UserImpact | null {
  const u = run.users;
  if (!u || !(u.users > 0)) return null;
  const perUser = Object.values(u.perUser ?? {});
  const sum = (pick: (r: { requests?: number; failures?: number }) => number | undefined): number =>
    perUser.reduce((n, r) => n + (pick(r) ?? 0), 0);
  return {
    users: u.users,
    affected: u.affected,
    share: u.affected / u.users,
    requests: Number.isFinite(u.requests) ? u.requests : sum((r) => r.requests),
    failed: Number.isFinite(u.failed) ? u.failed : sum((r) => r.failures),
  };
}

function lastTime(run: RunData): number | null {
  const times = [run.events.at(-1)?.ms, run.metrics.at(-1)?.t, run.load.at(-1)?.t].filter(
    (t): t is number => typeof t === 'number' && Number.isFinite(t),
  );
  return times.length > 0 ? Math.max(...times) : null;
}

/** Least-squares slope of heap used (bytes/s) under the first leaky process, up to the first alert. */
function leakSlope(run: RunData, leakStart: TimedEvent<Partial<DeployData>> | null, firstAlert: TimedEvent | null): number | null {
  if (!leakStart) return null;
  const pid = leakStart.data.pid;
  const end = firstAlert?.ms ?? Infinity;
  const points = run.metrics.filter(
    (m) => m.up !== false && m.t >= leakStart.ms && m.t <= end && (pid === undefined || m.pid === pid) && Number.isFinite(m.heapUsedBytes),
  );
  if (points.length < 3) return null;
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.t, 0) / n;
  const my = points.reduce((s, p) => s + (p.heapUsedBytes ?? 0), 0) / n;
  let sxy = 0, sxx = 0;
  for (const p of points) {
    sxy += (p.t - mx) * ((p.heapUsedBytes ?? 0) - my);
    sxx += (p.t - mx) ** 2;
  }
  return sxx > 0 ? (sxy / sxx) * 1000 : null;
}
