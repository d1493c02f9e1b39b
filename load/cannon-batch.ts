import autocannon from 'autocannon';
import { trackClient, type AttemptSink, type CannonClient, type UserRequest } from './client-tracker.ts';

export interface BatchOptions {
  url: string;
  /** Requests in this batch. */
  count: number;
  connections: number;
  timeoutSeconds: number;
  nextRequest: () => UserRequest;
  sink: AttemptSink;
}

export interface CannonBatch {
  readonly connections: number;
  /** Resolves when autocannon has finished and cleared its timers; never rejects. */
  readonly finished: Promise<void>;
  /** Destroys the clients now; requests in flight are reported as dropped. */
  abort(): void;
}

/** How often autocannon checks whether it is done: it only tears down on this tick. */
const FINISH_POLL_MS = 50;

/** Every build before setupClient swaps in the tracked requests is thrown away unsent. */
const PLACEHOLDER = { setupRequest: (req: autocannon.Request) => ({ ...req, method: 'GET' as const, path: '/' }) };

/**
 * One autocannon instance sending exactly `count` requests over `connections` sockets, then
 * stopping. Batches use `amount` and no autocannon rate: with overallRate, a client whose
 * connection is refused reconnects in a tight loop once its per-second quota is used (about
 * 45,000 refused connects a second, a whole core), while a client that reaches its amount
 * simply stops. The load runner paces the batches.
 */
export function runCannonBatch(opts: BatchOptions): CannonBatch {
  const connections = Math.max(1, Math.min(opts.connections, opts.count));
  const clients: CannonClient[] = [];
  const trackers: { abandon(): void }[] = [];
  let resolveFinished!: () => void;
  const finished = new Promise<void>((resolve) => {
    resolveFinished = resolve;
  });

  const options: autocannon.Options & { sampleInt: number } = {
    url: opts.url,
    connections,
    amount: opts.count,
    timeout: opts.timeoutSeconds,
    sampleInt: FINISH_POLL_MS,
    requests: [PLACEHOLDER],
    setupClient(client) {
      const tracked = client as unknown as CannonClient;
      clients.push(tracked);
      trackers.push(trackClient(tracked, opts.nextRequest, opts.sink));
    },
  };
  let instance: autocannon.Instance | null = null;
  try {
    instance = autocannon(options, () => resolveFinished());
  } catch {
    // Only bad options throw here, and the runner validates them first; a batch that cannot start sends nothing.
    resolveFinished();
  }

  return {
    connections,
    finished,
    abort() {
      for (const tracker of trackers) tracker.abandon();
      instance?.stop();
      for (const client of clients) client.destroy();
    },
  };
}
