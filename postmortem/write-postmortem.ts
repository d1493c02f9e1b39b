import fs from 'node:fs/promises';
import path from 'node:path';
import { labError } from '../lab/errors.ts';
import { REPO_ROOT } from '../lab/repo-root.ts';
import { buildDocument } from './build-document.ts';
import { incidentFacts } from './incident-facts.ts';
import { leakFacts } from './leak-facts.ts';
import { readRun } from './read-run.ts';
import { renderCharts } from './render-charts.ts';
import { renderHtml } from './render-html.ts';
import { renderMarkdown } from './render-markdown.ts';
import { describeProblem } from './run-data.ts';
import { readSourceRegions } from './source-regions.ts';
import { isValidTimeZone, zoneClock } from './time-format.ts';

export const POSTMORTEM_DEFAULTS = {
  /** Where the scenario's repo-relative source file is looked up. */
  repoRoot: REPO_ROOT,
  /** The window the availability SLO is stated over, for the error budget. */
  sloWindowDays: 30,
} as const;

export interface PostmortemOptions {
  repoRoot?: string;
  sloWindowDays?: number;
  /** Called with each step, e.g. "reading runs/x"; the CLI sends these to stderr. */
  onProgress?: (message: string) => void;
  /** Called once per problem found in the run's files (a corrupt line, with its number). */
  onWarning?: (message: string) => void;
}

export interface PostmortemResult {
  markdownFile: string;
  htmlFile: string;
  chartFiles: string[];
  /** What the run lacks, e.g. "diagnosis.json", "timeline.jsonl: resolved event". */
  missing: string[];
  /** Problems reading the run, e.g. "timeline.jsonl line 7: not valid JSON, skipped (...)". */
  warnings: string[];
}

/**
 * Writes postmortem.md, postmortem.html and the chart SVGs into a run folder, from that run's files.
 * A partial run still gets a report that says what is missing; a folder without settings.json or
 * timeline.jsonl throws LAB_ERR_RUN_FILES.
 *
 * @example
 *   const { htmlFile, missing } = await writePostmortem('runs/latest');
 */
export async function writePostmortem(runDir: string, options: PostmortemOptions = {}): Promise<PostmortemResult> {
  const opts = { ...POSTMORTEM_DEFAULTS, ...options };
  if (!(opts.sloWindowDays > 0)) throw labError('LAB_ERR_BAD_OPTION', `sloWindowDays must be a positive number, got ${opts.sloWindowDays}`);
  const progress = opts.onProgress ?? (() => {});

  progress(`reading ${runDir}`);
  const run = await readRun(runDir);
  const tz = run.settings.tz;
  if (!isValidTimeZone(tz)) {
    run.problems.push({ file: 'settings.json', message: `time zone ${JSON.stringify(tz ?? null)} is not an IANA zone; times are shown in UTC` });
  }
  const warnings = run.problems.map(describeProblem);
  for (const warning of warnings) opts.onWarning?.(warning);

  const clock = zoneClock(isValidTimeZone(tz) ? tz : 'UTC');
  const facts = incidentFacts(run, { sloWindowDays: opts.sloWindowDays });
  const source = readSourceRegions(opts.repoRoot, run.settings.scenario?.leak?.file);
  progress('drawing charts');
  const charts = await renderCharts(run, facts, clock);
  const { doc, missing } = buildDocument({ run, facts, leak: leakFacts(run.diagnosis), source, clock, charts });
  if (!isValidTimeZone(tz)) missing.push('settings.json: tz');

  const markdownFile = path.join(run.dir, 'postmortem.md');
  const htmlFile = path.join(run.dir, 'postmortem.html');
  const chartFiles = charts.map((c) => path.join(run.dir, c.file));
  progress(`writing ${path.relative(process.cwd(), markdownFile) || markdownFile}`);
  try {
    await Promise.all([
      ...charts.map((c, i) => fs.writeFile(chartFiles[i]!, `${c.svg}\n`)),
      fs.writeFile(markdownFile, renderMarkdown(doc)),
      fs.writeFile(htmlFile, renderHtml(doc)),
    ]);
  } catch (err) {
    throw labError('LAB_ERR_OUTPUT_DIR', `cannot write the postmortem into ${run.dir}: ${(err as Error).message}`, err);
  }
  return { markdownFile, htmlFile, chartFiles, missing, warnings };
}
