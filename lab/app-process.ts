import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { ChaosMode } from '../app/chaos-switch.ts';
import { PROCESS_DEFAULTS, WATCHDOG_DEFAULTS } from './defaults.ts';
import { labError } from './errors.ts';
import { REPO_ROOT } from './repo-root.ts';
import { trackChild } from './child-registry.ts';

export interface StartAppOptions {
  scenario: string | null;
  variant: ChaosMode;
  heapCapMb: number;
  snapshotDir: string;
  token: string;
  /** Lets the leak check force garbage collection through POST /admin/gc. */
  exposeGc?: boolean;
  rssLimitMb?: number;
  onStderrLine?: (line: string) => void;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: Date;
  /** The last lines the app wrote to stderr: where a heap-exhaustion message shows up. */
  stderrTail: string[];
}

export interface AppProcess {
  readonly pid: number;
  readonly url: string;
  readonly heapCapMb: number;
  readonly child: ChildProcess;
  readonly exited: Promise<ExitInfo>;
  /** Calls the admin API with the token; throws on a non-2xx answer. */
  admin<T = unknown>(method: 'GET' | 'PUT' | 'POST', route: string, body?: unknown): Promise<T>;
  /** SIGTERM, then SIGKILL after a grace period. */
  stop(): Promise<ExitInfo>;
}

const NATIVE_FRAME = /^\s*\d+: 0x[0-9a-f]+ /;

/** Starts the app as a child process under a heap cap, on 127.0.0.1 and a free port. */
export async function startApp(opts: StartAppOptions): Promise<AppProcess> {
  const args = [
    `--max-old-space-size=${opts.heapCapMb}`,
    ...(opts.exposeGc ? ['--expose-gc'] : []),
    '--import',
    'tsx',
    path.join(REPO_ROOT, 'app/server.ts'),
    '--port',
    '0',
    '--variant',
    opts.variant,
    '--snapshot-dir',
    path.resolve(opts.snapshotDir),
    '--rss-limit-mb',
    String(opts.rssLimitMb ?? WATCHDOG_DEFAULTS.rssLimitMb),
    ...(opts.scenario ? ['--scenario', opts.scenario] : []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, LEAK_LAB_ADMIN_TOKEN: opts.token },
  });
  trackChild(child);

  const stderrTail: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    opts.onStderrLine?.(line);
    // A fatal V8 error ends with a native stack of ~20 frames: keep the message, not the frames.
    if (NATIVE_FRAME.test(line)) return;
    stderrTail.push(line);
    if (stderrTail.length > PROCESS_DEFAULTS.stderrTailLines) stderrTail.shift();
  });
  const stderrClosed = new Promise<void>((resolve) => child.stderr!.once('close', () => resolve()));
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      const at = new Date();
      // The fatal "heap out of memory" line can arrive after 'exit': wait (briefly) for stderr to close.
      const drained = Promise.race([stderrClosed, new Promise((r) => setTimeout(r, 1000))]);
      void drained.then(() => resolve({ code, signal, at, stderrTail: [...stderrTail] }));
    });
  });

  const port = await waitForListening(child, exited, stderrTail);
  const url = `http://127.0.0.1:${port}`;

  return {
    pid: child.pid!,
    url,
    heapCapMb: opts.heapCapMb,
    child,
    exited,
    async admin<T>(method: 'GET' | 'PUT' | 'POST', route: string, body?: unknown): Promise<T> {
      const res = await fetch(`${url}/admin${route}`, {
        method,
        headers: { authorization: `Bearer ${opts.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      }).catch((err: Error) => {
        // A leaky app can die (or be killed as unresponsive) between two steps: say which app and what it was asked.
        const cause = (err.cause as Error | undefined)?.message ?? err.message;
        const state = child.exitCode !== null || child.signalCode !== null ? 'it has exited' : 'it did not answer';
        throw labError('LAB_ERR_APP_DIED', `the app (pid ${child.pid}) could not be asked for admin ${method} ${route}: ${state} (${cause})`);
      });
      const payload = (await res.json()) as T & { error?: string };
      if (!res.ok) throw labError('LAB_ERR_APP_DIED', `admin ${method} ${route} answered ${res.status}: ${payload.error ?? ''}`);
      return payload;
    },
    stop: () => stopChild(child, exited),
  };
}

function waitForListening(child: ChildProcess, exited: Promise<ExitInfo>, stderrTail: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(labError('LAB_ERR_APP_START', `the app did not report listening within ${PROCESS_DEFAULTS.startTimeoutMs} ms; stderr: ${stderrTail.join(' | ')}`));
    }, PROCESS_DEFAULTS.startTimeoutMs);
    child.on('message', (msg: { type?: string; port?: number }) => {
      if (msg?.type !== 'listening' || typeof msg.port !== 'number') return;
      clearTimeout(timer);
      resolve(msg.port);
    });
    void exited.then((info) => {
      clearTimeout(timer);
      reject(labError('LAB_ERR_APP_START', `the app exited before listening (code ${info.code}, signal ${info.signal}): ${info.stderrTail.slice(-3).join(' | ')}`));
    });
  });
}

async function stopChild(child: ChildProcess, exited: Promise<ExitInfo>): Promise<ExitInfo> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), PROCESS_DEFAULTS.killGraceMs);
    const info = await exited;
    clearTimeout(timer);
    return info;
  }
  return exited;
}
