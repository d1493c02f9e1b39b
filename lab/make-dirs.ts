import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * mkdir -p one level at a time: node's recursive mkdir spins forever on some virtual
 * filesystems (a folder under /proc), where a plain mkdir fails at once.
 */
export function makeDirs(dir: string, mode?: number): void {
  const missing: string[] = [];
  for (let at = dir; !existsSync(at); at = path.dirname(at)) {
    missing.unshift(at);
    if (path.dirname(at) === at) break;
  }
  for (const d of missing) {
    try {
      mkdirSync(d, mode === undefined ? undefined : { mode });
    } catch (err) {
      // Made by someone else in the meantime is fine; anything else is the caller's error.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(d).isDirectory()) throw err;
    }
  }
}
