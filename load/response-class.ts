/**
 * How an HTTP answer counts for the user who got it. The mix asks for things that may
 * legitimately be refused: a checkout with an empty cart (409) and, in principle, a product
 * id the catalog lacks (404). Those are correct answers; any other non-2xx is the app failing.
 */
export type ResponseClass = 'ok' | 'expected' | 'failed';

export function classifyResponse(status: number, method: string, path: string): ResponseClass {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 409 && method === 'POST' && path === '/api/checkout') return 'expected';
  if (status === 404 && method === 'GET' && path.startsWith('/api/products/')) return 'expected';
  return 'failed';
}
