import { randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { userOf } from '../app/shop-routes.ts';
import type { LeakScenario, ScenarioInstance, Variant } from './scenario.ts';

interface Quote {
  key: string;
  discountPercent: number;
}

/** Shaped like an HTTP client's error: it keeps the request it made and the response it got. */
class UpstreamError extends Error {
  constructor(
    message: string,
    readonly config: { method: string; url: string; headers: Record<string, string> },
    readonly response: { status: number; headers: Record<string, string>; data: string },
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

interface QuoteCoalescer {
  /** Concurrent callers for the same key share one upstream call. */
  quote(key: string, load: () => Promise<Quote>): Promise<Quote>;
  clear(): void;
}

// region: leaky
function createQuoteCoalescer(): QuoteCoalescer {
  const inflightQuotes = new Map<string, Promise<Quote>>();
  return {
    quote(key, load) {
      let pending = inflightQuotes.get(key);
      if (!pending) {
        // Removed on success only: a failed lookup's rejected promise, and its error, stay forever.
        pending = load().then((quote) => {
          inflightQuotes.delete(key);
          return quote;
        });
        inflightQuotes.set(key, pending);
      }
      return pending;
    },
    clear: () => inflightQuotes.clear(),
  };
}
// endregion

// region: fixed
function createSettlingQuoteCoalescer(): QuoteCoalescer {
  const inflight = new Map<string, Promise<Quote>>();
  return {
    quote(key, load) {
      let pending = inflight.get(key);
      if (!pending) {
        // finally: the entry goes whether the lookup succeeded or failed, so the map holds only calls in flight.
        pending = load().finally(() => inflight.delete(key));
        inflight.set(key, pending);
      }
      return pending;
    },
    clear: () => inflight.clear(),
  };
}
// endregion

/** The pricing service sheds load during the incident: this share of lookups fails. */
const FAILURE_RATE = 0.5;

/** Stands in for the pricing service, whose failures come back as its branded HTML error page (inlined CSS, trace). */
async function fetchQuote(key: string, headers: Record<string, string>): Promise<Quote> {
  await new Promise((resolve) => setImmediate(resolve));
  if (Math.random() >= FAILURE_RATE) return { key, discountPercent: key.length % 15 };
  const traceId = randomBytes(8).toString('hex');
  // Decoded from the socket in real life, so every failure holds its own copy of the page.
  const page = Buffer.from(gatewayErrorPage(traceId)).toString('utf8');
  throw new UpstreamError(
    'Request failed with status code 503',
    { method: 'GET', url: `http://pricing.internal/v2/quotes?key=${encodeURIComponent(key)}`, headers },
    { status: 503, headers: { 'content-type': 'text/html', 'x-trace-id': traceId, 'retry-after': '5' }, data: page },
  );
}

function gatewayErrorPage(traceId: string): string {
  const style = Array.from({ length: 64 }, (_, i) => `.err-section-${i}{margin:0 auto;max-width:60rem;padding:1.5rem;font:400 1rem/1.5 system-ui,sans-serif;color:#313131}`).join('\n');
  const rows = Array.from({ length: 48 }, (_, i) => `<li class="trace">hop ${i}: edge-${(i * 7) % 31}.pricing.internal upstream timeout after 3000 ms (trace ${traceId})</li>`).join('\n');
  return `<!DOCTYPE html><html lang="en"><head><title>503 Service Unavailable</title><style>${style}</style></head>` +
    `<body><h1>503 Service Unavailable</h1><p>The pricing service is temporarily unable to serve this request.</p><ul>${rows}</ul>` +
    `<footer>Trace ID: ${traceId} · ${new Date().toISOString()}</footer></body></html>`;
}

function create(variant: Variant): ScenarioInstance {
  const coalescer = variant === 'leaky' ? createQuoteCoalescer() : createSettlingQuoteCoalescer();
  const router = express.Router();
  router.get(['/api/products/:id', '/api/search', '/api/cart'], async (req: Request, res: Response, next: NextFunction) => {
    const user = userOf(req);
    const key = `${user} ${req.originalUrl}`;
    try {
      const quote = await coalescer.quote(key, () => fetchQuote(key, { 'x-user-id': user, accept: 'application/json' }));
      res.set('x-quote-discount', String(quote.discountPercent));
    } catch {
      // Degrade: the page renders at list price.
      res.set('x-quote-discount', 'unavailable');
    }
    next();
  });
  return { router, dispose: () => coalescer.clear() };
}

export const inflightQuoteMapScenario: LeakScenario = {
  name: 'inflight-quote-map',
  title: 'In-flight promise map cleaned on success only',
  story: 'Coalesce concurrent identical price-quote lookups so a burst of requests makes one upstream call.',
  rootCause:
    'The in-flight map deletes its entry in the success callback only, so every failed lookup leaves its rejected promise behind for good. ' +
    'Each rejection holds an HTTP-client-style error with the request it made and the gateway error page it got back, and keys include the user, so during an upstream incident the map grows with every failure.',
  fix:
    'The fixed build removes the entry in `finally`, so the map only ever holds lookups in flight, whatever their outcome. ' +
    'A failure is reported to the callers waiting on it and the next request tries again.',
  leak: { file: 'leak-scenarios/inflight-quote-map.ts', identifier: 'inflightQuotes' },
  routes: ['GET /api/products/:id', 'GET /api/search', 'GET /api/cart'],
  create,
};
