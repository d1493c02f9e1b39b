import { afterAll, describe, expect, it } from 'vitest';
import { isLabError } from '../../lab/errors.ts';
import { checkForLeak, leastSquares, type LeakCheckResult } from '../../lab/leak-check.ts';
import { SCENARIOS } from '../../leak-scenarios/index.ts';

// Small on purpose: 18 checks must fit the suite's time budget on a 2-core machine.
const SMALL = { rounds: 4, requestsPerRound: 800, warmupRequests: 1000 } as const;
const results: LeakCheckResult[] = [];

afterAll(() => {
  // The measured rates, for the README and for whoever tunes a scenario next.
  const kb = (b: number) => `${(b / 1024).toFixed(0)} KB`.padStart(9);
  const rows = results.map((r) => `${r.scenario.padEnd(26)} ${r.variant.padEnd(6)} ${r.verdict.padEnd(8)} ${kb(r.bytesPer1kRequests)} per 1k requests`);
  if (rows.length > 0) process.stderr.write(`\nleak check, retained growth:\n${rows.join('\n')}\n`);
});

describe('checkForLeak input', () => {
  it('refuses an unknown scenario and bad numbers before starting anything', async () => {
    await expect(checkForLeak({ scenario: 'no-such-leak', variant: 'leaky' })).rejects.toSatisfy((e) => isLabError(e, 'LAB_ERR_UNKNOWN_SCENARIO'));
    const name = SCENARIOS[0]!.name;
    for (const bad of [{ rounds: 2 }, { requestsPerRound: 5 }, { requestsPerRound: 1.5 }, { heapCapMb: 0 }]) {
      await expect(checkForLeak({ scenario: name, variant: 'fixed', ...bad }), JSON.stringify(bad)).rejects.toSatisfy((e) => isLabError(e, 'LAB_ERR_BAD_OPTION'));
    }
    await expect(checkForLeak({ scenario: name, variant: 'sideways' as 'leaky' })).rejects.toSatisfy((e) => isLabError(e, 'LAB_ERR_BAD_OPTION'));
  });

  it('fits the slope by least squares', () => {
    expect(leastSquares([0, 1, 2, 3], [10, 12, 14, 16])).toEqual({ slope: 2, standardError: 0 });
    expect(leastSquares([0, 1, 2, 3], [5, 5, 5, 5]).slope).toBe(0);
  });
});

// The two builds of a scenario run at once, one per core: the check counts requests and forces
// a GC before each sample, so contention changes how long it takes, not what it measures.
describe.each(SCENARIOS.map((s) => s.name))('leak check: %s', (name) => {
  it.concurrent('the fixed build stays flat', async ({ expect }) => {
    const result = await checkForLeak({ scenario: name, variant: 'fixed', ...SMALL });
    results.push(result);
    expect(result.verdict, JSON.stringify(result)).toBe('flat');
    expect(result.errors).toBe(0);
    expect(result.samples).toHaveLength(SMALL.rounds + 1);
  }, 90_000);

  it.concurrent('the leaky build leaks', async ({ expect }) => {
    const result = await checkForLeak({ scenario: name, variant: 'leaky', ...SMALL });
    results.push(result);
    expect(result.verdict, JSON.stringify(result)).toBe('leaking');
    expect(result.errors).toBe(0);
    // The lab's leak rate: a few KB per request of the mix, not a trickle the check only just sees.
    expect(result.bytesPer1kRequests).toBeGreaterThan(4 * 1024 * 1024);
  }, 90_000);
});
