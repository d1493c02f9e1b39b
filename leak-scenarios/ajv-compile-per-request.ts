import { Ajv, type ValidateFunction } from 'ajv';
import express, { type NextFunction, type Request, type Response } from 'express';
import { userOf } from '../app/shop-routes.ts';
import type { LeakScenario, ScenarioInstance, Variant } from './scenario.ts';

interface ShopperLimits {
  maxQuantity: number;
  paymentMethods: string[];
  maxPageSize: number;
}

/** Wholesale accounts may buy more and pay by invoice; everyone else has the retail limits. */
function limitsFor(user: string): ShopperLimits {
  return user.endsWith('7')
    ? { maxQuantity: 99, paymentMethods: ['card', 'paypal', 'invoice'], maxPageSize: 200 }
    : { maxQuantity: 10, paymentMethods: ['card', 'paypal'], maxPageSize: 50 };
}

function cartItemSchema(limits: ShopperLimits) {
  return {
    type: 'object',
    required: ['productId', 'quantity'],
    additionalProperties: false,
    properties: {
      productId: { type: 'integer', minimum: 1, maximum: 1_000_000 },
      quantity: { type: 'integer', minimum: 1, maximum: limits.maxQuantity },
      giftWrap: { type: 'boolean' },
      note: { type: 'string', maxLength: 200 },
      engraving: { type: 'string', pattern: '^[A-Za-z0-9 .,!?-]{0,40}$' },
      source: { enum: ['product-page', 'search', 'recommendation', 'cart'] },
      coupon: { type: 'string', pattern: '^[A-Z0-9]{4,16}$' },
      deliveryWindow: { type: 'object', additionalProperties: false, properties: { from: { type: 'string' }, to: { type: 'string' } } },
    },
  };
}

function searchQuerySchema(limits: ShopperLimits) {
  return {
    type: 'object',
    required: ['q'],
    additionalProperties: false,
    properties: {
      q: { type: 'string', minLength: 1, maxLength: 200 },
      page: { type: 'string', pattern: '^[1-9][0-9]{0,3}$' },
      pageSize: { type: 'string', pattern: '^[1-9][0-9]{0,2}$', maxLength: String(limits.maxPageSize).length },
      sort: { enum: ['relevance', 'price-asc', 'price-desc', 'newest'] },
      category: { enum: ['kitchen', 'home', 'outdoor', 'audio', 'office', 'travel'] },
    },
  };
}

function checkoutSchema(limits: ShopperLimits) {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      paymentMethod: { enum: limits.paymentMethods },
      coupon: { type: 'string', pattern: '^[A-Z0-9]{4,16}$' },
      giftMessage: { type: 'string', maxLength: 500 },
      shippingAddressId: { type: 'string', pattern: '^addr-[a-z0-9]{6,24}$' },
      deliveryWindow: { type: 'object', additionalProperties: false, properties: { from: { type: 'string' }, to: { type: 'string' } } },
      marketingOptIn: { type: 'boolean' },
    },
  };
}

interface Validators {
  searchQuery(user: string): ValidateFunction;
  cartItem(user: string): ValidateFunction;
  checkout(user: string): ValidateFunction;
  dispose(): void;
}

// region: leaky
function createValidators(): Validators {
  // One Ajv for the app, as the docs advise; but its compile cache is keyed by schema object identity.
  const cartAjv = new Ajv({ allErrors: true });
  return {
    // A fresh schema object per request: a cache miss every time, and every compiled validator stays in the cache.
    searchQuery: (user) => cartAjv.compile(searchQuerySchema(limitsFor(user))),
    cartItem: (user) => cartAjv.compile(cartItemSchema(limitsFor(user))),
    checkout: (user) => cartAjv.compile(checkoutSchema(limitsFor(user))),
    dispose: () => void cartAjv.removeSchema(),
  };
}
// endregion

// region: fixed
function createCompiledValidators(): Validators {
  const ajv = new Ajv({ allErrors: true });
  // Compiled once, for the widest limits; the per-shopper limits are checked in code after validation.
  const widest = { maxQuantity: 99, paymentMethods: ['card', 'paypal', 'invoice'], maxPageSize: 200 };
  const searchQuery = ajv.compile(searchQuerySchema(widest));
  const cartItem = ajv.compile(cartItemSchema(widest));
  const checkout = ajv.compile(checkoutSchema(widest));
  return { searchQuery: () => searchQuery, cartItem: () => cartItem, checkout: () => checkout, dispose: () => void ajv.removeSchema() };
}
// endregion

interface Input {
  quantity?: number;
  paymentMethod?: string;
  pageSize?: string;
}

function withinLimits(user: string, input: Input): boolean {
  const limits = limitsFor(user);
  return (
    (input.quantity ?? 1) <= limits.maxQuantity &&
    Number(input.pageSize ?? 1) <= limits.maxPageSize &&
    (input.paymentMethod === undefined || limits.paymentMethods.includes(input.paymentMethod))
  );
}

function create(variant: Variant): ScenarioInstance {
  const validators = variant === 'leaky' ? createValidators() : createCompiledValidators();
  const router = express.Router();
  const validate = (pick: (user: string) => ValidateFunction, from: 'body' | 'query') => (req: Request, res: Response, next: NextFunction) => {
    const user = userOf(req);
    const input = ((from === 'body' ? req.body : req.query) ?? {}) as Input;
    const check = pick(user);
    if (!check(input) || !withinLimits(user, input)) {
      res.status(400).json({ error: `invalid request ${from}`, details: check.errors ?? [{ message: 'over the limits of this account' }] });
      return;
    }
    next();
  };
  const json = express.json({ limit: '16kb' });
  router.get('/api/search', validate((user) => validators.searchQuery(user), 'query'));
  router.post('/api/cart/items', json, validate((user) => validators.cartItem(user), 'body'));
  router.post('/api/checkout', json, validate((user) => validators.checkout(user), 'body'));
  return { router, dispose: () => validators.dispose() };
}

export const ajvCompilePerRequestScenario: LeakScenario = {
  name: 'ajv-compile-per-request',
  title: 'Ajv validator compiled per request',
  story: "Validate search queries and cart and checkout bodies against JSON schemas tailored to the shopper's account limits.",
  rootCause:
    'The schema object is rebuilt for every request and passed to `cartAjv.compile`, and Ajv caches compiled validators by schema object identity. ' +
    "Every request is therefore a cache miss that adds generated code, the schema and its compiled function to the shared Ajv instance's cache, which nothing ever clears.",
  fix:
    'The fixed build compiles each schema once when the scenario is created, for the widest limits, and checks the per-account limits in code. ' +
    "Ajv's cache then holds two validators for the life of the process.",
  leak: { file: 'leak-scenarios/ajv-compile-per-request.ts', identifier: 'cartAjv' },
  routes: ['GET /api/search', 'POST /api/cart/items', 'POST /api/checkout'],
  create,
};
