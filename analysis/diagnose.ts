import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { isLabError, labError } from '../lab/errors.ts';
import { plainSnapshots } from './gunzip-snapshots.ts';
import { buildLeaks } from './build-leaks.ts';
import { onlyCompiledCode, selectHolders } from './candidate-selection.ts';
import { dominatorOrder } from './dominator-order.ts';
import { EdgeHelper } from './edge-helper.ts';
import { computeDominators } from './dominators.ts';
import { mapEarlier, watchList, type EarlierView } from './earlier-map.ts';
import { readAllHere, readSplit, WORKER_MIN_BYTES } from './earlier-pool.ts';
import type { EarlierSummary } from './earlier-summary.ts';
import type { FinalGraph } from './final-graph.ts';
import { findCandidates, findSlotCandidates, minBytesFor, minRetainedFor, watchedNodes } from './growth-candidates.ts';
import type { HeapSnapshot } from './heap-snapshot.ts';
import { buildIdLookup } from './id-index.ts';
import { renameMinifiedPaths } from './minified-path-names.ts';
import { handleLeaks } from './handle-leaks.ts';
import { knownStrings } from './known-strings.ts';
import { countedSignatures, countSignatures, findHandleCandidates, handleGroups, watchedHandles } from './open-handles.ts';
import { nodeSignatures } from './node-signatures.ts';
import { readSnapshot } from './read-snapshot.ts';
import { collectGarbage } from './collect-garbage.ts';
import type { DiagnosisReport, SnapshotInfo } from './report-types.ts';
import { shortestRetainers } from './retainer-paths.ts';
import { ScriptLocations } from './script-locations.ts';
import { checkPair, type SeriesPoint } from './snapshot-series.ts';
import { idSample } from './snapshot-summary.ts';
import { SourceFiles } from './source-files.ts';
import { registryGrows, registryLeak } from './registry-leak.ts';
import { symbolRegistry, type RegistryCount } from './symbol-registry.ts';

export type { DiagnosisReport, Leak, LeakKind, PathStep, HolderInfo, SourceLocation, SnapshotInfo } from './report-types.ts';
export { renderText } from './render-text.ts';
export { renderMarkdown } from './render-markdown.ts';

export interface DiagnoseOptions {
  /** Heap snapshots of one process, oldest first; the first is the baseline. */
  snapshots: string[];
  onProgress?: (msg: string) => void;
  /** How many leaks to report at most (default 10). */
  maxLeaks?: number;
  /**
   * Read the earlier snapshots on two cores at once, a worker thread taking every other one,
   * then the last one alone: two earlier graphs are alive at once, still under the last one's
   * peak (its dominator tree). Default: when there are two earlier snapshots or more, of at
   * least 256 MB in total, and a second core (at 30 MB the worker's start-up through tsx costs
   * more than it saves), and not when `parseHelper` is false (one thread asked for).
   */
  parallel?: boolean;
  /** With `parallel`, earlier snapshots smaller than this in total are read here anyway: a worker's start-up would cost more than it saves (default 48 MB). */
  parallelMinBytes?: number;
  /**
   * Without `parallel`: parse each snapshot on two cores, a helper thread taking the tail
   * (about 40%) of its number arrays (see edge-helper.ts). Default: when the snapshots average at
   * least 64 MB (below, the thread's start-up costs more than it saves) and there is a second
   * core. Peak memory barely moves: the two halves fill one set of arrays.
   */
  parseHelper?: boolean;
}

const HELPER_MIN_MEAN_BYTES = 64 * 1024 * 1024;
const AUTO_PARALLEL_BYTES = 256 * 1024 * 1024;

/**
 * Diffs a series of heap snapshots and ranks holders by growth, not size. Only the last
 * snapshot is analysed in full (dominator tree, retainer paths); each earlier one is reduced,
 * on its own, to a compact BFS summary (in a worker thread for big series, in parallel with the
 * last snapshot's analysis when `parallel` is set) and then laid over the last snapshot's
 * dominator tree by object id.
 */
