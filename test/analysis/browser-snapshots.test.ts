import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diagnose } from '../../analysis/diagnose.ts';
import { launchHeadlessChromium } from '../helpers/headless-chromium.ts';

/**
 * Snapshots of another V8 embedder: Chromium's, taken over the DevTools protocol as a browser
 * developer would, with its own node fields (`detachedness`) and DOM nodes as native nodes.
 * The page keeps detached rows in an array next to a bounded cache that churns.
 */
const PAGE = `<html><body><div id="list"></div><script>
  const detachedRows = [];
  const fragmentCache = new Map();
  window.addRows = (count) => {
    const list = document.getElementById('list');
    for (let i = 0; i < count; i++) {
      const row = document.createElement('div');
      row.textContent = 'row ' + i;
      list.appendChild(row);
      list.removeChild(row);
      detachedRows.push(row);
      fragmentCache.set('k' + (i % 500), { html: 'y'.repeat(200) + i });
    }
  };
</script></body></html>`;

/**
 * A page's widgets, mounted and never unmounted: each adds a window listener, or arms an
 * interval, whose closure keeps the widget's state. Chromium keeps both in Blink's C++ objects.
 * The script names itself with a sourceURL, as a bundler's output is named by its URL.
 */
const widgetPage = (leak: string) => `<html><body><script>
  window.addRows = (count) => {
    for (let i = 0; i < count; i++) {
      const state = { id: i, rows: Array.from({ length: 20 }, (_, j) => 'row ' + j + ' of ' + i) };
      ${leak}
    }
  };
//# sourceURL=https://shop.test/widgets.js
</script></body></html>`;

const dir = mkdtempSync(join(tmpdir(), 'leak-lab-browser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function browserSnapshots(html = PAGE, count = 3000): Promise<string[]> {
  const browser = await launchHeadlessChromium();
  try {
    const page = await browser.newPage();
    await page.setContent(html);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.enable');
    const files: string[] = [];
    const runDir = mkdtempSync(join(dir, 'page-'));
    for (let i = 0; i < 3; i++) {
      await page.evaluate((n) => (globalThis as unknown as { addRows: (n: number) => void }).addRows(n), count);
      await cdp.send('HeapProfiler.collectGarbage');
      const chunks: string[] = [];
      const onChunk = (e: { chunk: string }) => chunks.push(e.chunk);
      cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
      // Resolves once every chunk has been sent.
      await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
      const file = join(runDir, `s${i}.heapsnapshot`);
      writeFileSync(file, chunks.join(''));
      files.push(file);
    }
    return files;
  } finally {
    await browser.close();
  }
}

describe('diagnose on Chromium heap snapshots', () => {
  it('names the array of detached DOM rows, not the churning cache', async () => {
    const r = await diagnose({ snapshots: await browserSnapshots() });
    expect(r.verdict).toBe('leak');
    expect(r.leaks[0]).toMatchObject({ name: 'detachedRows', kind: 'array', objectName: '<div>', counts: [3000, 6000, 9000] });
    expect(r.leaks.some((l) => l.name === 'fragmentCache')).toBe(false);
  });

  it('names window listeners from addEventListener, which Blink keeps, by the target and the callback', async () => {
    const r = await diagnose({ snapshots: await browserSnapshots(widgetPage("window.addEventListener('resize', function onResize() { return state.rows.length; });"), 1000) });
    expect(r.leaks[0]).toMatchObject({ name: 'onResize', kind: 'listeners', owner: 'window', location: { file: 'https://shop.test/widgets.js', line: 5 } });
    expect(r.leaks[0].summary.startsWith('Listeners added to `window` with addEventListener(), calling onResize(), grew from ')).toBe(true);
  });

  it("names a page's intervals, which Blink keeps, by their callback", async () => {
    const r = await diagnose({ snapshots: await browserSnapshots(widgetPage('setInterval(function refreshWidget() { return state.rows.length; }, 3600000);'), 1000) });
    expect(r.leaks[0]).toMatchObject({ name: 'refreshWidget', kind: 'timers', location: { file: 'https://shop.test/widgets.js', line: 5 } });
    expect(r.leaks[0].summary.startsWith('Timers whose callback is refreshWidget() grew from ')).toBe(true);
  });
});
