import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { lowerPriority } from '../lane-priority.ts';
import { waitFor } from './wait-for.ts';

/** Nice value of one thread, from its stat line (field 19, counted after the command's ')'). */
function niceOf(pid: number, tid: number): number {
  const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

const autogroupOn = () => existsSync('/proc/sys/kernel/sched_autogroup_enabled') && readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1';

const started: ChildProcess[] = [];
const grandchildren: number[] = [];
afterEach(() => {
  for (const pid of grandchildren.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  for (const child of started.splice(0)) child.kill('SIGKILL');
});

// The lane runner's scheduling (test/run-lanes.ts) rests on this; /proc is Linux's.
describe.skipIf(!existsSync('/proc/self/task'))('lowerPriority', () => {
  it('lowers every thread of a process and of the process it started, and what starts later inherits it', async () => {
    // A parent that starts a child on demand: one before the call, one after.
    const script = `
      const { spawn } = require('node:child_process');
      const keep = () => spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }).pid;
      console.log('before ' + keep());
      process.stdin.on('data', () => console.log('after ' + keep()));
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    started.push(parent);
    let out = '';
    parent.stdout!.on('data', (d) => (out += d));
    const before = await waitFor('the first child', () => Number(/before (\d+)/.exec(out)?.[1]) || null, { timeoutMs: 20_000 });
    grandchildren.push(before);
    // Its threads (V8's, libuv's) exist once it runs: wait for more than the main one.
    await waitFor('the child running', () => readdirSync(`/proc/${before}/task`).length > 1, { timeoutMs: 20_000 });

    // Run in the apps lane (vitest.config.ts), at normal priority: there is room below it.
    const base = os.getPriority(parent.pid!);
    expect(base, 'a nice value with room to lower it').toBeLessThanOrEqual(14);
    const lowered = lowerPriority(parent.pid!, base + 5);
    const threads = [parent.pid!, before].flatMap((pid) => readdirSync(`/proc/${pid}/task`).map((tid) => [pid, Number(tid)] as const));
    expect(lowered).toBeGreaterThanOrEqual(threads.length);
    for (const [pid, tid] of threads) expect(niceOf(pid, tid), `thread ${tid} of ${pid}`).toBe(base + 5);

    parent.stdin!.write('\n');
    const after = await waitFor('the later child', () => Number(/after (\d+)/.exec(out)?.[1]) || null, { timeoutMs: 20_000 });
    grandchildren.push(after);
    await waitFor('the later child running', () => readdirSync(`/proc/${after}/task`).length > 1, { timeoutMs: 20_000 });
    for (const tid of readdirSync(`/proc/${after}/task`)) expect(niceOf(after, Number(tid))).toBe(base + 5);
  }, 60_000);

  // Without it a lane at nice 19 in a session of its own still had half the cores (see lowerPriority).
  it.skipIf(!autogroupOn())('lowers the autogroup of a process that leads its own session, never the caller\'s', async () => {
    const own = readFileSync('/proc/self/autogroup', 'utf8');
    const attached = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const detached = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore', detached: true });
    started.push(attached, detached);
    await waitFor('both running', () => [attached, detached].every((c) => existsSync(`/proc/${c.pid}/autogroup`)), { timeoutMs: 20_000 });
    lowerPriority(attached.pid!, 17);
    lowerPriority(detached.pid!, 17);
    expect(readFileSync(`/proc/${detached.pid}/autogroup`, 'utf8')).toMatch(/ nice 17\n$/);
    // The attached child shares this process's session: its autogroup, this one's, is left alone.
    expect(readFileSync(`/proc/${attached.pid}/autogroup`, 'utf8')).toBe(own);
    expect(readFileSync('/proc/self/autogroup', 'utf8')).toBe(own);
  }, 30_000);

  it('skips a process that is gone', () => {
    expect(lowerPriority(2 ** 22 + 7, 19)).toBe(0);
  });
});
