/**
 * `npm test`: the suite in lanes (see vitest.config.ts). On 2 cores one file at a time leaves a
 * core idle while a test waits on its app; the apps and analysis lanes share the machine, then
 * the solo files (those a starved CPU breaks) get it to themselves. With arguments (`npm test -- test/load`), plain
 * `vitest run` with them. Exits non-zero when any lane fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from '../lab/repo-root.ts';

const VITEST = path.join(path.dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const running = new Set<ChildProcess>();

function vitest(args: string[], lane?: string): Promise<number> {
  const child = spawn(process.execPath, [VITEST, 'run', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...(lane ? { LEAK_LAB_TEST_LANE: lane } : {}) },
    stdio: lane ? ['ignore', 'pipe', 'pipe'] : 'inherit',
  });
  running.add(child);
  if (lane) {
    // Two lanes print at once: each line says whose it is.
    for (const [from, to] of [[child.stdout!, process.stdout], [child.stderr!, process.stderr]] as const) {
      createInterface({ input: from }).on('line', (line) => to.write(`[${lane}] ${line}\n`));
    }
  }
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const child of running) child.kill(signal);
    process.exitCode = signal === 'SIGINT' ? 130 : 143;
  });
}

const args = process.argv.slice(2);
if (args.length > 0) {
  process.exitCode = await vitest(args);
} else {
  const artifacts = path.join(REPO_ROOT, 'test-artifacts');
  mkdirSync(artifacts, { recursive: true });
  // A lane's report left from an earlier run must not be counted with this run's.
  for (const f of readdirSync(artifacts, { withFileTypes: true }).filter((d) => /^vitest-results.*\.json$/.test(d.name))) rmSync(path.join(artifacts, f.name));
  const started = Date.now();
  const side = await Promise.all([vitest(['--project', 'apps'], 'apps'), vitest(['--project', 'analysis'], 'analysis')]);
  const solo = process.exitCode ? 1 : await vitest(['--project', 'solo'], 'solo');
  const failed = [...side, solo].some((c) => c !== 0);
  process.stdout.write(`\nlanes: ${failed ? 'FAILED' : 'passed'} in ${Math.round((Date.now() - started) / 1000)} s (apps and analysis side by side, then solo)\n`);
  process.exitCode ||= failed ? 1 : 0;
}
