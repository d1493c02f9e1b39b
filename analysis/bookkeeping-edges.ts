import type { NodeFixer } from './edge-fixups.ts';
import { edgeTarget, type HeapSnapshot } from './heap-snapshot.ts';

/**
 * Native nodes whose edges are a register, not ownership. Node's cleanup queue (Node 20; its
 * base object list from Node 22) lists every
 * BaseObject (a vm context, a socket's handle, a timer's wrap) so it can tear them down at exit,
 * and the snapshot draws that list as strong edges; what keeps such an object alive is its own
 * handle (a strong root while in use) or whoever holds its JS wrapper. Left strong, the queue
 * would dominate every vm context: an array of 9000 leaked contexts read 78 KB retained while
 * the heap grew by hundreds of MB.
 */
const REGISTERS = ['Node / CleanupQueue', 'Node / BaseObjectList'];

/** Turns the registers' outgoing edges weak, so no analysis counts them as retaining. */
export function registerFixers(s: HeapSnapshot): (NodeFixer | null)[] {
  const weak = s.types.edgeWeak;
  if (weak < 0) return [];
  const { nodeName, firstEdge, edgeType, edgeTo } = s;
  const fixers: (NodeFixer | null)[] = REGISTERS.map((r) => s.strings.indexOf(r))
    .filter((i) => i >= 0)
    .map((name) => ({
      type: s.types.native,
      name,
      fix: (v: number) => {
        for (let e = firstEdge[v]; e < firstEdge[v + 1]; e++) edgeType[e] = weak;
      },
    }));
  const timersList = s.strings.indexOf('TimersList');
  const array = s.strings.indexOf('Array');
  const elements = s.strings.indexOf('elements');
  const element = s.types.edgeElement;
  if (timersList < 0 || array < 0) return fixers;
  // Node's timers keep each TimersList (one per delay) in a table by delay and in a priority
  // queue's array, ordered by expiry. The table is the owner; left strong, the queue would
  // share every list, so that neither dominated a list, nor what its timers keep.
  fixers.push({
    type: s.types.object,
    name: array,
    fix: (v) => {
      let queue = false;
      for (let e = firstEdge[v]; e < firstEdge[v + 1]; e++) {
        if (edgeType[e] !== element) continue;
        // The queue holds nothing else: any other array is done with at its first element.
        if (nodeName[edgeTo[e]] !== timersList) break;
        edgeType[e] = weak;
        queue = true;
      }
      // The array's backing store holds the same lists again.
      const store = queue ? edgeTarget(s, v, s.types.edgeInternal, elements) : -1;
      if (store >= 0) for (let e = firstEdge[store]; e < firstEdge[store + 1]; e++) if (nodeName[edgeTo[e]] === timersList) edgeType[e] = weak;
    },
  });
  return fixers;
}

/**
 * Node's warning that an emitter has more listeners than its limit (an Error named
 * MaxListenersExceededWarning) waits in Node's task queue until the next tick emits it, and
 * keeps the emitter: as its `emitter` or `target`, and as the receiver in its stack trace's
 * frames. A snapshot taken before that tick (a synchronous loop, `--heapsnapshot-near-heap-limit`)
 * would otherwise show the emitter's listeners from Node's queue, through the warning, named
 * after its `target`: the emitter is the program's, kept by the program's own variable. All of
 * the warning's edges are a report, not ownership.
 */
export function warningFixer(s: HeapSnapshot): NodeFixer | null {
  const weak = s.types.edgeWeak;
  const error = s.strings.indexOf('Error');
  const warning = s.strings.indexOf('MaxListenersExceededWarning');
  const name = s.strings.indexOf('name');
  if (weak < 0 || error < 0 || warning < 0 || name < 0) return null;
  const { firstEdge, edgeType, edgeName, edgeTo, nodeName } = s;
  const property = s.types.edgeProperty;
  return {
    type: s.types.object,
    name: error,
    fix: (v) => {
      let named = false;
      for (let e = firstEdge[v]; e < firstEdge[v + 1]; e++) if (edgeType[e] === property && edgeName[e] === name && nodeName[edgeTo[e]] === warning) named = true;
      if (named) for (let e = firstEdge[v]; e < firstEdge[v + 1]; e++) edgeType[e] = weak;
    },
  };
}

const EPHEMERON = Buffer.from(' / part of key (', 'latin1');

/**
 * Turns a WeakMap's table edges to its values weak. V8 draws each entry twice:
 * from the table and from the key, both to the value. A value lives only while its key does,
 * so the key is what keeps it; left strong, the table edge made every value of a long-lived
 * WeakMap reachable from the module that holds the map, so that nothing else could dominate
 * it: jsdom's cache of proxy handlers by window made each leaked window a root's own, and the
 * timers that kept the windows retained a few bytes each.
 */
export function ephemeronFixer(s: HeapSnapshot): NodeFixer | null {
  const weak = s.types.edgeWeak;
  const internal = s.types.edgeInternal;
  if (weak < 0 || internal < 0) return null;
  const entry = s.strings.markContaining(EPHEMERON);
  if (!entry.includes(1)) return null;
  const { firstEdge, edgeType, edgeName } = s;
  return {
    type: s.types.array,
    name: -1,
    fix: (v) => {
      for (let e = firstEdge[v]; e < firstEdge[v + 1]; e++) if (edgeType[e] === internal && entry[edgeName[e]] === 1) edgeType[e] = weak;
    },
  };
}
