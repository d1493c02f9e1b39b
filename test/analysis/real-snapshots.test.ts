import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose, renderMarkdown, renderText, type DiagnosisReport } from '../../analysis/diagnose.ts';
import { makeSnapshots, makeTsxSnapshots } from './fixtures.ts';

/**
 * Real Node heaps: the fixture app leaks one way (or every way, or not at all) next to a
 * bounded response cache that churns and is bigger than any leak.
 */
const dir = mkdtempSync(join(tmpdir(), 'leak-lab-real-'));
const reports: Record<string, DiagnosisReport> = {};
const sets: Record<string, string[]> = {};
const SCENARIOS = ['all', 'map', 'timers', 'healthy'];

beforeAll(async () => {
  const [tsx, ...made] = await Promise.all([makeTsxSnapshots(dir), ...SCENARIOS.map((s) => makeSnapshots(dir, s))]);
  for (const [i, s] of SCENARIOS.entries()) {
    sets[s] = made[i];
    reports[s] = await diagnose({ snapshots: made[i] });
  }
  reports.tsx = await diagnose({ snapshots: tsx });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const APP = 'test/fixtures/analysis/leak-app.mjs';

describe('diagnose on real snapshots', () => {
  it('gives the same report with the earlier snapshots read in a worker (which drops and rebuilds the reverse edges)', async () => {
    const inWorker = await diagnose({ snapshots: sets.all, parallel: true, parallelMinBytes: 0 });
    expect({ ...inWorker, elapsedMs: 0 }).toEqual({ ...reports.all, elapsedMs: 0 });
  });

  it('names a Map that only grows as the top suspect, with its declaration', () => {
    const r = reports.map;
    expect(r.verdict).toBe('leak');
    const top = r.leaks[0];
    expect(top.holder.name).toBe('sessionTable');
    expect(top.kind).toBe('map');
    expect(top.counts).toEqual([3000, 3300, 3600]);
    expect(top.location).toMatchObject({ file: APP, line: 26 });
    expect(r.leaks.some((l) => l.holder.name === 'responseCache')).toBe(false);
  });

  it('names setInterval timers by their callback and points at it', () => {
    const top = reports.timers.leaks[0];
    expect(top.kind).toBe('timers');
    expect(top.name).toBe('pollStatus');
    expect(top.location).toMatchObject({ file: APP, line: 37 });
  });

  it('finds every leak when all happen at once, and never the churning cache', () => {
    const r = reports.all;
    const byName = new Map(r.leaks.map((l) => [l.name, l]));
    expect(byName.get('sessionTable')?.kind).toBe('map');
    expect(byName.get('message')?.kind).toBe('listeners');
    // Listeners are named by their event; their holder by the emitter's variable, what a developer greps for.
    expect(byName.get('message')?.holder.name).toBe('bus');
    expect(byName.get('message')?.location).toMatchObject({ file: APP, line: 36 });
    expect(byName.get('pollStatus')?.kind).toBe('timers');
    expect(byName.get('auditLog')?.kind).toBe('array');
    expect(byName.get('auditLog')?.objectName).toBe('string');
    expect(byName.get('lastHandler')?.kind).toBe('closure-context');
    // Each `chained` keeps the one before it through its scope: a chain of chained() closures.
    expect(byName.get('lastHandler')).toMatchObject({ objectName: 'chained()', chainLink: [{ edge: 'context' }, { nodeType: 'closure', node: 'chained' }] });
    expect(byName.has('responseCache')).toBe(false);
    for (const l of r.leaks) {
      expect(l.growth.perSnapshot.every((d) => d > 0)).toBe(true);
      expect(l.retainerPath.length).toBeGreaterThan(1);
      expect(l.score).toBeGreaterThan(0);
      expect(l.score).toBeLessThanOrEqual(1);
    }
  });

  it('names an exported binding of a tsx-compiled ES module and finds its declaration on disk', () => {
    const byName = new Map(reports.tsx.leaks.map((l) => [l.holder.name, l]));
    const TS = 'test/fixtures/analysis/esm-leak.ts';
    const lineOf = (text: string) => readFileSync(TS, 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;
    expect(byName.get('tokenIndex')).toMatchObject({ kind: 'map', counts: [400, 800, 1200], location: { file: TS, line: lineOf('export const tokenIndex') } });
    expect(byName.get('retryQueue')).toMatchObject({ kind: 'array', objectName: 'anonymous function', location: { file: TS, line: lineOf('const retryQueue') } });
    // A field of the developer's class is located at its declaration in the class, exactly,
    // not at the transpiled class's approximate position nor at `const sessions`.
    const line = readFileSync(TS, 'utf8').split('\n').findIndex((l) => l.includes('private readonly bySession')) + 1;
    expect(byName.get('bySession')).toMatchObject({ kind: 'map', location: { file: TS, line, column: 20 } });
    expect(byName.get('bySession')?.location?.approximate).toBeUndefined();
    // A namespace's member is located at the namespace, not at the rewritten code's position.
    expect(byName.get('quotesBySku')).toMatchObject({ kind: 'map', location: { file: TS, line: lineOf('namespace Pricing') } });
    expect(byName.get('quotesBySku')?.location?.approximate).toBeUndefined();
    // An anonymous listener, its position lost in tsx's one-line rewrite: located where the file adds it.
    const listeners = reports.tsx.leaks.find((l) => l.kind === 'listeners' && l.name === 'price');
    expect(listeners).toMatchObject({ kind: 'listeners', owner: 'priceBus', location: { file: TS, line: lineOf("priceBus.on('price'"), column: 3 } });
    expect(listeners?.location?.approximate).toBeUndefined();
    // So is an anonymous interval, found by its delay's constant where the file sets it.
    const timers = reports.tsx.leaks.find((l) => l.kind === 'timers');
    expect(timers).toMatchObject({ name: 'timers every 45000 ms', location: { file: TS, line: lineOf('setInterval(() => {'), column: 3 } });
    // `export default class AuditTrail`: named by the class, not by the export's name `default`.
    const lines = reports.tsx.leaks.find((l) => l.name.endsWith('.lines'));
    expect(lines).toMatchObject({ name: 'AuditTrail.lines', kind: 'array', location: { file: TS } });
    expect(lines?.retainerPath.map((p) => p.edge)).toEqual(['', 'AuditTrail', 'lines']);
  });

  it('shows an exported binding in its retainer path as an export of its module, not as V8 internals', () => {
    const path = reports.tsx.leaks.find((l) => l.holder.name === 'tokenIndex')?.retainerPath;
    expect(path?.map((p) => [p.edge, p.edgeType, p.node])).toEqual([
      ['', '', 'system / SourceTextModule'],
      ['tokenIndex', 'export', 'Map'],
    ]);
  });

  it('calls a healthy heap healthy', () => {
    expect(reports.healthy.verdict).toBe('no-leak');
    expect(reports.healthy.leaks).toEqual([]);
    expect(renderText(reports.healthy)).toContain('no leak found');
    expect(renderMarkdown(reports.healthy)).toContain('No leak found');
  });

  it('renders text and a markdown postmortem section', () => {
    const text = renderText(reports.map);
    expect(text).toContain('sessionTable');
    expect(text).toContain(`${APP}:26`);
    const md = renderMarkdown(reports.map);
    expect(md).toContain('### Root cause');
    expect(md).toContain('`sessionTable`');
  });
});
