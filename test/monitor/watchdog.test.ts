import { afterEach, describe, expect, it } from 'vitest';
import { isLabError } from '../../lab/errors.ts';
import { startWatchdog, type WatchdogKill } from '../../monitor/watchdog.ts';
import { GROWING_CHILD, SMALL_CHILD, killAllTestChildren, spawnNode } from './child-process.ts';

const MB = 2 ** 20;

afterEach(async () => {
  await killAllTestChildren();
});

describe('watchdog', () => {
  it('kills with SIGKILL a child whose RSS passes the limit, and reports it', { timeout: 15_000 }, async () => {
    const child = await spawnNode(GROWING_CHILD);
    const kills: WatchdogKill[] = [];
    const dog = startWatchdog({ pid: child.pid, rssLimitBytes: 200 * MB, intervalMs: 100, onKill: (k) => kills.push(k) });
    const report = await dog.done;
    const exit = await child.exited;
    expect(exit.signal).toBe('SIGKILL');
    expect(report.outcome).toBe('killed');
    expect(report.kill).toMatchObject({ pid: child.pid, signal: 'SIGKILL', rssLimitBytes: 200 * MB });
    expect(report.kill!.rssBytes).toBeGreaterThan(200 * MB);
    expect(report.kill!.rssBytes).toBeLessThan(600 * MB);
    expect(kills).toEqual([report.kill]);
    expect(await dog.stop()).toEqual(report);
  });

  it('leaves a small child alone until stopped', { timeout: 15_000 }, async () => {
    const child = await spawnNode(SMALL_CHILD);
    let checks = 0;
    let threeChecks!: () => void;
    const looked = new Promise<void>((resolve) => (threeChecks = resolve));
    const dog = startWatchdog({ pid: child.pid, rssLimitBytes: 200 * MB, intervalMs: 50, onCheck: () => ++checks === 3 && threeChecks() });
    const early = await Promise.race([looked.then(() => null), dog.done]);
    expect(early).toBeNull();
    const report = await dog.stop();
    expect(report.outcome).toBe('stopped');
    expect(report.kill).toBeNull();
    expect(report.checks).toBeGreaterThanOrEqual(3);
    expect(report.maxRssBytes).toBeGreaterThan(0);
    expect(child.child.exitCode).toBeNull();
  });

  it('notices a process that exits by itself', async () => {
    const child = await spawnNode(SMALL_CHILD);
    const dog = startWatchdog({ pid: child.pid, rssLimitBytes: 200 * MB, intervalMs: 50 });
    await child.kill();
    const report = await dog.done;
    expect(report.outcome).toBe('gone');
    expect(report.kill).toBeNull();
  });

  it('refuses to watch pid 1 or itself', () => {
    for (const pid of [1, process.pid, 0]) {
      try {
        startWatchdog({ pid, rssLimitBytes: MB });
        expect.unreachable();
      } catch (err) {
        expect(isLabError(err, 'LAB_ERR_BAD_OPTION')).toBe(true);
      }
    }
  });
});