export async function diagnose(opts: DiagnoseOptions): Promise<DiagnosisReport> {
  const started = performance.now();
  const files = opts.snapshots;
  const maxLeaks = opts.maxLeaks ?? 10;
  if (!Number.isInteger(maxLeaks) || maxLeaks < 1) throw labError('LAB_ERR_BAD_OPTION', `maxLeaks must be a positive integer, not ${maxLeaks}`);
  if (!Array.isArray(files)) throw labError('LAB_ERR_SNAPSHOT_SET', 'diagnose needs at least 2 heap snapshots of one process, got none');
  // A mistyped path says so, rather than that one snapshot is too few.
  await assertReadable(files);
  const twice = files.find((f, i) => files.findIndex((g) => resolve(g) === resolve(f)) !== i);
  if (twice) throw labError('LAB_ERR_SNAPSHOT_SET', `${twice} is given twice; give snapshots taken at different times`);
  if (files.length < 2) throw labError('LAB_ERR_SNAPSHOT_SET', `diagnose needs at least 2 heap snapshots of one process, got ${files.length}`);
  const plain = await plainSnapshots(files, opts.onProgress);
  try {
    const say = opts.onProgress;
    const report = await diagnosePlain({ ...opts, onProgress: say && ((msg) => say(plain.rename(msg))) }, plain.files, started, maxLeaks);
    return { ...report, snapshots: report.snapshots.map((s) => ({ ...s, file: plain.rename(s.file) })) };
  } catch (err) {
    // Errors name the user's .gz file, not its inflated copy.
    if (isLabError(err)) throw labError(err.code, plain.rename(err.message), err);
    throw err;
  } finally {
    plain.release();
  }
}

async function diagnosePlain(opts: DiagnoseOptions, files: string[], started: number, maxLeaks: number): Promise<DiagnosisReport> {
  const sizes = await assertReadable(files);
  const say = opts.onProgress ?? (() => {});
  const reading = (file: string, f: number) => say(`reading ${file}: ${Math.round(f * 100)}%`);
  const earlierFiles = files.slice(0, -1);
  const earlierBytes = sizes.slice(0, -1).reduce((a, b) => a + b, 0);
  // One earlier file would leave this thread idle while the worker reads it.
  const parallel = opts.parallel ?? (opts.parseHelper !== false && earlierFiles.length >= 2 && earlierBytes >= AUTO_PARALLEL_BYTES && availableParallelism() > 1);
  const inWorker = parallel && earlierBytes >= (opts.parallelMinBytes ?? WORKER_MIN_BYTES);
  const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
  // For the last snapshot only when the earlier ones are split (readSplit).
  const useHelper = opts.parseHelper ?? (mean >= HELPER_MIN_MEAN_BYTES && availableParallelism() > 1);
  // Started first: it loads while this thread reads the first file's header and nodes.
  const helper = useHelper ? new EdgeHelper() : null;
  try {
    // Both settle only when every earlier file is read: no worker outlives them.
    const earlier = inWorker ? await readSplit(earlierFiles, reading) : await readAllHere(earlierFiles, reading, helper);
    return await analyse(files, earlier, started, maxLeaks, say, reading, helper);
  } finally {
    helper?.close();
  }
}

