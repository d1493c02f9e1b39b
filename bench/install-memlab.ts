import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { trackChild } from '../lab/child-registry.ts';
import { labError } from '../lab/errors.ts';

/** The memlab the bench compares against: pinned, so numbers from two runs compare. */
export const MEMLAB_VERSION = '2.0.5';
const INSTALL_TIMEOUT_MS = 10 * 60_000;

/**
 * memlab's CLI as npm links it (`.bin/memlab` -> @memlab/cli/bin/memlab.js). Its shebang runs
 * `node --expose-gc --max-old-space-size=4096`; the bench runs the file with `node` itself so it
 * can choose the heap cap, keeping --expose-gc.
 */
export function memlabEntry(cacheDir: string): string {
  return path.join(cacheDir, 'node_modules', '@memlab', 'cli', 'bin', 'memlab.js');
}

/**
 * Installs memlab into the bench cache unless `.bin/memlab` is already there. It is never a
 * dependency of the project: only the bench needs it. npm's output goes to our stderr.
 */
export async function ensureMemlab(cacheDir: string, log: (line: string) => void): Promise<string> {
  const bin = path.join(cacheDir, 'node_modules', '.bin', 'memlab');
  if (existsSync(bin) && existsSync(memlabEntry(cacheDir))) {
    log(`memlab: using ${bin}`);
    return memlabEntry(cacheDir);
  }
  mkdirSync(cacheDir, { recursive: true });
  const args = ['install', '--prefix', cacheDir, `memlab@${MEMLAB_VERSION}`, '--no-audit', '--no-fund'];
  log(`memlab: not installed; running PUPPETEER_SKIP_DOWNLOAD=1 npm ${args.join(' ')}`);
  const child = spawn('npm', args, {
    stdio: ['ignore', 2, 2], // npm's output on our stderr: stdout may be --json's
    env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1' },
  });
  trackChild(child);
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(labError('LAB_ERR_TIMEOUT', `npm install memlab took over ${INSTALL_TIMEOUT_MS / 1000} s`));
    }, INSTALL_TIMEOUT_MS);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(labError('LAB_ERR_BAD_OPTION', `cannot run npm: ${err.message}`, err));
    });
    child.once('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  if (code !== 0 || !existsSync(memlabEntry(cacheDir))) {
    throw labError('LAB_ERR_BAD_OPTION', `npm install memlab@${MEMLAB_VERSION} failed (exit ${code}); see npm's output above`);
  }
  log(`memlab: installed ${MEMLAB_VERSION} in ${cacheDir}`);
  return memlabEntry(cacheDir);
}
