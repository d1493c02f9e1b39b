import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { findScenario } from '../leak-scenarios/index.ts';
import { VARIANTS, type Variant } from '../leak-scenarios/scenario.ts';
import { createTrafficMix } from '../load/traffic-mix.ts';
import { startApp, type AppProcess, type ExitInfo } from './app-process.ts';
import { LOAD_DEFAULTS } from './defaults.ts';
import { labError } from './errors.ts';
import { makeDirs } from './make-dirs.ts';

export interface LeakCheckOptions {
  scenario: string;
  variant: Variant;
  /** Requests of the traffic mix per measured round. */
  requestsPerRound?: number;
  /** Measured rounds after the warm-up; at least 3, so a trend is a trend. */
  rounds?: number;
  /** Requests before the baseline sample, so bounded caches fill and the JIT settles first. */
  warmupRequests?: number;
  connections?: number;
  /** Roomy on purpose: the check measures growth, it must not crash the app doing so. */
  heapCapMb?: number;
  users?: number;
  seed?: number;
  /** Upper bound on one round, warm-up included, before the check gives up (LAB_ERR_TIMEOUT). */
  roundTimeoutMs?: number;
  /** Growth below this many bytes per 1,000 requests is never called a leak. */
  noiseFloorBytesPer1k?: number;
  /**
   * Where to keep three heap snapshots of the check, taken through the app's admin API right
   * after the baseline's, the middle round's and the last round's GC: what `npm run diagnose`
   * needs to name a leak the check finds. Unset: no snapshot is taken.
   */
  snapshotDir?: string;
  onProgress?: (line: string) => void;
  /** Aborting stops the load and the app, then rejects with LAB_ERR_ABORTED. */
  signal?: AbortSignal;
}

export interface LeakSample {
  /** Measured requests so far (0 = the baseline right after the warm-up). */
  requests: number;
  heapUsed: number;
  arrayBuffers: number;
}

export interface LeakCheckResult {
  scenario: string;
  variant: Variant;
  verdict: 'flat' | 'leaking';
  /** Least-squares slope of retained memory (heapUsed + arrayBuffers after a full GC). */
  bytesPer1kRequests: number;
  /** The slope must exceed this to count: the floor, or twice the slope's standard error if larger. */
  noiseBoundBytesPer1k: number;
  /** Rounds whose retained memory grew over the previous sample. */
  growingRounds: number;
  samples: LeakSample[];
  /** Measured requests (the warm-up not included). */
  requests: number;
  /** Connection errors, timeouts and 5xx answers over the whole check. */
  errors: number;
  /** The heap snapshots taken (see `snapshotDir`), oldest first; empty when none were asked for. */
  snapshots: string[];
}

export const LEAK_CHECK_DEFAULTS = {
  requestsPerRound: 1000,
  rounds: 5,
  connections: LOAD_DEFAULTS.connections,
  heapCapMb: 512,
  users: LOAD_DEFAULTS.users,
  seed: LOAD_DEFAULTS.seed,
  roundTimeoutMs: 60_000,
  // Half a KB per request: ten times under the lab's leak rates, well over what a forced GC leaves as jitter.
  noiseFloorBytesPer1k: 512 * 1024,
} as const;

/** Drives the scenario with rounds of the traffic mix and decides from the retained-heap trend. */
export async function checkForLeak(options: LeakCheckOptions): Promise<LeakCheckResult> {
  const opts = validate(options);
  const progress = options.onProgress ?? (() => {});
  const signal = options.signal;
  const snapshotDir = options.snapshotDir === undefined ? null : usableFolder(options.snapshotDir);
  // The baseline, the middle round and the last: two intervals for the diagnosis, equal when the rounds are even.
  const snapshotRounds = snapshotDir ? [0, Math.ceil(opts.rounds / 2), opts.rounds] : [];
  const snapshots: string[] = [];
  throwIfAborted(signal);
  const app = await startApp({
    scenario: opts.scenario,
    variant: opts.variant,
    heapCapMb: opts.heapCapMb,
    exposeGc: true,
    snapshotDir: snapshotDir ?? path.join(os.tmpdir(), 'leak-lab-check-snapshots'),
    token: randomBytes(18).toString('base64url'),
  });
  const snapshot = async (round: number) => {
    if (!snapshotRounds.includes(round)) return;
    const { file } = await untilDied(app, app.admin<{ file: string }>('POST', '/snapshots', { label: `check-round-${round}` }));
    snapshots.push(file);
    progress(`${opts.scenario} ${opts.variant}: heap snapshot ${file}`);
  };
  try {
    throwIfAborted(signal);
    const next = createTrafficMix({ users: opts.users, seed: opts.seed });
    let errors = 0;
    progress(`${opts.scenario} ${opts.variant}: app pid ${app.pid} at ${app.url}; warm-up, ${opts.warmupRequests} requests`);
    errors += await runRound(app, next, opts.warmupRequests, opts, signal);
    const samples: LeakSample[] = [{ requests: 0, ...(await retained(app)) }];
    await snapshot(0);
    for (let round = 1; round <= opts.rounds; round += 1) {
      errors += await runRound(app, next, opts.requestsPerRound, opts, signal);
      const sample = { requests: round * opts.requestsPerRound, ...(await retained(app)) };
      samples.push(sample);
      progress(`${opts.scenario} ${opts.variant}: round ${round}/${opts.rounds}, retained ${mb(sample.heapUsed + sample.arrayBuffers)} MB`);
      await snapshot(round);
    }
    return { ...decide(opts, samples, errors), snapshots };
  } finally {
    await app.stop();
  }
}

type CheckOpts = Required<Omit<LeakCheckOptions, 'onProgress' | 'signal' | 'snapshotDir'>>;

