import type { AccuracyRow } from './accuracy.ts';
import type { ToolRun } from './run-tools.ts';

/** The targets the engine is held to against memlab, per snapshot size. */
export const TARGETS = { speedup: 5, rssRatio: 0.5 } as const;

export interface Best {
  /** Fastest wall time of the runs that succeeded (null when none did). */
  wallS: number | null;
  /** Highest peak RSS over those runs: the memory a user must have. */
  peakRssBytes: number | null;
}

export interface SizeResult {
  sizeMb: number;
  /** File sizes: baseline, target, final. */
  snapshotBytes: number[];
  runs: { ours: ToolRun[]; memlab: ToolRun[] };
  best: { ours: Best; memlab: Best };
  /** memlab's best time / ours. */
  speedup: number | null;
  /** Our peak RSS / memlab's. */
  rssRatio: number | null;
  speedTarget: 'met' | 'missed' | 'n/a';
  rssTarget: 'met' | 'missed' | 'n/a';
  /** Runs of the tool that named the leak's variable first, of all runs. */
  oursRight: string;
  memlabRight: string;
}

export interface HugeResult {
  sizeMb: number;
  snapshotBytes: number[];
  ours: ToolRun;
  machineBytes: number;
  fits: boolean;
}

export function bestOf(runs: ToolRun[]): Best {
  const ok = runs.filter((r) => !r.error);
  if (ok.length === 0) return { wallS: null, peakRssBytes: null };
  return { wallS: Math.min(...ok.map((r) => r.wallS)), peakRssBytes: Math.max(...ok.map((r) => r.peakRssBytes)) };
}

export function summarizeSize(sizeMb: number, snapshotBytes: number[], runs: { ours: ToolRun[]; memlab: ToolRun[] }): SizeResult {
  const ours = bestOf(runs.ours);
  const memlab = bestOf(runs.memlab);
  const speedup = ours.wallS && memlab.wallS ? memlab.wallS / ours.wallS : null;
  const rssRatio = ours.peakRssBytes && memlab.peakRssBytes ? ours.peakRssBytes / memlab.peakRssBytes : null;
  return {
    sizeMb,
    snapshotBytes,
    runs,
    best: { ours, memlab },
    speedup,
    rssRatio,
    speedTarget: speedup === null ? 'n/a' : speedup >= TARGETS.speedup ? 'met' : 'missed',
    rssTarget: rssRatio === null ? 'n/a' : rssRatio <= TARGETS.rssRatio ? 'met' : 'missed',
    oursRight: `${runs.ours.filter((r) => r.right).length}/${runs.ours.length}`,
    memlabRight: `${runs.memlab.filter((r) => r.right).length}/${runs.memlab.length}`,
  };
}

const MIB = 2 ** 20;
const mb = (b: number | null) => (b === null ? 'failed' : `${(b / MIB).toFixed(0)} MB`);
const secs = (s: number | null) => (s === null ? 'failed' : `${s.toFixed(1)} s`);
const yesNo = (b: boolean) => (b ? 'yes' : 'NO');

export function sizeTable(results: SizeResult[]): string {
  const header = ['size', 'snapshots B/T/F', 'runs', 'ours time', 'ours RSS', 'memlab time', 'memlab RSS', 'memlab/ours time', `target >=${TARGETS.speedup}x`, 'ours/memlab RSS', `target <=${TARGETS.rssRatio}x`, 'ours right (top)', 'memlab right (top)'];
  const rows = results.map((r) => [
    `${r.sizeMb} MB`,
    r.snapshotBytes.map((b) => (b / MIB).toFixed(0)).join('/') + ' MB',
    String(Math.max(r.runs.ours.length, r.runs.memlab.length)),
    secs(r.best.ours.wallS),
    mb(r.best.ours.peakRssBytes),
    secs(r.best.memlab.wallS),
    mb(r.best.memlab.peakRssBytes),
    r.speedup === null ? 'n/a' : `${r.speedup.toFixed(2)}x`,
    r.speedTarget,
    r.rssRatio === null ? 'n/a' : `${r.rssRatio.toFixed(2)}x`,
    r.rssTarget,
    `${r.oursRight} ${tops(r.runs.ours)}`,
    `${r.memlabRight} ${tops(r.runs.memlab)}`,
  ]);
  const errors = results.flatMap((r) => [...r.runs.ours, ...r.runs.memlab].filter((x) => x.error).map((x) => `  ${r.sizeMb} MB ${x.tool}: ${x.error}`));
  return [table(header, rows), ...(errors.length ? ['failures:', ...errors] : [])].join('\n');
}

/** What the runs put first, when it was not always the same: `(inflightByRequestId; pageCache)`. */
function tops(runs: ToolRun[]): string {
  const seen = [...new Set(runs.map((r) => r.error ?? r.top))];
  return `(${seen.join('; ')})`;
}

export function ratioLines(results: SizeResult[]): string {
  return results
    .map(
      (r) =>
        `${r.sizeMb} MB: memlab/ours time ${r.speedup === null ? 'n/a' : `${r.speedup.toFixed(2)}x`} (target >= ${TARGETS.speedup}x: ${r.speedTarget}); ` +
        `ours/memlab peak RSS ${r.rssRatio === null ? 'n/a' : `${r.rssRatio.toFixed(2)}x`} (target <= ${TARGETS.rssRatio}x: ${r.rssTarget})`,
    )
    .join('\n');
}

export function accuracyTable(rows: AccuracyRow[]): string {
  const header = ['scenario', 'leak (identifier)', 'snapshot', 'ours top suspect (holder)', 'ours right', 'ours top mentions it', 'ours time', 'memlab top trace leads to', 'memlab right', 'memlab anywhere', 'memlab time'];
  const body = rows.map((r) => [
    r.scenario,
    r.identifier,
    `${(Math.max(...r.snapshotBytes) / MIB).toFixed(0)} MB`,
    r.ours.error ?? r.ours.top,
    yesNo(r.ours.right),
    yesNo(r.ours.topMentions),
    secs(r.ours.error ? null : r.ours.wallS),
    r.memlab.error ?? r.memlab.top,
    yesNo(r.memlab.right),
    yesNo(r.memlab.mentioned),
    secs(r.memlab.error ? null : r.memlab.wallS),
  ]);
  const count = (f: (r: AccuracyRow) => boolean) => `${rows.filter(f).length}/${rows.length}`;
  return [
    table(header, body),
    `right: ours ${count((r) => r.ours.right)} (top suspect's holder is the identifier), memlab ${count((r) => r.memlab.right)} (its first, biggest leak trace names the identifier)`,
    `same yardstick as memlab's (top finding names it anywhere: holder, owner or retainer path): ours ${count((r) => r.ours.topMentions)}`,
  ].join('\n');
}

export function hugeLine(h: HugeResult): string {
  const o = h.ours;
  if (o.error) return `${h.sizeMb} MB set (${mbList(h.snapshotBytes)}): ours failed: ${o.error}`;
  return (
    `${h.sizeMb} MB set (${mbList(h.snapshotBytes)}): ours ${o.wallS.toFixed(1)} s, peak RSS ${(o.peakRssBytes / 2 ** 30).toFixed(2)} GiB ` +
    `of ${(h.machineBytes / 2 ** 30).toFixed(0)} GiB (${h.fits ? 'fits' : 'DOES NOT FIT'}), top suspect ${o.top} (${o.right ? 'right' : 'wrong'})`
  );
}

function mbList(bytes: number[]): string {
  return `${bytes.map((b) => (b / MIB).toFixed(0)).join('/')} MB`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
