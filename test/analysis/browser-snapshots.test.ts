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

const dir = mkdtempSync(join(tmpdir(), 'leak-lab-browser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function browserSnapshots(): Promise<string[]> {
  const browser = await launchHeadlessChromium();
  try {
    const page = await browser.newPage();
    await page.setContent(PAGE);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.enable');
    const files: string[] = [];
    for (let i = 0; i < 3; i++) {
      await page.evaluate(() => (globalThis as unknown as { addRows: (n: number) => void }).addRows(3000));
      await cdp.send('HeapProfiler.collectGarbage');
      const chunks: string[] = [];
      const onChunk = (e: { chunk: string }) => chunks.push(e.chunk);
      cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
      // Resolves once every chunk has been sent.
      await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
      const file = join(dir, `s${i}.heapsnapshot`);
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
  }, 90_000);
});
