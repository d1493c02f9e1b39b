import type { NodeFixer } from './edge-fixups.ts';
import type { HeapSnapshot } from './heap-snapshot.ts';

/**
 * Names the variables of block scopes. V8's snapshot names a context's variables only
 * for a function's or a module's own scope: a `const cache = new Map()` inside `if { }`, a loop
 * body, a `catch` or a class body that a closure captures is drawn as unnamed hidden edges
 * `[0]`, `[1]`, so the holder read as whatever was named further up its path. The names are
 * still in the snapshot: the context's `scope_info` lists them, in slot order, as its leading
 * hidden edges to strings.
 *
 * The two lists line up only when every slot holds an object. V8 numbers a context's hidden
 * edges by the slots it visits, counting `undefined` and the hole (drawn as no edge) but not
 * small integers, so a `let hits = 0` before the Map would shift the Map onto the wrong name.
 * A context is named only when its highest index is the last name's, which no such shift
 * allows. Compiler-made slots (`.home_object`, `.brand`) stay hidden.
 */
export function blockScopeFixer(s: HeapSnapshot): NodeFixer | null {
  const t = s.types;
  const context = s.strings.indexOf('system / Context');
  const scopeInfo = s.strings.indexOf('scope_info');
  if (t.edgeContext < 0 || t.edgeHidden < 0 || context < 0 || scopeInfo < 0) return null;
  const { firstEdge, edgeType, edgeName } = s;
  const namesOf = new Map<number, Int32Array | null>();
  return {
    type: t.object,
    name: context,
    fix: (v) => {
      const slots = unnamedSlots(s, v, scopeInfo);
      if (!slots) return;
      const { info, maxHidden } = slots;
      let names = namesOf.get(info);
      if (names === undefined) {
        names = localNames(s, info);
        namesOf.set(info, names);
      }
      if (names === null || names.length !== maxHidden + 1) return;
      for (let e = firstEdge[v]; e < firstEdge[v + 1]; e++) {
        if (edgeType[e] !== t.edgeHidden) continue;
        const name = names[edgeName[e]];
        if (name < 0) continue;
        edgeType[e] = t.edgeContext;
        edgeName[e] = name;
      }
    },
  };
}

/**
 * A context whose variables V8 left unnamed: its ScopeInfo and its highest hidden slot index;
 * null for a scope V8 names itself (it has `context` edges) or one with nothing to name.
 */
export function unnamedSlots(s: HeapSnapshot, context: number, scopeInfo: number): { info: number; maxHidden: number } | null {
  const t = s.types;
  let info = -1;
  let maxHidden = -1;
  for (let e = s.firstEdge[context]; e < s.firstEdge[context + 1]; e++) {
    const type = s.edgeType[e];
    if (type === t.edgeContext) return null;
    if (type === t.edgeHidden) maxHidden = Math.max(maxHidden, s.edgeName[e]);
    else if (type === t.edgeInternal && s.edgeName[e] === scopeInfo) info = s.edgeTo[e];
  }
  return maxHidden < 0 || info < 0 ? null : { info, maxHidden };
}

/**
 * A ScopeInfo's variable names as string-table indices, -1 for a compiler-made one; null when it
 * has none inline (V8 keeps more than 75 in a hash table, whose order is not the slots').
 */
export function localNames(s: HeapSnapshot, info: number): Int32Array | null {
  const { firstEdge, edgeType, edgeTo, nodeType, nodeName } = s;
  const out: number[] = [];
  for (let e = firstEdge[info]; e < firstEdge[info + 1]; e++) {
    if (edgeType[e] !== s.types.edgeHidden) continue;
    const to = edgeTo[e];
    if (nodeType[to] !== s.types.string) break;
    const name = s.strings.get(nodeName[to]);
    out.push(name.startsWith('.') ? -1 : nodeName[to]);
  }
  return out.length > 0 ? Int32Array.from(out) : null;
}
