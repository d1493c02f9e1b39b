import { edgeTarget, linkedChain, type HeapSnapshot } from './heap-snapshot.ts';
import type { KnownStrings } from './known-strings.ts';

/**
 * Which nodes can be a leak's holder, and how many entries a holder has. Holders are JS-level
 * objects a developer can name (objects, arrays, collections, closures, contexts); V8's own
 * tables, code and maps are skipped, as are weak collections, which retain nothing by design.
 * Node ids of V8 heap objects are odd; even ids are native (C++) nodes keyed by address.
 */
export function isHolderCandidate(s: HeapSnapshot, k: KnownStrings, v: number): boolean {
  const t = s.nodeType[v];
  // Chromium keeps a page's event listeners and timers in Blink's own (C++) objects.
  if (t === s.types.native) return isBlinkHolder(k, s.nodeName[v]);
  if (t !== s.types.object && t !== s.types.closure) return false;
  if ((s.nodeId[v] & 1) === 0) return false;
  const name = s.nodeName[v];
  if (name === k.weakMap || name === k.weakSet || name === k.weakRef) return false;
  return name === k.systemContext || !s.strings.get(name).startsWith('system / ');
}

/** Blink's list of an EventTarget's listeners, or of a window's timers. */
export function isBlinkHolder(k: KnownStrings, name: number): boolean {
  return name === k.blinkEventTargetData || name === k.blinkTimerCoordinator;
}

/** A node that is a value worth counting as a collection entry (not a map, code or oddball). */
export function isValueNode(s: HeapSnapshot, v: number): boolean {
  const t = s.nodeType[v];
  const ty = s.types;
  return t !== ty.hidden && t !== ty.objectShape && t !== ty.code && t !== ty.synthetic && t !== ty.array;
}

/**
 * Entries of a holder: its elements and own properties, plus the entries of a Map/Set hash
 * table, which V8 keeps in a separate backing store reached by the internal `table` edge. A
 * dictionary whose values are small numbers (`hitsByIp[ip] += 1`) has no property edges, only
 * its keys in its `properties` store: they count when they outnumber the property edges.
 */
export function entriesOf(s: HeapSnapshot, k: KnownStrings, v: number): number {
  const { firstEdge, edgeType, edgeName, edgeTo } = s;
  const ty = s.types;
  // Some holders keep what they gain in a linked list of V8's own: a pending promise, one
  // reaction per `then`, `await` or `Promise.race` on it; a FinalizationRegistry, one cell per
  // `register()`, held until its target is collected.
  if (s.nodeName[v] === k.promise) return listLinks(s, v, k.systemPromiseReaction);
  // A cell whose target died waits, targetless, for the cleanup callback: not kept for ever.
  if (s.nodeName[v] === k.finalizationRegistry) return listLinks(s, v, k.systemWeakCell, (cell) => hasWeakEdge(s, cell));
  // Node's EventTarget keeps an event's listeners as a chain of Listeners: its first one holds
  // the rest, one link per addEventListener(). Only the first counts them, or a chain of n
  // would cost n^2 to count.
  if (s.nodeName[v] === k.listenerClass && firstListener(s, k, v)) return 1 + listLinks(s, v, k.listenerClass);
  const queued = nodeQueueItems(s, k, v);
  if (queued) return queued.length;
  let count = 0;
  let properties = 0;
  let keys = 0;
  for (let e = firstEdge[v]; e < firstEdge[v + 1]; e++) {
    const t = edgeType[e];
    if (t === ty.edgeElement) {
      if (isValueNode(s, edgeTo[e])) count++;
    } else if (t === ty.edgeProperty) {
      if (edgeName[e] !== k.proto && isValueNode(s, edgeTo[e])) properties++;
    } else if (t === ty.edgeInternal && edgeName[e] === k.table) {
      count += tableEntries(s, edgeTo[e]);
    } else if (t === ty.edgeInternal && edgeName[e] === k.properties) {
      keys = tableEntries(s, edgeTo[e]);
    }
  }
  return count + Math.max(properties, keys);
}

