import { stat } from 'node:fs/promises';
import { labError } from '../lab/errors.ts';
import { buildLeaks } from './build-leaks.ts';
import { selectHolders } from './candidate-selection.ts';
import { dominatorOrder } from './dominator-order.ts';
import { computeDominators } from './dominators.ts';
import type { FinalGraph } from './final-graph.ts';
import { findCandidates, findSlotCandidates, minBytesFor } from './growth-candidates.ts';
import { knownStrings } from './known-strings.ts';
import { readSnapshot } from './read-snapshot.ts';
import type { DiagnosisReport } from './report-types.ts';
import { shortestRetainers } from './retainer-paths.ts';
import { ScriptLocations } from './script-locations.ts';
import { checkPair } from './snapshot-series.ts';
import { summarize, type SnapshotSummary } from './snapshot-summary.ts';
import { SourceFiles } from './source-files.ts';

export type { DiagnosisReport, Leak, LeakKind, PathStep, HolderInfo, SourceLocation, SnapshotInfo } from './report-types.ts';
export { renderText } from './render-text.ts';
export { renderMarkdown } from './render-markdown.ts';

export interface DiagnoseOptions {
  /** Heap snapshots of one process, oldest first; the first is the baseline. */
  snapshots: string[];
  onProgress?: (msg: string) => void;
  /** How many leaks to report at most (default 10). */
  maxLeaks?: number;
}

/**
 * Diffs a series of heap snapshots and ranks holders by growth, not size. Snapshots are read
 * one at a time: all but the last are reduced to a per-holder summary and dropped, so peak
 * memory is about one snapshot's graph plus small summaries.
 */
export async function diagnose(opts: DiagnoseOptions): Promise<DiagnosisReport> {
  const started = performance.now();
  const files = opts.snapshots;
  const maxLeaks = opts.maxLeaks ?? 10;
  if (!Number.isInteger(maxLeaks) || maxLeaks < 1) throw labError('LAB_ERR_BAD_OPTION', `maxLeaks must be a positive integer, not ${maxLeaks}`);
  if (!Array.isArray(files) || files.length < 2) {
    throw labError('LAB_ERR_SNAPSHOT_SET', `diagnose needs at least 2 heap snapshots of one process, got ${files?.length ?? 0}`);
  }
  await assertReadable(files);
  const say = opts.onProgress ?? (() => {});
  const earlier: SnapshotSummary[] = [];
  for (let i = 0; i < files.length - 1; i++) {
    const sum = await summarizeFile(files[i], say);
    if (i > 0) checkPair(earlier[i - 1], sum);
    earlier.push(sum);
  }
  const last = files[files.length - 1];
  const s = await readSnapshot(last, { onProgress: (f) => say(`reading ${last}: ${Math.round(f * 100)}%`) });
  say(`analysing ${last} (${s.nodeCount} nodes)`);
  const k = knownStrings(s);
  const dom = computeDominators(s);
  const finalSum = summarize(s, dom, k, false);
  checkPair(earlier[earlier.length - 1], finalSum);
  const snapshots = [...earlier, finalSum].map((x) => ({ file: x.file, nodeCount: x.nodeCount, edgeCount: x.edgeCount, totalBytes: x.totalBytes }));
  const minBytes = minBytesFor(finalSum.totalBytes);
  const order = dominatorOrder(dom);
  const cands = [...findCandidates(s, dom, k, earlier, finalSum.totalBytes), ...findSlotCandidates(s, dom, k, earlier, finalSum.totalBytes)];
  const kept = selectHolders(s, cands, order, minBytes);
  say(`${kept.length} growing holder(s) found; tracing retainer paths`);
  if (kept.length === 0) return { snapshots, leaks: [], verdict: 'no-leak', elapsedMs: Math.round(performance.now() - started) };
  const g: FinalGraph = {
    s,
    k,
    dom,
    order,
    paths: shortestRetainers(s),
    scripts: new ScriptLocations(s, k, dom.retainers),
    sources: new SourceFiles(),
    baselineMaxId: earlier[0].maxId,
  };
  const heapGrowth = finalSum.totalBytes - earlier[0].totalBytes;
  const leaks = buildLeaks(g, kept, { minBytes, heapGrowth }).slice(0, maxLeaks);
  return { snapshots, leaks, verdict: leaks.length > 0 ? 'leak' : 'no-leak', elapsedMs: Math.round(performance.now() - started) };
}

/**
 * Reads one earlier snapshot down to its summary. A function of its own so that the graph
 * dies with its frame: a local of the long-running async `diagnose` stays reachable from the
 * suspended frame across later awaits and kept every earlier graph alive (~350 MB each).
 */
async function summarizeFile(file: string, say: (msg: string) => void): Promise<SnapshotSummary> {
  const s = await readSnapshot(file, { onProgress: (f) => say(`reading ${file}: ${Math.round(f * 100)}%`) });
  say(`analysing ${file} (${s.nodeCount} nodes)`);
  return summarize(s, computeDominators(s), knownStrings(s));
}

/** Fails fast on a missing file before minutes of parsing the others. */
async function assertReadable(files: string[]): Promise<void> {
  for (const f of files) {
    if (typeof f !== 'string' || f === '') throw labError('LAB_ERR_SNAPSHOT_FILE', 'a heap snapshot path is empty');
    try {
      const st = await stat(f);
      if (!st.isFile()) throw labError('LAB_ERR_SNAPSHOT_FILE', `heap snapshot ${f} is not a file`);
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') throw labError('LAB_ERR_SNAPSHOT_FILE', `heap snapshot ${f} does not exist`, err);
      if (err instanceof Error && err.name === 'LabError') throw err;
      throw labError('LAB_ERR_SNAPSHOT_FILE', `heap snapshot ${f} cannot be read`, err);
    }
  }
}
