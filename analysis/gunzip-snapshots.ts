import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { mkdtemp, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { labError } from '../lab/errors.ts';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export interface PlainSnapshots {
  /** The files to parse: the same paths, or a gunzipped copy in a temporary folder. */
  files: string[];
  /** Puts the user's own file names back in a message that names a copy. */
  rename(text: string): string;
  /** Removes the copies (also done at exit, Ctrl-C included). */
  release(): void;
}

/**
 * Snapshots copied off a server are often gzipped (`Heap.x.heapsnapshot.gz`). The parser reads
 * files by offset (two threads share one file), so each gzipped one is inflated to a temporary
 * file first: disk, not memory, holds the inflated text, whatever its size.
 */
export async function plainSnapshots(files: string[], say: (msg: string) => void = () => {}): Promise<PlainSnapshots> {
  const copies = new Map<string, string>();
  let folder: string | null = null;
  const release = () => {
    if (folder) rmSync(folder, { recursive: true, force: true });
    folder = null;
    process.off('exit', release);
    for (const sig of SIGNALS) process.off(sig, onSignal);
  };
  // Ctrl-C ends a process without its 'exit' event: clean up, then die of the same signal,
  // unless the program has a handler of its own (it decides how to end).
  const onSignal = (sig: NodeJS.Signals) => {
    release();
    if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
  };
  try {
    const zipped = (await Promise.all(files.map(async (f) => ((await isGzip(f)) ? f : null)))).filter((f): f is string => f !== null);
    if (zipped.length > 0) {
      const dir = await mkdtemp(join(tmpdir(), 'leak-lab-gunzip-'));
      folder = dir;
      process.on('exit', release);
      for (const sig of SIGNALS) process.once(sig, onSignal);
      zipped.forEach((file, i) => copies.set(join(dir, `${i}-${basename(file).replace(/\.gz$/i, '')}`), file));
      say(`inflating ${zipped.length} gzipped snapshot(s)`);
      // zlib works on libuv's thread pool: the files inflate side by side.
      await Promise.all([...copies].map(([copy, file]) => gunzip(file, copy)));
    }
  } catch (err) {
    release();
    throw err;
  }
  const original = new Map([...copies].map(([copy, file]) => [file, copy]));
  return {
    files: files.map((f) => original.get(f) ?? f),
    rename: (text) => [...copies].reduce((t, [copy, file]) => t.split(copy).join(file), text),
    release,
  };
}

async function isGzip(file: string): Promise<boolean> {
  // One that cannot be opened is reported by the parser, in the parser's words.
  const handle = await open(file, 'r').catch(() => null);
  if (!handle) return false;
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

async function gunzip(file: string, copy: string): Promise<void> {
  try {
    await pipeline(createReadStream(file), createGunzip(), createWriteStream(copy));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOSPC' ? `there is no disk space left in ${tmpdir()} to inflate it` : `it cannot be inflated (${(err as Error).message})`;
    throw labError('LAB_ERR_SNAPSHOT_FILE', `${file} is gzipped but ${why}`, err);
  }
}
