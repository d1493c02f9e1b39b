import type { HeapSnapshot } from './heap-snapshot.ts';
import type { DominatorTree } from './dominators.ts';
import { findId } from './id-index.ts';
import { entriesOf, isHolderCandidate } from './holder-metrics.ts';
import type { KnownStrings } from './known-strings.ts';
import { forEachSlot, slotKey, type SnapshotSummary } from './snapshot-summary.ts';

/** A holder whose entry count or retained size rose in every interval, by enough to matter. */
export interface Candidate {
  node: number;
  id: number;
  byEntries: boolean;
  byRetained: boolean;
  entries: number[];
  retained: number[];
  count: number[];
  /** Set when the growth is tracked through a variable/property whose value gets replaced. */
  slot?: { holder: number; edge: number };
}

/**
 * Noise bounds. Entry counts of a bounded structure are exact and flat, so a modest rise in
 * every interval is evidence; retained sizes wobble as churned values differ in size, so a
 * retained-only rise must also be large against the heap and against the holder itself.
 */
export const MIN_ENTRY_GROWTH = 24;
const MIN_OBJECT_GROWTH = 24;
const MIN_BYTES = 32 * 1024;
const HEAP_SHARE = 0.002;
const SELF_SHARE = 0.1;

export function minBytesFor(heapBytes: number): number {
  return Math.max(MIN_BYTES, heapBytes * HEAP_SHARE);
}

export function findCandidates(
  s: HeapSnapshot,
  dom: DominatorTree,
  k: KnownStrings,
  earlier: SnapshotSummary[],
  finalBytes: number,
): Candidate[] {
  const minBytes = minBytesFor(finalBytes);
  const steps = earlier.length;
  const out: Candidate[] = [];
  for (let v = 0; v < s.nodeCount; v++) {
    const retainedNow = dom.retainedSize[v];
    if (dom.retainedCount[v] < 2 && s.firstEdge[v + 1] - s.firstEdge[v] < MIN_ENTRY_GROWTH) continue;
    if (!isHolderCandidate(s, k, v)) continue;
    const entriesNow = entriesOf(s, k, v);
    if (entriesNow < MIN_ENTRY_GROWTH && retainedNow < minBytes) continue;
    const id = s.nodeId[v];
    // Must already exist by the second snapshot so that growth is seen on one object.
    if (id > earlier[Math.min(1, steps - 1)].maxId) continue;
    const c = series(earlier, id, entriesNow, retainedNow, dom.retainedCount[v]);
    const byEntries = rising(c.entries) && c.entries[steps] - c.entries[0] >= MIN_ENTRY_GROWTH;
    const byRetained = retainedRise(c, minBytes);
    if (!byEntries && !byRetained) continue;
    out.push({ node: v, id, byEntries, byRetained, ...c });
  }
  return out;
}

/**
 * A chain whose newest link is stored in a variable (`last = () => prev`, `log += line`)
 * replaces the variable's value on every request, so no object keeps one id while growing;
 * the slot (holder id + variable name) does. Only slots whose value is newer than the
 * baseline are considered: stable values are already tracked as holders themselves.
 */
export function findSlotCandidates(
  s: HeapSnapshot,
  dom: DominatorTree,
  k: KnownStrings,
  earlier: SnapshotSummary[],
  finalBytes: number,
): Candidate[] {
  const minBytes = minBytesFor(finalBytes);
  const stableBy = earlier[Math.min(1, earlier.length - 1)].maxId;
  const out: Candidate[] = [];
  forEachSlot(s, dom, k, (v, e, t) => {
    if (s.nodeId[v] > stableBy || s.nodeId[t] <= earlier[0].maxId) return;
    const key = slotKey(s.nodeId[v], s.strings.get(s.edgeName[e]));
    const retained: number[] = [];
    const count: number[] = [];
    for (const sum of earlier) {
      const row = sum.slots.get(key);
      retained.push(row?.retained ?? 0);
      count.push(row?.count ?? 0);
    }
    retained.push(dom.retainedSize[t]);
    count.push(dom.retainedCount[t]);
    if (!retainedRise({ retained, count }, minBytes)) return;
    const entries = retained.map(() => 0);
    out.push({ node: t, id: s.nodeId[t], byEntries: false, byRetained: true, entries, retained, count, slot: { holder: v, edge: e } });
  });
  return out;
}

function series(earlier: SnapshotSummary[], id: number, entriesNow: number, retainedNow: number, countNow: number) {
  const entries: number[] = [];
  const retained: number[] = [];
  const count: number[] = [];
  for (const sum of earlier) {
    const row = findId(sum.holders.index, id);
    entries.push(row < 0 ? 0 : sum.holders.entries[row]);
    retained.push(row < 0 ? 0 : sum.holders.retained[row]);
    count.push(row < 0 ? 0 : sum.holders.count[row]);
  }
  entries.push(entriesNow);
  retained.push(retainedNow);
  count.push(countNow);
  return { entries, retained, count };
}

function rising(xs: number[]): boolean {
  for (let i = 1; i < xs.length; i++) if (!(xs[i] > xs[i - 1])) return false;
  return true;
}

export function retainedRise(c: { retained: number[]; count: number[] }, minBytes: number): boolean {
  const r = c.retained;
  const last = r.length - 1;
  if (!rising(r)) return false;
  const total = r[last] - r[0];
  if (total < minBytes || total < SELF_SHARE * r[0]) return false;
  // Each interval must carry a fair share, so one burst followed by noise does not pass.
  const fair = total / last / 4;
  for (let i = 1; i <= last; i++) if (r[i] - r[i - 1] < fair) return false;
  // Growth in bytes without new objects (one buffer or string growing) needs a bigger margin.
  return c.count[last] - c.count[0] >= MIN_OBJECT_GROWTH || total >= 4 * minBytes;
}
