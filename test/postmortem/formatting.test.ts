import { describe, expect, it } from 'vitest';
import { plainText, runText, sentence } from '../../postmortem/document.ts';
import { retainerPathText } from '../../postmortem/leak-facts.ts';
import { inUnit } from '../../postmortem/number-format.ts';
import { parseRegions } from '../../postmortem/source-regions.ts';
import { formatDuration, zoneClock } from '../../postmortem/time-format.ts';

describe('time formatting in a named zone', () => {
  it('shows the zone abbreviation where one exists, and the UTC offset', () => {
    const ms = Date.parse('2026-11-25T11:02:11Z');
    expect(zoneClock('Africa/Nairobi').clockWithZone(ms)).toBe('14:02:11 EAT (UTC+03:00)');
    expect(zoneClock('America/New_York').zone(ms)).toBe('EST (UTC-05:00)');
    expect(zoneClock('America/New_York').zone(Date.parse('2026-07-01T12:00:00Z'))).toBe('EDT (UTC-04:00)');
    expect(zoneClock('Asia/Kolkata').clockWithZone(ms)).toBe('16:32:11 IST (UTC+05:30)');
    expect(zoneClock('UTC').clockWithZone(ms)).toBe('11:02:11 UTC (UTC+00:00)');
    expect(zoneClock('Asia/Tokyo').zone(ms)).toMatch(/UTC\+09:00\)?$/);
    expect(zoneClock('Africa/Nairobi').date(ms)).toBe('Wednesday 25 November 2026');
  });

  it('formats durations short and exact', () => {
    expect([0, 18_240, 59_949, 60_000, 154_000, 3_725_000].map(formatDuration)).toEqual(['0 s', '18.2 s', '59.9 s', '1 min 0 s', '2 min 34 s', '1 h 2 min']);
  });

  it('formats alert values in their unit', () => {
    expect(inUnit(100_663_296, 'bytes')).toBe('96.0 MB');
    expect(inUnit(0.062, 'ratio')).toBe('6.2%');
    expect(inUnit(1132.4, 'ms')).toBe('1,132 ms');
    expect(inUnit(3, 'widgets')).toBe('3 widgets');
  });
});

describe('reading the run\'s text', () => {
  it('quotes the regions between the markers, dedented, with their line numbers', () => {
    const text = ['a', '  // region: leaky', '  const cache = new Map();', '  // endregion', '// region: fixed', 'const cache = new LRU();', '// endregion'].join('\n');
    expect(parseRegions(text)).toEqual([
      { variant: 'leaky', startLine: 3, endLine: 3, code: 'const cache = new Map();' },
      { variant: 'fixed', startLine: 6, endLine: 6, code: 'const cache = new LRU();' },
    ]);
  });

  it('spells a retainer path as edges and nodes', () => {
    expect(retainerPathText([
      { edge: '', node: '(module scope)' },
      { edge: 'sessionCache', edgeType: 'variable', node: 'Map' },
      { edge: 'table', node: '' },
    ])).toBe('(module scope) -> sessionCache (variable) -> Map -> table');
    expect(retainerPathText(undefined)).toBeNull();
  });

  it('reads lower-case notes from the run as sentences', () => {
    expect(sentence('the restart only reset the leak; memory grows')).toBe('The restart only reset the leak; memory grows.');
    expect(sentence('Already a sentence.')).toBe('Already a sentence.');
    expect(sentence('  ')).toBe('');
  });

  it('turns `backticks` in run text into code', () => {
    expect(runText('a hard `max` of 400')).toEqual(['a hard ', { code: 'max' }, ' of 400']);
    expect(plainText(runText('no code'))).toBe('no code');
  });
});
