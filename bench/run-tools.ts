import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isLabError, labError } from '../lab/errors.ts';
import { REPO_ROOT } from '../lab/repo-root.ts';
import { measureProcess, type Measured, type MeasureOptions } from './measure-process.ts';

/** Three snapshots of one process, memlab's way. */
export interface SnapshotSet {
  baseline: string;
  target: string;
  final: string;
}

export interface ToolRun {
  tool: 'ours' | 'memlab';
  wallS: number;
  peakRssBytes: number;
  rssBy: string;
  /**
   * Did the tool's top finding name the leak's variable? Ours: the top suspect's holder is it
   * (the lab's own rule, lab/diagnosis-step.ts). memlab: its first trace names it.
   */
  right: boolean;
  /** The top finding names the variable anywhere: ours holder, owner or retainer path; memlab's first trace. */
  topMentions: boolean;
  /** What the tool put first: our top suspect's holder, or what memlab's first trace leads to. */
  top: string;
  /** Anywhere in the tool's findings (any suspect, any memlab trace). */
  mentioned: boolean;
  /** Set when the tool failed (exit status, crash, out of memory): then `right` is false. */
  error?: string;
}

export interface RunOptions {
  identifier: string;
  /** The checkout whose analysis/diagnose-cli.ts is "ours" (default: this repository). */
  oursRoot?: string;
  /** A scratch folder for this run's outputs (memlab's work dir, our JSON). */
  workDir: string;
  timeoutMs: number;
  signal?: AbortSignal;
  onStderrLine?: (line: string) => void;
}

interface OurLeak {
  name: string;
  holder?: { name: string };
  owner?: string;
  retainerPath?: { edge: string }[];
}

interface OurReport {
  verdict: string;
  leaks: OurLeak[];
}

function leakMentions(l: OurLeak, identifier: string): boolean {
  return l.holder?.name === identifier || l.name === identifier || l.owner === identifier || (l.retainerPath ?? []).some((p) => p.edge === identifier);
}

/** Our engine through its CLI, as a user runs it: `node --import tsx analysis/diagnose-cli.ts`. */
export async function runOurs(set: SnapshotSet, opts: RunOptions): Promise<ToolRun> {
  mkdirSync(opts.workDir, { recursive: true });
  const out = path.join(opts.workDir, 'ours.json');
  rmSync(out, { force: true });
  const root = opts.oursRoot ?? REPO_ROOT;
  const args = ['--import', 'tsx', path.join(root, 'analysis/diagnose-cli.ts'), '--baseline', set.baseline, '--target', set.target, '--final', set.final, '--json', out];
  const m = await measureOrTimeout(args, { cwd: root, timeoutMs: opts.timeoutMs, signal: opts.signal, onStderrLine: opts.onStderrLine });
  if ('timedOut' in m) return { tool: 'ours', ...m.timedOut };
  const base = { tool: 'ours' as const, wallS: m.wallS, peakRssBytes: m.peakRssBytes, rssBy: m.rssBy };
  if (m.exitCode !== 0) return { ...base, right: false, topMentions: false, top: '', mentioned: false, error: failure('diagnose', m.exitCode, m.signal, m.stderr) };
  let report: OurReport;
  try {
    report = JSON.parse(readFileSync(out, 'utf8')) as OurReport;
  } catch (err) {
    throw labError('LAB_ERR_RUN_FILES', `diagnose exited 0 but ${out} is not its JSON report`, err);
  }
  const first = report.leaks[0];
  const top = first?.holder?.name ?? first?.name ?? '';
  return {
    ...base,
    right: top === opts.identifier,
    topMentions: first !== undefined && leakMentions(first, opts.identifier),
    top: top ? `${top}${first?.owner ? ` (of ${first.owner})` : ''}` : `(${report.verdict})`,
    mentioned: report.leaks.some((l) => leakMentions(l, opts.identifier)),
  };
}

export interface MemlabOptions extends RunOptions {
  /** memlab's CLI entry (@memlab/cli/bin/memlab.js). */
  entry: string;
  /** --max-old-space-size for memlab's node (its shebang says 4096). */
  heapMb: number;
}

/** `memlab find-leaks --trace-all-objects` on the same files, in a work dir of its own. */
export async function runMemlab(set: SnapshotSet, opts: MemlabOptions): Promise<ToolRun> {
  // memlab keeps traces and logs in its work dir; a fresh one per run keeps runs independent.
  rmSync(opts.workDir, { recursive: true, force: true });
  mkdirSync(opts.workDir, { recursive: true });
  const args = [
    '--expose-gc',
    `--max-old-space-size=${opts.heapMb}`,
    opts.entry,
    'find-leaks',
    '--baseline',
    set.baseline,
    '--target',
    set.target,
    '--final',
    set.final,
    '--trace-all-objects',
    '--work-dir',
    opts.workDir,
  ];
  const m = await measureOrTimeout(args, { cwd: opts.workDir, timeoutMs: opts.timeoutMs, signal: opts.signal, onStderrLine: opts.onStderrLine });
  if ('timedOut' in m) return { tool: 'memlab', ...m.timedOut };
  const base = { tool: 'memlab' as const, wallS: m.wallS, peakRssBytes: m.peakRssBytes, rssBy: m.rssBy };
  if (m.exitCode !== 0) return { ...base, right: false, topMentions: false, top: '', mentioned: false, error: failure('memlab', m.exitCode, m.signal, m.stderr) };
  const output = `${m.stdout}\n${m.stderr}`.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  // Kept for a reader who wants memlab's own words (progress lines dropped).
  writeFileSync(path.join(opts.workDir, 'memlab-output.txt'), output.split(/\r?\n|\r/).filter((l) => !/^(progress|clustering trace): /.test(l)).join('\n'));
  const traces = memlabTraces(output);
  const first = traces[0] ?? '';
  return {
    ...base,
    right: mentions(first, opts.identifier),
    topMentions: mentions(first, opts.identifier),
    top: traces.length === 0 ? '(no leak trace)' : traceLabel(first),
    mentioned: traces.some((t) => mentions(t, opts.identifier)),
  };
}

