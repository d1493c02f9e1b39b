import express, { type NextFunction, type Request, type Response } from 'express';
import { LRUCache } from 'lru-cache';
import { userOf } from '../app/shop-routes.ts';
import type { LeakScenario, ScenarioInstance, Variant } from './scenario.ts';

/** Long on purpose: the reservation system only needs a touch every few minutes. */
const KEEP_WARM_MS = 10 * 60_000;

interface CartWarmer {
  /** Called on every shopper request. */
  touch(req: Request): void;
  dispose(): void;
}

/** Stands in for the inventory service call that extends a cart's stock reservation. */
function refreshReservation(user: string, path: string): { user: string; path: string; until: number } {
  return { user, path, until: Date.now() + KEEP_WARM_MS };
}

// region: leaky
function createCartWarmer(): CartWarmer {
  // Kept "so shutdown can clear them"; nothing else ever does, and each timer's callback holds its req.
  const keepWarmTimers: NodeJS.Timeout[] = [];
  return {
    touch(req) {
      keepWarmTimers.push(setInterval(() => refreshReservation(userOf(req), req.originalUrl), KEEP_WARM_MS));
    },
    dispose() {
      for (const timer of keepWarmTimers) clearInterval(timer);
      keepWarmTimers.length = 0;
    },
  };
}
// endregion

// region: fixed
function createSharedCartWarmer(): CartWarmer {
  // One timer for everyone, and only the user id per active shopper; idle shoppers age out.
  const warmUsers = new LRUCache<string, true>({ max: 5000, ttl: KEEP_WARM_MS });
  const timer = setInterval(() => {
    for (const user of warmUsers.keys()) refreshReservation(user, '/api/cart');
  }, KEEP_WARM_MS);
  timer.unref();
  return {
    touch(req) {
      warmUsers.set(userOf(req), true);
    },
    dispose() {
      clearInterval(timer);
      warmUsers.clear();
    },
  };
}
// endregion

function create(variant: Variant): ScenarioInstance {
  const warmer = variant === 'leaky' ? createCartWarmer() : createSharedCartWarmer();
  const router = express.Router();
  router.use('/api', (req: Request, _res: Response, next: NextFunction) => {
    warmer.touch(req);
    next();
  });
  return { router, dispose: () => warmer.dispose() };
}

export const cartKeepaliveTimerScenario: LeakScenario = {
  name: 'cart-keepalive-timer',
  title: 'Interval timer per request',
  story: "Keep a shopper's cart reservation warm while they browse, by refreshing it every ten minutes.",
  rootCause:
    'Every API request starts a new `setInterval` that is never cleared, so timers pile up one per request instead of one per shopper. ' +
    'A live interval is a GC root: its callback closes over the request, which keeps the request, its response and their headers alive for as long as the process runs.',
  fix:
    'The fixed build runs one shared interval and keeps only the ids of recently active shoppers in an lru-cache with a TTL. ' +
    'A request just marks its user as active; nothing per request outlives it.',
  leak: { file: 'leak-scenarios/cart-keepalive-timer.ts', identifier: 'keepWarmTimers' },
  routes: ['GET /api/products/:id', 'GET /api/search', 'GET /api/cart', 'POST /api/cart/items', 'POST /api/checkout'],
  create,
};
