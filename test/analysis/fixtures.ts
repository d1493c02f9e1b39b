import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CHILD_TIMEOUT_MS } from '../helpers/lane-bounds.ts';

const run = promisify(execFile);
export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const APP = fileURLToPath(new URL('../fixtures/analysis/leak-app.mjs', import.meta.url));

/** Runs the fixture app for one scenario and returns its three snapshots, oldest first. */
export async function makeSnapshots(dir: string, scenario: string, perInterval = 300): Promise<string[]> {
  const out = join(dir, scenario);
  mkdirSync(out, { recursive: true });
  // cwd = repo root so locations come out relative (test/fixtures/analysis/leak-app.mjs).
  await run(process.execPath, ['--expose-gc', APP, out, scenario, String(perInterval)], { cwd: REPO, timeout: CHILD_TIMEOUT_MS });
  return [0, 1, 2].map((i) => join(out, `s${i}.heapsnapshot`));
}

/** Runs the TypeScript ESM fixture through tsx, as the lab runs its app. */
export async function makeTsxSnapshots(dir: string): Promise<string[]> {
  const out = join(dir, 'tsx-esm');
  mkdirSync(out, { recursive: true });
  const script = fileURLToPath(new URL('../fixtures/analysis/esm-leak.ts', import.meta.url));
  await run(process.execPath, ['--expose-gc', '--import', 'tsx', script, out], { cwd: REPO, timeout: CHILD_TIMEOUT_MS });
  return [0, 1, 2].map((i) => join(out, `s${i}.heapsnapshot`));
}

/** A plain Node heap, small and real, for the bad-input and fuzz tests. */
export async function makeTinySnapshot(file: string): Promise<string> {
  const script = `require('v8').writeHeapSnapshot(${JSON.stringify(file)})`;
  await run(process.execPath, ['-e', script], { timeout: CHILD_TIMEOUT_MS });
  return file;
}
