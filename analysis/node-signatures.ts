import type { HeapSnapshot } from './heap-snapshot.ts';

/**
 * A (type, name) signature per node, comparable across snapshots of one process. V8 keys
 * snapshot ids by address and only hears of moves made by the GC: an object allocated straight
 * into old space (pretenured, as a leak's long-lived entries soon are) at the address of one
 * that died since the last snapshot inherits the dead object's id. Matching ids without
 * this check counts such ghosts as survivors and charges the dead object's whole subtree to
 * wherever the newcomer lives; with it, most ghosts are told apart (the rest have the same
 * type and name, so they look like what they replaced).
 */
export function nodeSignatures(s: HeapSnapshot): Uint32Array {
  const out = new Uint32Array(s.nodeCount);
  // Names repeat ("Object", "system / Context"), so each string is hashed once.
  const hashOfName = new Uint32Array(s.strings.count);
  const hashed = new Uint8Array(s.strings.count);
  for (let v = 0; v < s.nodeCount; v++) {
    const name = s.nodeName[v];
    if (hashed[name] === 0) {
      hashOfName[name] = s.strings.hashOf(name);
      hashed[name] = 1;
    }
    out[v] = (Math.imul(s.nodeType[v] + 1, 0x9e3779b1) ^ hashOfName[name]) >>> 0;
  }
  return out;
}
