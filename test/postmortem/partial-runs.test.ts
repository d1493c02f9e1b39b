import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isLabError } from '../../lab/errors.ts';
import { SECTION_TITLES } from '../../postmortem/sections/index.ts';
import { writePostmortem } from '../../postmortem/write-postmortem.ts';
import { cleanupRunCopies, copyRun, mdSection, readJsonl, writeJsonl } from './run-fixture.ts';

function allSectionsIn(md: string): void {
  const positions = SECTION_TITLES.map((t) => md.indexOf(`\n## ${t}\n`));
  expect(positions.every((p) => p > 0)).toBe(true);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
}

describe('postmortem of a partial or damaged run', () => {
  afterAll(cleanupRunCopies);

  it('without diagnosis.json: still writes every section and says the diagnosis is missing', async () => {
    const dir = copyRun();
    fs.rmSync(path.join(dir, 'diagnosis.json'));
    const result = await writePostmortem(dir);
    const md = fs.readFileSync(result.markdownFile, 'utf8');
    allSectionsIn(md);
    expect(result.missing).toContain('diagnosis.json');
    expect(mdSection(md, 'Root cause and resolution in detail')).toContain('> **Missing:** diagnosis.json is missing');
    expect(fs.existsSync(result.htmlFile)).toBe(true);
  });

  it('an aborted run without resolution: says it was not resolved and up to when the data goes', async () => {
    const dir = copyRun();
    const rows = readJsonl(dir, 'timeline.jsonl');
    const crash = rows.findIndex((e) => e.type === 'crash');
    const kept = rows.slice(0, crash + 1);
    const abortedAt = new Date(Date.parse(kept.at(-1).at) + 2000);
    kept.push({ at: isoLike(kept[crash].at, abortedAt.getTime()), type: 'aborted', source: 'lab', summary: 'The run was interrupted (SIGINT).', data: {} });
    writeJsonl(dir, 'timeline.jsonl', kept);
    const cut = abortedAt.getTime();
    for (const file of ['metrics.jsonl', 'load.jsonl']) writeJsonl(dir, file, readJsonl(dir, file).filter((r) => r.t <= cut));
    fs.rmSync(path.join(dir, 'diagnosis.json'));
    fs.rmSync(path.join(dir, 'users.json'));

    const result = await writePostmortem(dir);
    const md = fs.readFileSync(result.markdownFile, 'utf8');
    allSectionsIn(md);
    expect(result.missing).toEqual(expect.arrayContaining([
      'diagnosis.json', 'users.json', 'timeline.jsonl: resolved event', 'timeline.jsonl: fix deploy', 'timeline.jsonl: verify event',
    ]));
    const summary = mdSection(md, 'Issue Summary');
    expect(summary).toContain('The outage was not resolved in this run.');
    expect(summary).toContain('the data goes up to');
    expect(summary).toContain('The run was aborted at');
    expect(summary).toContain('users.json is missing');
    expect(mdSection(md, 'Metrics')).toContain('| Time to resolve | not resolved');
  });

  it('a corrupt timeline line is reported with its number, and the rest is still written', async () => {
    const dir = copyRun();
    const file = path.join(dir, 'timeline.jsonl');
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    const corruptLine = 5;
    lines.splice(corruptLine - 1, 0, '{"at":"2026-11-25T14:00:10.000+03:00","type":"note",');
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const warnings: string[] = [];
    const result = await writePostmortem(dir, { onWarning: (w) => warnings.push(w) });
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(new RegExp(`^timeline\\.jsonl line ${corruptLine}: not valid JSON`));
    expect(warnings).toEqual(result.warnings);
    const md = fs.readFileSync(result.markdownFile, 'utf8');
    expect(mdSection(md, 'Timeline')).toContain(`timeline.jsonl line ${corruptLine}: not valid JSON`);
    expect([...mdSection(md, 'Timeline').matchAll(/^- \d\d:\d\d:\d\d — /gm)]).toHaveLength(lines.length - 1);
    allSectionsIn(md);
  });

  it('a run that crashed mid-write (half a last line) reports that line and keeps the rest', async () => {
    const dir = copyRun();
    const file = path.join(dir, 'metrics.jsonl');
    const text = fs.readFileSync(file, 'utf8');
    const lineCount = text.trimEnd().split('\n').length;
    fs.writeFileSync(file, `${text}{"t":17956`);
    const result = await writePostmortem(dir);
    expect(result.warnings).toEqual([expect.stringMatching(new RegExp(`^metrics\\.jsonl line ${lineCount + 1}: not valid JSON`))]);
    expect(result.chartFiles).toHaveLength(3);
  });

  it('a run with only settings.json and timeline.jsonl: says which files are missing and draws no charts', async () => {
    const dir = copyRun();
    for (const f of ['metrics.jsonl', 'load.jsonl', 'users.json', 'diagnosis.json']) fs.rmSync(path.join(dir, f));
    const result = await writePostmortem(dir);
    expect(result.chartFiles).toEqual([]);
    expect(result.missing).toEqual(expect.arrayContaining(['metrics.jsonl', 'load.jsonl', 'users.json', 'diagnosis.json']));
    const md = fs.readFileSync(result.markdownFile, 'utf8');
    allSectionsIn(md);
    expect(mdSection(md, 'Metrics')).toContain('load.jsonl is missing');
  });

  it('a folder without settings.json or timeline.jsonl is LAB_ERR_RUN_FILES', async () => {
    for (const file of ['settings.json', 'timeline.jsonl']) {
      const dir = copyRun();
      fs.rmSync(path.join(dir, file));
      const err = await writePostmortem(dir).catch((e: unknown) => e);
      expect(isLabError(err, 'LAB_ERR_RUN_FILES')).toBe(true);
      expect((err as Error).message).toContain(file);
    }
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'postmortem-empty-'));
    try {
      expect(isLabError(await writePostmortem(empty).catch((e: unknown) => e), 'LAB_ERR_RUN_FILES')).toBe(true);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('an unknown time zone falls back to UTC and says so', async () => {
    const dir = copyRun();
    const settingsFile = path.join(dir, 'settings.json');
    const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
    fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, tz: 'Mars/Olympus_Mons' }));
    const result = await writePostmortem(dir);
    expect(result.missing).toContain('settings.json: tz');
    expect(result.warnings.join('\n')).toContain('Mars/Olympus_Mons');
    expect(fs.readFileSync(result.markdownFile, 'utf8')).toContain('UTC (UTC+00:00)');
  });
});

function isoLike(template: string, ms: number): string {
  const offset = /([+-]\d\d:\d\d|Z)$/.exec(template)![1]!;
  const minutes = offset === 'Z' ? 0 : (offset.startsWith('-') ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  return `${new Date(ms + minutes * 60_000).toISOString().slice(0, -1)}${offset}`;
}
