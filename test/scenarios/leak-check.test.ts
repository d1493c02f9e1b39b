import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { diagnose, type DiagnosisReport } from '../../analysis/diagnose.ts';
import { isLabError } from '../../lab/errors.ts';
import { checkForLeak, leastSquares, type LeakCheckResult } from '../../lab/leak-check.ts';
import { SCENARIOS } from '../../leak-scenarios/index.ts';
import type { Variant } from '../../leak-scenarios/scenario.ts';

/**
 * Every scenario's fix guarded, both ways, and the diagnosis checked on every leak the lab ships.
 * One run of each build serves both: the leak check drives the real app with the traffic mix and
 * judges the retained-heap trend, and keeps three snapshots taken through the app's admin API,
 * which the diagnosis must name the scenario's variable from (leaky) or find nothing in (fixed).
 * The engine knows nothing of these scenarios; this file is what checks it on them.
 */
// Small on purpose: 18 checks must fit the suite's time budget on a 2-core machine.
const SMALL = { rounds: 4, requestsPerRound: 800, warmupRequests: 1000 } as const;
const root = mkdtempSync(join(tmpdir(), 'leak-lab-check-'));
const rows: string[] = [];

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  // The measured rates and the diagnosis's answers, for the README and whoever tunes a scenario next.
  if (rows.length > 0) process.stderr.write(`\nleak check and diagnosis:\n${rows.sort().join('\n')}\n`);
});

interface Guarded {
  check: LeakCheckResult;
  report: DiagnosisReport;
}

async function checkAndDiagnose(scenario: string, variant: Variant): Promise<Guarded> {
  const snapshotDir = mkdtempSync(join(root, `${scenario}-${variant}-`));
  try {
    const check = await checkForLeak({ scenario, variant, ...SMALL, snapshotDir });
    const report = await diagnose({ snapshots: check.snapshots });
    const top = report.leaks[0];
    const kb = `${(check.bytesPer1kRequests / 1024).toFixed(0)} KB`.padStart(9);
    rows.push(`${scenario.padEnd(26)} ${variant.padEnd(6)} ${check.verdict.padEnd(8)} ${kb} per 1k requests; diagnosis: ${report.verdict}${top ? ` ${top.holder.name} [${top.kind}]` : ''}`);
    return { check, report };
  } finally {
    rmSync(snapshotDir, { recursive: true, force: true });
  }
}

describe('checkForLeak input', () => {
  it('refuses an unknown scenario and bad numbers before starting anything', async () => {
    await expect(checkForLeak({ scenario: 'no-such-leak', variant: 'leaky' })).rejects.toSatisfy((e) => isLabError(e, 'LAB_ERR_UNKNOWN_SCENARIO'));
    const name = SCENARIOS[0]!.name;
    for (const bad of [{ rounds: 2 }, { requestsPerRound: 5 }, { requestsPerRound: 1.5 }, { heapCapMb: 0 }, { snapshotDir: '' }]) {
      await expect(checkForLeak({ scenario: name, variant: 'fixed', ...bad }), JSON.stringify(bad)).rejects.toSatisfy((e) => isLabError(e, 'LAB_ERR_BAD_OPTION'));
    }
    await expect(checkForLeak({ scenario: name, variant: 'sideways' as 'leaky' })).rejects.toSatisfy((e) => isLabError(e, 'LAB_ERR_BAD_OPTION'));
    // A folder under a file cannot be made: said before an app starts.
    await expect(checkForLeak({ scenario: name, variant: 'fixed', snapshotDir: join(fileURLToPath(import.meta.url), 'snapshots') })).rejects.toSatisfy((e) => isLabError(e, 'LAB_ERR_OUTPUT_DIR'));
  });

  it('fits the slope by least squares', () => {
    expect(leastSquares([0, 1, 2, 3], [10, 12, 14, 16])).toEqual({ slope: 2, standardError: 0 });
    expect(leastSquares([0, 1, 2, 3], [5, 5, 5, 5]).slope).toBe(0);
  });
});

// The two builds of a scenario run at once, one per core: the check counts requests and forces
// a GC before each sample, so contention changes how long it takes, not what it measures. (One
// at a time, the file took 278 s instead of about 155 in the suite; the analysis lane beside it,
// at the least CPU priority, waits.)
describe.each(SCENARIOS.map((s) => [s.name, s] as const))('leak check and diagnosis: %s', (name, scenario) => {
  it.concurrent('the fixed build stays flat, and the diagnosis finds no leak in it', async ({ expect }) => {
    const { check, report } = await checkAndDiagnose(name, 'fixed');
    expect(check.verdict, JSON.stringify(check)).toBe('flat');
    expect(check.errors).toBe(0);
    expect(check.samples).toHaveLength(SMALL.rounds + 1);
    expect(check.snapshots).toHaveLength(3);
    expect(report.leaks, JSON.stringify(report.leaks.map((l) => [l.holder.name, l.kind, l.counts, l.bytes]))).toEqual([]);
    expect(report.verdict).toBe('no-leak');
  }, 120_000);

  it.concurrent(`the leaky build leaks, and the diagnosis names ${scenario.leak.identifier} first`, async ({ expect }) => {
    const { check, report } = await checkAndDiagnose(name, 'leaky');
    expect(check.verdict, JSON.stringify(check)).toBe('leaking');
    expect(check.errors).toBe(0);
    // The lab's leak rate: a few KB per request of the mix, not a trickle the check only just sees.
    expect(check.bytesPer1kRequests).toBeGreaterThan(4 * 1024 * 1024);

    expect(report.verdict).toBe('leak');
    const top = report.leaks[0]!;
    expect(top.holder.name, JSON.stringify(report.leaks.map((l) => [l.holder.name, l.kind, l.score]))).toBe(scenario.leak.identifier);
    expect(top.growth.bytesPerSnapshot.every((d) => d > 0)).toBe(true);
    expect(top.retainerPath.length).toBeGreaterThan(0);
    // The scenarios are TypeScript that tsx rewrites onto one line: a closure's position there
    // is no place to send anyone (audit-retry-queue's callbacks would read `:1:491`).
    expect(top.madeAt).toBeUndefined();
    // Located exactly in the scenario's file, found by name where tsx's rewrite lost positions.
    expect(top.location, JSON.stringify(top.location)).toMatchObject({ file: `leak-scenarios/${name}.ts` });
    expect(top.location?.approximate, JSON.stringify(top.location)).toBeUndefined();
    // A collection, or a library's object the code keeps (one Ajv, a session store): where the
    // scenario's code adds to it, calls it, or hands it over, in its own file.
    if (['map', 'set', 'array', 'object'].includes(top.kind)) {
      expect(top.writes?.adds.length, JSON.stringify(top.writes)).toBeGreaterThan(0);
      expect(top.writes!.adds.map((a) => a.file)).toEqual(top.writes!.adds.map(() => `leak-scenarios/${name}.ts`));
    }
  }, 120_000);
});