function validate(o: LeakCheckOptions): CheckOpts {
  findScenario(o.scenario);
  if (!VARIANTS.includes(o.variant)) throw labError('LAB_ERR_BAD_OPTION', `variant must be one of ${VARIANTS.join(', ')}, got "${String(o.variant)}"`);
  const opts = { ...LEAK_CHECK_DEFAULTS, ...definedOnly(o) } as CheckOpts;
  opts.warmupRequests = o.warmupRequests ?? opts.requestsPerRound;
  const ints: [keyof CheckOpts, number, number][] = [
    ['connections', 1, 1000],
    ['requestsPerRound', opts.connections, 1_000_000],
    ['warmupRequests', opts.connections, 1_000_000],
    ['rounds', 3, 100],
    ['heapCapMb', 64, 65_536],
    ['users', 1, 1_000_000],
    ['seed', 0, 2 ** 32 - 1],
    ['roundTimeoutMs', 1000, 3_600_000],
    ['noiseFloorBytesPer1k', 0, 2 ** 40],
  ];
  for (const [key, min, max] of ints) {
    const value = opts[key];
    // autocannon refuses an amount smaller than its connection count, hence that lower bound.
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw labError('LAB_ERR_BAD_OPTION', `${key} must be an integer in ${min}..${max}, got ${String(value)}`);
    }
  }
  return opts;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function runRound(app: AppProcess, next: ReturnType<typeof createTrafficMix>, amount: number, opts: CheckOpts, signal?: AbortSignal): Promise<number> {
  // An abort that came while we waited on the app would never fire the listener below.
  throwIfAborted(signal);
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | null, errors = 0) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(errors);
    };
    const instance = autocannon(
      {
        url: app.url,
        amount,
        connections: opts.connections,
        timeout: 10,
        requests: [
          {
            setupRequest: (req) => {
              const { method, path: route, headers, body } = next();
              return { ...req, method, path: route, headers, body: body ?? '' };
            },
          },
        ],
      },
      (err, result) => finish(err ?? null, result ? result.errors + result['5xx'] : 0),
    );
    const timer = setTimeout(() => {
      instance.stop();
      finish(labError('LAB_ERR_TIMEOUT', `a round of ${amount} requests did not finish within ${opts.roundTimeoutMs} ms`));
    }, opts.roundTimeoutMs);
    const onAbort = () => {
      instance.stop();
      finish(labError('LAB_ERR_ABORTED', 'the leak check was interrupted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    void app.exited.then((info) => {
      if (settled) return;
      instance.stop();
      finish(diedError(info));
    });
  });
}

async function retained(app: AppProcess): Promise<Omit<LeakSample, 'requests'>> {
  const { heapUsed, arrayBuffers } = await untilDied(app, app.admin<{ heapUsed: number; arrayBuffers: number }>('POST', '/gc'));
  return { heapUsed, arrayBuffers };
}

/** An admin call, or the app's death while it was waited for, said as such. */
function untilDied<T>(app: AppProcess, call: Promise<T>): Promise<T> {
  const died = app.exited.then((info): never => {
    throw diedError(info);
  });
  return Promise.race([call, died]);
}

function usableFolder(dir: string): string {
  if (typeof dir !== 'string' || dir.trim() === '') throw labError('LAB_ERR_BAD_OPTION', 'the snapshot folder must be a path, got an empty one');
  const resolved = path.resolve(dir);
  try {
    makeDirs(resolved, 0o700);
    accessSync(resolved, constants.W_OK);
  } catch (err) {
    throw labError('LAB_ERR_OUTPUT_DIR', `cannot write heap snapshots to ${resolved}: ${(err as Error).message}`);
  }
  return resolved;
}

function diedError(info: ExitInfo): Error {
  return labError('LAB_ERR_APP_DIED', `the app exited during the check (code ${info.code}, signal ${info.signal}): ${info.stderrTail.slice(-3).join(' | ')}`);
}

function decide(opts: CheckOpts, samples: LeakSample[], errors: number): Omit<LeakCheckResult, 'snapshots'> {
  const xs = samples.map((s) => s.requests);
  const ys = samples.map((s) => s.heapUsed + s.arrayBuffers);
  const { slope, standardError } = leastSquares(xs, ys);
  const bytesPer1kRequests = Math.round(slope * 1000);
  const noiseBoundBytesPer1k = Math.round(Math.max(opts.noiseFloorBytesPer1k, 2 * standardError * 1000));
  let growingRounds = 0;
  for (let i = 1; i < ys.length; i += 1) if (ys[i]! > ys[i - 1]!) growingRounds += 1;
  // Both, so one late GC hiccup cannot make a leak, nor one lucky round hide one.
  const leaking = bytesPer1kRequests > noiseBoundBytesPer1k && growingRounds * 2 > opts.rounds;
  return {
    scenario: opts.scenario,
    variant: opts.variant,
    verdict: leaking ? 'leaking' : 'flat',
    bytesPer1kRequests,
    noiseBoundBytesPer1k,
    growingRounds,
    samples,
    requests: opts.rounds * opts.requestsPerRound,
    errors,
  };
}

export function leastSquares(xs: readonly number[], ys: readonly number[]): { slope: number; standardError: number } {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i += 1) {
    sxx += (xs[i]! - mx) ** 2;
    sxy += (xs[i]! - mx) * (ys[i]! - my);
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  let sse = 0;
  for (let i = 0; i < n; i += 1) sse += (ys[i]! - my - slope * (xs[i]! - mx)) ** 2;
  const standardError = n > 2 && sxx > 0 ? Math.sqrt(sse / (n - 2) / sxx) : 0;
  return { slope, standardError };
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw labError('LAB_ERR_ABORTED', 'the leak check was interrupted');
}

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}
