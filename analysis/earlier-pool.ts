import type { Worker } from 'node:worker_threads';
import { tsWorker } from '../lab/ts-worker.ts';
import { labError, type LabErrorCode } from '../lab/errors.ts';
import type { EdgeHelper } from './edge-helper.ts';
import { readEarlier, type EarlierSummary } from './earlier-summary.ts';
import type { WorkerReply } from './snapshot-worker.ts';

/**
 * Summaries of the earlier snapshots. By default they are read here, one after the other,
 * before the last snapshot, so one graph is alive at a time. With `parallel`, a big series is
 * split between a worker thread and this one (readSplit), both reading at once; the compact
 * summaries are transferred, not copied. Small series (the worker's own start-up would cost
 * more than it saves), or a worker that cannot start, are read here.
 */
export const WORKER_MIN_BYTES = 48 * 1024 * 1024;

type Say = (file: string, fraction: number) => void;

export async function readAllHere(files: string[], say: Say, edges?: EdgeHelper | null): Promise<EarlierSummary[]> {
  const out: EarlierSummary[] = [];
  for (const f of files) out.push(await readEarlier(f, (x) => say(f, x), edges));
  return out;
}

/**
 * The earlier snapshots read on two cores at once: a worker takes every other one from the
 * first, this thread the rest (without the parse helper: two threads for two cores), each graph
 * dropped once summarised. It settles when both are done and the worker has exited, so the last
 * snapshot is read alone: two earlier graphs at once at most, never one beside the last's, whose
 * dominator tree is the peak. A bad file is reported as reading them in order would: the first.
 */
export async function readSplit(files: string[], say: Say): Promise<EarlierSummary[]> {
  const there = readInWorker(files.filter((_, i) => i % 2 === 0), say);
  // This thread's files one after the other, in the order map visits them.
  let previous: Promise<unknown> = Promise.resolve();
  const each = files.map((file, i) => {
    if (i % 2 === 0) return there[i / 2];
    const read = previous.then(() => readEarlier(file, (x) => say(file, x)));
    read.catch(() => {});
    previous = read;
    return read;
  });
  await Promise.allSettled(each);
  const out: EarlierSummary[] = [];
  for (const summary of each) out.push(await summary);
  return out;
}

/**
 * The files read in a worker thread, one at a time: one promise per file, in file order, each
 * rejecting with that file's LabError. Its heap is given back (the thread exits) before the last
 * summary is handed over.
 */
export function readInWorker(files: string[], say: Say): Promise<EarlierSummary>[] {
  let worker: Worker | null = null;
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
    for (let i = next; i < files.length; i++) {
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
    return settle.map((x) => x.promise);
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
  return settle.map((x) => x.promise);
}
