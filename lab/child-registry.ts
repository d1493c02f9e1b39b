import type { ChildProcess } from 'node:child_process';

/**
 * Every child the lab starts, so none outlives it: on exit (normal, error or signal) the
 * survivors get SIGKILL. Ctrl-C handling itself belongs to the CLI entries; this is the net.
 */
const live = new Set<ChildProcess>();
let hooked = false;

export function trackChild(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!hooked) {
    hooked = true;
    process.once('exit', killAllNow);
  }
}

export function liveChildren(): number {
  return live.size;
}

export function killAllNow(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
}
