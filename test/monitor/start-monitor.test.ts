import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../monitor/alert-types.ts';
import type { MetricSample } from '../../monitor/monitor-types.ts';
import { startMonitor, type Monitor } from '../../monitor/start-monitor.ts';
import type { WatchdogKill } from '../../monitor/watchdog.ts';
import { GROWING_CHILD, SMALL_CHILD, killAllTestChildren, spawnNode } from './child-process.ts';
import { loadSecond } from './synthetic-window.ts';

const MB = 2 ** 20;
const CAP = 100 * MB;

/** A /metrics endpoint whose heap the test sets. */
async function fakeMetrics(): Promise<{ url: string; setHeap(bytes: number): void; close(): Promise<void> }> {
  let heap = 50 * MB;
  const server = http.createServer((_req, res) => {
    res.end(`nodejs_heap_size_used_bytes ${heap}\nnodejs_heap_size_total_bytes ${heap * 1.2}\nnodejs_eventloop_lag_p99_seconds 0.02\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setHeap: (bytes) => (heap = bytes),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Collects callbacks and waits, bounded, for one that matches. */
function inbox<T>() {
  const items: T[] = [];
  let waiting: { pred: (x: T) => boolean; resolve: (x: T) => void } | null = null;
  return {
    items,
    push(x: T) {
      items.push(x);
      if (waiting?.pred(x)) {
        waiting.resolve(x);
        waiting = null;
      }
    },
    next(pred: (x: T) => boolean, ms = 8000): Promise<T> {
      const found = items.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('nothing matching arrived in time')), ms);
        waiting = {
          pred,
          resolve: (x) => {
            clearTimeout(timer);
            resolve(x);
          },
        };
      });
    },
  };
}

let monitor: Monitor | null = null;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await monitor?.stop();
  monitor = null;
  await Promise.all(cleanups.splice(0).map((c) => c()));
  await killAllTestChildren();
});

describe('startMonitor', () => {
  it('fires on heap and on the load data it is fed, and resolves after a restart onto a larger cap', { timeout: 20_000 }, async () => {
    const app = await fakeMetrics();
    cleanups.push(app.close);
    const restarted = await spawnNode(SMALL_CHILD);
    const alerts = inbox<AlertEvent>();
    const samples = inbox<MetricSample>();
    monitor = startMonitor({
      target: { pid: process.pid, url: app.url },
      heapCapBytes: CAP,
      intervalMs: 100,
      forEvaluations: 2,
      resolveForEvaluations: 2,
      rules: { heapShareWindowSeconds: 0.3, errorRateWindowSeconds: 3 },
      onSample: samples.push,
      onAlert: alerts.push,
    });

    await samples.next((s) => s.up && s.heapUsedBytes === 50 * MB);
    expect(alerts.items).toEqual([]);

    app.setHeap(90 * MB);
    const heapAlert = await alerts.next((a) => a.rule === 'heap-over-cap-share' && a.state === 'firing');
    expect(heapAlert).toMatchObject({ severity: 'critical', threshold: 0.8 });
    expect(heapAlert.value).toBeGreaterThan(0.8);
    expect(heapAlert.summary).toContain('100.0 MB cap');

    const now = Date.now();
    for (let i = 3; i >= 1; i--) monitor.feedLoadSecond(loadSecond(Math.floor(now / 1000) * 1000 - i * 1000, { requests: 200, failed: 20, errors: 20 }));
    const errorAlert = await alerts.next((a) => a.rule === 'error-rate-over-bound' && a.state === 'firing');
    expect(errorAlert.value).toBeCloseTo(0.1, 9);
    expect(monitor.firing().sort()).toEqual(['error-rate-over-bound', 'heap-over-cap-share']);

    // The app restarts with a raised cap: same heap, now a small share of it.
    const restartedApp = await fakeMetrics();
    cleanups.push(restartedApp.close);
    restartedApp.setHeap(90 * MB);
    monitor.retarget({ pid: restarted.pid, url: restartedApp.url, heapCapBytes: 1024 * MB });
    const resolved = await alerts.next((a) => a.rule === 'heap-over-cap-share' && a.state === 'resolved');
    expect(resolved.value).toBeLessThan(0.7);
    expect(resolved.threshold).toBe(0.7);
    expect(samples.items.at(-1)!.pid).toBe(restarted.pid);

    const report = await monitor.stop();
    expect(report.samples).toBe(samples.items.length);
    expect(report.alerts.map((a) => `${a.rule}:${a.state}`)).toEqual(
      expect.arrayContaining(['heap-over-cap-share:firing', 'error-rate-over-bound:firing', 'heap-over-cap-share:resolved']),
    );
    expect(report.watchdogs).toEqual([]);
  });

  it('runs the watchdog on the target and restarts it on retarget', { timeout: 20_000 }, async () => {
    const hog = await spawnNode(GROWING_CHILD);
    const kills = inbox<WatchdogKill>();
    const samples = inbox<MetricSample>();
    monitor = startMonitor({
      target: { pid: hog.pid, url: 'http://127.0.0.1:9' },
      heapCapBytes: CAP,
      intervalMs: 100,
      watchdog: { rssLimitBytes: 200 * MB, intervalMs: 100, onKill: kills.push },
      onSample: samples.push,
    });
    const kill = await kills.next(() => true);
    expect(kill.pid).toBe(hog.pid);
    expect((await hog.exited).signal).toBe('SIGKILL');
    await samples.next((s) => !s.up && s.reason === 'process gone');

    const calm = await spawnNode(SMALL_CHILD);
    monitor.retarget({ pid: calm.pid, url: 'http://127.0.0.1:9' });
    await samples.next((s) => s.pid === calm.pid);
    const report = await monitor.stop();
    expect(report.watchdogs.map((w) => w.outcome)).toEqual(['killed', 'stopped']);
    expect(calm.child.exitCode).toBeNull();
  });
});
