import { describe, expect, it } from 'vitest';
import { OUTAGE_PROFILES } from '../../lab/defaults.ts';
import { isLabError, type LabErrorCode } from '../../lab/errors.ts';
import { DEFAULT_SCENARIO, resolveOutageOptions, type OutageOptions } from '../../lab/outage-options.ts';
import { scenarioNames } from '../../leak-scenarios/index.ts';

function codeOf(given: Partial<OutageOptions>): LabErrorCode | null {
  try {
    resolveOutageOptions(given);
    return null;
  } catch (err) {
    return isLabError(err) ? err.code : null;
  }
}

describe('outage options', () => {
  it('merges the profile and defaults, and freezes the result', () => {
    const opts = resolveOutageOptions({ profile: 'short', tz: 'UTC' });
    expect(opts.heapCapMb).toBe(OUTAGE_PROFILES.short.heapCapMb);
    expect(opts.scenario).toBe(DEFAULT_SCENARIO);
    expect(Object.isFrozen(opts)).toBe(true);
    expect(scenarioNames()).toContain(DEFAULT_SCENARIO);
  });

  it.each([
    [{ scenario: 'nope' }, 'LAB_ERR_UNKNOWN_SCENARIO'],
    [{ tz: 'Nowhere/Land' }, 'LAB_ERR_BAD_TIMEZONE'],
    [{ rate: 0 }, 'LAB_ERR_BAD_OPTION'],
    [{ users: Number.NaN }, 'LAB_ERR_BAD_OPTION'],
    [{ raisedHeapCapMb: 64, heapCapMb: 128 }, 'LAB_ERR_BAD_OPTION'],
    [{ profile: 'huge' as never }, 'LAB_ERR_BAD_OPTION'],
  ])('refuses %j with %s', (given, code) => {
    expect(codeOf(given)).toBe(code);
  });
});
