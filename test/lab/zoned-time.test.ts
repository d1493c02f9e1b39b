import { describe, expect, it } from 'vitest';
import { isLabError } from '../../lab/errors.ts';
import { assertTimeZone, isoInZone, offsetMinutes } from '../../lab/zoned-time.ts';

describe('zoned time', () => {
  const at = new Date('2026-11-25T17:53:39.123Z');

  it('renders ISO-8601 with the zone offset', () => {
    expect(isoInZone(at, 'Africa/Nairobi')).toBe('2026-11-25T20:53:39.123+03:00');
    expect(isoInZone(at, 'UTC')).toBe('2026-11-25T17:53:39.123+00:00');
    expect(isoInZone(at, 'America/St_Johns')).toBe('2026-11-25T14:23:39.123-03:30');
    expect(isoInZone(at, 'Asia/Kathmandu')).toBe('2026-11-25T23:38:39.123+05:45');
  });

  it('follows daylight saving time', () => {
    expect(offsetMinutes(new Date('2026-07-01T12:00:00Z'), 'Europe/Berlin')).toBe(120);
    expect(offsetMinutes(new Date('2026-01-01T12:00:00Z'), 'Europe/Berlin')).toBe(60);
  });

  it('round-trips: the rendered time is the same instant', () => {
    for (const tz of ['Pacific/Chatham', 'America/Los_Angeles', 'Asia/Tokyo']) expect(Date.parse(isoInZone(at, tz))).toBe(at.getTime());
  });

  it('refuses unknown zones with a coded error', () => {
    expect(assertTimeZone('Europe/Paris')).toBe('Europe/Paris');
    try {
      assertTimeZone('Mars/Olympus_Mons');
      expect.unreachable();
    } catch (err) {
      expect(isLabError(err, 'LAB_ERR_BAD_TIMEZONE')).toBe(true);
      expect((err as Error).message).toMatch(/Mars\/Olympus_Mons/);
    }
  });
});
