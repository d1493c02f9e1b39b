import type { HeapSnapshot } from './heap-snapshot.ts';
import type { DominatorTree } from './dominators.ts';
import type { EarlierView, WatchList } from './earlier-map.ts';
import { entriesOf, isDictionary, isHolderCandidate, isNodeQueue } from './holder-metrics.ts';
import type { KnownStrings } from './known-strings.ts';
import { forEachSlot } from './snapshot-summary.ts';

/** A holder whose entry count or retained size rose in every interval, by enough to matter. */
export interface Candidate {
  node: number;
  id: number;
  byEntries: boolean;
  byRetained: boolean;
  entries: number[];
  retained: number[];
  count: number[];
  /** Share of what the holder held at the baseline that still exists at the end (a leak keeps it). */
  kept: number;
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
/**
 * A leak keeps what it held: of what a holder held at the baseline, at least this share must
 * still be there at the end. A bounded cache evicts, a per-user table replaces values, a
 * stream's buffers are consumed; none keeps its baseline contents.
 */
export const MIN_KEPT = 0.9;
/** Below this many baseline objects under the holder the share says little and is not checked. */
const MIN_KEPT_SAMPLE = 16;

export function minBytesFor(heapBytes: number): number {
  return Math.max(MIN_BYTES, heapBytes * HEAP_SHARE);
}

/**
 * Retained sizes without an entry count behind them need more: Node's own structures
 * (stream buffers, sockets, prototypes' caches) wobble by tens of KB between snapshots.
 */
const RETAINED_MIN_BYTES = 64 * 1024;
const RETAINED_HEAP_SHARE = 0.005;

export function minRetainedFor(heapBytes: number): number {
  return Math.max(RETAINED_MIN_BYTES, heapBytes * RETAINED_HEAP_SHARE);
}

/** The last snapshot's nodes whose earlier figures the growth checks need. */
export function watchedNodes(s: HeapSnapshot, dom: DominatorTree, k: KnownStrings, finalBytes: number): number[] {
  const minBytes = minBytesFor(finalBytes);
  const out: number[] = [];
  for (let v = 0; v < s.nodeCount; v++) {
    if (dom.retainedCount[v] < 2 && s.firstEdge[v + 1] - s.firstEdge[v] < MIN_ENTRY_GROWTH) continue;
    if (!isHolderCandidate(s, k, v)) continue;
    if (dom.retainedSize[v] < minBytes && entriesOf(s, k, v) < MIN_ENTRY_GROWTH) continue;
    out.push(v);
  }
  forEachSlot(s, dom, k, (v, _e, t) => out.push(v, t));
  return out;
}

export function findCandidates(
  s: HeapSnapshot,
  dom: DominatorTree,
  k: KnownStrings,
  earlier: EarlierView[],
  watch: WatchList,
  finalBytes: number,
): Candidate[] {
  const minBytes = minBytesFor(finalBytes);
  const minRetained = minRetainedFor(finalBytes);
  const steps = earlier.length;
  const stableBy = earlier[Math.min(1, steps - 1)].maxId;
  const out: Candidate[] = [];
  for (const v of watch.nodes) {
    if (!isHolderCandidate(s, k, v)) continue;
    // A ring buffer and its slots belong to their FixedQueue, which counts the items across all its buffers.
    if (s.nodeName[v] === k.fixedCircularBuffer || s.nodeName[dom.idom[v]] === k.fixedCircularBuffer) continue;
    // So are the timers of a list: each holds the older ones through its forward link.
    if (s.nodeName[v] === k.timeoutClass && (s.nodeName[dom.idom[v]] === k.timersList || s.nodeName[dom.idom[v]] === k.timeoutClass)) continue;
    const entriesNow = entriesOf(s, k, v);
    const retainedNow = dom.retainedSize[v];
    if (entriesNow < MIN_ENTRY_GROWTH && retainedNow < minBytes) continue;
    const id = s.nodeId[v];
    // Must already exist by the second snapshot so that growth is seen on one object.
    if (id > stableBy) continue;
    const row = watch.slot[v];
    const entries = earlier.map((e) => (e.exists[row] ? e.entries[row] : 0));
    const retained = earlier.map((e) => e.retained[row]);
    const count = earlier.map((e) => e.count[row]);
    entries.push(entriesNow);
    retained.push(retainedNow);
    count.push(dom.retainedCount[v]);
    const c = { entries, retained, count };
    // A hash table (a Map's or Set's, a dictionary's) grows by doubling and may stand still for
    // an interval; so do its bytes when its values are kept by something else too (the timers of
    // scheduled tasks) or are interned strings. Flat bytes are weaker evidence, so the entries
    // must then come at a steady pace: a table keyed by a finite population (users) fills ever
    // slower as fewer keys are new, a leak under steady load does not.
    const bytesRise = growing(retained) || (isHashTable(s, k, v) && rising(retained, true) && retained[steps] > retained[0] && steady(entries));
    const byEntries = growing(entries) && entries[steps] - entries[0] >= MIN_ENTRY_GROWTH && bytesRise;
    const byRetained = retainedRise(c, minRetained);
    if (!byEntries && !byRetained) continue;
    const kept = keptShare(earlier[0], row);
    // A cache that turns its entries over keeps few of the baseline's; so does one of Node's
    // queues whose items are replaced as they wait (a retry for ever, each a new timer with a
    // bigger copy), but such a backlog's entries keep coming at a steady pace, and at least
    // double. Not the program's own collections: a Map of carts keyed by a finite population of
    // users fills that way too, its carts replaced as they change.
    const backlog = isNodeQueue(s, k, v) && byEntries && steady(entries) && entries[steps] >= 2 * Math.max(entries[0], MIN_ENTRY_GROWTH);
    if (kept < MIN_KEPT && !backlog) continue;
    out.push({ node: v, id, byEntries, byRetained, kept, ...c });
  }
  return out;
}

/**
 * A chain whose newest link is stored in a variable (`last = () => prev`, `log += line`)
 * replaces the variable's value on every request, so no object keeps one id while growing;
 * the slot (holder + variable name) does. What the slot held earlier is what its current
 * value holds that already existed then, plus the earlier values that are gone since (they
 * were reached through the holder, so they were charged to it). Only slots whose value is
 * newer than the baseline are considered: stable values are tracked as holders themselves.
 */
export function findSlotCandidates(
  s: HeapSnapshot,
  dom: DominatorTree,
  k: KnownStrings,
  earlier: EarlierView[],
  watch: WatchList,
  finalBytes: number,
): Candidate[] {
  const minBytes = minRetainedFor(finalBytes);
  const stableBy = earlier[Math.min(1, earlier.length - 1)].maxId;
  const out: Candidate[] = [];
  forEachSlot(s, dom, k, (v, e, t) => {
    if (s.nodeId[v] > stableBy || s.nodeId[t] <= earlier[0].maxId) return;
    const hv = watch.slot[v];
    const ht = watch.slot[t];
    // A timer list's newest timer, which its forward links make hold the older ones, is the list's.
    if (hv < 0 || ht < 0 || s.nodeName[v] === k.fixedCircularBuffer || s.nodeName[v] === k.timersList) return;
    const retained = earlier.map((x) => (x.exists[hv] ? x.retained[ht] + x.freedSize[hv] : 0));
    const count = earlier.map((x) => (x.exists[hv] ? x.count[ht] + x.freedCount[hv] : 0));
    retained.push(dom.retainedSize[t]);
    count.push(dom.retainedCount[t]);
    if (!retainedRise({ retained, count }, minBytes)) return;
    const entries = retained.map(() => 0);
    out.push({ node: t, id: s.nodeId[t], byEntries: false, byRetained: true, kept: 1, entries, retained, count, slot: { holder: v, edge: e } });
  });
  return out;
}

/**
 * Share of what the holder held at the baseline (itself aside) that still exists at the end,
 * by objects or by bytes, whichever is higher. A growing collection reallocates its table (one
 * object, many bytes gone) and an updated record re-boxes its numbers (objects gone, few
 * bytes); neither is the holder letting go of its contents, and each spares one measure.
 */
function keptShare(base: EarlierView, row: number): number {
  const held = base.heldCount[row];
  if (held < MIN_KEPT_SAMPLE || base.heldBytes[row] === 0) return 1;
  return Math.max(base.keptCount[row] / held, base.keptBytes[row] / base.heldBytes[row]);
}

/** No interval gains less than half of what the one before it gained. */
function steady(xs: number[]): boolean {
  for (let i = 2; i < xs.length; i++) if (xs[i] - xs[i - 1] < (xs[i - 1] - xs[i - 2]) / 2) return false;
  return true;
}

function isHashTable(s: HeapSnapshot, k: KnownStrings, v: number): boolean {
  const name = s.nodeName[v];
  return name === k.mapClass || name === k.setClass || isDictionary(s, k, v);
}

/**
 * Rising in every interval; over four snapshots or more, an interval may also stand still (a
 * lull in traffic: a leak gains nothing while nothing happens), as long as at least half of the
 * intervals gain, none loses, and the last one gains. A cache warming up to its bound ends flat.
 */
export function growing(xs: number[]): boolean {
  const intervals = xs.length - 1;
  if (intervals < 3) return rising(xs);
  let gains = 0;
  for (let i = 1; i <= intervals; i++) {
    if (xs[i] < xs[i - 1]) return false;
    if (xs[i] > xs[i - 1]) gains++;
  }
  return gains * 2 >= intervals && xs[intervals] > xs[intervals - 1];
}

/** The change from each snapshot to the next. */
export function deltas(xs: readonly number[]): number[] {
  return xs.slice(1).map((x, i) => x - xs[i]);
}

export function rising(xs: number[], orFlat = false): boolean {
  for (let i = 1; i < xs.length; i++) if (!(xs[i] > xs[i - 1] || (orFlat && xs[i] === xs[i - 1]))) return false;
  return true;
}

/** Each interval carries a fair share of the growth (a quarter of the mean), so one burst followed by noise does not pass. */
export function fairShares(xs: number[]): boolean {
  const last = xs.length - 1;
  const fair = (xs[last] - xs[0]) / last / 4;
  for (let i = 1; i <= last; i++) if (xs[i] - xs[i - 1] < fair) return false;
  return true;
}

export function retainedRise(c: { retained: number[]; count: number[] }, minBytes: number): boolean {
  const r = c.retained;
  const last = r.length - 1;
  if (!rising(r)) return false;
  const total = r[last] - r[0];
  if (total < minBytes || total < SELF_SHARE * r[0]) return false;
  if (!fairShares(r)) return false;
  // Growth in bytes without new objects (one buffer or string growing) needs a bigger margin.
  return c.count[last] - c.count[0] >= MIN_OBJECT_GROWTH || total >= 4 * minBytes;
}
