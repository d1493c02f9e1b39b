import type { Worker } from 'node:worker_threads';
import { tsWorker } from '../lab/ts-worker.ts';
import type { EdgeJobReply, EdgeJobRequest } from './edge-worker.ts';
import { edgeArrays, type ParsedEdges } from './section-sinks.ts';

/**
 * A second core for the parse. Nothing in a snapshot's number arrays depends on what comes
 * before but the header, so a helper thread parses the tail of them, about 40% (from a record of
 * the `edges` array on) while this thread parses the first, and copies its edges into the
 * tail of this thread's arrays, which are shared. Memory stays what one parse needs. The
 * helper claims its part only if the main thread has not reached the edges yet (it is still
 * starting, or the file is small); whatever it does not deliver, the main thread parses
 * itself, so the helper can only save time, never change a result.
 */
export interface EdgeJob {
  /**
   * Called by the main thread as it reaches the edges: the file offset from which the helper
   * parses them (parse up to there, into `into`), or -1 when this thread parses them all.
   */
  claim(): { from: number; into: ParsedEdges } | -1;
  /** Called at `from`, inside the edges: the number of edges the helper wrote and the offset after them, or null (go on alone). */
  tail(): Promise<{ count: number; end: number } | null>;
  /**
   * Called when the main thread will not take the helper's part after all (it finished the
   * edges itself, or failed on the file): the helper drops it and goes on to the next file.
   * Safe to call at any time, and again.
   */
  drop(): void;
  /** Settles once the helper has claimed its part or declined the file. */
  decided: Promise<void>;
}

export class EdgeHelper {
  private worker: Worker | null;
  private nextId = 0;
  private waiting = new Map<number, (r: EdgeJobReply | null) => void>();
  private decisions = new Map<number, () => void>();
  /** Files whose edges the helper shared in (for tests and progress). */
  delivered = 0;

  /** Starts the helper thread, which takes a while (it loads the parser): start it early. */
  constructor() {
    try {
      this.worker = tsWorker(new URL('./edge-worker.ts', import.meta.url), { execArgv: [], stdout: false, stderr: false });
    } catch {
      this.worker = null;
      return;
    }
    this.worker.on('message', (r: EdgeJobReply) => {
      this.decisions.get(r.id)?.();
      this.decisions.delete(r.id);
      if (r.type === 'claimed') return;
      this.waiting.get(r.id)?.(r);
      this.waiting.delete(r.id);
    });
    const gone = () => {
      this.worker = null;
      for (const settle of this.waiting.values()) settle(null);
      for (const settle of this.decisions.values()) settle();
      this.waiting.clear();
      this.decisions.clear();
    };
    this.worker.on('error', gone);
    this.worker.on('exit', gone);
  }

  /** Asks the helper for this file's edges; call as the main thread starts reading the file. */
  begin(file: string, edgeCount: () => number): EdgeJob {
    const worker = this.worker;
    if (!worker) return { claim: () => -1, tail: async () => null, drop: () => {}, decided: Promise.resolve() };
    const claim = new BigInt64Array(new SharedArrayBuffer(8));
    let settled = false;
    const id = this.nextId++;
    const reply = new Promise<EdgeJobReply | null>((resolve) => this.waiting.set(id, resolve));
    const decided = new Promise<void>((resolve) => this.decisions.set(id, resolve));
    worker.postMessage({ type: 'job', id, file, claim } satisfies EdgeJobRequest);
    let into: ParsedEdges | null = null;
    const send = (x: ParsedEdges | null) => this.worker?.postMessage({ type: 'arrays', id, into: x } satisfies EdgeJobRequest);
    return {
      claim() {
        if (Atomics.compareExchange(claim, 0, 0n, -1n) === 0n) return -1;
        into = edgeArrays(edgeCount(), true);
        return { from: Number(Atomics.load(claim, 0)), into };
      },
      tail: async () => {
        settled = true;
        send(into);
        const r = await reply;
        if (!r || r.type !== 'tail') return null;
        this.delivered++;
        return { count: r.count, end: r.end };
      },
      drop() {
        if (settled) return;
        settled = true;
        // Unclaimed: now it never will be. Claimed: the helper waits for word from here.
        if (Atomics.compareExchange(claim, 0, 0n, -1n) !== 0n) send(null);
      },
      decided,
    };
  }

  close(): void {
    void this.worker?.terminate();
    this.worker = null;
  }
}
