import type { EventEmitter } from 'node:events';
import type { MixRequest } from './traffic-mix.ts';

/** The parts of an autocannon Client the load relies on: setRequests (documented), its events, destroy. */
export interface CannonClient extends EventEmitter {
  setRequests(requests: object[]): void;
  destroy(): void;
}

export type UserRequest = MixRequest & { user: string };

export interface Attempt extends UserRequest {
  sentAt: number;
  startNs: bigint;
}

export type AttemptResult =
  | { kind: 'response'; status: number; latencyMs: number }
  | { kind: 'error'; code: string }
  | { kind: 'timeout' };

export interface AttemptSink {
  sent(attempt: Attempt): void;
  settled(attempt: Attempt, result: AttemptResult): void;
  /** In flight when the batch was aborted: outcome unknown. */
  dropped(attempt: Attempt): void;
  /** An answer with no request to match it to. */
  unattributed(): void;
}

/** What a socket that closed without answering is reported as (autocannon reconnects silently on 'end'). */
export const SOCKET_CLOSED = 'SOCKET_CLOSED';

/**
 * Follows the one request a client has in flight (pipelining 1), so every response, connection
 * error and timeout lands on the user who made that request. autocannon itself only counts them.
 *
 * It relies on autocannon building each request right before writing it: through setupRequest,
 * which this gives each client its own copy of. A build while a request is still in flight means
 * the client reconnected without an answer: after a timeout (the 'timeout' event follows in the
 * same tick) or after the server closed the socket (no event at all).
 */
export function trackClient(client: CannonClient, nextRequest: () => UserRequest, sink: AttemptSink): { abandon(): void } {
  let inflight: Attempt | null = null;
  /** Requests a reconnect left behind this tick; a 'timeout' event may still claim the latest. */
  const orphans: Attempt[] = [];
  let abandoned = false;

  const settle = (attempt: Attempt, result: AttemptResult) => {
    if (!abandoned) sink.settled(attempt, result);
  };

  const orphanInflight = () => {
    if (!inflight) return;
    if (orphans.push(inflight) === 1) queueMicrotask(settleOrphansAsClosed);
    inflight = null;
  };

  const settleOrphansAsClosed = () => {
    for (const lost of orphans.splice(0)) settle(lost, { kind: 'error', code: SOCKET_CLOSED });
  };

  client.setRequests([
    {
      setupRequest(req: Record<string, unknown>) {
        orphanInflight();
        const next = nextRequest();
        inflight = { ...next, sentAt: Date.now(), startNs: process.hrtime.bigint() };
        if (!abandoned) sink.sent(inflight);
        return {
          ...req,
          method: next.method,
          path: next.path,
          headers: { ...(req.headers as Record<string, string> | undefined), ...next.headers },
          body: next.body ?? Buffer.alloc(0),
        };
      },
    },
  ]);

  client.on('response', (status: number) => {
    if (!inflight) {
      if (!abandoned) sink.unattributed();
      return;
    }
    const attempt = inflight;
    inflight = null;
    settle(attempt, { kind: 'response', status, latencyMs: Number(process.hrtime.bigint() - attempt.startNs) / 1e6 });
  });

  client.on('connError', (err: NodeJS.ErrnoException) => {
    // Errors with nothing in flight are reconnect noise, not something a user saw.
    if (!inflight) return;
    const attempt = inflight;
    inflight = null;
    settle(attempt, { kind: 'error', code: err?.code ?? 'ECONNERROR' });
  });

  // A client that reaches its amount after a silent reconnect stops without building again, so
  // the request in flight is lost without an event; a 'timeout' may still follow in this tick.
  client.on('done', () => {
    if (!abandoned) orphanInflight();
  });

  client.on('timeout', () => {
    const attempt = orphans.pop() ?? inflight;
    if (!attempt) return;
    if (attempt === inflight) inflight = null;
    settle(attempt, { kind: 'timeout' });
  });

  return {
    abandon() {
      if (abandoned) return;
      abandoned = true;
      for (const attempt of orphans.splice(0)) sink.dropped(attempt);
      if (inflight) sink.dropped(inflight);
      inflight = null;
    },
  };
}
