import { isStringType, type HeapSnapshot } from './heap-snapshot.ts';
import type { KnownStrings } from './known-strings.ts';
import { rootPath } from './open-handles.ts';

/** The holder's class in a registry suspect (registry-leak.ts; its words are in leak-summary.ts). */
export const SYMBOL_REGISTRY = '(Symbol.for() registry)';

/** How many symbols V8's `Symbol.for()` registry holds, and its bytes: the table's, the symbols' and their keys'. */
export interface RegistryCount {
  symbols: number;
  bytes: number;
}

export interface SymbolRegistry extends RegistryCount {
  table: number;
  /** The registry's symbols, in the table's order. */
  members: number[];
  /** From the snapshot's root: (GC roots) -> (Strong roots) -> public_symbol_table. */
  path: { nodes: number[]; edges: number[] };
}

/**
 * V8's registry of the symbols `Symbol.for(key)` made: a hash table of (key, symbol) pairs under
 * (Strong roots), which never lets one go. Outside every object of the program, and a new table
 * each time it grows, so no holder the growth checks follow has it: it is read here, in every
 * snapshot. null when the snapshot has no such table (Chromium's, an older V8's).
 */
export function symbolRegistry(s: HeapSnapshot, k: KnownStrings): SymbolRegistry | null {
  const root = rootPath(s, k.strongRoots);
  if (root.nodes.length === 0 || k.publicSymbolTable < 0) return null;
  const strong = root.nodes[root.nodes.length - 1];
  let into = -1;
  for (let e = s.firstEdge[strong]; e < s.firstEdge[strong + 1] && into < 0; e++) if (s.edgeName[e] === k.publicSymbolTable && s.edgeType[e] === s.types.edgeInternal) into = e;
  if (into < 0) return null;
  const table = s.edgeTo[into];
  const members: number[] = [];
  let bytes = s.selfSize[table];
  for (let e = s.firstEdge[table]; e < s.firstEdge[table + 1]; e++) {
    const v = s.edgeTo[e];
    if (s.nodeType[v] === s.types.symbol) members.push(v);
    if (s.nodeType[v] === s.types.symbol || isStringType(s, s.nodeType[v])) bytes += s.selfSize[v];
  }
  return { table, members, symbols: members.length, bytes, path: { nodes: [...root.nodes, table], edges: [...root.edges, into] } };
}

/** The counts alone, for an earlier snapshot's summary. */
export function registryCount(s: HeapSnapshot, k: KnownStrings): RegistryCount | null {
  const r = symbolRegistry(s, k);
  return r ? { symbols: r.symbols, bytes: r.bytes } : null;
}
