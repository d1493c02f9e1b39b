import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { findScenario } from '../leak-scenarios/index.ts';
import { startLoad } from '../load/load-run.ts';
import type { LoadHandle } from '../load/load-types.ts';
import { startMonitor, type Monitor } from '../monitor/start-monitor.ts';
import { writePostmortem } from '../postmortem/write-postmortem.ts';
import { runDiagnosis } from './diagnosis-step.ts';
import { isLabError } from './errors.ts';
import { Incident } from './incident.ts';
import { JsonlFile } from './jsonl-file.ts';
import type { OutageOptions } from './outage-options.ts';
import { playIncident } from './outage-story.ts';
import { createRunFolder, writeSettings, type RunFolder } from './run-folder.ts';
import type { DiagnosisData, LoadSecond, MetricSample, UserOutcomes, VerifyData } from './run-files.ts';
import { REPO_ROOT } from './repo-root.ts';
import { Timeline } from './timeline.ts';
import { verifyWindow } from './verify-window.ts';
import { isoInZone } from './zoned-time.ts';

const MB = 2 ** 20;

export interface OutageHooks {
  signal: AbortSignal;
  /** Progress lines for people (stderr). */
  progress: (line: string) => void;
  /** Once a second, for the live status. */
  tick?: (incident: Incident) => void;
  /** Called with the folder as soon as it exists (so a Ctrl-C message can name it). */
  onFolder?: (folder: RunFolder) => void;
}

export interface OutageResult {
  runDir: string;
  scenario: string;
  outcome: 'resolved' | 'unresolved' | 'aborted';
  detectionSeconds: number | null;
  runSeconds: number;
  users: { users: number; affected: number; percent: number };
  diagnosis: DiagnosisData | null;
  verify: VerifyData | null;
  postmortem: string[];
}

