import { chmodSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import v8 from 'node:v8';

type HeapdumpModule = { writeSnapshot(file: string, cb?: (err: Error | null, file: string) => void): boolean };

export interface SnapshotWriter {
  /** Which writer is in use: the heapdump addon, or node's own v8.writeHeapSnapshot. */
  readonly engine: 'heapdump' | 'v8';
  /** Writes `<dir>/<label>-<pid>-<time>.heapsnapshot` with mode 0600 and returns its path. */
  write(label: string): Promise<string>;
}

const LABEL = /^[a-z0-9][a-z0-9_-]{0,40}$/i;

export function isSnapshotLabel(label: string): boolean {
  return LABEL.test(label);
}

/**
 * Heap snapshots with heapdump, as asked for; its native addon may be missing (no compiler at
 * install time), so the writer falls back to v8.writeHeapSnapshot and says so once.
 */
export function createSnapshotWriter(dir: string, warn: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): SnapshotWriter {
  const heapdump = loadHeapdump();
  if (!heapdump) warn('leak-lab: heapdump native addon unavailable; writing heap snapshots with v8.writeHeapSnapshot');
  const engine = heapdump ? 'heapdump' : 'v8';
  return {
    engine,
    async write(label) {
      if (!isSnapshotLabel(label)) throw new Error(`bad snapshot label ${JSON.stringify(label)}`);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const file = path.resolve(dir, `${label}-${process.pid}-${stamp}.heapsnapshot`);
      if (heapdump) await writeWithHeapdump(heapdump, file);
      else v8.writeHeapSnapshot(file);
      // A heap snapshot holds every secret in the process's memory: owner-only.
      chmodSync(file, 0o600);
      return file;
    },
  };
}

function loadHeapdump(): HeapdumpModule | null {
  if (process.env.LEAK_LAB_NO_HEAPDUMP === '1') return null;
  // heapdump installs its own SIGUSR2 handler unless told not to; the app has its own, with our file names.
  process.env.NODE_HEAPDUMP_OPTIONS = 'nosignal';
  try {
    return createRequire(import.meta.url)('heapdump') as HeapdumpModule;
  } catch {
    return null;
  }
}

function writeWithHeapdump(heapdump: HeapdumpModule, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    heapdump.writeSnapshot(file, (err) => (err ? reject(err) : resolve()));
  });
}
