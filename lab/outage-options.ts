import { LOAD_DEFAULTS, OUTAGE_PROFILES, SLO_DEFAULTS, type OutageProfileName } from './defaults.ts';
import { labError } from './errors.ts';
import { findScenario } from '../leak-scenarios/index.ts';
import { assertTimeZone, machineTimeZone } from './zoned-time.ts';

/** The scenario `npm run outage` plays when none is named: the classic unbounded cache. */
export const DEFAULT_SCENARIO = 'unbounded-response-cache';

export interface OutageOptions {
  scenario: string;
  profile: OutageProfileName;
  tz: string;
  out: string | null;
  seed: number;
  users: number;
  connections: number;
  timeoutSeconds: number;
  rate: number;
  heapCapMb: number;
  raisedHeapCapMb: number;
  rssLimitMb: number;
  warmupSeconds: number;
  laterSnapshotSeconds: number;
  detectTimeoutSeconds: number;
  outageTimeoutSeconds: number;
  unresponsiveSeconds: number;
  verifySeconds: number;
  /** Heap growth under which the fixed build counts as flat during verification. */
  noiseBoundBytesPerSecond: number;
  slo: { latencyP99Ms: number; errorRate: number; availabilityTarget: number };
  /** Write the postmortem at the end. */
  postmortem: boolean;
}

/** Defaults merged in, every value checked, the result frozen: the run never sees a bad option. */
export function resolveOutageOptions(given: Partial<OutageOptions> = {}): Readonly<OutageOptions> {
  const profile = given.profile ?? 'default';
  if (!(profile in OUTAGE_PROFILES)) throw labError('LAB_ERR_BAD_OPTION', `unknown profile "${profile}"; use ${Object.keys(OUTAGE_PROFILES).join(' or ')}`);
  const opts: OutageOptions = {
    scenario: DEFAULT_SCENARIO,
    tz: machineTimeZone(),
    out: null,
    seed: LOAD_DEFAULTS.seed,
    users: LOAD_DEFAULTS.users,
    connections: LOAD_DEFAULTS.connections,
    timeoutSeconds: LOAD_DEFAULTS.timeoutSeconds,
    noiseBoundBytesPerSecond: 64 * 1024,
    slo: { ...SLO_DEFAULTS },
    postmortem: true,
    ...OUTAGE_PROFILES[profile],
    ...stripUndefined(given),
    profile,
  };
  findScenario(opts.scenario);
  assertTimeZone(opts.tz);
  for (const key of ['seed', 'users', 'connections', 'rate', 'heapCapMb', 'raisedHeapCapMb', 'rssLimitMb', 'verifySeconds', 'timeoutSeconds'] as const) {
    const value = opts[key];
    if (!Number.isFinite(value) || value < (key === 'seed' ? 0 : 1) || !Number.isInteger(value)) {
      throw labError('LAB_ERR_BAD_OPTION', `--${kebab(key)} must be a whole number${key === 'seed' ? '' : ' above 0'}, got ${value}`);
    }
  }
  if (opts.raisedHeapCapMb <= opts.heapCapMb) throw labError('LAB_ERR_BAD_OPTION', `--raised-heap-cap-mb (${opts.raisedHeapCapMb}) must be above --heap-cap-mb (${opts.heapCapMb})`);
  if (opts.rssLimitMb <= opts.raisedHeapCapMb * 2) throw labError('LAB_ERR_BAD_OPTION', `--rss-limit-mb must be well above the heap caps (over ${opts.raisedHeapCapMb * 2})`);
  return Object.freeze(opts);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
