/**
 * `npm test`: the suite in lanes (see vitest.config.ts). On 2 cores one file at a time leaves a
 * core idle while a test waits on its app. The analysis lane (CPU-bound, judged by counts) runs
 * throughout at the least CPU priority (nice 19, its session's autogroup too: lane-priority.ts); beside it the apps lane, then the solo files,
 * those a starved CPU breaks. They get the cores whenever they ask, and mostly they wait on
 * their apps, which leaves the analysis lane about a core. (At nice 10 the analysis lane's many
 * threads still took the apps lane's leak check from 151 s alone to 208 s.) With arguments
 * (`npm test -- test/load`), plain `vitest run` with them. Exits non-zero when any lane fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from '../lab/repo-root.ts';
import { lowerPriority } from './lane-priority.ts';

const VITEST = path.join(path.dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const running = new Set<ChildProcess>();

interface Lane {
  child: ChildProcess;
  exit: Promise<number>;
}

/** The analysis lane's nice value: the least CPU priority there is. */
const ANALYSIS_NICE = 19;

function vitest(args: string[], lane?: string, nice?: number): Lane {
  const child = spawn(process.execPath, [VITEST, 'run', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...(lane ? { LEAK_LAB_TEST_LANE: lane } : {}) },
    stdio: lane ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    // A lane in a process group of its own, so a signal reaches all it started (see below).
    detached: Boolean(lane) && process.platform !== 'win32',
  });
  // Before vitest starts its workers: they inherit it.
  if (nice !== undefined && child.pid) lowerPriority(child.pid, nice);
  running.add(child);
  if (lane) {
    // Two lanes print at once: each line says whose it is.
    for (const [from, to] of [[child.stdout!, process.stdout], [child.stderr!, process.stderr]] as const) {
      createInterface({ input: from }).on('line', (line) => to.write(`[${lane}] ${line}\n`));
    }
  }
  return {
    child,
    exit: new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        running.delete(child);
        resolve(code ?? (signal ? 1 : 0));
      });
    }),
  };
}

// To each lane's whole process group: vitest exits on a signal without ending its workers,
// which went on running a drill, its app and Chromium after a SIGTERM to this runner.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const child of running) {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        child.kill(signal);
      }
    }
    process.exitCode = signal === 'SIGINT' ? 130 : 143;
  });
}

const args = process.argv.slice(2);
if (args.length > 0) {
  process.exitCode = await vitest(args).exit;
} else {
  const artifacts = path.join(REPO_ROOT, 'test-artifacts');
  mkdirSync(artifacts, { recursive: true });
  // A lane's report left from an earlier run must not be counted with this run's.
  for (const f of readdirSync(artifacts, { withFileTypes: true }).filter((d) => /^vitest-results.*\.json$/.test(d.name))) rmSync(path.join(artifacts, f.name));
  const started = Date.now();
  const analysis = vitest(['--project', 'analysis'], 'analysis', ANALYSIS_NICE);
  const apps = await vitest(['--project', 'apps'], 'apps').exit;
  // Again: a thread started while the first call walked the tree is lowered now.
  if (running.has(analysis.child) && analysis.child.pid) lowerPriority(analysis.child.pid, ANALYSIS_NICE);
  const solo = process.exitCode ? 1 : await vitest(['--project', 'solo'], 'solo').exit;
  const failed = [apps, await analysis.exit, solo].some((c) => c !== 0);
  process.stdout.write(`\nlanes: ${failed ? 'FAILED' : 'passed'} in ${Math.round((Date.now() - started) / 1000)} s (apps then solo, analysis beside them)\n`);
  process.exitCode ||= failed ? 1 : 0;
}
