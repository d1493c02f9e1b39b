import express, { type NextFunction, type Request, type Response } from 'express';
import { userOf } from '../app/shop-routes.ts';
import type { LeakScenario, ScenarioInstance, Variant } from './scenario.ts';

interface AuditRecord {
  user: string;
  method: string;
  path: string;
  status: number;
  ms: number;
}

interface AuditQueue {
  enqueue(req: Request, res: Response, startedAt: number): void;
  /** Takes the oldest batch; hands it back when delivery fails, so it is retried later. */
  takeBatch(size: number): AuditRecord[];
  putBack(batch: AuditRecord[]): void;
  clear(): void;
}

/** The audit service is unreachable in this environment, as it was during the incident. */
async function deliverAudit(batch: readonly AuditRecord[]): Promise<void> {
  if (batch.length > 0) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4318'), { code: 'ECONNREFUSED' });
}

// region: leaky
function createAuditQueue(): AuditQueue {
  // Thunks, to build the record "later, off the hot path": each one closes over the whole req and res.
  let auditRetryQueue: (() => AuditRecord)[] = [];
  let inFlight: (() => AuditRecord)[] = [];
  return {
    enqueue(req, res, startedAt) {
      auditRetryQueue.push(() => ({ user: userOf(req), method: req.method, path: req.originalUrl, status: res.statusCode, ms: Date.now() - startedAt }));
    },
    takeBatch(size) {
      inFlight = auditRetryQueue.slice(0, size);
      auditRetryQueue = auditRetryQueue.slice(size);
      return inFlight.map((build) => build());
    },
    putBack() {
      // Retried forever, never capped: while the audit service is down, every request ever served stays here.
      auditRetryQueue = [...inFlight, ...auditRetryQueue];
      inFlight = [];
    },
    clear() {
      auditRetryQueue = [];
      inFlight = [];
    },
  };
}
// endregion

// region: fixed
const MAX_PENDING_AUDITS = 1000;

function createBoundedAuditQueue(): AuditQueue {
  // Plain records of the five fields the audit service needs, and a cap: when it is down, the oldest are dropped.
  let pendingAudits: AuditRecord[] = [];
  const trim = () => {
    const excess = pendingAudits.length - MAX_PENDING_AUDITS;
    if (excess > 0) pendingAudits.splice(0, excess);
  };
  return {
    enqueue(req, res, startedAt) {
      pendingAudits.push({ user: userOf(req), method: req.method, path: req.originalUrl, status: res.statusCode, ms: Date.now() - startedAt });
      trim();
    },
    takeBatch(size) {
      return pendingAudits.splice(0, size);
    },
    putBack(batch) {
      pendingAudits = [...batch, ...pendingAudits];
      trim();
    },
    clear() {
      pendingAudits = [];
    },
  };
}
// endregion

function create(variant: Variant): ScenarioInstance {
  const queue = variant === 'leaky' ? createAuditQueue() : createBoundedAuditQueue();
  let delivering = false;
  const flusher = setInterval(() => {
    if (delivering) return;
    delivering = true;
    const batch = queue.takeBatch(100);
    deliverAudit(batch)
      .catch(() => queue.putBack(batch))
      .finally(() => (delivering = false));
  }, 2000);
  flusher.unref();

  const router = express.Router();
  router.use('/api', (req: Request, res: Response, next: NextFunction) => {
    const startedAt = Date.now();
    res.once('finish', () => queue.enqueue(req, res, startedAt));
    next();
  });
  return {
    router,
    dispose() {
      clearInterval(flusher);
      queue.clear();
    },
  };
}

export const auditRetryQueueScenario: LeakScenario = {
  name: 'audit-retry-queue',
  title: 'Retry queue of closures over req/res',
  story: 'Send an audit record of every API call to the audit service, and retry the ones it could not take.',
  rootCause:
    'Each queued item is a closure that builds the record later, so it captures the whole `req` and `res` (headers, sockets state, parsed bodies) instead of five fields. ' +
    'While the audit service is down the queue is retried forever and never capped, so it keeps every request served since the outage began.',
  fix:
    'The fixed build copies the five fields it needs into a plain record when the response finishes, so nothing references req or res afterwards. ' +
    `The backlog is capped at ${MAX_PENDING_AUDITS} records and drops the oldest when the audit service stays down.`,
  leak: { file: 'leak-scenarios/audit-retry-queue.ts', identifier: 'auditRetryQueue' },
  routes: ['GET /api/products/:id', 'GET /api/search', 'GET /api/cart', 'POST /api/cart/items', 'POST /api/checkout'],
  create,
};
