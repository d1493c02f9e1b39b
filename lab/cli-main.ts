import { basename, resolve } from 'node:path';
import { isLabError } from './errors.ts';

/**
 * Runs a CLI entry: the only place where errors become a one-line message and an exit code.
 * A bad flag from util.parseArgs is bad input (2); a LabError carries its own exit code;
 * anything else is a bug, still reported on one line, with the stack only under LAB_DEBUG=1.
 */
export async function runCli(name: string, main: () => Promise<number | void>): Promise<void> {
  try {
    const code = await main();
    process.exitCode = typeof code === 'number' ? code : 0;
  } catch (err) {
    process.exitCode = exitCodeOf(err);
    // util.parseArgs writes some messages over several lines (`--rate -5`): one line here.
    process.stderr.write(`${name}: ${messageOf(err).replace(/\s*\n\s*/g, ' ')}\n`);
    if (process.env.LAB_DEBUG === '1' && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  }
}

function exitCodeOf(err: unknown): number {
  if (isLabError(err)) return err.exitCode;
  if (isParseArgsError(err)) return 2;
  return 1;
}

function messageOf(err: unknown): string {
  if (isLabError(err)) return `${err.message} (${err.code})`;
  if (isParseArgsError(err)) return `${(err as Error).message} (try --help)`;
  if (err instanceof Error) return `unexpected error: ${err.message.split('\n')[0]}`;
  return `unexpected error: ${String(err)}`;
}

function isParseArgsError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/**
 * A path the user typed, made absolute. `npm run x -- file` runs in the package's folder, not
 * where it was typed (npm walks up to package.json): when this process is that npm script,
 * a relative path is taken from npm's INIT_CWD, the folder the user was in. Defaults (such as
 * runs/latest) are the lab's own and stay relative to the lab.
 */
export function userPath(p: string): string {
  const script = process.env.npm_lifecycle_script ?? '';
  const initCwd = process.env.INIT_CWD;
  const viaNpm = initCwd !== undefined && process.argv[1] !== undefined && script.includes(basename(process.argv[1]));
  return viaNpm ? resolve(initCwd, p) : resolve(p);
}
