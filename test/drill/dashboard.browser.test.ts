import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchHeadlessChromium, watchPage } from '../helpers/headless-chromium.ts';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillScore } from '../../lab/drill-score.ts';
import { REPO_ROOT } from '../../lab/repo-root.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { deployedPids, isAlive, readTimeline, startDrill, type RunningDrill } from './drill-process.ts';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
const root = fs.mkdtempSync(path.join(tmpdir(), 'leak-lab-drill-ui-'));

let browser: Browser | undefined;
const drills: RunningDrill[] = [];

beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchHeadlessChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(drills.map((d) => d.stop()));
  fs.rmSync(root, { recursive: true, force: true });
});

/** Opens the dashboard as a trainee would, and collects whatever the page complains about. */
async function openDashboard(drill: RunningDrill): Promise<{ page: Page; problems: string[]; requests: string[] }> {
  const page = await browser!.newPage({ viewport: { width: 1360, height: 1000 } });
  page.setDefaultTimeout(15_000);
  const { problems, requests } = watchPage(page);
  await page.goto(drill.openUrl, { waitUntil: 'load' });
  // The token leaves the address bar at once.
  expect(page.url()).toBe(`${drill.base}/`);
  return { page, problems, requests };
}

const points = async (page: Page, id: string) => Number(await page.locator(`#${id}`).getAttribute('data-points'));

/** The console line Chromium itself writes for every 429 reply; the page cannot silence it. */
const REFUSED_RESOURCE = 'error: Failed to load resource: the server responded with a status of 429 (Too Many Requests)';

/**
 * Picks a scenario and clicks; a click refused by the rate limit (one of a kind per second) is
 * repeated, as a trainee would, and counted in `refusals`: each one is a 429 that Chromium logs
 * as a console error, which is expected and nothing else is.
 */
async function chooseAndClick(page: Page, scenario: string, button: '#btn-name' | '#btn-fix', refusals: string[]): Promise<string> {
  await page.selectOption('#scenario-pick', scenario);
  return waitFor(`${button} accepted`, async () => {
    await page.locator('#message').evaluate((el) => (el.textContent = ''));
    await page.click(button);
    await expect.poll(() => page.locator('#message').textContent(), { timeout: 10_000 }).not.toBe('');
    const text = (await page.locator('#message').textContent()) ?? '';
    if (!/^Too fast/.test(text)) return text;
    refusals.push(REFUSED_RESOURCE);
    return null;
  }, { timeoutMs: 10_000, everyMs: 250 });
}

async function waitForEnd(page: Page, drill: RunningDrill, timeoutMs: number): Promise<void> {
  await page.locator('#end').waitFor({ state: 'visible', timeout: timeoutMs }).catch((err: Error) => {
    const events = drill.stderr().split('\n').filter((l) => !l.startsWith('['));
    throw new Error(`${err.message}\ndrill events:\n${events.slice(-40).join('\n')}`);
  });
}

