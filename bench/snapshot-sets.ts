import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { labError } from '../lab/errors.ts';
import { REPO_ROOT } from '../lab/repo-root.ts';
import { measureProcess } from './measure-process.ts';
import type { SnapshotSet } from './run-tools.ts';

/** The variable bench/make-snapshots.mjs leaks through; both tools are checked against it. */
export const SYNTHETIC_LEAK = 'inflightByRequestId';

export interface SyntheticSet {
  sizeMb: number;
  set: SnapshotSet;
  /** File sizes in bytes: baseline, target, final. */
  bytes: [number, number, number];
  identifier: string;
  /** Seconds it took to build them in this run; null when reused from the cache. */
  madeInS: number | null;
}

interface Meta {
  identifier: string;
  targetMb: number;
  files: { label: string; file: string; bytes: number }[];
}

/** Time bound for building one set: writing a 1 GB snapshot takes minutes on 2 cores. */
function makeTimeoutMs(sizeMb: number): number {
  return Math.max(5 * 60_000, sizeMb * 2_000);
}

/**
 * The three snapshots of one synthetic process at about `sizeMb` each, in
 * `<cacheDir>/snapshots/<sizeMb>/`: reused when complete, rebuilt with `fresh`.
 */
export async function ensureSyntheticSet(
  cacheDir: string,
  sizeMb: number,
  opts: { fresh: boolean; log: (line: string) => void; signal?: AbortSignal },
): Promise<SyntheticSet> {
  const dir = path.join(cacheDir, 'snapshots', String(sizeMb));
  const metaFile = path.join(dir, 'meta.json');
  if (!opts.fresh) {
    const reused = readSet(dir, metaFile, sizeMb);
    if (reused) {
      opts.log(`snapshots ${sizeMb} MB: reusing ${dir} (${mbList(reused.bytes)}; --fresh rebuilds)`);
      return reused;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  // The heap is about 2x the snapshot's size at most; writing the snapshot needs as much again.
  const heapMb = Math.max(2048, sizeMb * 8);
  opts.log(`snapshots ${sizeMb} MB: building in ${dir} (node --max-old-space-size=${heapMb})`);
  const m = await measureProcess(process.execPath, ['--expose-gc', `--max-old-space-size=${heapMb}`, path.join(REPO_ROOT, 'bench/make-snapshots.mjs'), dir, String(sizeMb)], {
    cwd: REPO_ROOT,
    timeoutMs: makeTimeoutMs(sizeMb),
    signal: opts.signal,
    onStderrLine: (line) => line.trim() && opts.log(line),
  });
  if (m.exitCode !== 0) throw labError('LAB_ERR_SNAPSHOT', `bench/make-snapshots.mjs failed for ${sizeMb} MB (exit ${m.exitCode}): ${m.stderr.trim().split('\n').pop() ?? ''}`);
  const made = readSet(dir, metaFile, sizeMb);
  if (!made) throw labError('LAB_ERR_SNAPSHOT', `bench/make-snapshots.mjs exited 0 but ${dir} is incomplete`);
  opts.log(`snapshots ${sizeMb} MB: built in ${m.wallS.toFixed(0)} s, peak RSS ${(m.peakRssBytes / 2 ** 30).toFixed(1)} GiB`);
  return { ...made, madeInS: m.wallS };
}

function readSet(dir: string, metaFile: string, sizeMb: number): SyntheticSet | null {
  if (!existsSync(metaFile)) return null;
  try {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as Meta;
    const files = ['baseline', 'target', 'final'].map((label) => path.join(dir, `${label}.heapsnapshot`));
    const bytes = files.map((f, i) => {
      const size = statSync(f).size;
      if (size !== meta.files[i]?.bytes) throw new Error(`${f} changed size`);
      return size;
    });
    return {
      sizeMb,
      set: { baseline: files[0]!, target: files[1]!, final: files[2]! },
      bytes: bytes as [number, number, number],
      identifier: meta.identifier,
      madeInS: null,
    };
  } catch {
    return null;
  }
}

export function mbList(bytes: readonly number[]): string {
  return `${bytes.map((b) => (b / 2 ** 20).toFixed(0)).join(' / ')} MB`;
}
