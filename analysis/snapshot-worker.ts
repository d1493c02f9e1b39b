import { parentPort } from 'node:worker_threads';
import { isLabError } from '../lab/errors.ts';
import { collectGarbage } from './collect-garbage.ts';
import { readEarlier, transferList } from './earlier-summary.ts';

/** Reads earlier snapshots one at a time and posts each summary back (typed arrays transferred). */
export type WorkerReply =
  | { type: 'summary'; index: number; summary: Awaited<ReturnType<typeof readEarlier>> }
  | { type: 'progress'; index: number; fraction: number }
  | { type: 'error'; index: number; code: string | null; message: string };

const port = parentPort;
/** Resolves when the main thread says its own memory peak (the dominator tree) is behind it. */
let go: () => void = () => {};
const released = new Promise<void>((resolve) => (go = resolve));

port?.on('message', async (msg: { type: 'read'; files: string[] } | { type: 'go' }) => {
  if (msg.type === 'go') {
    go();
    return;
  }
  for (const [index, file] of msg.files.entries()) {
    // The first file overlaps the main thread's parse; the rest wait for its peak to pass, so
    // that two big graphs and a dominator tree are never in memory at once.
    if (index === 1) await released;
    try {
      const summary = await readEarlier(file, (fraction) => port.postMessage({ type: 'progress', index, fraction } satisfies WorkerReply));
      port.postMessage({ type: 'summary', index, summary } satisfies WorkerReply, transferList(summary));
      // The parsed graph is garbage now; give it back before waiting, not whenever the heap fills.
      collectGarbage();
    } catch (err) {
      const code = isLabError(err) ? (err as { code: string }).code : null;
      port.postMessage({ type: 'error', index, code, message: err instanceof Error ? err.message : String(err) } satisfies WorkerReply);
      return;
    }
  }
});
