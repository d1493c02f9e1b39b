import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { trackChild } from '../lab/child-registry.ts';
import { labError } from '../lab/errors.ts';

export interface Measured {
  /** Wall-clock seconds from spawn to exit. */
  wallS: number;
  /** Peak resident set size in bytes (the largest of the process and its children). */
  peakRssBytes: number;
  /** How the peak was measured: GNU time's %M, or polling VmHWM under /proc. */
  rssBy: 'gnu-time' | 'proc-poll' | 'n/a';
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface MeasureOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Each stderr line of the child, as it comes (progress). */
  onStderrLine?: (line: string) => void;
  /** Aborting kills the child and rejects with LAB_ERR_ABORTED. */
  signal?: AbortSignal;
}

const GNU_TIME = '/usr/bin/time';
/** Output kept per stream: the first bytes of stdout, the last bytes of stderr (memlab's report is at its end). */
const MAX_CAPTURE = 8 * 2 ** 20;

/** True when GNU time (with -f and -o) is there to measure peak RSS without polling. */
export function hasGnuTime(): boolean {
  return existsSync(GNU_TIME);
}

/**
 * Runs one command to its end and measures its wall time and peak RSS. With GNU time the peak
 * is the kernel's ru_maxrss of the process (and its waited-for children); without, /proc is
 * polled every 50 ms for VmHWM of the process and all its descendants.
 */
export async function measureProcess(cmd: string, args: string[], opts: MeasureOptions): Promise<Measured> {
  if (opts.signal?.aborted) throw labError('LAB_ERR_ABORTED', 'interrupted');
  const useTime = hasGnuTime();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'leak-lab-bench-'));
  const timeFile = path.join(tmp, 'time.txt');
  const argv = useTime ? ['-f', '%e %M', '-o', timeFile, cmd, ...args] : args;
  const started = performance.now();
  const child = spawn(useTime ? GNU_TIME : cmd, argv, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  trackChild(child);
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    if (stdout.length < MAX_CAPTURE) stdout += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    if (stderr.length > 2 * MAX_CAPTURE) stderr = stderr.slice(-MAX_CAPTURE);
    if (!opts.onStderrLine) return;
    pending += chunk;
    const lines = pending.split(/\r?\n|\r/);
    pending = lines.pop() ?? '';
    for (const line of lines) opts.onStderrLine(line);
  });
  let polledPeakKb = 0;
  const poller = useTime
    ? null
    : setInterval(() => {
        polledPeakKb = Math.max(polledPeakKb, treeHighWaterKb(child.pid!));
      }, 50);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killTree(child.pid!);
  }, opts.timeoutMs);
  const onAbort = () => killTree(child.pid!);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', (err) => reject(labError('LAB_ERR_BAD_OPTION', `cannot run ${cmd}: ${err.message}`, err)));
      child.once('close', (code, sig) => resolve([code, sig]));
    });
    const wallS = (performance.now() - started) / 1000;
    if (opts.signal?.aborted) throw labError('LAB_ERR_ABORTED', 'interrupted');
    if (timedOut) throw labError('LAB_ERR_TIMEOUT', `${path.basename(args.find((a) => !a.startsWith('-')) ?? cmd)} ran over its ${Math.round(opts.timeoutMs / 1000)} s bound`);
    let peakRssBytes = polledPeakKb * 1024;
    let rssBy: Measured['rssBy'] = useTime ? 'gnu-time' : 'proc-poll';
    let childExit = exitCode;
    if (useTime) {
      const text = existsSync(timeFile) ? readFileSync(timeFile, 'utf8') : '';
      // GNU time writes "Command exited with non-zero status N" before the format line.
      const status = /exited with non-zero status (\d+)/.exec(text);
      if (status) childExit = Number(status[1]);
      const m = /^([\d.]+) (\d+)\s*$/m.exec(text);
      // No line when time itself was killed: the run failed, and its RSS is unknown.
      if (m) peakRssBytes = Number(m[2]) * 1024;
      else rssBy = 'n/a';
    }
    return { wallS, peakRssBytes, rssBy, exitCode: childExit, signal, stdout, stderr };
  } finally {
    clearTimeout(timer);
    if (poller) clearInterval(poller);
    opts.signal?.removeEventListener('abort', onAbort);
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** SIGKILL for the process and every descendant (GNU time does not pass signals on). */
function killTree(pid: number): void {
  for (const p of [...descendants(pid), pid].reverse()) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of safeReaddir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = safeRead(`/proc/${entry}/stat`);
    // Field 4 is the parent pid; the command name (field 2) may hold spaces, so parse after ')'.
    const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(after[1]);
    if (!parents.has(ppid)) parents.set(ppid, []);
    parents.get(ppid)!.push(Number(entry));
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const c of parents.get(queue.shift()!) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

function treeHighWaterKb(pid: number): number {
  let peak = 0;
  for (const p of [pid, ...descendants(pid)]) {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(safeRead(`/proc/${p}/status`));
    if (m) peak = Math.max(peak, Number(m[1]));
  }
  return peak;
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
