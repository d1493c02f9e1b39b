import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type LeakLabApp } from '../../app/create-app.ts';
import { startLoad } from '../../load/load-run.ts';
import type { LoadHandle } from '../../load/load-types.ts';
import { secondWaiter } from './second-waiter.ts';

interface RunningApp {
  url: string;
  close(): Promise<void>;
}

async function listenApp(): Promise<RunningApp> {
  const lab: LeakLabApp = createApp({ snapshotDir: 'runs/test-snapshots' });
  const server = http.createServer(lab.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        lab.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

let load: LoadHandle | null = null;
const apps: RunningApp[] = [];

afterEach(async () => {
  await load?.stop({ drainMs: 0 });
  load = null;
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

describe('startLoad against the real shop app', () => {
  it('sees no failures from a healthy app, counting its empty-cart 409s as expected', async () => {
    const app = await listenApp();
    apps.push(app);
    const waiter = secondWaiter();
    load = startLoad({ url: app.url, onSecond: waiter.onSecond });
    await waiter.waitFor(3, 8_000);
    const totals = await load.stop();
    expect(totals.requests).toBeGreaterThan(300);
    expect(totals.failed).toBe(0);
    expect(totals.expected4xx).toBeGreaterThan(0);
    expect(load.userOutcomes().affected).toBe(0);
  });

  it('counts the users hit while the app is down, and none after the restart it is retargeted to', async () => {
    const first = await listenApp();
    const waiter = secondWaiter();
    load = startLoad({ url: first.url, overallRate: 100, onSecond: waiter.onSecond });
    await waiter.waitFor(2, 8_000);
    await first.close();
    const downFrom = Date.now();
    await waiter.waitFor(4, 8_000);
    const second = await listenApp();
    apps.push(second);
    load.retarget(second.url);
    const upAgain = Date.now();
    await waiter.waitFor(6, 8_000);
    const totals = await load.stop();

    const outcomes = load.userOutcomes();
    expect(totals.errors).toBeGreaterThan(100);
    expect(outcomes.affected).toBeGreaterThan(50);
    const firstFailures = Object.values(outcomes.perUser).flatMap((o) => (o.firstFailureAt === null ? [] : [o.firstFailureAt]));
    expect(Math.min(...firstFailures)).toBeGreaterThanOrEqual(downFrom - 50);
    // Batches launched before the retarget may still hit the dead port; after that, nothing fails.
    const after = load.seconds().filter((s) => s.t >= Math.ceil((upAgain + 1000) / 1000) * 1000);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((s) => s.failed === 0 && s.status2xx > 0)).toBe(true);
  });
});
