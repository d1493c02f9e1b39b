import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface TestChild {
  readonly child: ChildProcess;
  readonly pid: number;
  /** The first line the child printed on stdout. */
  readonly firstLine: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): Promise<void>;
}

const live = new Set<ChildProcess>();

/**
 * Runs `node -e code` and waits (bounded) for its first stdout line. Every child's code should
 * also end itself after a while, so none outlives a broken test.
 */
export async function spawnNode(code: string, readyTimeoutMs = 10_000): Promise<TestChild> {
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  live.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (exitCode, signal) => {
      live.delete(child);
      resolve({ code: exitCode, signal });
    });
  });
  const firstLine = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child printed nothing within ${readyTimeoutMs} ms`)), readyTimeoutMs);
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      lines.close();
      child.stdout!.resume();
      resolve(line);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error('child exited before printing'));
    });
  });
  return {
    child,
    pid: child.pid!,
    firstLine,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export async function killAllTestChildren(): Promise<void> {
  for (const child of live) child.kill('SIGKILL');
  await Promise.all([...live].map((c) => new Promise((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve(null) : c.once('exit', resolve)))));
}

/** A child that holds ~50 MB and serves a prom-client-shaped /metrics from its own memoryUsage(). */
export const METRICS_CHILD = `
const http = require('node:http');
const hold = [];
for (let i = 0; i < 5; i++) hold.push(Buffer.alloc(10 * 2 ** 20, 1));
const server = http.createServer((req, res) => {
  if (req.url !== '/metrics') { res.statusCode = 404; res.end(); return; }
  const m = process.memoryUsage();
  res.setHeader('content-type', 'text/plain; version=0.0.4');
  res.end([
    '# HELP nodejs_heap_size_used_bytes Process heap size used from Node.js in bytes.',
    '# TYPE nodejs_heap_size_used_bytes gauge',
    'nodejs_heap_size_used_bytes ' + m.heapUsed,
    'nodejs_heap_size_total_bytes ' + m.heapTotal,
    'nodejs_eventloop_lag_p99_seconds 0.012',
    'process_resident_memory_bytes ' + m.rss,
  ].join('\\n') + '\\n');
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port, held: hold.length })));
setTimeout(() => process.exit(0), 30000).unref();
`;

/** Touches 16 MB every 20 ms and stops by itself at 600 MB, so even a broken watchdog cannot hurt the host. */
export const GROWING_CHILD = `
const hold = [];
setInterval(() => { if (hold.length < 600 / 16) hold.push(Buffer.alloc(16 * 2 ** 20, 1)); }, 20);
setTimeout(() => process.exit(0), 20000).unref();
console.log('ready');
`;

export const SMALL_CHILD = `
setTimeout(() => process.exit(0), 20000);
console.log('ready');
`;
