import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePostmortem, type PostmortemResult } from '../../postmortem/write-postmortem.ts';
import { cleanupRunCopies, copyRun, events, hms, readJson, readJsonl } from './run-fixture.ts';

function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!.replace(/&amp;/g, '&').replace(/&gt;/g, '>'));
}

describe('charts drawn with vega-lite, in the run\'s zone', () => {
  let dir: string;
  let result: PostmortemResult;
  let svg: Record<string, string>;
  const machineTz = process.env.TZ;

  beforeAll(async () => {
    // A machine zone far from the run's: the axes must still read in the run's zone.
    process.env.TZ = 'America/Los_Angeles';
    dir = copyRun();
    result = await writePostmortem(dir);
    svg = Object.fromEntries(result.chartFiles.map((f) => [f.replace(/^.*chart-(\w+)\.svg$/, '$1'), fs.readFileSync(f, 'utf8')]));
  });
  afterAll(() => {
    if (machineTz === undefined) delete process.env.TZ;
    else process.env.TZ = machineTz;
    cleanupRunCopies();
  });

  it('labels the time axes with wall-clock times of the run\'s zone, whatever the machine\'s zone', () => {
    const tz = readJson(dir, 'settings.json').tz;
    const metrics = readJsonl(dir, 'metrics.jsonl');
    const first = hms(metrics[0].t, tz);
    const last = hms(metrics.at(-1).t, tz);
    for (const id of ['memory', 'traffic', 'latency']) {
      const labels = svgTexts(svg[id]!).filter((t) => /^\d\d:\d\d:\d\d$/.test(t));
      expect(labels.length, id).toBeGreaterThanOrEqual(3);
      for (const label of labels) {
        expect(label >= first && label <= last, `${id}: ${label} within ${first}–${last}`).toBe(true);
      }
    }
  });

  it('marks the timeline\'s actions, the crash and the alert thresholds on the memory chart', () => {
    const texts = svgTexts(svg.memory!);
    const all = events(dir);
    for (const action of all.filter((e) => e.type === 'action')) expect(texts).toContain(action.data.action);
    if (all.some((e) => e.type === 'crash')) expect(texts).toContain('crash');
    for (const alert of all.filter((e) => e.type === 'alert' && e.data.unit === 'bytes')) {
      expect(texts.some((t) => t.startsWith(`alert ${alert.data.rule} (`))).toBe(true);
    }
    expect(texts).toEqual(expect.arrayContaining(['RSS', 'Heap used', 'Heap cap']));
  });

  it('draws the SLO line and the timeout on the latency chart, failures by kind on the traffic chart', () => {
    const settings = readJson(dir, 'settings.json');
    expect(svgTexts(svg.latency!).some((t) => t.startsWith('SLO p99 ') && t.includes(String(settings.slo.latencyP99Ms)))).toBe(true);
    expect(svgTexts(svg.latency!)).toContain(`timeout ${settings.load.timeoutSeconds} s`);
    expect(svgTexts(svg.traffic!)).toEqual(expect.arrayContaining(['requests', 'connection errors', 'timeouts']));
  });

  it('gives each chart its own element ids, so the charts can share one HTML page', () => {
    const ids = Object.values(svg).flatMap((s) => [...s.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]));
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of Object.values(svg)) {
      for (const [, ref] of s.matchAll(/url\(#([^)]+)\)/g)) expect(s).toContain(`id="${ref}"`);
    }
  });
});
