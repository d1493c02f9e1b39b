import { randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import session from 'express-session';
import { LRUCache } from 'lru-cache';
import createMemoryStore from 'memorystore';
import { createCatalog, type Product } from '../app/catalog.ts';
import { userOf } from '../app/shop-routes.ts';
import type { LeakScenario, ScenarioInstance, Variant } from './scenario.ts';

type ShopperProfile = ReturnType<typeof loadShopperProfile>;

type ShopperSession = session.Session & { shopper?: ShopperProfile };

interface SessionLayer {
  readonly sessions: RequestHandler;
  profileOf(req: Request): ShopperProfile;
  dispose(): void;
}

const DAY_MS = 24 * 60 * 60_000;

// region: leaky
function createSessionLayer(secret: string, products: readonly Product[]): SessionLayer {
  // The default store: a plain object of serialized sessions that nothing ever sweeps.
  const sessionStore = new session.MemoryStore();
  // saveUninitialized: every cookie-less client (bots, health checks, API callers) gets a fresh stored session.
  const sessions = session({ secret, store: sessionStore, resave: false, saveUninitialized: true, cookie: { maxAge: DAY_MS } });
  return {
    sessions,
    profileOf(req) {
      const shopperSession = req.session as ShopperSession;
      shopperSession.shopper ??= loadShopperProfile(userOf(req), products);
      return shopperSession.shopper;
    },
    dispose: () => sessionStore.clear(),
  };
}
// endregion

// region: fixed
const MemoryStore = createMemoryStore(session);

function createPrunedSessionLayer(secret: string, products: readonly Product[]): SessionLayer {
  // A store that expires and prunes sessions, and no session at all until something is worth saving.
  const prunedStore = new MemoryStore({ checkPeriod: 60_000, ttl: 30 * 60_000, max: 10_000 });
  const sessions = session({ secret, store: prunedStore, resave: false, saveUninitialized: false, cookie: { maxAge: 30 * 60_000 } });
  // Profiles are per user, not per session: a small shared cache, so cookie-less clients cost nothing.
  const profiles = new LRUCache<string, ShopperProfile>({ max: 300, ttl: 5 * 60_000 });
  return {
    sessions,
    profileOf(req) {
      const user = userOf(req);
      let profile = profiles.get(user);
      if (!profile) profiles.set(user, (profile = loadShopperProfile(user, products)));
      return profile;
    },
    dispose() {
      prunedStore.stopInterval();
      prunedStore.clear();
      profiles.clear();
    },
  };
}
// endregion

/** Stands in for the profile service: a realistic few-KB profile per shopper. */
function loadShopperProfile(user: string, products: readonly Product[]) {
  let seed = 0;
  for (const ch of user) seed = (seed * 33 + ch.charCodeAt(0)) >>> 0;
  const address = (kind: string, n: number) => ({
    kind,
    name: `Shopper ${user}`,
    line1: `${100 + ((seed + n) % 900)} Market Street`,
    line2: `Apartment ${1 + (n % 40)}`,
    city: ['Lisbon', 'Leeds', 'Lyon', 'Leipzig'][n % 4],
    postcode: `${10000 + ((seed * (n + 3)) % 89999)}`,
    country: ['PT', 'GB', 'FR', 'DE'][n % 4],
    phone: `+351 21 ${String(seed % 10_000_000).padStart(7, '0')}`,
  });
  return {
    user,
    displayName: `Shopper ${user.slice(-4)}`,
    email: `${user}@example.com`,
    locale: 'en-GB',
    currency: 'EUR',
    addresses: [address('shipping', 1), address('billing', 2)],
    preferences: { newsletter: seed % 2 === 0, categories: ['kitchen', 'audio', 'travel'], sizes: { shoe: 42, shirt: 'M' } },
    wishlist: Array.from({ length: 20 }, (_, i) => ({ productId: 1 + ((seed + i * 71) % products.length), addedAt: 1_690_000_000_000 + i * 86_400_000, notify: i % 3 === 0 })),
    paymentMethods: [
      { id: `pm-${seed % 100_000}`, brand: 'visa', last4: String(seed % 10_000).padStart(4, '0'), expires: '11/28', billingAddress: address('billing', 3) },
      { id: `pm-${(seed + 1) % 100_000}`, brand: 'paypal', email: `${user}@example.com` },
    ],
    recentlyViewed: Array.from({ length: 24 }, (_, i) => {
      const p = products[(seed + i * 53) % products.length]!;
      return { id: p.id, sku: p.sku, name: p.name, price: p.priceCents, image: `https://cdn.example.com/products/${p.sku}/320w.webp`, viewedAt: 1_700_000_000_000 + i * 60_000 };
    }),
  };
}

function create(variant: Variant): ScenarioInstance {
  const secret = randomBytes(24).toString('base64url');
  const products = createCatalog();
  const layer = variant === 'leaky' ? createSessionLayer(secret, products) : createPrunedSessionLayer(secret, products);
  const router = express.Router();
  router.use('/api', layer.sessions, (req: Request, res: Response, next: NextFunction) => {
    res.set('x-shopper-currency', layer.profileOf(req).currency);
    next();
  });
  return { router, dispose: () => layer.dispose() };
}

export const sessionMemoryStoreScenario: LeakScenario = {
  name: 'session-memory-store',
  title: 'express-session MemoryStore in production',
  story: "Remember each shopper's profile in their session so later requests skip the profile service.",
  rootCause:
    "express-session's default MemoryStore keeps every session in a plain object with no expiry sweep, and saveUninitialized creates one for every request without a cookie. " +
    'The load (like bots and API clients) sends no cookies, so every request stores a new session with a ~4 KB profile in it, and none is ever removed.',
  fix:
    "The fixed build uses memorystore's store, which prunes expired sessions on a timer and caps their number, with saveUninitialized: false so cookie-less clients get no stored session. " +
    'Profiles live in a small per-user lru-cache instead of in each session.',
  leak: { file: 'leak-scenarios/session-memory-store.ts', identifier: 'sessionStore' },
  routes: ['GET /api/products/:id', 'GET /api/search', 'GET /api/cart', 'POST /api/cart/items', 'POST /api/checkout'],
  create,
};