/** One whole incident, for real: the story in outage-story.ts, then the diagnosis, the fix and its verification. */
export async function runOutage(opts: Readonly<OutageOptions>, hooks: OutageHooks): Promise<OutageResult> {
  const scenario = findScenario(opts.scenario);
  const startedAt = new Date();
  const folder = createRunFolder(opts.out, scenario.name, startedAt);
  hooks.onFolder?.(folder);
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
    { scenario: scenario.name, token: randomBytes(18).toString('base64url'), snapshotDir: folder.file('snapshots'), rssLimitMb: opts.rssLimitMb, unresponsiveSeconds: opts.unresponsiveSeconds, signal: hooks.signal },
    timeline,
  );
  timeline.onEvent((e) => hooks.progress(`${e.at.slice(11, 19)} ${e.type.padEnd(11)} ${e.summary}`));

  // The monitor needs a process to watch, so it starts with the first deploy.
  let monitor: Monitor | null = null;
  const monitorFollower = {
    retarget(target: { url: string; pid: number; heapCapBytes: number }) {
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
          incident.onAlert(
            { rule: alert.rule, severity: alert.severity, state: alert.state, value: alert.value, threshold: alert.threshold, unit: alert.unit },
            `${alert.state === 'firing' ? 'Alert' : 'Resolved'} ${alert.rule}: ${alert.summary}`,
            new Date(alert.at),
          );
        },
      });
    },
  };
  let load = null as LoadHandle | null;
  const loadFollower = { retarget: (t: { url: string }) => load?.retarget(t.url) };
  incident.follow(monitorFollower);
  incident.follow(loadFollower);
  const startTraffic = () => {
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
  };

  let outcome: OutageResult['outcome'] = 'unresolved';
  let diagnosis: DiagnosisData | null = null;
  let verify: VerifyData | null = null;
  let detectionSeconds: number | null = null;
  let failure: unknown = null;
  try {
    const evidence = await playIncident(incident, opts, startTraffic);
    detectionSeconds = secondsBetween(timeline.events.find((e) => e.type === 'deploy')!.at, timeline.events.find((e) => e.type === 'alert')!.at);
    incident.phase = 'diagnose';
    diagnosis = await runDiagnosis(incident, folder.dir, evidence.snapshots, scenario.leak.identifier, hooks.progress);

    incident.phase = 'fixed';
    await incident.stopApp();
    const fixedAt = Date.now();
    await incident.deploy('fixed', opts.heapCapMb, 'fix', `Fixed build deployed: ${scenario.fix.split('. ')[0]}.`);
    const settled = await incident
      .waitFor('sample', () => incident.activeAlerts.size === 0, opts.detectTimeoutSeconds * 1000, 'every alert resolving after the fix')
      .then(() => true, (err: unknown) => (isLabError(err, 'LAB_ERR_TIMEOUT') ? false : Promise.reject(err)));
    if (settled) timeline.record('observation', 'monitor', `Service restored: every alert resolved ${Math.round((Date.now() - fixedAt) / 1000)} s after the fixed build went out.`, {
      about: 'deploy-fix',
      conclusion: 'the fixed build serves the traffic without errors; verification starts now',
    });
    incident.phase = 'verify';
    verify = await verifyWindow(incident, 'fixed', { seconds: opts.verifySeconds, noiseBoundBytesPerSecond: opts.noiseBoundBytesPerSecond });
    timeline.record('verify', 'lab', verifySummary(verify), verify);
    if (verify.passed) {
      timeline.record('resolved', 'lab', 'Incident resolved: the fixed build holds memory flat under the same traffic with no errors.', {});
      outcome = 'resolved';
    } else {
      timeline.record('note', 'lab', 'The fixed build did not pass verification; the incident stays open.', {});
    }
  } catch (err) {
    if (isLabError(err, 'LAB_ERR_ABORTED') || hooks.signal.aborted) {
      outcome = 'aborted';
      timeline.record('aborted', 'lab', 'Run interrupted (Ctrl-C or SIGTERM); the app and the load were stopped.', { phase: incident.phase });
    } else {
      timeline.record('aborted', 'lab', `Run cut short: ${(err as Error).message}`, { phase: incident.phase, error: (err as Error).message, code: (err as { code?: string }).code ?? null });
      failure = err;
    }
  } finally {
    const totals = await load?.stop().catch(() => null);
    await (monitor as Monitor | null)?.stop();
    await incident.stopApp();
    if (load) writeUsers(folder, load.userOutcomes(), opts.tz);
    if (totals) timeline.record('load', 'load', `Traffic stopped after ${totals.requests.toLocaleString('en-US')} requests (${totals.failed.toLocaleString('en-US')} failed).`, { state: 'stopped', ...totals });
    metricsFile.close();
    loadFile.close();
    timeline.close();
  }

  // A cut-short run still gets its write-up: what is known, and plainly what is missing.
  let postmortem: string[] = [];
  if (opts.postmortem && !hooks.signal.aborted) {
    hooks.progress('writing the postmortem...');
    const written = await writePostmortem(folder.dir, { onWarning: (w) => hooks.progress(`postmortem: ${w}`) });
    postmortem = [written.markdownFile, written.htmlFile];
  }
  if (failure) throw failure;
  const users = load?.userOutcomes() ?? { users: 0, affected: 0 };
  return {
    runDir: folder.dir,
    scenario: scenario.name,
    outcome,
    detectionSeconds,
    runSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    users: { users: users.users, affected: users.affected, percent: users.users ? (100 * users.affected) / users.users : 0 },
    diagnosis,
    verify,
    postmortem,
  };
}

function writeUsers(folder: RunFolder, outcomes: { users: number; affected: number; perUser: Record<string, { requests: number; failures: number; firstFailureAt: number | null }> }, tz: string): void {
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
}

function verifySummary(v: VerifyData): string {
  const slope = `${(v.slopeBytesPerSecond / 1024).toFixed(1)} KB/s (bound ${(v.noiseBoundBytesPerSecond / 1024).toFixed(0)} KB/s)`;
  return v.passed
    ? `Verification passed over ${v.seconds} s: heap trend ${slope}, ${v.requests.toLocaleString('en-US')} requests, 0 failed, no alert.`
    : `Verification FAILED over ${v.seconds} s: heap trend ${slope}, ${v.failed} failed, ${v.alertsFired} alerts.`;
}

function secondsBetween(a: string, b: string): number {
  return Math.round((Date.parse(b) - Date.parse(a)) / 1000);
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
