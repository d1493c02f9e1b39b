import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { labError } from '../lab/errors.ts';

/**
 * The snapshots of a run folder in the order they were taken. Names usually carry the time
 * or a sequence number (Node's own `Heap.<date>.<time>.<pid>.<tid>.<seq>.heapsnapshot`,
 * `s0`, `s1`...): when every name has the same number of digit groups they are compared
 * as numbers; otherwise the files' modification times decide.
 */
export async function latestSnapshots(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.heapsnapshot(?:\.gz)?$/i.test(n));
  } catch {
    throw labError('LAB_ERR_SNAPSHOT_SET', `no snapshots given and ${dir} cannot be read; pass --snapshots or --baseline/--final`);
  }
  if (names.length < 2) {
    throw labError('LAB_ERR_SNAPSHOT_SET', `${dir} holds ${names.length} heap snapshot(s); diagnose needs at least 2`);
  }
  const files = await Promise.all(names.map(async (n) => ({ name: n, path: join(dir, n), mtime: (await stat(join(dir, n))).mtimeMs })));
  const digits = (n: string) => (n.match(/\d+/g) ?? []).map(Number);
  const width = digits(files[0].name).length;
  const byName = width > 0 && files.every((f) => digits(f.name).length === width);
  files.sort((a, b) => (byName ? compareTuples(digits(a.name), digits(b.name)) : a.mtime - b.mtime) || (a.name < b.name ? -1 : 1));
  return files.map((f) => f.path);
}

function compareTuples(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}
