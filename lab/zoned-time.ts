import { labError } from './errors.ts';

/** Throws LAB_ERR_BAD_TIMEZONE unless Intl knows the IANA zone name. */
export function assertTimeZone(tz: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw labError('LAB_ERR_BAD_TIMEZONE', `unknown time zone "${tz}"; use an IANA name such as Africa/Nairobi or UTC`);
  }
  return tz;
}

export function machineTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Minutes east of UTC of `tz` at `date` (DST-aware, from Intl rather than a table). */
export function offsetMinutes(date: Date, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(date);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
}

export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** ISO-8601 in `tz` with its UTC offset, e.g. 2026-11-25T20:53:39.123+03:00. */
export function isoInZone(date: Date, tz: string): string {
  const offset = offsetMinutes(date, tz);
  const shifted = new Date(date.getTime() + offset * 60_000).toISOString();
  return `${shifted.slice(0, -1)}${formatOffset(offset)}`;
}
