import { describe, expect, it } from 'vitest';
import { startLoad } from '../../load/load-run.ts';
import { useLoadHarness } from './load-harness.ts';
import { SEND_SLIP, secondWaiter } from './second-waiter.ts';
import { startTinyServer } from './tiny-server.ts';

const h = useLoadHarness();

describe('startLoad retarget, pause and stop', () => {
  it('moves to a new target on retarget, and records the switch without a gap in the attempt rate', async () => {
    const a = await startTinyServer();
    const b = await startTinyServer();
    h.servers.push(a, b);
    const waiter = secondWaiter();
    h.load = startLoad({ url: a.url, overallRate: 100, onSecond: waiter.onSecond });
    await waiter.waitFor(2, 8_000);
    h.load.retarget(b.url);
    const switchedAt = Date.now();
    expect(h.load.url()).toBe(b.url);
    await waiter.waitFor(4, 8_000);
    const totals = await h.load.stop();

    expect(a.arrivals.length).toBeGreaterThan(50);
    expect(b.arrivals.length).toBeGreaterThan(100);
    // Batches already in flight may finish on the old target; nothing new goes there.
    expect(a.arrivals.filter((x) => x.at > switchedAt + 500)).toHaveLength(0);
    expect(b.arrivals.every((x) => x.at >= switchedAt)).toBe(true);
    expect(totals.failed).toBe(0);
    expect(totals.url).toBe(b.url);
    for (const s of waiter.seconds.slice(1, 4)) expect(Math.abs(s.sent - 100)).toBeLessThanOrEqual(SEND_SLIP);
  });

  it('sends nothing while paused, keeps recording seconds, and resumes at the rate', async () => {
    const server = await startTinyServer();
    h.servers.push(server);
    const waiter = secondWaiter();
    h.load = startLoad({ url: server.url, overallRate: 50, onSecond: waiter.onSecond });
    await waiter.waitFor(1, 5_000);
    h.load.pause();
    expect(h.load.isPaused()).toBe(true);
    const pausedAt = Date.now();
    await waiter.waitFor(4, 8_000);
    const whilePaused = waiter.seconds.slice(2, 4);
    expect(whilePaused.every((s) => s.sent === 0)).toBe(true);
    expect(server.arrivals.filter((a) => a.at > pausedAt + 300)).toHaveLength(0);
    h.load.resume();
    // The first whole second after the resume (through which this process did not stall).
    const [resumed] = await waiter.waitForCalm(1, 8_000);
    // Resumed during the second after the last paused one checked: whole seconds come after it.
    expect(resumed!.t).toBeGreaterThanOrEqual(waiter.seconds[3]!.t + 2000);
    expect(Math.abs(resumed!.sent - 50)).toBeLessThanOrEqual(SEND_SLIP);
  });

  it('leaves no timers or sockets behind after stop', async () => {
    const server = await startTinyServer();
    h.servers.push(server);
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'TCPSocketWrap').length;
    const waiter = secondWaiter();
    h.load = startLoad({ url: server.url, overallRate: 100, onSecond: waiter.onSecond });
    await waiter.waitFor(2, 5_000);
    await h.load.stop();
    await h.load.stop();
    const after = process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'TCPSocketWrap').length;
    expect(after).toBeLessThanOrEqual(before);
  });
});
