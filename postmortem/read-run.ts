import fs from 'node:fs/promises';
import path from 'node:path';
import { labError } from '../lab/errors.ts';
import { RUN_FILES } from '../lab/run-files.ts';
import type { LoadSecond, MetricSample, TimelineEventType, UserOutcomes } from '../lab/run-files.ts';
import { isRecord, parseJsonLines } from './read-jsonl.ts';
import type { DiagnosisReport, RunData, RunProblem, TimedEvent } from './run-data.ts';

const EVENT_TYPES = new Set<string>([
  'deploy', 'load', 'alert', 'snapshot', 'action', 'observation', 'crash',
  'escalation', 'diagnosis', 'verify', 'resolved', 'aborted', 'note',
]);

/**
 * Reads a run folder back. Without settings.json or timeline.jsonl there is no run to write
 * about (LAB_ERR_RUN_FILES); anything else missing or corrupt is recorded and the rest is kept.
 */
export async function readRun(runDir: string): Promise<RunData> {
  // `runs/latest` is a link: the run is named by the folder it points at.
  const dir = await fs.realpath(runDir).catch(() => path.resolve(runDir));
  const problems: RunProblem[] = [];
  const absentFiles: string[] = [];

  const settingsText = await readRequired(dir, RUN_FILES.settings);
  const timelineText = await readRequired(dir, RUN_FILES.timeline);
  let settings: unknown;
  try {
    settings = JSON.parse(settingsText);
  } catch (err) {
    throw labError('LAB_ERR_RUN_FILES', `${path.join(dir, RUN_FILES.settings)} is not valid JSON`, err);
  }
  if (!isRecord(settings)) throw labError('LAB_ERR_RUN_FILES', `${path.join(dir, RUN_FILES.settings)} is not a JSON object`);
  const startedAtMs = typeof settings.startedAt === 'string' ? Date.parse(settings.startedAt) : NaN;

  const events = readTimeline(timelineText, problems);
  const metrics = await readSeconds<MetricSample>(dir, RUN_FILES.metrics, startedAtMs, problems, absentFiles);
  const load = await readSeconds<LoadSecond>(dir, RUN_FILES.load, startedAtMs, problems, absentFiles);
  const users = readUsers(await readOptionalJson(dir, RUN_FILES.users, problems, absentFiles), problems);
  const diagnosis = readDiagnosis(await readOptionalJson(dir, RUN_FILES.diagnosis, problems, absentFiles), problems);

  return { dir, settings, events, metrics, load, users, diagnosis, absentFiles, problems };
}

async function readRequired(dir: string, file: string): Promise<string> {
  try {
    return await fs.readFile(path.join(dir, file), 'utf8');
  } catch (err) {
    throw labError('LAB_ERR_RUN_FILES', `${dir} is not a run folder: ${file} cannot be read`, err);
  }
}

async function readOptional(dir: string, file: string, absentFiles: string[]): Promise<string | null> {
  try {
    return await fs.readFile(path.join(dir, file), 'utf8');
  } catch {
    absentFiles.push(file);
    return null;
  }
}

async function readOptionalJson(dir: string, file: string, problems: RunProblem[], absentFiles: string[]): Promise<unknown> {
  const text = await readOptional(dir, file, absentFiles);
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch (err) {
    problems.push({ file, message: `not valid JSON, ignored (${err instanceof Error ? err.message : String(err)})` });
    absentFiles.push(file);
    return null;
  }
}

function readTimeline(text: string, problems: RunProblem[]): TimedEvent[] {
  const file = RUN_FILES.timeline;
  const parsed = parseJsonLines(text, file);
  problems.push(...parsed.problems);
  const events: TimedEvent[] = [];
  for (const { line, value } of parsed.lines) {
    if (!isRecord(value) || typeof value.at !== 'string' || typeof value.type !== 'string') {
      problems.push({ file, line, message: 'not a timeline event (needs "at" and "type"), skipped' });
      continue;
    }
    const ms = Date.parse(value.at);
    if (!Number.isFinite(ms)) {
      problems.push({ file, line, message: `"at" is not a time (${JSON.stringify(value.at)}), skipped` });
      continue;
    }
    if (!EVENT_TYPES.has(value.type)) problems.push({ file, line, message: `unknown event type "${value.type}", kept as a note` });
    events.push({
      at: value.at,
      ms,
      line,
      type: (EVENT_TYPES.has(value.type) ? value.type : 'note') as TimelineEventType,
      source: typeof value.source === 'string' ? value.source : 'unknown',
      summary: typeof value.summary === 'string' ? value.summary : `(${value.type} event without a summary)`,
      data: isRecord(value.data) ? value.data : {},
    });
  }
  return events.sort((a, b) => a.ms - b.ms);
}

async function readSeconds<T extends { t: number }>(
  dir: string,
  file: string,
  startedAtMs: number,
  problems: RunProblem[],
  absentFiles: string[],
): Promise<T[]> {
  const text = await readOptional(dir, file, absentFiles);
  if (text === null) return [];
  const parsed = parseJsonLines(text, file);
  problems.push(...parsed.problems);
  const rows: T[] = [];
  for (const { line, value } of parsed.lines) {
    const t = isRecord(value) ? toEpochMs(value.t, startedAtMs) : null;
    if (!isRecord(value) || t === null) {
      problems.push({ file, line, message: 'no usable time "t", skipped' });
      continue;
    }
    rows.push({ ...value, t } as unknown as T);
  }
  return rows.sort((a, b) => a.t - b.t);
}

/** `t` is epoch ms as the lab writes it; epoch seconds and seconds since the start are accepted too. */
function toEpochMs(t: unknown, startedAtMs: number): number | null {
  const value = typeof t === 'string' ? Date.parse(t) : t;
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  if (value > 1e11) return value;
  if (value > 1e8) return value * 1000;
  return Number.isFinite(startedAtMs) ? startedAtMs + value * 1000 : null;
}

function readUsers(value: unknown, problems: RunProblem[]): UserOutcomes | null {
  if (value === null) return null;
  if (!isRecord(value) || typeof value.users !== 'number' || typeof value.affected !== 'number') {
    problems.push({ file: RUN_FILES.users, message: 'has no "users" and "affected" counts, ignored' });
    return null;
  }
  return {
    users: value.users,
    affected: value.affected,
    requests: typeof value.requests === 'number' ? value.requests : NaN,
    failed: typeof value.failed === 'number' ? value.failed : NaN,
    perUser: isRecord(value.perUser) ? (value.perUser as UserOutcomes['perUser']) : {},
  };
}

function readDiagnosis(value: unknown, problems: RunProblem[]): DiagnosisReport | null {
  if (value === null) return null;
  if (!isRecord(value)) {
    problems.push({ file: RUN_FILES.diagnosis, message: 'is not a JSON object, ignored' });
    return null;
  }
  return {
    snapshots: Array.isArray(value.snapshots) ? value.snapshots.filter(isRecord) : [],
    leaks: Array.isArray(value.leaks) ? value.leaks.filter(isRecord) : [],
    verdict: typeof value.verdict === 'string' ? value.verdict : undefined,
    elapsedMs: typeof value.elapsedMs === 'number' ? value.elapsedMs : undefined,
  };
}
