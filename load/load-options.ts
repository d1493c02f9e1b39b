import { labError } from '../lab/errors.ts';
import { LOAD_RUN_DEFAULTS } from './load-defaults.ts';
import type { LoadOptions } from './load-types.ts';
import { assertLoopbackUrl } from './loopback-url.ts';

export type ResolvedLoadOptions = Readonly<Required<Omit<LoadOptions, 'onSecond' | 'onRequestFailure'>>> &
  Pick<LoadOptions, 'onSecond' | 'onRequestFailure'>;

/** Defaults filled in and every number checked, so a bad option fails before any traffic is sent. */
export function resolveLoadOptions(given: LoadOptions): ResolvedLoadOptions {
  const opts = { ...LOAD_RUN_DEFAULTS, ...stripUndefined(given), url: given.url };
  const url = assertLoopbackUrl(opts.url).origin;
  requireInteger('overallRate', opts.overallRate, 1, 100_000);
  requireInteger('connections', opts.connections, 1, 1_000);
  requireInteger('users', opts.users, 1, 10_000_000);
  requireInteger('seed', opts.seed, 0, 2 ** 32 - 1);
  requireNumber('timeoutSeconds', opts.timeoutSeconds, 1, 600);
  requireInteger('batchesPerSecond', opts.batchesPerSecond, 1, 20);
  requireInteger('maxConnections', opts.maxConnections, opts.connections, 10_000);
  return Object.freeze({ ...opts, url });
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function requireNumber(name: string, value: number, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw labError('LAB_ERR_BAD_OPTION', `${name} must be a number from ${min} to ${max}, got ${String(value)}`);
  }
}

function requireInteger(name: string, value: number, min: number, max: number): void {
  requireNumber(name, value, min, max);
  if (!Number.isInteger(value)) throw labError('LAB_ERR_BAD_OPTION', `${name} must be an integer, got ${value}`);
}
