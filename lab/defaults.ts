/**
 * Every default the lab uses, in one module: options objects are `{ ...DEFAULTS.x, ...given }`,
 * then validated and frozen where they are used.
 */
export const APP_DEFAULTS = {
  /** Loopback only: the app is a leak on purpose and must never be reachable from outside. */
  host: '127.0.0.1',
  port: 3000,
  /** The heap cap `npm start` and the outage run give the app, in MB (--max-old-space-size). */
  heapCapMb: 128,
  snapshotDir: 'runs/snapshots',
} as const;

/** The app's own last line of defence: it exits when its RSS passes this, whoever started it. */
export const WATCHDOG_DEFAULTS = {
  rssLimitMb: 1024,
  intervalMs: 1000,
} as const;
