import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll } from 'vitest';
import { diagnose } from '../../analysis/diagnose.ts';
import { REPO } from './fixtures.ts';

export const run = promisify(execFile);
export const FIXTURE = fileURLToPath(new URL('../fixtures/analysis/outside-leaks.mjs', import.meta.url));
export const dir = mkdtempSync(join(tmpdir(), 'leak-lab-outside-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

export const EXPRESS = fileURLToPath(new URL('../fixtures/analysis/express-cjs-leaks.cjs', import.meta.url));
export const ABORT_TIMEOUT = fileURLToPath(new URL('../fixtures/analysis/abort-timeout.mjs', import.meta.url));
export const lineOf = (text: string, file = FIXTURE) => readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;

/**
 * Bounds on a kind's fixture and on its test. Generous: the analysis lane runs at the least CPU
 * priority (test/run-lanes.ts), so a kind can wait minutes for a core while the apps lane's leak
 * check takes both; at nice 10 one went past the 60 s it had. A hung fixture is still cut off.
 */
export const KIND_CHILD_TIMEOUT_MS = 240_000;
export const KIND_TEST_TIMEOUT_MS = 300_000;

/** Runs a KIND of a leak fixture written outside the lab in a child process, then diagnoses its three snapshots. */
export async function diagnoseKind(kind: string, fixture = FIXTURE) {
  const out = join(dir, `${fixture === FIXTURE ? '' : `${basename(fixture).split('.')[0]}-`}${kind}`);
  mkdirSync(out);
  // Leaks are capped like every leaky process of the lab: a runaway fixture fails, it does not fill the machine.
  await run(process.execPath, ['--expose-gc', '--max-old-space-size=256', fixture, out, kind], { cwd: REPO, timeout: KIND_CHILD_TIMEOUT_MS });
  return diagnose({ snapshots: [0, 1, 2].map((i) => join(out, `s${i}.heapsnapshot`)) });
}