/**
 * The links (nodes named `link`) of the lists that start at `holder`. A link may point back to
 * the one before it (a doubly linked list): each step goes on to a link it did not come from.
 */
function listLinks(s: HeapSnapshot, holder: number, link: number, counted: (v: number) => boolean = () => true): number {
  const { firstEdge, edgeTo, nodeName } = s;
  let count = 0;
  let steps = 0;
  for (let e = firstEdge[holder]; e < firstEdge[holder + 1]; e++) {
    let from = holder;
    let at = edgeTo[e];
    while (at >= 0 && nodeName[at] === link && steps++ < s.nodeCount) {
      if (counted(at)) count++;
      let next = -1;
      for (let f = firstEdge[at]; f < firstEdge[at + 1] && next < 0; f++) {
        const to = edgeTo[f];
        if (to !== from && to !== at && nodeName[to] === link) next = to;
      }
      from = at;
      at = next;
    }
  }
  return count;
}

/**
 * What one of Node's queues holds, whose own fields (`head`, `tail`) are not its entries: an
 * `events.on()` iterator's or the next-tick queue (a FixedQueue), the immediate queue (an
 * ImmediateList), a timer list (a TimersList). null for any other holder.
 */
export function nodeQueueItems(s: HeapSnapshot, k: KnownStrings, holder: number): number[] | null {
  if (s.nodeName[holder] === k.fixedQueue) return queuedItems(s, k, holder);
  // The callbacks waiting for the next turn of the loop, oldest first: Immediates chained by
  // `_idleNext` from the list's `head` (the chain ends at null, or at nothing when it is empty).
  if (s.nodeName[holder] === k.immediateList) return linkedChain(s, edgeTarget(s, holder, s.types.edgeProperty, k.head), k.idleNext, k.immediate);
  // Counted as timers, not as the objects they keep: "3000 to 9000 timers" is what a developer can check against the code.
  if (s.nodeName[holder] === k.timersList) return timerListMembers(s, k, holder);
  return null;
}

/**
 * The members of one of Node's timer lists (one list per delay), newest first: a ring chained
 * by `_idleNext` from the list back to it. Timeouts, and whatever the deprecated
 * `timers.enroll()` put in it: the Timeouts after such an object are the list's too.
 */
export function timerListMembers(s: HeapSnapshot, k: KnownStrings, list: number): number[] {
  return linkedChain(s, edgeTarget(s, list, s.types.edgeProperty, k.idleNext), k.idleNext, -1, list);
}

/** Whether `holder` is one of Node's queues (see nodeQueueItems). */
export function isNodeQueue(s: HeapSnapshot, k: KnownStrings, holder: number): boolean {
  const name = s.nodeName[holder];
  return name === k.fixedQueue || name === k.immediateList || name === k.timersList;
}

/**
 * What a FixedQueue holds: its ring buffers are chained by `next` from the oldest (`tail`),
 * each keeping its items in `list`, a 2048-slot array whose empty slots are undefined (no edge).
 */
function queuedItems(s: HeapSnapshot, k: KnownStrings, queue: number): number[] {
  const items: number[] = [];
  let buffer = edgeTarget(s, queue, s.types.edgeProperty, k.tail);
  for (let hops = 0; buffer >= 0 && hops < s.nodeCount; hops++) {
    const list = edgeTarget(s, buffer, s.types.edgeProperty, k.list);
    if (list >= 0) {
      for (let e = s.firstEdge[list]; e < s.firstEdge[list + 1]; e++) if (s.edgeType[e] === s.types.edgeElement && isValueNode(s, s.edgeTo[e])) items.push(s.edgeTo[e]);
    }
    buffer = edgeTarget(s, buffer, s.types.edgeProperty, k.next);
  }
  return items;
}