// One drill at a time: two at once (two apps under load, two load generators and Chromium) once
// saw an alert fire during the fix's verification.
describe('the drill dashboard in headless Chromium', () => {
  it('shows the memory chart moving and an alert; the right name and its fix end the drill with a score', async () => {
    const out = path.join(root, 'right');
    const drill = await startDrill(out, ['--scenario', 'unbounded-response-cache', '--time-limit', '240']);
    drills.push(drill);
    const { page, problems, requests } = await openDashboard(drill);
    const refusals: string[] = [];

    // The scenario list is there, and it does not say which one is live.
    await expect.poll(() => page.locator('#scenario-list li').count()).toBe(9);
    // The memory chart grows, second by second.
    const first = await waitFor('memory points', async () => ((await points(page, 'chart-memory')) >= 2 ? points(page, 'chart-memory') : null), { timeoutMs: 20_000, everyMs: 200 });
    const later = await waitFor('the memory chart moving', async () => {
      const n = await points(page, 'chart-memory');
      return n >= first + 2 ? n : null;
    }, { timeoutMs: 20_000, everyMs: 200 });
    expect(later).toBeGreaterThan(first);
    // Seconds the monitor could not read the app (still starting on a busy machine) are gaps; readings come.
    const heapReadings = () => page.evaluate(() => (globalThis as unknown as { __drill: { view: { mem: (number | null)[][] } } }).__drill.view.mem[1]!.filter((v) => v !== null).length);
    await expect.poll(heapReadings, { timeout: 30_000 }).toBeGreaterThan(1);
    expect(await page.locator('#chart-memory canvas').count()).toBe(1);

    // An alert fires and shows in the alert bar and the timeline.
    await page.locator('#alerts .alert').first().waitFor({ state: 'visible', timeout: 90_000 });
    await expect.poll(() => page.locator('#timeline .type-alert').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'drill-live.png'), fullPage: true });

    await page.click('#btn-ack');
    await expect.poll(() => page.locator('#message').textContent()).toMatch(/Acknowledged/);
    expect(await chooseAndClick(page, 'unbounded-response-cache', '#btn-name', refusals)).toMatch(/Recorded: you suspect unbounded-response-cache/);
    expect(await chooseAndClick(page, 'unbounded-response-cache', '#btn-fix', refusals)).toMatch(/Deploying the fix for unbounded-response-cache/);
    await expect.poll(() => page.locator('#status-pill').textContent()).toMatch(/deploy fix/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'drill-deploying.png'), fullPage: true });

    await waitForEnd(page, drill, 120_000);
    expect(await page.locator('#end').getAttribute('data-outcome')).toBe('resolved');
    expect(await page.locator('#end-leak').textContent()).toBe('The leak was unbounded-response-cache.');
    expect(await page.locator('#score-wrong').textContent()).toBe('0');
    expect(await page.locator('#score-fix').textContent()).toMatch(/^yes/);
    expect(await page.locator('#score-ack').textContent()).toMatch(/acknowledged/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'drill-score.png'), fullPage: true });

    const exit = await Promise.race([drill.exited, new Promise<null>((r) => setTimeout(() => r(null), 60_000))]);
    expect(exit?.code, drill.stderr().slice(-2000)).toBe(0);
    const score = JSON.parse(fs.readFileSync(path.join(out, 'score.json'), 'utf8')) as DrillScore;
    expect(score).toMatchObject({ outcome: 'resolved', wrongGuesses: 0, wrongFixes: 0, fix: { verified: true, attempts: 1 }, acknowledge: { explicit: true } });
    expect(score.rightDiagnosis?.via).toBe('name-suspect');
    // Every action is in the run's timeline, from the trainee, and the postmortem tells it.
    const actions = readTimeline(out).filter((e) => e.type === 'action');
    expect(actions.map((e) => [e.source, e.data.action])).toEqual([
      ['trainee', 'acknowledge'],
      ['trainee', 'name-suspect'],
      ['trainee', 'deploy-fix'],
    ]);
    const postmortem = fs.readFileSync(path.join(out, 'postmortem.md'), 'utf8');
    expect(postmortem).toContain('Trainee named the suspected leak: unbounded-response-cache.');
    const pids = deployedPids(out);
    await waitFor('every app process gone', () => pids.every((p) => !isAlive(p)), { timeoutMs: 5_000 });

    expect(problems).toEqual(refusals);
    // Nothing but this drill's own server: no CDN, no other host.
    expect(requests.filter((u) => !u.startsWith(`${drill.base}/`))).toEqual([]);
    await page.close();
  }, 240_000);

  it('a wrong name first is counted, then the right fix resolves it', async () => {
    const out = path.join(root, 'wrong-first');
    const drill = await startDrill(out, ['--scenario', 'price-bus-listener', '--time-limit', '180', '--no-postmortem']);
    drills.push(drill);
    const { page, problems } = await openDashboard(drill);
    const refusals: string[] = [];
    await expect.poll(() => page.locator('#scenario-list li').count()).toBe(9);

    expect(await chooseAndClick(page, 'unbounded-response-cache', '#btn-name', refusals)).toMatch(/Recorded/);
    await expect.poll(() => page.locator('#named').textContent()).toBe('suspects named: unbounded-response-cache');
    // Not told whether it is right: only the fix's verification will say.
    expect(await page.locator('#actions').textContent()).not.toMatch(/wrong|incorrect/i);
    // As on call, the fix goes out once paged. (Deployed before any alert, deployFixAndVerify has
    // nothing to wait for and verifies at once, with the deploy's own switch-over errors in its window.)
    await page.locator('#alerts .alert').first().waitFor({ state: 'visible', timeout: 90_000 });
    expect(await chooseAndClick(page, 'price-bus-listener', '#btn-name', refusals)).toMatch(/Recorded/);
    expect(await chooseAndClick(page, 'price-bus-listener', '#btn-fix', refusals)).toMatch(/Deploying the fix for price-bus-listener/);

    await waitForEnd(page, drill, 120_000);
    expect(await page.locator('#end').getAttribute('data-outcome')).toBe('resolved');
    expect(await page.locator('#score-wrong').textContent()).toBe('1 (unbounded-response-cache)');
    await page.screenshot({ path: path.join(ARTIFACTS, 'drill-wrong-first.png'), fullPage: true });
    const exit = await Promise.race([drill.exited, new Promise<null>((r) => setTimeout(() => r(null), 60_000))]);
    expect(exit?.code, drill.stderr().slice(-2000)).toBe(0);
    const score = JSON.parse(fs.readFileSync(path.join(out, 'score.json'), 'utf8')) as DrillScore;
    expect(score).toMatchObject({ outcome: 'resolved', wrongGuesses: 1, wrongGuessNames: ['unbounded-response-cache'], fix: { verified: true } });
    expect(problems).toEqual(refusals);
    await page.close();
  }, 200_000);
});
