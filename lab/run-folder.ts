import { accessSync, constants, rmSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import path from 'node:path';
import { labError } from './errors.ts';
import { makeDirs } from './make-dirs.ts';
import { RUN_FILES, type RunSettings } from './run-files.ts';

export interface RunFolder {
  dir: string;
  file(name: keyof typeof RUN_FILES): string;
}

/**
 * Makes the run's folder (default `runs/<start time>-<scenario>/`) and points `runs/latest`
 * at it. Fails with LAB_ERR_OUTPUT_DIR before anything starts, so a bad --out costs nothing.
 */
export function createRunFolder(out: string | null, scenario: string, startedAt: Date, runsRoot = 'runs'): RunFolder {
  const stamp = startedAt.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const dir = path.resolve(out ?? path.join(runsRoot, `${stamp}-${scenario}`));
  try {
    makeDirs(path.join(dir, RUN_FILES.snapshots));
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw labError('LAB_ERR_OUTPUT_DIR', `cannot write the run folder ${dir}: ${(err as Error).message}`, err);
  }
  if (out === null) pointLatest(path.resolve(runsRoot), dir);
  return { dir, file: (name) => path.join(dir, RUN_FILES[name]) };
}

function pointLatest(root: string, dir: string): void {
  const latest = path.join(root, 'latest');
  try {
    if (lstatSync(latest, { throwIfNoEntry: false })) rmSync(latest, { recursive: true, force: true });
    symlinkSync(path.relative(root, dir), latest, 'dir');
  } catch {
    // A missing `latest` link is an inconvenience, not a reason to fail a run.
  }
}

export function writeSettings(folder: RunFolder, settings: RunSettings): void {
  writeFileSync(folder.file('settings'), `${JSON.stringify(settings, null, 2)}\n`);
}
