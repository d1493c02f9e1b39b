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

/** The default traffic: a steady rate from a population of distinct users. */
export const LOAD_DEFAULTS = {
  /** Requests per second over all connections (autocannon's overallRate). */
  rate: 200,
  connections: 10,
  users: 1000,
  /** A request slower than this counts as a timeout, and so as a failure the user saw. */
  timeoutSeconds: 2,
  seed: 42,
} as const;

/** How a process the lab starts is started and stopped. */
export const PROCESS_DEFAULTS = {
  startTimeoutMs: 20_000,
  /** After SIGTERM, how long a child gets before SIGKILL. */
  killGraceMs: 3_000,
  /** How many of the child's last stderr lines are kept for a crash report. */
  stderrTailLines: 20,
} as const;
