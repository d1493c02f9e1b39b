/**
 * The files one run leaves in its folder, and the shape of each: the contract between the
 * run that records (lab/) and whatever reads a run back (postmortem/, drills, people with jq).
 *
 *   settings.json     RunSettings
 *   timeline.jsonl    TimelineEvent, one a line, appended and flushed as it happens
 *   metrics.jsonl     MetricSample, one a second (the monitor's view of the app)
 *   load.jsonl        LoadSecond, one a second (the users' view)
 *   users.json        UserOutcomes (who saw a failure)
 *   diagnosis.json    the heap diff's report (analysis/diagnose.ts)
 *   snapshots/        the heap snapshots the run took
 */
export const RUN_FILES = {
  settings: 'settings.json',
  timeline: 'timeline.jsonl',
  metrics: 'metrics.jsonl',
  load: 'load.jsonl',
  users: 'users.json',
  diagnosis: 'diagnosis.json',
  snapshots: 'snapshots',
} as const;

export type TimelineEventType =
  | 'deploy'
  | 'load'
  | 'alert'
  | 'snapshot'
  | 'action'
  | 'observation'
  | 'crash'
  | 'escalation'
  | 'diagnosis'
  | 'verify'
  | 'resolved'
  | 'aborted'
  | 'note';

export interface TimelineEvent<D = Record<string, unknown>> {
  /** ISO-8601 with the UTC offset of the run's --tz, e.g. 2026-11-25T20:53:39.123+03:00. */
  at: string;
  type: TimelineEventType;
  /** Who did or saw it: lab, monitor, load, responder (ops), developer, app. */
  source: string;
  /** One or two sentences a person can read in a timeline. */
  summary: string;
  data: D;
}

/** `data` of the main event types; every field is measured by the run. */
export interface DeployData {
  pid: number;
  url: string;
  scenario: string;
  variant: 'leaky' | 'fixed';
  heapCapMb: number;
  /** Why this deploy happened: initial, restart, raise-heap-limit, fix. */
  reason: 'initial' | 'restart' | 'raise-heap-limit' | 'fix';
}

export interface AlertData {
  rule: string;
  severity: 'warning' | 'critical';
  state: 'firing' | 'resolved';
  value: number;
  threshold: number;
  /** The unit value and threshold are in, e.g. "ratio", "ms", "s", "bytes". */
  unit: string;
  /** The monitor's full reading, e.g. the growth rate and when the cap would be reached. */
  detail?: string;
  /** A level measured now, or a forecast from the trend; absent in runs recorded before it was kept. */
  basis?: 'level' | 'forecast';
}

export interface SnapshotData {
  label: string;
  file: string;
  bytes: number;
  heapUsedBytes?: number | null;
}

export interface ActionData {
  /** restart | raise-heap-limit | take-snapshot | diagnose | deploy-fix | ... */
  action: string;
  /** Part of a misleading investigation path (it looked plausible and did not help). */
  misleading?: boolean;
  /** What the responder believed when acting. */
  assumption?: string;
  [key: string]: unknown;
}

/** A measurement that settles a question, e.g. that memory came back after the restart. */
export interface ObservationData {
  /** The action this observation judges, when it judges one. */
  about?: string;
  conclusion: string;
  [key: string]: unknown;
}

export interface CrashData {
  pid: number;
  code: number | null;
  signal: string | null;
  /** heap-exhaustion | watchdog | unresponsive | exited */
  reason: string;
  stderrTail: string[];
  rssBytes?: number | null;
  heapUsedBytes?: number | null;
}

export interface EscalationData {
  from: string;
  to: string;
  reason: string;
}

export interface DiagnosisData {
  /** The diagnosis' top suspect, or null when it found no leak. */
  topSuspect: { name: string; holder: string; location: string | null; growthPerSnapshot: number[]; retainedBytes: number } | null;
  /** Whether the top suspect names the scenario's declared identifier. */
  correct: boolean;
  snapshots: string[];
  elapsedMs: number;
}

export interface VerifyData {
  variant: 'leaky' | 'fixed';
  seconds: number;
  verdict: 'flat' | 'leaking';
  /** Least-squares slope of heap used over the window, bytes per second. */
  slopeBytesPerSecond: number;
  noiseBoundBytesPerSecond: number;
  heapStartBytes: number;
  heapEndBytes: number;
  /** Every reading of the retained heap, warm-up included: ms since the first one, bytes. */
  probes: [number, number][];
  requests: number;
  failed: number;
  alertsFired: number;
  /** The share of requests that had to succeed (the SLO's availability objective). */
  availabilityTarget: number;
  passed: boolean;
}

export interface RunSettings {
  scenario: {
    name: string;
    title: string;
    story: string;
    rootCause: string;
    fix: string;
    leak: { file: string; identifier: string };
  };
  profile: string;
  seed: number;
  /** IANA zone every rendered time is in. */
  tz: string;
  startedAt: string;
  heapCapMb: number;
  /** The heap cap after the responders raised it (a misleading path). */
  raisedHeapCapMb: number;
  rssLimitMb: number;
  load: { rate: number; connections: number; users: number; timeoutSeconds: number };
  slo: { latencyP99Ms: number; errorRate: number; availabilityTarget: number };
  versions: Record<string, string>;
}

/**
 * One second of the monitor's view of the app (monitor/monitor-types.ts): RSS, CPU, heap
 * used/total and event-loop lag, with `up: false` and nulls (plus a `reason`) while the app
 * is down; and, added by the run, the heap cap in force and the run's phase at that second.
 */
export type MetricSample = MonitorSample & {
  /** The heap cap in force at that second, so a chart can draw it as it changed. */
  heapCapBytes: number;
  /** The run's phase at that second: baseline, leaking, restarted, raised, outage, fixed, verify. */
  phase: string;
};

/**
 * One second of the users' view, as the load generator records it (load/load-types.ts):
 * requests, status2xx, non2xx, errors, timeouts, failed, latencyP50Ms/latencyP99Ms (null in a
 * second with no answers), plus sent/expected4xx/status5xx/shed.
 */
export type { LoadSecond } from '../load/load-types.ts';
import type { MetricSample as MonitorSample } from '../monitor/monitor-types.ts';

export interface UserOutcomes {
  /** Distinct users that made at least one request. */
  users: number;
  /** Users that saw at least one failure (5xx, connection error or timeout). */
  affected: number;
  requests: number;
  failed: number;
  perUser: Record<string, { requests: number; failures: number; firstFailureAt: string | null }>;
}
