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

/** The service level the alerts and the postmortem's error budget are measured against. */
export const SLO_DEFAULTS = {
  latencyP99Ms: 500,
  /** Share of requests that may fail over an alert window. */
  errorRate: 0.01,
  /** Availability objective over 30 days, for the error budget. */
  availabilityTarget: 0.999,
} as const;

/**
 * One outage run. `default` tells the whole story in about three minutes on 2 cores;
 * `short` is the same story with a smaller heap and shorter windows, for tests and CI.
 */
export const OUTAGE_PROFILES = {
  default: {
    heapCapMb: 128,
    raisedHeapCapMb: 144,
    /** The watchdog's hard RSS cap: far above the heap cap, far below the machine. */
    rssLimitMb: 768,
    warmupSeconds: 6,
    /** After the alert's snapshot, how long the leak runs before the third snapshot. */
    laterSnapshotSeconds: 6,
    detectTimeoutSeconds: 100,
    outageTimeoutSeconds: 150,
    /** Seconds without an answer before the process counts as down and is killed. */
    unresponsiveSeconds: 6,
    verifySeconds: 20,
    rate: 200,
  },
  short: {
    // 64 MB left too little room: at 200 req/s the leak took a stalled app down 16 s after the
    // leaky deploy, before the trend alert (about 22 s) could fire, on a machine to itself.
    heapCapMb: 96,
    raisedHeapCapMb: 120,
    rssLimitMb: 640,
    warmupSeconds: 4,
    laterSnapshotSeconds: 4,
    detectTimeoutSeconds: 60,
    outageTimeoutSeconds: 90,
    unresponsiveSeconds: 5,
    verifySeconds: 12,
    // Half as much traffic again: the same story about 30 s sooner (157 s to 128 s for the
    // outage), with the same p99. The trend alert still fires at about 22 s, at about 66 MB.
    rate: 300,
  },
} as const;

export type OutageProfileName = keyof typeof OUTAGE_PROFILES;
