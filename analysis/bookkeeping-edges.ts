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

/** Turns the registers' outgoing edges weak, in place, so no analysis counts them as retaining. */
export function demoteRegisterEdges(s: HeapSnapshot): void {
  const weak = s.types.edgeWeak;
  if (weak < 0) return;
  const names = REGISTERS.map((r) => s.strings.indexOf(r)).filter((i) => i >= 0);
  const timersList = s.strings.indexOf('TimersList');
  const array = s.strings.indexOf('Array');
  const elements = s.strings.indexOf('elements');
  if (names.length === 0 && timersList < 0) return;
  const { nodeName, nodeType, firstEdge, edgeType, edgeTo } = s;
  const native = s.types.native;
  const object = s.types.object;
  const element = s.types.edgeElement;
  for (let v = 0; v < s.nodeCount; v++) {
    if (nodeType[v] === native && names.includes(nodeName[v])) {
      for (let e = firstEdge[v]; e < firstEdge[v + 1]; e++) edgeType[e] = weak;
    } else if (timersList >= 0 && nodeType[v] === object && nodeName[v] === array) {
      // Node's timers keep each TimersList (one per delay) in a table by delay and in a priority
      // queue's array, ordered by expiry. The table is the owner; left strong, the queue would
      // share every list, so that neither dominated a list, nor what its timers keep.
      let queue = false;
      for (let e = firstEdge[v]; e < firstEdge[v + 1]; e++) {
        if (edgeType[e] === element && nodeName[edgeTo[e]] === timersList) {
          edgeType[e] = weak;
          queue = true;
        }
      }
      // The array's backing store holds the same lists again.
      const store = queue ? edgeTarget(s, v, s.types.edgeInternal, elements) : -1;
      if (store >= 0) for (let e = firstEdge[store]; e < firstEdge[store + 1]; e++) if (nodeName[edgeTo[e]] === timersList) edgeType[e] = weak;
    }
  }
}
