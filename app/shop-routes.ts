import express, { type Request, type Response } from 'express';
import { createCatalog, searchCatalog, type Product } from './catalog.ts';

export interface CartLine {
  productId: number;
  quantity: number;
}

/** The user a request acts for: the `x-user-id` header the load sends, else `anonymous`. */
export function userOf(req: Request): string {
  const header = req.get('x-user-id');
  return header && /^[\w.-]{1,64}$/.test(header) ? header : 'anonymous';
}

/**
 * The shop's own API: product lookup, search, cart and checkout. Handlers do real work
 * (search scoring, JSON rendering, cart totals) so the heap has ordinary churn besides a leak.
 */
export function createShopRouter(): express.Router {
  const router = express.Router();
  const products = createCatalog();
  const byId = new Map<number, Product>(products.map((p) => [p.id, p]));
  const carts = new Map<string, CartLine[]>();

  router.get('/api/products/:id', (req: Request, res: Response) => {
    const product = byId.get(Number(req.params.id));
    if (!product) {
      res.status(404).json({ error: 'no such product' });
      return;
    }
    res.json({ ...product, priceText: formatPrice(product.priceCents) });
  });

  router.get('/api/search', (req: Request, res: Response) => {
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 200) : '';
    const results = searchCatalog(products, q);
    res.json({ query: q, count: results.length, results: results.map(({ id, name, priceCents }) => ({ id, name, price: formatPrice(priceCents) })) });
  });

  router.get('/api/cart', (req: Request, res: Response) => {
    res.json(renderCart(userOf(req), carts.get(userOf(req)) ?? [], byId));
  });

  router.post('/api/cart/items', express.json({ limit: '16kb' }), (req: Request, res: Response) => {
    const productId = Number(req.body?.productId);
    const quantity = Number(req.body?.quantity ?? 1);
    if (!byId.has(productId) || !Number.isInteger(quantity) || quantity < 1 || quantity > 99) {
      res.status(400).json({ error: 'productId must be a known product and quantity 1..99' });
      return;
    }
    const user = userOf(req);
    // Carts are per user and capped, so the healthy app's memory is bounded by its user count.
    const lines = (carts.get(user) ?? []).filter((l) => l.productId !== productId).slice(-19);
    lines.push({ productId, quantity });
    carts.set(user, lines);
    res.status(201).json(renderCart(user, lines, byId));
  });

  router.post('/api/checkout', (req: Request, res: Response) => {
    const user = userOf(req);
    const lines = carts.get(user) ?? [];
    if (lines.length === 0) {
      res.status(409).json({ error: 'cart is empty' });
      return;
    }
    carts.delete(user);
    const cart = renderCart(user, lines, byId);
    res.status(201).json({ orderId: `ord-${user}-${lines.length}-${cart.totalCents}`, ...cart });
  });

  return router;
}

function renderCart(user: string, lines: readonly CartLine[], byId: ReadonlyMap<number, Product>) {
  let totalCents = 0;
  const items = lines.map((line) => {
    const product = byId.get(line.productId)!;
    totalCents += product.priceCents * line.quantity;
    return { productId: line.productId, name: product.name, quantity: line.quantity, price: formatPrice(product.priceCents) };
  });
  return { user, items, totalCents, total: formatPrice(totalCents) };
}

function formatPrice(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}
