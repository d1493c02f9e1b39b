import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { startApp } from '../lab/app-process.ts';
import { labError } from '../lab/errors.ts';
import { SCENARIOS } from '../leak-scenarios/index.ts';
import { createTrafficMix } from '../load/traffic-mix.ts';
import { runMemlab, runOurs, type SnapshotSet, type ToolRun } from './run-tools.ts';

export interface AccuracyOptions {
  cacheDir: string;
  memlabEntry: string;
  memlabHeapMb: number;
  /** The checkout whose diagnose is "ours". */
  oursRoot: string;
  /** Requests of the traffic mix before the baseline, then between each pair of snapshots. */
  warmupRequests: number;
  requestsPerInterval: number;
  toolTimeoutMs: number;
  log: (line: string) => void;
  signal?: AbortSignal;
}

export interface AccuracyRow {
  scenario: string;
  identifier: string;
  snapshotBytes: number[];
  ours: ToolRun;
  memlab: ToolRun;
}

const HEAP_CAP_MB = 512;
const REQUEST_TIMEOUT_MS = 10_000;
/** Bound on one interval of traffic, so a wedged app cannot hold the bench. */
const INTERVAL_TIMEOUT_MS = 120_000;

/**
 * Every scenario, leaky: start the app, drive the traffic mix between three snapshots taken
 * through the admin API, stop the app, then run both tools on the three files.
 */
export async function runAccuracy(opts: AccuracyOptions): Promise<AccuracyRow[]> {
  const rows: AccuracyRow[] = [];
  for (const [i, scenario] of SCENARIOS.entries()) {
    const dir = path.join(opts.cacheDir, 'accuracy', scenario.name);
    rmSync(dir, { recursive: true, force: true });
    opts.log(`accuracy ${i + 1}/${SCENARIOS.length} ${scenario.name}: starting the app (leaky)`);
    const { set, bytes } = await snapshotScenario(scenario.name, path.join(dir, 'snapshots'), opts);
    const common = { identifier: scenario.leak.identifier, oursRoot: opts.oursRoot, timeoutMs: opts.toolTimeoutMs, signal: opts.signal };
    // Alternate which tool reads the files first, as the size runs do.
    const runO = () => runOurs(set, { ...common, workDir: path.join(dir, 'ours') });
    const runM = () => runMemlab(set, { ...common, workDir: path.join(dir, 'memlab-work'), entry: opts.memlabEntry, heapMb: opts.memlabHeapMb });
    let ours: ToolRun;
    let memlab: ToolRun;
    if (i % 2 === 0) {
      ours = await runO();
      memlab = await runM();
    } else {
      memlab = await runM();
      ours = await runO();
    }
    opts.log(`accuracy ${scenario.name}: ours top ${ours.top || ours.error} (${ours.right ? 'right' : 'wrong'}), memlab ${memlab.right ? 'right' : memlab.error ?? 'wrong'}`);
    rows.push({ scenario: scenario.name, identifier: scenario.leak.identifier, snapshotBytes: bytes, ours, memlab });
  }
  return rows;
}

async function snapshotScenario(scenario: string, snapshotDir: string, opts: AccuracyOptions): Promise<{ set: SnapshotSet; bytes: number[] }> {
  const app = await startApp({ scenario, variant: 'leaky', heapCapMb: HEAP_CAP_MB, snapshotDir, token: randomBytes(18).toString('base64url') });
  const onAbort = () => void app.stop();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const next = createTrafficMix({ users: 1000, seed: 42 });
    const files: string[] = [];
    const bytes: number[] = [];
    await drive(app.url, next, opts.warmupRequests, opts.signal);
    for (const label of ['baseline', 'target', 'final']) {
      if (label !== 'baseline') await drive(app.url, next, opts.requestsPerInterval, opts.signal);
      if (opts.signal?.aborted) throw labError('LAB_ERR_ABORTED', 'interrupted');
      const res = await app.admin<{ file: string; bytes: number }>('POST', '/snapshots', { label });
      files.push(res.file);
      bytes.push(res.bytes);
    }
    return { set: { baseline: files[0]!, target: files[1]!, final: files[2]! }, bytes };
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await app.stop();
  }
}

/** `count` requests of the mix over 8 concurrent workers; each request and the whole batch bounded. */
async function drive(baseUrl: string, next: ReturnType<typeof createTrafficMix>, count: number, signal?: AbortSignal): Promise<void> {
  const deadline = AbortSignal.timeout(INTERVAL_TIMEOUT_MS);
  let left = count;
  const worker = async () => {
    while (left > 0) {
      if (signal?.aborted) throw labError('LAB_ERR_ABORTED', 'interrupted');
      if (deadline.aborted) throw labError('LAB_ERR_TIMEOUT', `${count} requests took over ${INTERVAL_TIMEOUT_MS / 1000} s`);
      left -= 1;
      const { method, path: route, headers, body } = next();
      const res = await fetch(`${baseUrl}${route}`, { method, headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}
