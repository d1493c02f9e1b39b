import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../lab/repo-root.ts';
import type { TimelineEvent } from '../../lab/run-files.ts';
import { waitFor } from '../helpers/wait-for.ts';

export interface RunningDrill {
  child: ChildProcess;
  out: string;
  /** Dashboard base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  base: string;
  token: string;
  /** The URL the drill prints for people: base + #token=... */
  openUrl: string;
  stderr(): string;
  stdout(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** GET/POST on the drill's API, with the token unless told otherwise. */
  api(method: 'GET' | 'POST', route: string, opts?: { body?: unknown; token?: string | null; raw?: string }): Promise<{ status: number; body: any; headers: Headers }>;
  /** Ends the drill process if it is still running (SIGINT, then SIGKILL). */
  stop(): Promise<void>;
}

/** Starts `npm run drill` (short profile, UTC) with `args`, and waits until its dashboard answers. */
export async function startDrill(out: string, args: string[], timeoutMs = 60_000): Promise<RunningDrill> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'lab/drill-cli.ts', '--profile', 'short', '--tz', 'UTC', '--out', out, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.on('data', (d) => (stdout += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => setImmediate(() => resolve({ code, signal }))));
  let gone = false;
  void exited.then(() => (gone = true));
  const m = await waitFor('the dashboard URL and the first deploy', () => (gone ? Promise.reject(new Error(`drill exited early: ${stderr.slice(-2000)}`)) : stderr.includes('Release deployed') && /dashboard: (http:\/\/127\.0\.0\.1:\d+)\/#token=([A-Za-z0-9_-]+)/.exec(stderr)), {
    timeoutMs,
    everyMs: 100,
    seen: () => stderr.slice(-1500),
  });
  const base = m[1]!;
  const token = m[2]!;
  return {
    child,
    out,
    base,
    token,
    openUrl: `${base}/#token=${token}`,
    stderr: () => stderr,
    stdout: () => stdout,
    exited,
    async api(method, route, opts = {}) {
      const auth = opts.token === undefined ? token : opts.token;
      const res = await fetch(`${base}/api${route}`, {
        method,
        headers: { ...(auth === null ? {} : { authorization: `Bearer ${auth}` }), ...(opts.body !== undefined || opts.raw !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: kept as text
      }
      return { status: res.status, body, headers: res.headers };
    },
    async stop() {
      if (gone) return;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function readTimeline(dir: string): TimelineEvent[] {
  const file = path.join(dir, 'timeline.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as TimelineEvent);
}

export { isAlive } from '../helpers/process-alive.ts';

/** Every app process the drill deployed, from its timeline. */
export function deployedPids(dir: string): number[] {
  return readTimeline(dir)
    .filter((e) => e.type === 'deploy')
    .map((e) => e.data.pid as number);
}
