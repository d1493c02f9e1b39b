import { describe, expect, it } from 'vitest';
import { startLoad } from '../../load/load-run.ts';
import { useLoadHarness } from './load-harness.ts';
import { secondWaiter } from './second-waiter.ts';
import { startTinyServer } from './tiny-server.ts';

const h = useLoadHarness();

/** Load at 100 a second against a tiny server, its seconds collected; ask for calm ones at once. */
async function loadAt100(): Promise<ReturnType<typeof secondWaiter>> {
  const server = await startTinyServer();
  h.servers.push(server);
  const waiter = secondWaiter();
  h.load = startLoad({ url: server.url, overallRate: 100, onSecond: waiter.onSecond });
  return waiter;
}

/** Blocks this process, as a busy machine would. */
function stall(ms: number): { from: number; to: number } {
  const from = Date.now();
  while (Date.now() - from < ms);
  return { from, to: Date.now() };
}

describe('secondWaiter.waitForCalm', () => {
  it('passes over the seconds a stall of this process touched, and the ones it gives hold the rate', async () => {
    const waiter = await loadAt100();
    const calm = waiter.waitForCalm(2, 15_000);
    await waiter.waitFor(2, 8_000);
    const blocked = stall(400);
    const run = await calm;
    expect(run).toHaveLength(2);
    // Wholly after the stall, counting the slice before the run's first second.
    expect(run[0]!.t - 250).toBeGreaterThanOrEqual(blocked.to);
    expect(run[1]!.t).toBe(run[0]!.t + 1000);
    for (const sec of run) expect(Math.abs(sec.sent - 100)).toBeLessThanOrEqual(5);
  });

  it('gives up at its bound, naming the stalls, when the process never stays calm', async () => {
    const waiter = await loadAt100();
    const calm = waiter.waitForCalm(2, 3_000);
    const stalling = setInterval(() => stall(150), 400);
    try {
      await expect(calm).rejects.toThrow(/no 2 whole seconds in a row without a stall .* in 3000 ms .*stalls: \d+ ms/);
    } finally {
      clearInterval(stalling);
    }
  });
});
