import { EventEmitter } from 'node:events';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { LeakScenario, ScenarioInstance, Variant } from './scenario.ts';

interface PriceUpdate {
  productId: number;
  priceCents: number;
}

// region: leaky
function watchPrices(priceBus: EventEmitter, req: Request, res: Response): void {
  const onPrice = (update: PriceUpdate) => {
    // Flag a page whose price moved while it was being rendered.
    if (!res.headersSent && req.originalUrl.includes(`/${update.productId}`)) res.set('x-price-changed', String(update.priceCents));
  };
  // One listener per request, never removed: the bus keeps every closure, and with it every req and res.
  priceBus.on('price', onPrice);
}
// endregion

// region: fixed
function watchPricesUntilClose(priceBus: EventEmitter, req: Request, res: Response): void {
  const onPrice = (update: PriceUpdate) => {
    if (!res.headersSent && req.originalUrl.includes(`/${update.productId}`)) res.set('x-price-changed', String(update.priceCents));
  };
  priceBus.on('price', onPrice);
  // 'close' fires once per response, finished or aborted, so the listener never outlives its request.
  res.once('close', () => priceBus.off('price', onPrice));
}
// endregion

function create(variant: Variant): ScenarioInstance {
  const priceBus = new EventEmitter();
  // Someone silenced MaxListenersExceededWarning instead of asking why there were so many listeners.
  priceBus.setMaxListeners(0);
  // Price updates are rare; a long period keeps emits over many stale listeners cheap.
  const ticker = setInterval(() => priceBus.emit('price', { productId: 1 + Math.floor(Math.random() * 1000), priceCents: 999 }), 30_000);
  ticker.unref();
  const watch = variant === 'leaky' ? watchPrices : watchPricesUntilClose;

  const router = express.Router();
  const hook = (req: Request, res: Response, next: NextFunction): void => {
    watch(priceBus, req, res);
    next();
  };
  router.get(['/api/products/:id', '/api/search', '/api/cart'], hook);

  return {
    router,
    dispose() {
      clearInterval(ticker);
      priceBus.removeAllListeners();
    },
  };
}

export const priceBusListenerScenario: LeakScenario = {
  name: 'price-bus-listener',
  title: 'Listener per request on a price bus',
  story: 'Let a page being rendered notice a price change pushed on the shared price-update bus.',
  rootCause:
    'Every GET adds a listener to the long-lived `priceBus` EventEmitter and never removes it. ' +
    'Each listener closes over its request and response, so the bus retains every req/res pair ever served; setMaxListeners(0) hid the warning that would have said so.',
  fix:
    "The fixed build removes the listener on the response's 'close' event, which fires once per response whether it finished or was aborted. " +
    'The bus then holds only the listeners of requests in flight.',
  leak: { file: 'leak-scenarios/price-bus-listener.ts', identifier: 'priceBus' },
  routes: ['GET /api/products/:id', 'GET /api/search', 'GET /api/cart'],
  create,
};
