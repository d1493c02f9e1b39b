import type { HeapSnapshot } from './heap-snapshot.ts';

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
  const names = REGISTERS.map((r) => s.strings.indexOf(r)).filter((i) => i >= 0);
  if (weak < 0 || names.length === 0) return;
  const { nodeName, nodeType, firstEdge, edgeType } = s;
  const native = s.types.native;
  for (let v = 0; v < s.nodeCount; v++) {
    if (nodeType[v] !== native || !names.includes(nodeName[v])) continue;
    for (let e = firstEdge[v]; e < firstEdge[v + 1]; e++) edgeType[e] = weak;
  }
}
