import { CATALOG_SIZE } from '../app/catalog.ts';
import { seededRandom } from './seeded-random.ts';

/** One request of the mix, ready for autocannon's `requests` option. */
export interface MixRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const SEARCH_WORDS = ['lamp', 'kettle', 'eco chair', 'smart watch', 'outdoor tent', 'silent keyboard', 'travel bottle', 'audio'];

/**
 * A shopper's day in twenty requests: mostly product pages and searches, some cart work,
 * a few checkouts. Every request carries the user it is made for in `x-user-id`, which is
 * how the load attributes failures to users.
 */
const MIX: readonly ((rand: () => number) => Omit<MixRequest, 'headers'>)[] = [
  ...Array.from({ length: 8 }, () => (rand: () => number) => ({ method: 'GET' as const, path: `/api/products/${1 + Math.floor(rand() * CATALOG_SIZE)}` })),
  ...Array.from({ length: 6 }, () => (rand: () => number) => ({
    method: 'GET' as const,
    path: `/api/search?q=${encodeURIComponent(SEARCH_WORDS[Math.floor(rand() * SEARCH_WORDS.length)]!)}`,
  })),
  ...Array.from({ length: 3 }, () => (rand: () => number) => ({
    method: 'POST' as const,
    path: '/api/cart/items',
    body: JSON.stringify({ productId: 1 + Math.floor(rand() * CATALOG_SIZE), quantity: 1 + Math.floor(rand() * 3) }),
  })),
  ...Array.from({ length: 2 }, () => () => ({ method: 'GET' as const, path: '/api/cart' })),
  () => ({ method: 'POST' as const, path: '/api/checkout' }),
];

export function userId(index: number): string {
  return `user-${String(index).padStart(4, '0')}`;
}

/** Makes the next request of the mix for a user drawn from the population. */
export function createTrafficMix(opts: { users: number; seed: number }): () => MixRequest & { user: string } {
  const rand = seededRandom(opts.seed);
  let step = 0;
  return () => {
    const user = userId(Math.floor(rand() * opts.users));
    const template = MIX[step % MIX.length]!(rand);
    step += 1;
    const headers: Record<string, string> = { 'x-user-id': user };
    if (template.body !== undefined) headers['content-type'] = 'application/json';
    return { ...template, headers, user };
  };
}
