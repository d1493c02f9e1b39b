import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenApp, type ListeningApp } from './listen-app.ts';

let lab: ListeningApp;
beforeAll(async () => {
  lab = await listenApp();
});
afterAll(() => lab.stop());

const as = (user: string, init: RequestInit = {}): RequestInit => ({ ...init, headers: { 'x-user-id': user, 'content-type': 'application/json', ...init.headers } });

describe('shop routes', () => {
  it('answers health checks cheaply', async () => {
    const res = await fetch(`${lab.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, pid: process.pid });
  });

  it('looks products up and 404s unknown ones', async () => {
    const ok = await fetch(`${lab.url}/api/products/42`);
    expect(await ok.json()).toMatchObject({ id: 42, sku: 'SKU-000042' });
    expect((await fetch(`${lab.url}/api/products/999999`)).status).toBe(404);
  });

  it('ranks search results by matching words', async () => {
    const body = (await (await fetch(`${lab.url}/api/search?q=smart%20lamp`)).json()) as { count: number; results: { name: string }[] };
    expect(body.count).toBeGreaterThan(0);
    expect(body.results[0]!.name).toMatch(/Smart/);
    expect(body.results[0]!.name).toMatch(/Lamp/);
  });

  it('keeps a cart per user and checks it out once', async () => {
    const add = await fetch(`${lab.url}/api/cart/items`, as('alice', { method: 'POST', body: JSON.stringify({ productId: 7, quantity: 2 }) }));
    expect(add.status).toBe(201);
    const cart = (await (await fetch(`${lab.url}/api/cart`, as('alice'))).json()) as { items: unknown[]; totalCents: number };
    expect(cart.items).toHaveLength(1);
    expect(((await (await fetch(`${lab.url}/api/cart`, as('bob'))).json()) as { items: unknown[] }).items).toHaveLength(0);
    const order = await fetch(`${lab.url}/api/checkout`, as('alice', { method: 'POST' }));
    expect(order.status).toBe(201);
    expect(((await order.json()) as { totalCents: number }).totalCents).toBe(cart.totalCents);
    expect((await fetch(`${lab.url}/api/checkout`, as('alice', { method: 'POST' }))).status).toBe(409);
  });

  it('rejects bad cart input with 400', async () => {
    const res = await fetch(`${lab.url}/api/cart/items`, as('carol', { method: 'POST', body: JSON.stringify({ productId: 7, quantity: 1000 }) }));
    expect(res.status).toBe(400);
    const bad = await fetch(`${lab.url}/api/cart/items`, as('carol', { method: 'POST', body: '{not json' }));
    expect(bad.status).toBe(400);
  });
});
