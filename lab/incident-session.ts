import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { LeakScenario } from '../leak-scenarios/scenario.ts';
import { startLoad } from '../load/load-run.ts';
import type { LoadHandle, LoadTotals } from '../load/load-types.ts';
import { startMonitor, type Monitor } from '../monitor/start-monitor.ts';
import { Incident } from './incident.ts';
import { JsonlFile } from './jsonl-file.ts';
import type { OutageOptions } from './outage-options.ts';
import { REPO_ROOT } from './repo-root.ts';
import { createRunFolder, writeSettings, type RunFolder } from './run-folder.ts';
import type { LoadSecond, MetricSample, UserOutcomes } from './run-files.ts';
import { Timeline } from './timeline.ts';
import { isoInZone } from './zoned-time.ts';

const MB = 2 ** 20;

export interface SessionHooks {
  signal: AbortSignal;
  /** Progress lines for people (stderr): every timeline event goes through here. */
  progress: (line: string) => void;
  /** Once a second, after each monitor sample (live status, dashboards). */
  tick?: (incident: Incident) => void;
  /** The session as soon as it is open, before anything is deployed (e.g. to attach a live dashboard). */
  onSession?: (session: IncidentSession) => void;
}

export interface IncidentSession {
  readonly folder: RunFolder;
  readonly timeline: Timeline;
  readonly incident: Incident;
  readonly startedAt: Date;
  /** Starts the traffic against the app deployed now; later deploys retarget it. */
  startTraffic(): void;
  load(): LoadHandle | null;
  /**
   * Stops load, monitor and app, writes users.json and closes the run's files; `lastWords`
   * records the run's final event (e.g. `aborted`) just before the timeline closes.
   */
  close(lastWords?: (timeline: Timeline) => void): Promise<UserOutcomes | null>;
}

/**
 * Everything one live incident needs around the app: the run folder and its files, the
 * timeline, the monitor and the traffic, all following whichever process is deployed now.
 * The outage run and the drill differ only in who decides what happens next.
 */
