import express, { type NextFunction, type Request, type Response } from 'express';
import { LRUCache } from 'lru-cache';
import { getHeapStatistics } from 'node:v8';
import { createCatalog, type Product } from '../app/catalog.ts';
import { userOf } from '../app/shop-routes.ts';
import type { LeakScenario, ScenarioInstance, Variant } from './scenario.ts';

/** 1 ms buckets up to a second: fine enough for the SLO dashboard's percentiles. */
const BUCKETS = 1000;

interface Histogram {
  count: number;
  sumMs: number;
  maxMs: number;
  buckets: number[];
}

interface LatencyStats {
  observe(req: Request, ms: number): void;
  clear(): void;
}

function record(histogram: Histogram, ms: number): void {
  histogram.count += 1;
  histogram.sumMs += ms;
  histogram.maxMs = Math.max(histogram.maxMs, ms);
  histogram.buckets[Math.min(BUCKETS - 1, Math.floor(ms))]! += 1;
}

function newHistogram(): Histogram {
  return { count: 0, sumMs: 0, maxMs: 0, buckets: new Array<number>(BUCKETS).fill(0) };
}

// region: leaky
function createLatencyStats(): LatencyStats {
  // Labelled with the raw URL and the user instead of the route pattern: a new histogram for nearly every request.
  const latencyByEndpoint = new Map<string, Histogram>();
  return {
    observe(req, ms) {
      const key = `${req.method} ${req.originalUrl} ${userOf(req)}`;
      let histogram = latencyByEndpoint.get(key);
      if (!histogram) latencyByEndpoint.set(key, (histogram = newHistogram()));
      record(histogram, ms);
    },
    clear: () => latencyByEndpoint.clear(),
  };
}
// endregion

// region: fixed
function createRouteLatencyStats(): LatencyStats {
  // One histogram per method and route pattern: a handful for the life of the process.
  const latencyByRoute = new Map<string, Histogram>();
  return {
    observe(req, ms) {
      const key = `${req.method} ${req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched'}`;
      let histogram = latencyByRoute.get(key);
      if (!histogram) latencyByRoute.set(key, (histogram = newHistogram()));
      record(histogram, ms);
    },
    clear: () => latencyByRoute.clear(),
  };
}
// endregion

const SEGMENTS = ['EUR-pt', 'EUR-de', 'EUR-fr', 'GBP-en', 'USD-en', 'CHF-de', 'SEK-sv', 'PLN-pl'];
/**
 * Renderings (about 10 KB each) for about a sixth of the heap limit, up to 3000 (about 30 MB at the
 * default 128 MB cap): big, bounded and healthy, always full and always evicting. A fixed 30 MB
 * would leave a 64 MB heap (the short profile) too little room to show the leak before it dies.
 */
export function cardCacheMax(heapLimitBytes: number): number {
  return Math.max(500, Math.min(3000, Math.floor((heapLimitBytes * 0.175) / (10 * 1024))));
}
const CARD_CACHE_MAX = cardCacheMax(getHeapStatistics().heap_size_limit);

function segmentOf(user: string): string {
  let hash = 0;
  for (const ch of user) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return SEGMENTS[hash % SEGMENTS.length]!;
}

/** A product card as a segment sees it: currency, language, price tiers and a strip of similar items. */
function renderCard(product: Product, segment: string, products: readonly Product[]): string {
  const similar = Array.from({ length: 40 }, (_, i) => products[(product.id * 13 + i * 41) % products.length]!)
    .map((p) => `<li class="similar"><a href="/p/${p.sku}?seg=${segment}"><img src="https://cdn.example.com/products/${p.sku}/160w.webp" alt="${p.name}"> ${p.name} <span class="price">${segment.slice(0, 3)} ${(p.priceCents / 100).toFixed(2)}</span></a></li>`)
    .join('');
  const tiers = [1, 2, 5, 10].map((q) => `<tr><td>${q}+</td><td>${segment.slice(0, 3)} ${((product.priceCents * (1 - q / 100)) / 100).toFixed(2)}</td></tr>`).join('');
  return `<article class="card" data-sku="${product.sku}" data-segment="${segment}"><h2>${product.name}</h2><p>${product.description}</p>` +
    `<table class="tiers">${tiers}</table><ul class="similar-items">${similar}</ul>` +
    `<script type="application/ld+json">${JSON.stringify({ '@type': 'Product', sku: product.sku, name: product.name, description: product.description, category: product.category })}</script></article>`;
}

function create(variant: Variant): ScenarioInstance {
  const products = createCatalog();
  const cardCache = new LRUCache<string, string>({ max: CARD_CACHE_MAX });
  const cardFor = (product: Product, segment: string): string => {
    const key = `${product.id}:${segment}`;
    let card = cardCache.get(key);
    if (card === undefined) cardCache.set(key, (card = renderCard(product, segment, products)));
    return card;
  };
  // Warmed at start, as the developer did for cold-start latency: the cache is at its bound from the first request.
  for (let i = 0; i < CARD_CACHE_MAX; i += 1) cardFor(products[i % products.length]!, SEGMENTS[Math.floor(i / products.length)]!);
  const stats = variant === 'leaky' ? createLatencyStats() : createRouteLatencyStats();

  const router = express.Router();
  router.use('/api', (req: Request, res: Response, next: NextFunction) => {
    const startedAt = process.hrtime.bigint();
    res.once('finish', () => stats.observe(req, Number(process.hrtime.bigint() - startedAt) / 1e6));
    next();
  });
  router.get('/api/products/:id', (req: Request, res: Response, next: NextFunction) => {
    const product = products[Number(req.params.id) - 1];
    if (product) {
      const json = res.json.bind(res);
      const card = cardFor(product, segmentOf(userOf(req)));
      res.json = ((payload: unknown) => json(res.statusCode === 200 ? { ...(payload as object), cardHtml: card } : payload)) as Response['json'];
    }
    next();
  });
  return {
    router,
    dispose() {
      stats.clear();
      cardCache.clear();
    },
  };
}

export const noisyLatencyStatsScenario: LeakScenario = {
  name: 'noisy-latency-stats',
  title: 'Big healthy cache hiding a small stats leak',
  story: 'Cache rendered product cards per market segment, and keep latency histograms per endpoint for the SLO dashboard.',
  rootCause:
    'The card cache (about a sixth of the heap limit) dominates the heap but is an lru-cache at its bound: it churns, it does not grow. ' +
    'The leak is the latency stats map, keyed by the raw URL and user instead of the route pattern, so nearly every request adds a new 1,000-bucket histogram to `latencyByEndpoint`, and nothing removes one.',
  fix:
    'The fixed build keys histograms by method and route pattern (as Prometheus labels should be), so there are a handful of them for the life of the process. ' +
    'The card cache is unchanged: it was never the problem.',
  leak: { file: 'leak-scenarios/noisy-latency-stats.ts', identifier: 'latencyByEndpoint' },
  routes: ['GET /api/products/:id', 'GET /api/search', 'GET /api/cart', 'POST /api/cart/items', 'POST /api/checkout'],
  noisy: true,
  create,
};
