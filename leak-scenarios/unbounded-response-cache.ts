import express, { type NextFunction, type Request, type Response } from 'express';
import { LRUCache } from 'lru-cache';
import { createCatalog, type Product } from '../app/catalog.ts';
import { userOf } from '../app/shop-routes.ts';
import type { LeakScenario, ScenarioInstance, Variant } from './scenario.ts';

interface RenderedPage {
  body: string;
  renderedAt: number;
}

interface PageStore {
  get(key: string): RenderedPage | undefined;
  set(key: string, page: RenderedPage): void;
  clear(): void;
}

// region: leaky
function createPageStore(): PageStore {
  // Keyed by user and full URL, so the key space is users × products × queries, and nothing is ever evicted.
  const renderedPages = new Map<string, RenderedPage>();
  return {
    get: (key) => renderedPages.get(key),
    set: (key, page) => void renderedPages.set(key, page),
    clear: () => renderedPages.clear(),
  };
}
// endregion

// region: fixed
function createBoundedPageStore(): PageStore {
  // Hot pages only: a hard entry cap and a TTL, so memory is bounded whatever the key space is.
  const pageCache = new LRUCache<string, RenderedPage>({ max: 400, ttl: 60_000 });
  return {
    get: (key) => pageCache.get(key),
    set: (key, page) => void pageCache.set(key, page),
    clear: () => pageCache.clear(),
  };
}
// endregion

const RECOMMENDATIONS = 24;

/** "Recommended for you": a per-user slice of the catalog, which is why the developer keyed pages by user. */
function recommendFor(user: string, products: readonly Product[]): object[] {
  let seed = 0;
  for (const ch of user) seed = (seed * 31 + ch.charCodeAt(0)) >>> 0;
  return Array.from({ length: RECOMMENDATIONS }, (_, i) => {
    const p = products[(seed + i * 37) % products.length]!;
    return {
      id: p.id,
      sku: p.sku,
      name: p.name,
      category: p.category,
      price: `$${(p.priceCents / 100).toFixed(2)}`,
      description: p.description,
      tags: p.tags,
      images: [320, 640, 1280].map((w) => `https://cdn.example.com/products/${p.sku}/${w}w.webp`),
      reason: `Because you viewed items in ${p.category}`,
    };
  });
}

function create(variant: Variant): ScenarioInstance {
  const store = variant === 'leaky' ? createPageStore() : createBoundedPageStore();
  const products = createCatalog();
  const router = express.Router();

  // Serves a page from the cache, or lets the shop route render it and caches what it sends.
  const cachePage = (req: Request, res: Response, next: NextFunction): void => {
    const user = userOf(req);
    const key = `${user} ${req.originalUrl}`;
    const hit = store.get(key);
    if (hit) {
      res.type('json').set('x-page-cache', 'hit').send(hit.body);
      return;
    }
    const json = res.json.bind(res);
    res.json = ((payload: unknown) => {
      if (res.statusCode !== 200) return json(payload);
      const body = JSON.stringify({ ...(payload as object), recommendations: recommendFor(user, products) });
      store.set(key, { body, renderedAt: Date.now() });
      return res.type('json').set('x-page-cache', 'miss').send(body);
    }) as Response['json'];
    next();
  };
  router.get('/api/products/:id', cachePage);
  router.get('/api/search', cachePage);

  return { router, dispose: () => store.clear() };
}

export const unboundedResponseCacheScenario: LeakScenario = {
  name: 'unbounded-response-cache',
  title: 'Unbounded page cache',
  story: 'Cache each rendered, personalised product and search page so repeat views skip rendering.',
  rootCause:
    'Pages are cached in a plain Map keyed by user plus full URL, so the key space is users × products × queries. ' +
    'Nothing ever evicts an entry, and each holds a ~10 KB rendered body with recommendations, so the heap grows with every new page view until the process dies.',
  fix:
    'The fixed build uses lru-cache with a hard `max` of 400 pages and a 60 s TTL. ' +
    'Hot pages still hit the cache, cold ones are evicted, and memory stays bounded whatever the number of users or URLs.',
  leak: { file: 'leak-scenarios/unbounded-response-cache.ts', identifier: 'renderedPages' },
  routes: ['GET /api/products/:id', 'GET /api/search'],
  create,
};
