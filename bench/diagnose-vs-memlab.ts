import { existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { abortOnSignals } from '../lab/abort-on-signals.ts';
import { runCli } from '../lab/cli-main.ts';
import { labError } from '../lab/errors.ts';
import { REPO_ROOT } from '../lab/repo-root.ts';
import { runAccuracy, type AccuracyRow } from './accuracy.ts';
import { ensureMemlab, MEMLAB_VERSION } from './install-memlab.ts';
import { hasGnuTime } from './measure-process.ts';
import { accuracyTable, hugeLine, ratioLines, sizeTable, summarizeSize, TARGETS, type HugeResult, type SizeResult } from './report.ts';
import { runMemlab, runOurs, type ToolRun } from './run-tools.ts';
import { ensureSyntheticSet, mbList } from './snapshot-sets.ts';

const HELP = `Usage: npm run bench:diagnose -- [options]

Times our heap-snapshot diff (analysis/diagnose-cli.ts) against memlab find-leaks
--trace-all-objects on the same three snapshots (baseline, target, final of one process):
wall time and peak RSS of each tool's process, best of several runs in alternating order,
and whether each named the leak's variable. memlab ${MEMLAB_VERSION} is installed on first use
into .bench-cache/ (never into package.json); snapshots are built there and reused.

Options:
  --sizes LIST          snapshot sizes in MB, comma-separated ('' = none)   [30,300]
  --repeat N            runs per tool and size              [3 up to 100 MB, 2 above]
  --accuracy            also: every leak scenario of the app, snapshotted under the
                        traffic mix, diagnosed by both tools (who names the leak?)
  --accuracy-requests N requests between snapshots (after as many/3 of warm-up)   [1500]
  --huge                also: a ~1 GB snapshot set, our diagnose only (peak RSS vs this machine)
  --huge-mb N           size of that set in MB                                    [1024]
  --fresh               rebuild the synthetic snapshots even if cached
  --memlab-heap-mb N    --max-old-space-size for memlab's node (its shebang: 4096)  [4096]
  --timeout-min N       bound on one tool run, in minutes                         [30]
  --cache-dir DIR       memlab install, snapshots, work dirs                      [.bench-cache]
  --ours-root DIR       run analysis/diagnose-cli.ts of another checkout (with its
                        node_modules), e.g. a git worktree of HEAD, on the same files  [this repo]
  --verbose             pass both tools' progress through to stderr
  --json                print the results as JSON on stdout (progress stays on stderr)
  -h, --help            this text

Targets, per size: memlab time / ours >= ${TARGETS.speedup}x, ours peak RSS / memlab's <= ${TARGETS.rssRatio}x.
Exit status: 0 when the bench ran (targets met or not), 2 bad input, 130 Ctrl-C.`;

interface BenchResult {
  machine: { cpus: number; memGiB: number; node: string; rssBy: string; loadAtStart: number; loadAtEnd: number };
  oursRoot: string;
  memlab: { version: string; heapMb: number; flags: string };
  sizes: SizeResult[];
  accuracy: AccuracyRow[] | null;
  huge: HugeResult | null;
  elapsedS: number;
}

await runCli('bench:diagnose', async () => {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '30,300' },
      repeat: { type: 'string' },
      accuracy: { type: 'boolean', default: false },
      'accuracy-requests': { type: 'string', default: '1500' },
      huge: { type: 'boolean', default: false },
      'huge-mb': { type: 'string', default: '1024' },
      fresh: { type: 'boolean', default: false },
      'memlab-heap-mb': { type: 'string', default: '4096' },
      'timeout-min': { type: 'string', default: '30' },
      'cache-dir': { type: 'string', default: path.join(REPO_ROOT, '.bench-cache') },
      'ours-root': { type: 'string', default: REPO_ROOT },
      verbose: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const sizes = values.sizes.trim() === '' ? [] : values.sizes.split(',').map((s) => int('--sizes', s.trim(), 1, 8192));
  const repeat = values.repeat === undefined ? null : int('--repeat', values.repeat, 1, 20);
  const accuracyRequests = int('--accuracy-requests', values['accuracy-requests'], 30, 100_000);
  const hugeMb = int('--huge-mb', values['huge-mb'], 100, 8192);
  const memlabHeapMb = int('--memlab-heap-mb', values['memlab-heap-mb'], 512, 65_536);
  const timeoutMs = int('--timeout-min', values['timeout-min'], 1, 600) * 60_000;
  const cacheDir = path.resolve(values['cache-dir']);
  const oursRoot = path.resolve(values['ours-root']);
  if (!existsSync(path.join(oursRoot, 'analysis/diagnose-cli.ts'))) throw labError('LAB_ERR_BAD_OPTION', `--ours-root ${oursRoot} has no analysis/diagnose-cli.ts`);
  if (sizes.length === 0 && !values.accuracy && !values.huge) throw labError('LAB_ERR_BAD_OPTION', 'nothing to do: --sizes is empty and neither --accuracy nor --huge is given');

  const started = performance.now();
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const toolLog = values.verbose ? (line: string) => line.trim() && process.stderr.write(`  | ${line}\n`) : undefined;
  const signals = abortOnSignals((sig) => log(`${sig}: stopping the running tool and the app...`));
  const signal = signals.signal;
  // Timings mean little on a busy machine: say so up front rather than after twenty minutes.
  if (load() > os.cpus().length / 2) log(`load average ${load()} on ${os.cpus().length} CPUs before starting: other processes will skew the timings`);
  if (!hasGnuTime()) log('/usr/bin/time not found (apt-get install -y time): peak RSS comes from polling /proc VmHWM every 50 ms');

  const memlabEntry = sizes.length > 0 || values.accuracy ? await ensureMemlab(cacheDir, log) : '';
  const result: BenchResult = {
    machine: { cpus: os.cpus().length, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, rssBy: hasGnuTime() ? 'GNU time %M (ru_maxrss)' : '/proc VmHWM polling', loadAtStart: load(), loadAtEnd: 0 },
    oursRoot,
    memlab: { version: MEMLAB_VERSION, heapMb: memlabHeapMb, flags: 'find-leaks --trace-all-objects' },
    sizes: [],
    accuracy: null,
    huge: null,
    elapsedS: 0,
  };

  let turn = 0;
  for (const sizeMb of sizes) {
    rmSync(path.join(cacheDir, 'work', String(sizeMb)), { recursive: true, force: true });
    const synth = await ensureSyntheticSet(cacheDir, sizeMb, { fresh: values.fresh, log, signal });
    const n = repeat ?? (sizeMb <= 100 ? 3 : 2);
    const runs: { ours: ToolRun[]; memlab: ToolRun[] } = { ours: [], memlab: [] };
    const common = { identifier: synth.identifier, oursRoot, timeoutMs, signal, onStderrLine: toolLog };
    const work = path.join(cacheDir, 'work', String(sizeMb));
    // A work dir per run: each keeps the tool's report (ours.json, memlab-output.txt) for a reader.
    const one = {
      ours: (i: number) => runOurs(synth.set, { ...common, workDir: path.join(work, `ours-${i + 1}`) }),
      memlab: (i: number) => runMemlab(synth.set, { ...common, workDir: path.join(work, `memlab-${i + 1}`), entry: memlabEntry, heapMb: memlabHeapMb }),
    };
    for (let i = 0; i < n; i++) {
      // Alternate who goes first (over sizes too), so neither always gets the colder page cache.
      const order: ('ours' | 'memlab')[] = turn++ % 2 === 0 ? ['ours', 'memlab'] : ['memlab', 'ours'];
      for (const tool of order) {
        log(`${sizeMb} MB run ${i + 1}/${n}: ${tool}...`);
        const r = await one[tool](i);
        runs[tool].push(r);
        log(`${sizeMb} MB run ${i + 1}/${n}: ${tool} ${r.error ?? `${r.wallS.toFixed(1)} s, peak RSS ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MB, top: ${r.top} (${r.right ? 'right' : 'wrong'})`}`);
      }
    }
    result.sizes.push(summarizeSize(sizeMb, synth.bytes, runs));
  }

  if (values.accuracy) {
    result.accuracy = await runAccuracy({
      cacheDir,
      memlabEntry,
      memlabHeapMb,
      oursRoot,
      warmupRequests: Math.round(accuracyRequests / 3),
      requestsPerInterval: accuracyRequests,
      toolTimeoutMs: Math.min(timeoutMs, 10 * 60_000),
      log,
      signal,
    });
  }

  if (values.huge) {
    const synth = await ensureSyntheticSet(cacheDir, hugeMb, { fresh: values.fresh, log, signal });
    log(`${hugeMb} MB set (${mbList(synth.bytes)}): ours...`);
    const ours = await runOurs(synth.set, { identifier: synth.identifier, oursRoot, timeoutMs, signal, onStderrLine: toolLog, workDir: path.join(cacheDir, 'work', String(hugeMb), 'ours') });
    result.huge = { sizeMb: hugeMb, snapshotBytes: synth.bytes, ours, machineBytes: os.totalmem(), fits: !ours.error && ours.peakRssBytes < os.totalmem() };
    log(hugeLine(result.huge));
  }

  result.elapsedS = Math.round((performance.now() - started) / 1000);
  result.machine.loadAtEnd = load();
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  }
  const out: string[] = [
    `diagnose vs memlab ${MEMLAB_VERSION} (${result.memlab.flags}, node --max-old-space-size=${memlabHeapMb}) on ${result.machine.cpus} CPUs, ${result.machine.memGiB} GiB, Node ${result.machine.node}; 1-min load average ${result.machine.loadAtStart} at start, ${result.machine.loadAtEnd} at end`,
    `ours = node --import tsx ${path.relative(process.cwd(), path.join(oursRoot, 'analysis/diagnose-cli.ts')) || 'analysis/diagnose-cli.ts'} --json FILE`,
    `time = best wall time of the runs; RSS = highest peak RSS of the runs (${result.machine.rssBy}); "right" = runs that named the leak's variable first`,
  ];
  if (result.sizes.length > 0) out.push('', sizeTable(result.sizes), '', ratioLines(result.sizes));
  if (result.accuracy) out.push('', 'Accuracy: every scenario, leaky, three snapshots of the app under the traffic mix', accuracyTable(result.accuracy));
  if (result.huge) out.push('', `Huge set, our diagnose only: ${hugeLine(result.huge)}`);
  out.push('', `bench took ${result.elapsedS} s`);
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
});

function load(): number {
  return Math.round(os.loadavg()[0]! * 10) / 10;
}

function int(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw labError('LAB_ERR_BAD_OPTION', `${flag} must be an integer in ${min}..${max}, got "${text}"`);
  return n;
}
