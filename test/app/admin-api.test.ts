import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../leak-scenarios/index.ts';
import { listenApp, type ListeningApp } from './listen-app.ts';

const TOKEN = 'test-token-0123456789';
let lab: ListeningApp;
beforeAll(async () => {
  lab = await listenApp({ adminToken: TOKEN, snapshotDir: 'runs/test-snapshots' });
});
afterAll(() => lab.stop());

function admin(method: string, route: string, body?: unknown, token: string | null = TOKEN): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  return fetch(`${lab.url}/admin${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

describe('admin API', () => {
  it('listens on loopback only', () => {
    expect(lab.server.address()).toMatchObject({ address: '127.0.0.1' });
  });

  it('answers 401 without the token, with a wrong one, and changes nothing', async () => {
    const before = (await (await admin('GET', '/chaos')).json()) as { switches: number };
    const name = SCENARIOS[0]?.name ?? 'anything';
    for (const token of [null, 'wrong', `${TOKEN}x`, '']) {
      const res = await admin('PUT', '/chaos', { scenario: name, mode: 'leaky' }, token);
      expect(res.status, `token ${token}`).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect((await admin('POST', '/snapshots', { label: 'nope' }, 'wrong')).status).toBe(401);
    expect(await (await admin('GET', '/chaos')).json()).toMatchObject({ switches: before.switches, mode: 'off', scenario: null });
  });

  it('refuses unknown scenario names with 400 and the list of valid names', async () => {
    const res = await admin('PUT', '/chaos', { scenario: 'no-such-leak', mode: 'leaky' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; valid: string[] };
    expect(body.error).toMatch(/no-such-leak/);
    expect(body.valid).toEqual(SCENARIOS.map((s) => s.name));
    expect((await admin('PUT', '/chaos', { scenario: 'x', mode: 'sideways' })).status).toBe(400);
  });

  it('lists the scenarios', async () => {
    const list = (await (await admin('GET', '/scenarios')).json()) as { name: string }[];
    expect(list.map((s) => s.name)).toEqual(SCENARIOS.map((s) => s.name));
  });

  it.runIf(SCENARIOS.length > 0)('switches a scenario leaky, fixed and off at runtime', async () => {
    const name = SCENARIOS[0]!.name;
    const leaky = (await (await admin('PUT', '/chaos', { scenario: name, mode: 'leaky' })).json()) as { scenario: string; mode: string };
    expect(leaky).toMatchObject({ scenario: name, mode: 'leaky' });
    expect((await fetch(`${lab.url}/api/products/1`)).status).toBe(200);
    expect(await (await admin('PUT', '/chaos', { scenario: name, mode: 'fixed' })).json()).toMatchObject({ scenario: name, mode: 'fixed' });
    expect(await (await admin('PUT', '/chaos', { mode: 'off' })).json()).toMatchObject({ scenario: null, mode: 'off' });
    expect(await (await admin('GET', '/chaos')).json()).toMatchObject({ scenario: null, mode: 'off' });
  });

  it('refuses to force GC when the process was not started with --expose-gc', async () => {
    const gcExposed = typeof (globalThis as { gc?: unknown }).gc === 'function';
    expect((await admin('POST', '/gc')).status).toBe(gcExposed ? 200 : 501);
  });
});
