import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startApp, type AppProcess } from '../../lab/app-process.ts';
import { startLoad } from '../../load/load-run.ts';
import type { LoadHandle } from '../../load/load-types.ts';
import type { AlertEvent } from '../../monitor/alert-types.ts';
import { startMonitor, type Monitor } from '../../monitor/start-monitor.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'leak-lab-alerts-'));
const running: { app?: AppProcess; load?: LoadHandle; monitor?: Monitor }[] = [];
afterAll(async () => {
  for (const r of running) {
    await r.load?.stop();
    await r.monitor?.stop();
    await r.app?.stop();
  }
  rmSync(dir, { recursive: true, force: true });
});

// The lab's default cap: at much smaller caps a fresh process's GC sawtooth can look like a
// trend to a 30-second predict_linear, which is a limit of that rule, not of the fixed build.
const HEAP_CAP_MB = 128;
const SCENARIO = 'unbounded-response-cache';

/**
 * Runs one build under the default traffic with the monitor's rules; resolves at the first heap
 * alert, or when `until` settles (at the latest after 90 s).
 */
async function watch(variant: 'leaky' | 'fixed', until: Promise<unknown>): Promise<{ fired: AlertEvent | null; elapsedMs: number }> {
  const app = await startApp({ scenario: SCENARIO, variant, heapCapMb: HEAP_CAP_MB, snapshotDir: dir, token: 'alerts' });
  const r: (typeof running)[number] = { app };
  running.push(r);
  const started = Date.now();
  try {
    return await new Promise((resolve) => {
      const end = () => {
        clearTimeout(timer);
        resolve({ fired: null, elapsedMs: Date.now() - started });
      };
      const timer = setTimeout(end, 90_000);
      void until.then(end, end);
      r.monitor = startMonitor({
        target: { pid: app.pid, url: app.url },
        heapCapBytes: HEAP_CAP_MB * 2 ** 20,
        onAlert(event) {
          if (event.state === 'firing' && event.rule.startsWith('heap')) {
            clearTimeout(timer);
            resolve({ fired: event, elapsedMs: Date.now() - started });
          }
        },
      });
      r.load = startLoad({ url: app.url, onSecond: (s) => r.monitor?.feedLoadSecond(s) });
    });
  } finally {
    await r.load?.stop();
    await r.monitor?.stop();
    await app.stop();
  }
}

describe('alert rules over the same window', () => {
  it('fire on the leaky build and never on the fixed one', async () => {
    // Side by side, each well under a core: the fixed build is watched over the window the
    // leaky one needed, and 5 s more.
    let leakyDone!: () => void;
    const leakyOver = new Promise<void>((r) => (leakyDone = r));
    const leaky = watch('leaky', new Promise(() => {})).finally(() => setTimeout(leakyDone, 5_000));
    const [l, fixed] = await Promise.all([leaky, watch('fixed', leakyOver)]);
    expect(l.fired, 'a heap alert on the leaky build within 90 s').not.toBeNull();
    expect(fixed.elapsedMs).toBeGreaterThanOrEqual(l.elapsedMs);
    expect(fixed.fired, JSON.stringify(fixed.fired)).toBeNull();
  });
});
