import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll } from 'vitest';
import { diagnose } from '../../analysis/diagnose.ts';
import { REPO } from './fixtures.ts';
import { CHILD_TIMEOUT_MS } from '../helpers/lane-bounds.ts';

export const run = promisify(execFile);
export const FIXTURE = fileURLToPath(new URL('../fixtures/analysis/outside-leaks.mjs', import.meta.url));
export const dir = mkdtempSync(join(tmpdir(), 'leak-lab-outside-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

export const EXPRESS = fileURLToPath(new URL('../fixtures/analysis/express-cjs-leaks.cjs', import.meta.url));
export const ABORT_TIMEOUT = fileURLToPath(new URL('../fixtures/analysis/abort-timeout.mjs', import.meta.url));
export const lineOf = (text: string, file = FIXTURE) => readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;

/** Runs a KIND of a leak fixture written outside the lab in a child process, then diagnoses its three snapshots. */
export async function diagnoseKind(kind: string, fixture = FIXTURE) {
  const out = join(dir, `${fixture === FIXTURE ? '' : `${basename(fixture).split('.')[0]}-`}${kind}`);
  mkdirSync(out);
  // Leaks are capped like every leaky process of the lab: a runaway fixture fails, it does not fill the machine.
  await run(process.execPath, ['--expose-gc', '--max-old-space-size=256', fixture, out, kind], { cwd: REPO, timeout: CHILD_TIMEOUT_MS });
  return diagnose({ snapshots: [0, 1, 2].map((i) => join(out, `s${i}.heapsnapshot`)) });
}
