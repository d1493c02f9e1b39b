import { randomInt } from 'node:crypto';
import path from 'node:path';
import { SCENARIOS } from '../leak-scenarios/index.ts';
import { seededRandom } from '../load/seeded-random.ts';
import type { OutageProfileName } from './defaults.ts';
import { labError } from './errors.ts';
import { resolveOutageOptions, type OutageOptions } from './outage-options.ts';

/** A drill runs until a deployed fix verifies, or until this many seconds have passed. */
export const DRILL_DEFAULTS = {
  timeLimitSeconds: 600,
  /** Each action kind at most once per this many ms (a double click is not two restarts). */
  actionIntervalMs: 1000,
  /**
   * How long a fix deploy waits for every alert to resolve before verifying anyway. A right fix
   * settles in 15-25 s; a wrong one never does, and the trainee should not be locked out for
   * the outage profile's full detection bound to learn it.
   */
  settleTimeoutSeconds: 40,
} as const;

export interface DrillOptions extends OutageOptions {
  timeLimitSeconds: number;
  /** Dashboard port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** True when the scenario was named (--scenario): an instructor's drill, not a random pick. */
  scenarioGiven: boolean;
}

export interface DrillInput {
  scenario?: string;
  seed?: number;
  profile?: OutageProfileName;
  tz?: string;
  out?: string;
  rate?: number;
  users?: number;
  timeLimitSeconds?: number;
  port?: number;
  postmortem?: boolean;
}

/**
 * The scenario a seed picks: the same seed always picks the same one, so a drill can be
 * repeated with --seed, and nothing in the pick tells which one it was.
 */
export function pickScenario(seed: number): string {
  const random = seededRandom(seed ^ 0x5eed_d211);
  return SCENARIOS[Math.floor(random() * SCENARIOS.length)]!.name;
}

/**
 * The outage options (profile, load, SLO, heap caps) plus the drill's own. Without --seed a
 * fresh seed is drawn; it is recorded in settings.json, so the drill can be played again.
 * Without --out the run folder is `runs/<start>-drill`: a folder named after the scenario
 * would give the answer away.
 */
export function resolveDrillOptions(input: DrillInput, now = new Date()): Readonly<DrillOptions> {
  const seed = input.seed ?? randomInt(0, 2 ** 31 - 1);
  if (!Number.isInteger(seed) || seed < 0) throw labError('LAB_ERR_BAD_OPTION', `--seed must be a whole number, got ${input.seed}`);
  const timeLimitSeconds = input.timeLimitSeconds ?? DRILL_DEFAULTS.timeLimitSeconds;
  if (!Number.isInteger(timeLimitSeconds) || timeLimitSeconds < 5 || timeLimitSeconds > 6 * 3600) {
    throw labError('LAB_ERR_BAD_OPTION', `--time-limit must be a whole number of seconds from 5 to 21600, got ${input.timeLimitSeconds}`);
  }
  const port = input.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw labError('LAB_ERR_BAD_OPTION', `--port must be a port number (0 picks a free one), got ${input.port}`);
  const stamp = now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const outage = resolveOutageOptions({
    scenario: input.scenario ?? pickScenario(seed),
    profile: input.profile,
    tz: input.tz,
    out: input.out ?? path.join('runs', `${stamp}-drill`),
    seed,
    rate: input.rate,
    users: input.users,
    postmortem: input.postmortem,
  });
  return Object.freeze({ ...outage, timeLimitSeconds, port, scenarioGiven: input.scenario !== undefined });
}