/** A run over its time bound is a result (the tool failed), not an error of the bench. */
async function measureOrTimeout(args: string[], opts: MeasureOptions): Promise<Measured | { timedOut: Omit<ToolRun, 'tool'> }> {
  try {
    return await measureProcess(process.execPath, args, opts);
  } catch (err) {
    if (!isLabError(err, 'LAB_ERR_TIMEOUT')) throw err;
    const s = opts.timeoutMs / 1000;
    return { timedOut: { wallS: s, peakRssBytes: 0, rssBy: 'n/a', right: false, topMentions: false, top: '', mentioned: false, error: `timed out after ${s} s` } };
  }
}

/**
 * memlab prints one block per leak cluster, biggest retained size first:
 *   --Similar leaks in this run: N--
 *   --Retained size of leaked objects: X--
 *   [root] ...
 *     --edge (type)--->  [Node] (type) @id [size]
 */
export function memlabTraces(output: string): string[] {
  const clean = output.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  return clean
    .split(/^--Similar leaks in this run: \d+--$/m)
    .slice(1)
    .map((block) => block.split(/\n\s*\n/)[0] ?? '');
}

/** The edges along a memlab trace, root first: name, memlab's edge type, and the retained size of the node it leads to. */
export function traceEdges(trace: string): { name: string; type: string; bytes: number }[] {
  return [...trace.matchAll(/--(.+?) \((\w+)\)--->.*\[([\d.]+) ?(bytes|KB|MB|GB)\]\s*$/gm)].map((m) => ({
    name: m[1]!,
    type: m[2]!,
    bytes: Number(m[3]) * { bytes: 1, KB: 1024, MB: 2 ** 20, GB: 2 ** 30 }[m[4] as 'bytes' | 'KB' | 'MB' | 'GB'],
  }));
}

export function edgeNames(trace: string): string[] {
  return traceEdges(trace).map((e) => e.name);
}

/**
 * What a trace is about, as a reader would say it: the deepest variable on it that retains at
 * least the cluster's leaked bytes (else the deepest such property, else the named edge that
 * retains the most), then the named properties after it that still do: `priceBus._events.price`,
 * `latencyByEndpoint`. Only a label: whether memlab was right is whether the trace names the leak.
 */
export function traceLabel(trace: string): string {
  const edges = traceEdges(trace);
  const named = (e: { type: string }) => e.type === 'variable' || e.type === 'property';
  const leaked = /Retained size of leaked objects: ([\d.]+) ?(bytes|KB|MB|GB)/.exec(trace);
  const floor = leaked ? Number(leaked[1]) * { bytes: 1, KB: 1024, MB: 2 ** 20, GB: 2 ** 30 }[leaked[2] as 'bytes' | 'KB' | 'MB' | 'GB'] : 0;
  const holds = (e: { bytes: number }) => e.bytes >= floor;
  const deepest = (ok: (e: { type: string; bytes: number }) => boolean) => edges.map(ok).lastIndexOf(true);
  let at = deepest((e) => e.type === 'variable' && holds(e));
  if (at < 0) at = deepest((e) => named(e) && holds(e));
  if (at < 0) {
    // Nothing on the trace dominates the cluster (timer lists, listeners): the biggest named edge.
    const most = Math.max(...edges.filter(named).map((e) => e.bytes));
    at = deepest((e) => named(e) && e.bytes === most);
  }
  if (at < 0) return edges.slice(-2).map((e) => `${e.name} (${e.type})`).join(' > ') || '(empty trace)';
  const parts = [edges[at]!.name];
  for (const e of edges.slice(at + 1)) {
    if (!holds(e)) break;
    if (named(e)) parts.push(e.name);
  }
  return parts.join('.');
}

/** Does the trace name the identifier as an edge (variable, property, ...) or a node? */
function mentions(trace: string, identifier: string): boolean {
  return edgeNames(trace).includes(identifier) || trace.includes(`[${identifier}]`);
}

function failure(tool: string, code: number | null, signal: NodeJS.Signals | null, stderr: string): string {
  const oom = /heap out of memory|invalid size error|Allocation failed/i.test(stderr);
  const why = oom ? 'ran out of memory' : signal ? `killed by ${signal}` : `exit ${code}`;
  const lastLine = stderr.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').split(/\r?\n|\r/).filter((l) => l.trim() && !/^\s*\d+: 0x/.test(l)).pop() ?? '';
  return `${tool} ${why}${lastLine && !oom ? `: ${lastLine.trim().slice(0, 160)}` : ''}`;
}
