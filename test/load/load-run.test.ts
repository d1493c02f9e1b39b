import { describe, expect, it } from 'vitest';
import { startLoad } from '../../load/load-run.ts';
import type { LoadSecond, LoadTotals, RequestFailure } from '../../load/load-types.ts';
import { useLoadHarness } from './load-harness.ts';
import { SEND_SLIP, secondWaiter } from './second-waiter.ts';
import { startTinyServer } from './tiny-server.ts';

const COUNTED = ['sent', 'requests', 'status2xx', 'non2xx', 'expected4xx', 'status5xx', 'errors', 'timeouts', 'failed', 'shed'] as const;

function sumSeconds(seconds: readonly LoadSecond[]): Record<(typeof COUNTED)[number], number> {
  const sum = Object.fromEntries(COUNTED.map((k) => [k, 0])) as Record<(typeof COUNTED)[number], number>;
  for (const s of seconds) for (const k of COUNTED) sum[k] += s[k];
  return sum;
}

const h = useLoadHarness();

describe('startLoad against a tiny server', () => {
  it('holds the overall rate, and its seconds add up to the totals', async () => {
    const server = await startTinyServer();
    h.servers.push(server);
    const waiter = secondWaiter();
    h.load = startLoad({ url: server.url, onSecond: waiter.onSecond });
    const whole = await waiter.waitForCalm(3, 15_000);
    for (const sec of whole) {
      expect(Math.abs(sec.sent - 200)).toBeLessThanOrEqual(SEND_SLIP);
      expect(sec.requests).toBeGreaterThanOrEqual(180);
      expect(sec.requests).toBeLessThanOrEqual(220);
      expect(sec.failed).toBe(0);
      expect(sec.latencyP50Ms).not.toBeNull();
    }
    const from = whole[0]!.t;
    const to = whole.at(-1)!.t + 1000;
    const arrived = server.arrivals.filter((a) => a.at >= from && a.at < to).length;
    expect(arrived).toBeGreaterThanOrEqual(570);
    expect(arrived).toBeLessThanOrEqual(630);

    const totals: LoadTotals = await h.load.stop();
    const sum = sumSeconds(h.load.seconds());
    for (const k of COUNTED) expect(sum[k], k).toBe(totals[k]);
    expect(totals.requests).toBe(totals.sent - totals.dropped);
    expect(totals.sent).toBe(server.arrivals.length);
    expect(totals.requests).toBe(totals.status2xx + totals.non2xx + totals.errors + totals.timeouts);
    expect(totals.unattributed).toBe(0);
    expect(h.load.seconds()[0]!.t).toBe(Math.floor(totals.startedAt / 1000) * 1000);
  });

  it('attributes failures to the users who got them, and only to them', async () => {
    const failing = new Set(['user-0003', 'user-0007', 'user-0011']);
    const server = await startTinyServer((req, res, user) => {
      if (failing.has(user)) res.statusCode = 500;
      else if (req.url === '/api/checkout') res.statusCode = 409;
      res.end('{}');
    });
    h.servers.push(server);
    const failures: RequestFailure[] = [];
    const waiter = secondWaiter();
    h.load = startLoad({ url: server.url, users: 20, overallRate: 100, onSecond: waiter.onSecond, onRequestFailure: (f) => failures.push(f) });
    await waiter.waitFor(3, 8_000);
    const totals = await h.load.stop();
    const outcomes = h.load.userOutcomes();

    const sentBy = new Map<string, number>();
    for (const a of server.arrivals) sentBy.set(a.user, (sentBy.get(a.user) ?? 0) + 1);
    const affected = Object.entries(outcomes.perUser).filter(([, o]) => o.failures > 0).map(([u]) => u).sort();
    expect(affected).toEqual([...failing].sort());
    for (const user of failing) {
      expect(outcomes.perUser[user]!.failures).toBe(outcomes.perUser[user]!.requests);
      expect(outcomes.perUser[user]!.requests).toBe(sentBy.get(user));
      expect(outcomes.perUser[user]!.firstFailureAt).toBeGreaterThanOrEqual(totals.startedAt);
    }
    expect(outcomes.users).toBe(sentBy.size);
    expect(outcomes.affected).toBe(3);
    expect(totals.affectedUsers).toBe(3);
    // 409 on an empty-cart checkout is the shop answering correctly, not a failure.
    expect(totals.expected4xx).toBeGreaterThan(0);
    expect(totals.failed).toBe(totals.status5xx);
    expect(failures).toHaveLength(totals.failed);
    expect(failures.every((f) => failing.has(f.user) && f.kind === 'status' && f.status === 500)).toBe(true);
  });

  it('counts an unexpected 4xx as a failure', async () => {
    const server = await startTinyServer((req, res) => {
      res.statusCode = req.url === '/api/cart' ? 400 : 200;
      res.end('{}');
    });
    h.servers.push(server);
    const waiter = secondWaiter();
    h.load = startLoad({ url: server.url, overallRate: 100, onSecond: waiter.onSecond });
    await waiter.waitFor(2, 8_000);
    const totals = await h.load.stop();
    const cartRequests = server.arrivals.filter((a) => a.path === '/api/cart').length;
    expect(cartRequests).toBeGreaterThan(0);
    expect(totals.failed).toBe(cartRequests);
    expect(totals.expected4xx).toBe(0);
  });
});
