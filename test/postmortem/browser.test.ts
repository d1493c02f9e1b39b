import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchHeadlessChromium, watchPage } from '../helpers/headless-chromium.ts';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lab/repo-root.ts';
import { SECTION_TITLES } from '../../postmortem/sections/index.ts';
import { writePostmortem, type PostmortemResult } from '../../postmortem/write-postmortem.ts';
import { cleanupRunCopies, copyRun } from './run-fixture.ts';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');

describe('postmortem.html in headless Chromium', () => {
  let browser: Browser | undefined;
  let result: PostmortemResult;

  beforeAll(async () => {
    result = await writePostmortem(copyRun());
    browser = await launchHeadlessChromium();
  });

  afterAll(async () => {
    await browser?.close();
    cleanupRunCopies();
  });

  it('renders every section and chart, offline, without errors, and saves a screenshot', async () => {
    const page = await browser!.newPage({ viewport: { width: 1100, height: 900 } });
    page.setDefaultTimeout(60_000);
    const { problems, requests } = watchPage(page);

    const url = pathToFileURL(result.htmlFile).href;
    await page.goto(url, { waitUntil: 'load', timeout: 60_000 });

    expect(await page.locator('h2').allTextContents()).toEqual([...SECTION_TITLES]);
    const charts = page.locator('figure.chart svg');
    expect(await charts.count()).toBe(result.chartFiles.length);
    for (let i = 0; i < result.chartFiles.length; i++) {
      const box = await charts.nth(i).boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(300);
      expect(box?.height ?? 0).toBeGreaterThan(100);
    }
    const codePanes = page.locator('.code-pair figure');
    if ((await codePanes.count()) === 2) {
      const [left, right] = [await codePanes.nth(0).boundingBox(), await codePanes.nth(1).boundingBox()];
      expect(right!.x).toBeGreaterThan(left!.x + left!.width - 1);
    }

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'postmortem.png'), fullPage: true, timeout: 60_000 });

    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('nav.toc').isVisible()).toBe(false);
    expect(await page.locator('h2').first().isVisible()).toBe(true);

    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    await page.close();
  });
});
