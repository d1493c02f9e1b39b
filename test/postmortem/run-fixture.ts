import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Helpers over the recorded run in test/fixtures/run-sample. Tests read their expectations from
 * the fixture's own files through these, never from constants, so the fixture can be replaced by
 * any real recorded run.
 */
export const FIXTURE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/run-sample');

export interface FixtureEvent {
  at: string;
  type: string;
  source: string;
  summary: string;
  data: Record<string, unknown>;
}

const tempDirs: string[] = [];

/** A fresh copy of the fixture run in a temp folder (removed by cleanupRunCopies). */
export function copyRun(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'postmortem-run-'));
  tempDirs.push(dir);
  fs.cpSync(FIXTURE_DIR, dir, { recursive: true });
  return dir;
}

export function cleanupRunCopies(): void {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export function readJson<T = any>(dir: string, file: string): T {
  return JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as T;
}

export function writeJson(dir: string, file: string, value: unknown): void {
  fs.writeFileSync(path.join(dir, file), `${JSON.stringify(value, null, 2)}\n`);
}

export function readJsonl<T = any>(dir: string, file: string): T[] {
  return fs.readFileSync(path.join(dir, file), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as T);
}

export function writeJsonl(dir: string, file: string, rows: unknown[]): void {
  fs.writeFileSync(path.join(dir, file), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

export function events(dir: string): FixtureEvent[] {
  return readJsonl<FixtureEvent>(dir, 'timeline.jsonl').sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** HH:MM:SS of an instant in a zone, by Intl directly (independent of the code under test). */
export function hms(ms: number, tz: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' })
    .formatToParts(new Date(ms));
  return ['hour', 'minute', 'second'].map((t) => parts.find((p) => p.type === t)!.value).join(':');
}

/** "UTC+03:00" for a zone at an instant, by Intl directly. */
export function utcOffset(ms: number, tz: string): string {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
    .formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')!.value;
  return name === 'GMT' ? 'UTC+00:00' : name.replace('GMT', 'UTC');
}

/** The outage's start as the brief defines it: the earlier of the first failure second and the first alert firing. */
export function outageStartMs(dir: string): number {
  const firstFailure = readJsonl<{ t: number; failed: number }>(dir, 'load.jsonl').find((s) => s.failed > 0)?.t ?? Infinity;
  const firstAlert = events(dir).find((e) => e.type === 'alert' && e.data.state === 'firing');
  return Math.min(firstFailure, firstAlert ? Date.parse(firstAlert.at) : Infinity);
}

/** The text of one `## Title` section of the Markdown. */
export function mdSection(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n## ${title}\n`);
  if (start === -1) throw new Error(`no section "${title}" in the Markdown`);
  const next = markdown.indexOf('\n## ', start + 4);
  return markdown.slice(start, next === -1 ? undefined : next);
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}