async function analyse(
  files: string[],
  summaries: EarlierSummary[],
  started: number,
  maxLeaks: number,
  say: (msg: string) => void,
  reading: (file: string, f: number) => void,
  edges: EdgeHelper | null,
): Promise<DiagnosisReport> {
  const last = files[files.length - 1];
  const s: HeapSnapshot = await readSnapshot(last, { onProgress: (f) => reading(last, f), edges });
  edges?.close();
  say(`analysing ${last} (${s.nodeCount} nodes)`);
  const k = knownStrings(s);
  const dom = computeDominators(s, k);
  collectGarbage();
  const order = dominatorOrder(dom);
  let totalBytes = 0;
  let maxId = 0;
  for (let v = 0; v < s.nodeCount; v++) {
    totalBytes += s.selfSize[v];
    const id = s.nodeId[v];
    if ((id & 1) === 1 && id > maxId) maxId = id;
  }
  const finalSig = nodeSignatures(s);
  const handles = handleGroups(s, k, finalSig);
  const handleSigs = countedSignatures(handles);
  const watch = watchList(s.nodeCount, [...watchedNodes(s, dom, k, totalBytes), ...watchedHandles(handles)]);
  const finalIds = buildIdLookup(s.nodeId);
  const finalPoint = { file: last, maxId, sample: idSample(s, finalSig) };
  // Each earlier summary is laid over the last snapshot's dominator tree, in file order.
  const earlier: EarlierView[] = [];
  const handleClassCounts: number[][] = [];
  const registryCounts: (RegistryCount | null)[] = [];
  const infos: SnapshotInfo[] = [];
  let prev: SeriesPoint | null = null;
  for (const summary of summaries) {
    if (prev) checkPair(prev, summary);
    prev = { file: summary.file, maxId: summary.maxId, sample: summary.sample };
    infos.push({ file: summary.file, nodeCount: summary.nodeCount, edgeCount: summary.edgeCount, totalBytes: summary.totalBytes });
    earlier.push(mapEarlier(summary, finalIds, finalSig, dom, order, watch, earlier.length === 0));
    handleClassCounts.push(countSignatures(summary.sig, handleSigs));
    registryCounts.push(summary.registry);
  }
  checkPair(prev as SeriesPoint, finalPoint);
  const snapshots = [...infos, { file: last, nodeCount: s.nodeCount, edgeCount: s.edgeCount, totalBytes }];
  const minBytes = minBytesFor(totalBytes);
  const cands = [...findCandidates(s, dom, k, earlier, watch, totalBytes), ...findSlotCandidates(s, dom, k, earlier, watch, totalBytes)];
  const minRetained = minRetainedFor(totalBytes);
  const kept = selectHolders(s, dom.idom, cands, order, minRetained).filter((c) => !onlyCompiledCode(s, order, c, earlier[0].maxId, minRetained));
  handleClassCounts.push(countSignatures(finalSig, handleSigs));
  const openHandles = findHandleCandidates(handles, earlier, handleClassCounts, watch, dom);
  const registry = symbolRegistry(s, k);
  registryCounts.push(registry);
  const registryGrew = registry !== null && registryGrows(registryCounts, minBytes);
  say(`${kept.length + openHandles.length + (registryGrew ? 1 : 0)} growing holder(s) found; tracing retainer paths`);
  if (kept.length === 0 && openHandles.length === 0 && !registryGrew) return { snapshots, leaks: [], verdict: 'no-leak', elapsedMs: Math.round(performance.now() - started) };
  const g: FinalGraph = {
    s,
    k,
    dom,
    order,
    paths: shortestRetainers(s, 0, kept.map((c) => c.node)),
    scripts: new ScriptLocations(s, k, dom.retainers),
    sources: new SourceFiles(),
    baselineMaxId: earlier[0].maxId,
  };
  const heapGrowth = totalBytes - earlier[0].totalBytes;
  const others = handleLeaks(g, openHandles, handles, new Set(kept.map((c) => c.node)));
  if (registryGrew) others.push(registryLeak(g, registryCounts as RegistryCount[], registry));
  const leaks = buildLeaks(g, kept, { minBytes, heapGrowth }, others).slice(0, maxLeaks);
  renameMinifiedPaths(g, leaks);
  return { snapshots, leaks, verdict: leaks.length > 0 ? 'leak' : 'no-leak', elapsedMs: Math.round(performance.now() - started) };
}

/** Fails fast on a missing file before minutes of parsing the others; returns the sizes. */
async function assertReadable(files: string[]): Promise<number[]> {
  const sizes: number[] = [];
  for (const f of files) {
    if (typeof f !== 'string' || f === '') throw labError('LAB_ERR_SNAPSHOT_FILE', 'a heap snapshot path is empty');
    try {
      const st = await stat(f);
      if (!st.isFile()) throw labError('LAB_ERR_SNAPSHOT_FILE', `heap snapshot ${f} is not a file`);
      sizes.push(st.size);
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') throw labError('LAB_ERR_SNAPSHOT_FILE', `heap snapshot ${f} does not exist`, err);
      if (err instanceof Error && err.name === 'LabError') throw err;
      throw labError('LAB_ERR_SNAPSHOT_FILE', `heap snapshot ${f} cannot be read`, err);
    }
  }
  return sizes;
}
