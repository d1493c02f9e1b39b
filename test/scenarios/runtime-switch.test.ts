import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../leak-scenarios/index.ts';
import { listenApp, type ListeningApp } from '../app/listen-app.ts';
import { activeTimeouts, driveMix, retainedHeap } from './drive-mix.ts';

const TOKEN = 'scenario-switch-token-0123456789';
const REQUESTS = 1200;
/** The HTTP client's own timers come and go; a leaked interval per request is hundreds more. */
const SLACK = 2;
let lab: ListeningApp;

beforeAll(async () => {
  lab = await listenApp({ adminToken: TOKEN, snapshotDir: 'runs/test-snapshots' });
  // Warm the shop (carts, JIT, the HTTP client's pool) with no scenario on, so later baselines are steady.
  await driveMix(lab.url, 1500, { seed: 6 });
});
afterAll(() => lab.stop());

async function switchTo(scenario: string | null, mode: 'leaky' | 'fixed' | 'off') {
  const res = await fetch(`${lab.url}/admin/chaos`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ scenario, mode }),
    signal: AbortSignal.timeout(10_000),
  });
  expect(res.status).toBe(200);
  const answered = (await res.json()) as { scenario: string | null; mode: string };
  const state = await fetch(`${lab.url}/admin/chaos`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: AbortSignal.timeout(10_000) });
  expect(await state.json(), 'GET /admin/chaos agrees with the PUT').toMatchObject({ scenario: answered.scenario, mode: answered.mode });
  return answered;
}

describe.each(SCENARIOS.map((s) => s.name))('runtime switching: %s', (name) => {
  it('goes leaky, fixed, off, and off frees what the leak held', async () => {
    const timersBefore = activeTimeouts();
    const heapBefore = retainedHeap();

    expect(await switchTo(name, 'leaky')).toMatchObject({ scenario: name, mode: 'leaky' });
    expect(await driveMix(lab.url, REQUESTS)).toBe(0);
    const grown = retainedHeap() - heapBefore;
    // At least 2 KB per request, far above this process's own GC jitter.
    expect(grown, `retained growth while leaky`).toBeGreaterThan(REQUESTS * 2048);

    expect(await switchTo(name, 'fixed')).toMatchObject({ scenario: name, mode: 'fixed' });
    expect(await driveMix(lab.url, 200, { seed: 8 })).toBe(0);
    expect(lab.chaos.state()).toMatchObject({ scenario: name, mode: 'fixed' });

    expect(await switchTo(null, 'off')).toMatchObject({ scenario: null, mode: 'off' });
    const left = retainedHeap() - heapBefore;
    expect(left, `still retained after off (grew ${grown} while leaky)`).toBeLessThan(grown * 0.25);
    expect(activeTimeouts()).toBeLessThanOrEqual(timersBefore + SLACK);
  }, 60_000);
});

describe('runtime switching: observable timers', () => {
  it('cart-keepalive-timer holds one live interval per request while leaky, none once off', async () => {
    const before = activeTimeouts();
    await switchTo('cart-keepalive-timer', 'leaky');
    await driveMix(lab.url, 300);
    expect(activeTimeouts() - before).toBeGreaterThanOrEqual(300 - SLACK);
    await switchTo('cart-keepalive-timer', 'fixed');
    expect(activeTimeouts()).toBeLessThanOrEqual(before + SLACK);
    await driveMix(lab.url, 300);
    expect(activeTimeouts()).toBeLessThanOrEqual(before + SLACK);
    await switchTo(null, 'off');
    expect(activeTimeouts()).toBeLessThanOrEqual(before + SLACK);
  }, 60_000);
});
