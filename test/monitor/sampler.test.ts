import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../app/create-app.ts';
import { isLabError } from '../../lab/errors.ts';
import type { MetricSample } from '../../monitor/monitor-types.ts';
import { startSampler, takeSample } from '../../monitor/sampler.ts';
import { METRICS_CHILD, killAllTestChildren, spawnNode } from './child-process.ts';

const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  await killAllTestChildren();
});

async function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('sampler', () => {
  it('samples a live child process, and reports it down once it is gone', async () => {
    const child = await spawnNode(METRICS_CHILD);
    const { port } = JSON.parse(child.firstLine) as { port: number };
    const target = { pid: child.pid, url: `http://127.0.0.1:${port}` };

    const alive = await takeSample(target);
    expect(alive.up).toBe(true);
    if (!alive.up) return;
    expect(alive.pid).toBe(child.pid);
    expect(alive.rssBytes).toBeGreaterThan(50 * 2 ** 20);
    expect(alive.heapUsedBytes).toBeGreaterThan(0);
    expect(alive.heapTotalBytes).toBeGreaterThanOrEqual(alive.heapUsedBytes);
    expect(alive.eventLoopLagP99Ms).toBeCloseTo(12, 6);
    expect(alive.cpuPercent).toBeGreaterThanOrEqual(0);

    await child.kill();
    const dead = await takeSample(target);
    expect(dead).toMatchObject({ up: false, pid: child.pid, reason: 'process gone', heapUsedBytes: null });
  });

  it('reports up: false, not a crash, when the scrape fails or hangs, within the scrape timeout', async () => {
    const hanging = await listen(() => {});
    const started = Date.now();
    const sample = await takeSample({ pid: process.pid, url: hanging }, { scrapeTimeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(sample.up).toBe(false);
    expect(sample.rssBytes).toBeGreaterThan(0);
    expect(!sample.up && sample.reason).toMatch(/scrape failed: timed out/);

    const notMetrics = await listen((_req, res) => res.end('hello'));
    const missing = await takeSample({ pid: process.pid, url: notMetrics });
    expect(!missing.up && missing.reason).toMatch(/metrics missing/);

    const refused = await takeSample({ pid: process.pid, url: 'http://127.0.0.1:9' });
    expect(!refused.up && refused.reason).toMatch(/scrape failed/);
  });

  it('reads the real app metrics', async () => {
    const lab = createApp({ snapshotDir: 'runs/test-snapshots' });
    closers.push(async () => lab.close());
    const url = await listen(lab.app);
    const sample = await takeSample({ pid: process.pid, url });
    expect(sample.up).toBe(true);
    expect(sample.up && sample.heapUsedBytes).toBeGreaterThan(1e6);
  });

  it('samples on a cadence, follows a retarget, and stops cleanly', async () => {
    const first = await spawnNode(METRICS_CHILD);
    const second = await spawnNode(METRICS_CHILD);
    const urlOf = (c: typeof first) => `http://127.0.0.1:${(JSON.parse(c.firstLine) as { port: number }).port}`;
    const samples: MetricSample[] = [];
    let notify = () => {};
    const sampler = startSampler({
      target: { pid: first.pid, url: urlOf(first) },
      intervalMs: 100,
      onSample(s) {
        samples.push(s);
        notify();
      },
    });
    const until = (pred: () => boolean, ms = 5000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('condition not met in time')), ms);
        notify = () => {
          if (pred()) {
            clearTimeout(timer);
            resolve();
          }
        };
        notify();
      });
    try {
      await until(() => samples.length >= 3);
      expect(samples.every((s) => s.up && s.pid === first.pid)).toBe(true);
      await first.kill();
      await until(() => samples.some((s) => !s.up));
      sampler.retarget({ pid: second.pid, url: urlOf(second) });
      await until(() => samples.at(-1)!.pid === second.pid && samples.at(-1)!.up);
      const times = samples.map((s) => s.t);
      expect(times.every((t, i) => i === 0 || t > times[i - 1]!)).toBe(true);
    } finally {
      await sampler.stop();
    }
    const count = samples.length;
    expect(() => sampler.retarget({ pid: second.pid, url: 'http://10.0.0.1:80' })).toThrow();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(samples.length).toBe(count);
  });

  it('refuses a non-loopback target', () => {
    try {
      startSampler({ target: { pid: process.pid, url: 'http://example.com' }, onSample: () => {} });
      expect.unreachable();
    } catch (err) {
      expect(isLabError(err, 'LAB_ERR_BAD_OPTION')).toBe(true);
    }
  });
});
