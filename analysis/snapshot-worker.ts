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

port?.on('message', async (msg: { type: 'read'; files: string[] }) => {
  for (const [index, file] of msg.files.entries()) {
    try {
      const summary = await readEarlier(file, (fraction) => port.postMessage({ type: 'progress', index, fraction } satisfies WorkerReply));
      port.postMessage({ type: 'summary', index, summary } satisfies WorkerReply, transferList(summary));
      // The parsed graph is garbage now; give it back before the next file, not whenever the heap fills.
      collectGarbage();
    } catch (err) {
      const code = isLabError(err) ? (err as { code: string }).code : null;
      port.postMessage({ type: 'error', index, code, message: err instanceof Error ? err.message : String(err) } satisfies WorkerReply);
      return;
    }
  }
});