export function openIncidentSession(scenario: LeakScenario, opts: Readonly<OutageOptions>, hooks: SessionHooks): IncidentSession {
  const startedAt = new Date();
  const folder = createRunFolder(opts.out, scenario.name, startedAt);
  writeSettings(folder, {
    scenario: { name: scenario.name, title: scenario.title, story: scenario.story, rootCause: scenario.rootCause, fix: scenario.fix, leak: { ...scenario.leak } },
    profile: opts.profile,
    seed: opts.seed,
    tz: opts.tz,
    startedAt: isoInZone(startedAt, opts.tz),
    heapCapMb: opts.heapCapMb,
    raisedHeapCapMb: opts.raisedHeapCapMb,
    rssLimitMb: opts.rssLimitMb,
    load: { rate: opts.rate, connections: opts.connections, users: opts.users, timeoutSeconds: opts.timeoutSeconds },
    slo: { ...opts.slo },
    versions: versions(),
  });
  const timeline = new Timeline(folder.file('timeline'), opts.tz);
  const metricsFile = new JsonlFile<MetricSample>(folder.file('metrics'));
  const loadFile = new JsonlFile<LoadSecond>(folder.file('load'));
  const incident = new Incident(
    {
      scenario: scenario.name,
      token: randomBytes(18).toString('base64url'),
      snapshotDir: folder.file('snapshots'),
      rssLimitMb: opts.rssLimitMb,
      unresponsiveSeconds: opts.unresponsiveSeconds,
      signal: hooks.signal,
    },
    timeline,
  );
  timeline.onEvent((e) => hooks.progress(`${e.at.slice(11, 19)} ${e.type.padEnd(11)} ${e.summary}`));

  // The monitor needs a process to watch, so it starts with the first deploy.
  let monitor: Monitor | null = null;
  let load: LoadHandle | null = null;
  incident.follow({
    retarget(target) {
      if (monitor) {
        monitor.retarget(target);
        return;
      }
      monitor = startMonitor({
        target,
        heapCapBytes: target.heapCapBytes,
        latencySloMs: opts.slo.latencyP99Ms,
        errorRateBound: opts.slo.errorRate,
        watchdog: { rssLimitBytes: opts.rssLimitMb * MB },
        onSample(sample) {
          const row = { ...sample, heapCapBytes: incident.heapCapMb * MB, phase: incident.phase } as MetricSample;
          metricsFile.append(row);
          incident.onSample(row);
          hooks.tick?.(incident);
        },
        onAlert(alert) {
          // The timeline gets one short sentence; the monitor's full reading stays in `detail`.
          incident.onAlert(
            { rule: alert.rule, severity: alert.severity, state: alert.state, value: alert.value, threshold: alert.threshold, unit: alert.unit, basis: alert.basis, detail: alert.summary },
            alert.state === 'firing'
              ? `Alert ${alert.rule} fired (${alert.severity}): ${formatValue(alert.value, alert.unit)}${alert.basis === 'forecast' ? ' predicted' : ''} against a threshold of ${formatValue(alert.threshold, alert.unit)}.`
              : `Alert ${alert.rule} resolved: ${formatValue(alert.value, alert.unit)}, under ${formatValue(alert.threshold, alert.unit)}.`,
            new Date(alert.at),
          );
        },
      });
    },
  });
  incident.follow({ retarget: (t) => load?.retarget(t.url) });

  let closing: Promise<UserOutcomes | null> | null = null;
  const session: IncidentSession = {
    folder,
    timeline,
    incident,
    startedAt,
    load: () => load,
    startTraffic() {
      load = startLoad({
        url: incident.app!.url,
        overallRate: opts.rate,
        connections: opts.connections,
        users: opts.users,
        seed: opts.seed,
        timeoutSeconds: opts.timeoutSeconds,
        onSecond(second) {
          loadFile.append(second);
          monitor?.feedLoadSecond(second);
          incident.onLoadSecond(second);
        },
      });
      timeline.record('load', 'load', `Traffic started: ${opts.rate} req/s from ${opts.users.toLocaleString('en-US')} users (autocannon).`, {
        state: 'started',
        rate: opts.rate,
        users: opts.users,
        connections: opts.connections,
      });
    },
    close(lastWords) {
      closing ??= (async () => {
        const totals = await (load as LoadHandle | null)?.stop().catch(() => null);
        await (monitor as Monitor | null)?.stop();
        await incident.stopApp();
        const users = load ? writeUsers(folder, load.userOutcomes(), opts.tz) : null;
        if (totals) recordTrafficStopped(timeline, totals);
        lastWords?.(timeline);
        metricsFile.close();
        loadFile.close();
        timeline.close();
        return users;
      })();
      return closing;
    },
  };
  hooks.onSession?.(session);
  return session;
}

function formatValue(value: number, unit: string): string {
  if (unit === 'ratio') return `${(value * 100).toFixed(1)}%`;
  if (unit === 'bytes') return `${(value / MB).toFixed(1)} MB`;
  if (unit === 'ms') return `${value.toFixed(0)} ms`;
  return `${value} ${unit}`;
}

function recordTrafficStopped(timeline: Timeline, totals: LoadTotals): void {
  timeline.record('load', 'load', `Traffic stopped after ${totals.requests.toLocaleString('en-US')} requests (${totals.failed.toLocaleString('en-US')} failed).`, {
    state: 'stopped',
    ...totals,
  });
}

function writeUsers(folder: RunFolder, outcomes: ReturnType<LoadHandle['userOutcomes']>, tz: string): UserOutcomes {
  const perUser: UserOutcomes['perUser'] = {};
  let requests = 0;
  let failed = 0;
  for (const [user, o] of Object.entries(outcomes.perUser)) {
    requests += o.requests;
    failed += o.failures;
    perUser[user] = { requests: o.requests, failures: o.failures, firstFailureAt: o.firstFailureAt === null ? null : isoInZone(new Date(o.firstFailureAt), tz) };
  }
  const data: UserOutcomes = { users: outcomes.users, affected: outcomes.affected, requests, failed, perUser };
  writeFileSync(folder.file('users'), `${JSON.stringify(data, null, 1)}\n`);
  return data;
}

function versions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const version = (name: string) => {
    try {
      return (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  const own = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  return { node: process.version, leakLab: own.version, express: version('express'), autocannon: version('autocannon'), pidusage: version('pidusage') };
}
