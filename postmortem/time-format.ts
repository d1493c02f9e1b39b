/**
 * Times in the run's zone: every time the postmortem prints goes through a ZoneClock, so a run
 * recorded in Africa/Nairobi reads "14:02:11 EAT (UTC+03:00)" whatever the reader's machine says.
 */
export interface ZoneClock {
  readonly tz: string;
  /** The zone's offset from UTC at that instant, in ms (DST-aware). */
  offsetMs(ms: number): number;
  /** HH:MM:SS in the zone. */
  clock(ms: number): string;
  /** e.g. "Wednesday 25 November 2026". */
  date(ms: number): string;
  /** e.g. "EAT (UTC+03:00)", or "UTC+05:00" where the zone has no common abbreviation. */
  zone(ms: number): string;
  /** e.g. "14:02:11 EAT (UTC+03:00)". */
  clockWithZone(ms: number): string;
}

/** English locales whose short zone names are common abbreviations (EST, CET, EAT, IST, AEDT, SAST...). */
const ABBREVIATION_LOCALES = ['en-US', 'en-GB', 'en-KE', 'en-IN', 'en-AU', 'en-ZA', 'en-NZ', 'en-CA', 'en-SG', 'en-IE'];

export function isValidTimeZone(tz: unknown): tz is string {
  if (typeof tz !== 'string' || tz === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function zoneClock(tz: string): ZoneClock {
  const clockFormat = new Intl.DateTimeFormat('en-GB', {
    timeZone: tz,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const dateFormat = new Intl.DateTimeFormat('en-GB', {
    timeZone: tz,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  const offsetFormat = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' });
  const abbreviationFormats = ABBREVIATION_LOCALES.map(
    (locale) => new Intl.DateTimeFormat(locale, { timeZone: tz, timeZoneName: 'short' }),
  );

  const offsetMinutes = (ms: number): number => parseOffset(partOf(offsetFormat, ms, 'timeZoneName'));
  const abbreviation = (ms: number): string | null => {
    for (const format of abbreviationFormats) {
      const name = partOf(format, ms, 'timeZoneName');
      if (name && !/^(GMT|UTC)[+\-\u2212]/.test(name)) return name;
    }
    return null;
  };
  const zone = (ms: number): string => {
    const offset = `UTC${formatOffset(offsetMinutes(ms))}`;
    const abbr = abbreviation(ms);
    return abbr ? `${abbr} (${offset})` : offset;
  };
  const clock = (ms: number): string =>
    ['hour', 'minute', 'second'].map((type) => partOf(clockFormat, ms, type as Intl.DateTimeFormatPartTypes)).join(':');

  return {
    tz,
    offsetMs: (ms) => offsetMinutes(ms) * 60_000,
    clock,
    date: (ms) => {
      const part = (type: Intl.DateTimeFormatPartTypes): string => partOf(dateFormat, ms, type);
      return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}`;
    },
    zone,
    clockWithZone: (ms) => `${clock(ms)} ${zone(ms)}`,
  };
}

/** "18.2 s", "2 min 34 s", "1 h 5 min": short and exact enough for a postmortem. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'unknown';
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 60_000) {
    const seconds = Math.round(abs / 100) / 10;
    return `${sign}${Number.isInteger(seconds) ? seconds.toFixed(0) : seconds.toFixed(1)} s`;
  }
  const totalSeconds = Math.round(abs / 1000);
  if (totalSeconds < 3600) return `${sign}${Math.floor(totalSeconds / 60)} min ${totalSeconds % 60} s`;
  const totalMinutes = Math.round(totalSeconds / 60);
  return `${sign}${Math.floor(totalMinutes / 60)} h ${totalMinutes % 60} min`;
}

function partOf(format: Intl.DateTimeFormat, ms: number, type: Intl.DateTimeFormatPartTypes): string {
  return format.formatToParts(new Date(ms)).find((p) => p.type === type)?.value ?? '';
}

/** "GMT+03:00" | "GMT-05:30" | "GMT" -> minutes east of UTC. */
function parseOffset(name: string): number {
  const match = /([+\-\u2212])(\d{1,2})(?::?(\d{2}))?/.exec(name);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  return match[1] === '+' ? minutes : -minutes;
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
