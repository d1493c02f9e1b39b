import { describe, expect, it } from 'vitest';
import { startLoad } from '../../load/load-run.ts';
import type { RequestFailure } from '../../load/load-types.ts';
import { useLoadHarness } from './load-harness.ts';
import { SEND_SLIP, secondWaiter } from './second-waiter.ts';
import { closedPort, startTinyServer } from './tiny-server.ts';

const h = useLoadHarness();

describe('startLoad while the app is down or failing', () => {
  it('counts refused connections as errors for the users who made them, at a steady attempt rate', async () => {
    const port = await closedPort();
    const failures: RequestFailure[] = [];
    const waiter = secondWaiter();
    const cpuBefore = process.cpuUsage();
    h.load = startLoad({ url: `http://127.0.0.1:${port}`, onSecond: waiter.onSecond, onRequestFailure: (f) => failures.push(f) });
    const whole = await waiter.waitForCalm(2, 15_000);
    const totals = await h.load.stop();
    const cpu = process.cpuUsage(cpuBefore);

    for (const sec of whole) {
      expect(Math.abs(sec.sent - 200)).toBeLessThanOrEqual(SEND_SLIP);
      expect(sec.errors).toBe(sec.requests);
    }
    expect(totals.errors).toBe(totals.sent);
    expect(totals.failed).toBe(totals.sent);
    expect(failures.every((f) => f.kind === 'error' && f.code === 'ECONNREFUSED')).toBe(true);
    const outcomes = h.load.userOutcomes();
    expect(outcomes.users).toBeGreaterThan(100);
    expect(outcomes.affected).toBe(outcomes.users);
    expect(Object.values(outcomes.perUser).every((o) => o.failures === o.requests && o.firstFailureAt !== null)).toBe(true);
    // autocannon's own rate limiter reconnects in a tight loop here; the batches must not.
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const wallMs = totals.stoppedAt - totals.startedAt;
    expect(cpuMs / wallMs).toBeLessThan(0.5);
  });

  it('counts a request the app never answers as a timeout for its user, at the timeout latency', async () => {
    const server = await startTinyServer((_req, res, user) => {
      if (user !== 'user-0002') res.end('ok');
    });
    h.servers.push(server);
    const failures: RequestFailure[] = [];
    const waiter = secondWaiter();
    h.load = startLoad({ url: server.url, users: 5, overallRate: 20, connections: 2, timeoutSeconds: 1, onSecond: waiter.onSecond, onRequestFailure: (f) => failures.push(f) });
    await waiter.waitFor(4, 10_000);
    const totals = await h.load.stop({ drainMs: 0 });
    expect(totals.timeouts).toBeGreaterThan(0);
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((f) => f.user === 'user-0002' && f.kind === 'timeout')).toBe(true);
    const outcomes = h.load.userOutcomes();
    expect(Object.entries(outcomes.perUser).filter(([, o]) => o.failures > 0).map(([u]) => u)).toEqual(['user-0002']);
    const withTimeouts = h.load.seconds().filter((s) => s.timeouts > 0);
    expect(withTimeouts.every((s) => s.latencyP99Ms === 1000)).toBe(true);
  });

  it('counts a socket the app closes without answering as an error for that user', async () => {
    const server = await startTinyServer((req, res, user) => {
      if (user === 'user-0001') req.socket.destroy();
      else res.end('ok');
    });
    h.servers.push(server);
    const failures: RequestFailure[] = [];
    const waiter = secondWaiter();
    h.load = startLoad({ url: server.url, users: 4, overallRate: 40, connections: 4, onSecond: waiter.onSecond, onRequestFailure: (f) => failures.push(f) });
    await waiter.waitFor(3, 8_000);
    const totals = await h.load.stop();
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((f) => f.user === 'user-0001' && f.kind === 'error')).toBe(true);
    const outcomes = h.load.userOutcomes();
    expect(outcomes.affected).toBe(1);
    expect(outcomes.perUser['user-0001']!.failures).toBe(outcomes.perUser['user-0001']!.requests);
    expect(totals.unattributed).toBe(0);
    expect(totals.requests + totals.dropped).toBe(totals.sent);
  });


  it('bounds its connections against a hung app, and reports what it shed', async () => {
    const server = await startTinyServer(() => {});
    h.servers.push(server);
    const waiter = secondWaiter();
    h.load = startLoad({ url: server.url, overallRate: 40, connections: 5, maxConnections: 10, timeoutSeconds: 1, onSecond: waiter.onSecond });
    await waiter.waitFor(3, 8_000);
    const totals = await h.load.stop({ drainMs: 0 });
    expect(totals.shed).toBeGreaterThan(0);
    expect(totals.timeouts).toBeGreaterThan(0);
    expect(totals.failed).toBe(totals.timeouts);
    expect(totals.sent + totals.shed).toBeGreaterThanOrEqual(80);
    // Requests written just before the abort may not have reached the handler.
    expect(server.arrivals.length).toBeLessThanOrEqual(totals.sent);
    expect(server.arrivals.length).toBeGreaterThanOrEqual(totals.sent - 10);
  });
});
