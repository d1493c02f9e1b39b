import type { Worker } from 'node:worker_threads';
import { tsWorker } from '../lab/ts-worker.ts';
import { labError, type LabErrorCode } from '../lab/errors.ts';
import type { EdgeHelper } from './edge-helper.ts';
import { readEarlier, type EarlierSummary } from './earlier-summary.ts';
import type { WorkerReply } from './snapshot-worker.ts';

/**
 * Summaries of the earlier snapshots. By default they are read here, one after the other,
 * before the last snapshot, so one graph is alive at a time. With `parallel`, a big series is
 * read in a worker thread, parsed on the second core while the main thread parses and analyses
 * the last one; the compact summary is transferred, not copied. The worker reads the first
 * file at once and the others after `release()`, once the caller's dominator tree is built.
 * Small series (the worker's own start-up would cost more than it saves), or a worker that
 * cannot start, are read here.
 */
export const WORKER_MIN_BYTES = 48 * 1024 * 1024;

export interface EarlierJob {
  /** One promise per file, in file order; each rejects with that file's LabError. */
  each: Promise<EarlierSummary>[];
  /** Stops the worker early (the last snapshot failed). */
  cancel(): void;
  /** The caller's memory peak is over: a worker may read the files after the first now. */
  release(): void;
}

type Say = (file: string, fraction: number) => void;

export async function readAllHere(files: string[], say: Say, edges?: EdgeHelper | null): Promise<EarlierSummary[]> {
  const out: EarlierSummary[] = [];
  for (const f of files) out.push(await readEarlier(f, (x) => say(f, x), edges));
  return out;
}

export function readInWorker(files: string[], say: Say): EarlierJob {
  let worker: Worker | null = null;
  let cancelled = false;
  const settle = files.map(() => {
    let resolve!: (x: EarlierSummary) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<EarlierSummary>((res, rej) => ((resolve = res), (reject = rej)));
    // Failures surface when awaited, not as unhandled rejections.
    promise.catch(() => {});
    return { promise, resolve, reject };
  });
  let next = 0;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    void worker?.terminate();
  };
  const fallback = async () => {
    stop();
    for (let i = next; i < files.length && !cancelled; i++) {
      try {
        settle[i].resolve(await readEarlier(files[i], (x) => say(files[i], x)));
      } catch (err) {
        for (let j = i; j < files.length; j++) settle[j].reject(err);
        return;
      }
    }
  };
  try {
    worker = tsWorker(new URL('./snapshot-worker.ts', import.meta.url), { execArgv: [], stdout: false, stderr: false });
  } catch {
    void fallback();
    return { each: settle.map((x) => x.promise), cancel: () => (cancelled = true), release: () => {} };
  }
  worker.on('message', (msg: WorkerReply) => {
    if (msg.type === 'progress') say(files[msg.index], msg.fraction);
    else if (msg.type === 'error') {
      const err = labError((msg.code ?? 'LAB_ERR_SNAPSHOT_FILE') as LabErrorCode, msg.message);
      for (let j = msg.index; j < files.length; j++) settle[j].reject(err);
      next = files.length;
      stop();
    } else {
      next = msg.index + 1;
      if (next < files.length) settle[msg.index].resolve(msg.summary);
      else {
        // Hand over the last summary once the worker is gone: its heap (a whole parsed graph)
        // is only given back when the thread exits, and the caller is about to need memory.
        stopped = true;
        const last = settle[msg.index];
        (worker as Worker).terminate().then(
          () => last.resolve(msg.summary),
          () => last.resolve(msg.summary),
        );
      }
    }
  });
  // The worker could not load or crashed: read what is left here instead (slower, same result).
  worker.on('error', () => void fallback());
  worker.on('exit', () => {
    if (!stopped && next < files.length) void fallback();
  });
  worker.postMessage({ type: 'read', files });
  return {
    each: settle.map((x) => x.promise),
    cancel() {
      cancelled = true;
      stop();
    },
    release() {
      if (!stopped) worker?.postMessage({ type: 'go' });
    },
  };
}