function firstListener(s: HeapSnapshot, k: KnownStrings, v: number): boolean {
  for (let e = s.firstEdge[v]; e < s.firstEdge[v + 1]; e++) {
    if (s.edgeType[e] === s.types.edgeProperty && s.edgeName[e] === k.previous) return s.nodeName[s.edgeTo[e]] !== k.listenerClass;
  }
  return false;
}

function hasWeakEdge(s: HeapSnapshot, v: number): boolean {
  for (let e = s.firstEdge[v]; e < s.firstEdge[v + 1]; e++) if (s.edgeType[e] === s.types.edgeWeak) return true;
  return false;
}

/**
 * An OrderedHashMap stores (key, value, chain) triples and an OrderedHashSet (key, chain)
 * pairs after a header whose length depends on the bucket count, and Smis have no edges.
 * Counting edges per index residue mod 2 and mod 3 and taking the largest count gives the
 * number of entries for either layout whether keys, values or both are heap objects.
 */
export function tableEntries(s: HeapSnapshot, table: number): number {
  const { firstEdge, edgeType, edgeName, edgeTo } = s;
  let a0 = 0, a1 = 0, b0 = 0, b1 = 0, b2 = 0;
  for (let e = firstEdge[table]; e < firstEdge[table + 1]; e++) {
    if (edgeType[e] !== s.types.edgeInternal || !isValueNode(s, edgeTo[e])) continue;
    const idx = s.strings.asIndex(edgeName[e]);
    if (idx < 0) continue;
    if (idx % 2 === 0) a0++;
    else a1++;
    const r = idx % 3;
    if (r === 0) b0++;
    else if (r === 1) b1++;
    else b2++;
  }
  return Math.max(a0, a1, b0, b1, b2);
}

/**
 * Where a Map's entries start in its hash table, or -1 when the layout cannot be told. V8's
 * OrderedHashMap is a FixedArray: 3 header slots, one per bucket, then (key, value, chain) for
 * twice as many entries as buckets, so its length is 3 + 7 x buckets, a power of two; the
 * length is read back from the table's size with 8-byte slots (Node) or 4 (compressed pointers,
 * Chrome). Slot `i` holds a key when `(i - start) % 3 === 0` and a value when it is 1.
 */
export function mapEntryStart(s: HeapSnapshot, table: number): number {
  const size = s.selfSize[table];
  const starts: number[] = [];
  for (const [header, slot] of [[16, 8], [8, 4]]) {
    const length = (size - header) / slot;
    const buckets = (length - 3) / 7;
    if (Number.isInteger(buckets) && buckets > 0 && (buckets & (buckets - 1)) === 0) starts.push(3 + buckets);
  }
  return starts.length === 1 ? starts[0] : -1;
}

/**
 * An object that keeps indexed entries in an elements store of its own (`countsById[id] = n`):
 * V8 draws the edge only when the store is not the shared empty one. Typed arrays keep theirs
 * off the heap, or on it for a few bytes, and never grow.
 */
export function hasElementsStore(s: HeapSnapshot, k: KnownStrings, v: number): boolean {
  for (let e = s.firstEdge[v]; e < s.firstEdge[v + 1]; e++) {
    if (s.edgeType[e] === s.types.edgeInternal && s.edgeName[e] === k.elements) return s.nodeType[s.edgeTo[e]] === s.types.array;
  }
  return false;
}

/** An object (not an Array, Map or Set) whose properties V8 keeps in a hash table (`properties`) with keys in it. */
export function isDictionary(s: HeapSnapshot, k: KnownStrings, v: number): boolean {
  const name = s.nodeName[v];
  if (name === k.array || name === k.mapClass || name === k.setClass) return false;
  for (let e = s.firstEdge[v]; e < s.firstEdge[v + 1]; e++) {
    if (s.edgeType[e] === s.types.edgeInternal && s.edgeName[e] === k.properties) return tableEntries(s, s.edgeTo[e]) > 0;
  }
  return false;
}
