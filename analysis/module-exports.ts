import { edgeTarget, isStringType, nodeNameOf } from './heap-snapshot.ts';
import type { FinalGraph } from './final-graph.ts';
import { isIdentifier } from './source-files.ts';

/* ES module bindings: the Cells a module's exports table lists under their names. */

/**
 * A hash table's key for the value in `slot`: V8's tables (a Map's, a module's exports) keep
 * each key string in the slot just before its value. null when there is none.
 */
export function keyBefore(g: FinalGraph, table: number, slot: number): string | null {
  const key = nodeBefore(g, table, slot);
  return key >= 0 && isStringType(g.s, g.s.nodeType[key]) ? nodeNameOf(g.s, key) : null;
}

/** What a hash table holds in the slot just before `slot` (a key of any kind), or -1. */
export function nodeBefore(g: FinalGraph, table: number, slot: number): number {
  const { s } = g;
  if (slot <= 0) return -1;
  for (let e = s.firstEdge[table]; e < s.firstEdge[table + 1]; e++) {
    if (s.edgeType[e] === s.types.edgeInternal && s.strings.asIndex(s.edgeName[e]) === slot - 1) return s.edgeTo[e];
  }
  return -1;
}

/** ESM exports live in Cells listed in the module's exports hash table, keyed by the exported variable's name. */
export function exportNameOfCell(g: FinalGraph, cell: number, table: number): string | null {
  const found = exportEntry(g, cell, table);
  if (!found) return null;
  return found.name === 'default' ? (defaultExportName(g, cell) ?? found.name) : found.name;
}

/**
 * The exports table that holds a binding's Cell under its name, and the name. A module that
 * imports the binding holds the same Cell in a list with no names.
 */
export function exportEntry(g: FinalGraph, cell: number, table = -1): { table: number; name: string } | null {
  const { s } = g;
  const { retStart, retFrom } = g.dom.retainers;
  const tables = table >= 0 ? [table] : [];
  for (let r = retStart[cell]; r < retStart[cell + 1]; r++) if (retFrom[r] !== table) tables.push(retFrom[r]);
  for (const t of tables) {
    let slot = -1;
    for (let e = s.firstEdge[t]; e < s.firstEdge[t + 1]; e++) {
      if (s.edgeTo[e] === cell) slot = s.strings.asIndex(s.edgeName[e]);
    }
    const name = keyBefore(g, t, slot);
    if (name !== null) return { table: t, name };
  }
  return null;
}

/**
 * Every module whose exports table holds `cell`, with the name it exports it under: the module
 * that declares the binding, and those that re-export it (`export * from`, `export { sessions
 * as activeSessions } from`), which hold the same Cell.
 */
export function modulesExporting(g: FinalGraph, cell: number): { module: number; name: string }[] {
  const { retStart, retFrom } = g.dom.retainers;
  const out: { module: number; name: string }[] = [];
  for (let r = retStart[cell]; r < retStart[cell + 1]; r++) {
    const entry = exportEntry(g, cell, retFrom[r]);
    // exportEntry goes on to the cell's other tables when this one has no name for it: those are met in their turn.
    if (!entry || entry.table !== retFrom[r]) continue;
    const module = moduleOfTable(g, entry.table);
    if (module !== null && !out.some((x) => x.module === module && x.name === entry.name)) out.push({ module, name: entry.name });
  }
  return out;
}

/** The SourceTextModule whose exports table holds `cell` under a name, or null. */
export function exportingModule(g: FinalGraph, cell: number): number | null {
  const table = exportEntry(g, cell)?.table;
  return table === undefined ? null : moduleOfTable(g, table);
}

/** The SourceTextModule whose exports table `table` is, or null. */
function moduleOfTable(g: FinalGraph, table: number): number | null {
  const { retStart, retFrom } = g.dom.retainers;
  for (let q = retStart[table]; q < retStart[table + 1]; q++) {
    if (nodeNameOf(g.s, retFrom[q]) === 'system / SourceTextModule') return retFrom[q];
  }
  return null;
}

/**
 * `export default class Registry` is exported as `default`, but imported, read and grepped for
 * as `Registry`: a named class or function is called by its own name.
 */
function defaultExportName(g: FinalGraph, cell: number): string | null {
  const { s, k } = g;
  const value = edgeTarget(s, cell, s.types.edgeInternal, k.value);
  const name = value >= 0 && s.nodeType[value] === s.types.closure ? nodeNameOf(s, value) : '';
  return isIdentifier(name) ? name : null;
}
