import type { StringTable } from './string-table.ts';

/**
 * A parsed V8 heap snapshot as flat typed arrays, one array per field we use, indexed by node
 * ordinal (not by the file's node offset) and by edge index. Memory stays about proportional to
 * nodes + edges, and no JS Map or per-node object is ever made.
 */
export interface HeapSnapshot {
  file: string;
  nodeCount: number;
  edgeCount: number;
  nodeTypeNames: string[];
  edgeTypeNames: string[];
  nodeType: Uint8Array;
  nodeName: Uint32Array;
  nodeId: Uint32Array;
  selfSize: Uint32Array;
  /** firstEdge[i]..firstEdge[i+1] are node i's outgoing edges; length nodeCount + 1. */
  firstEdge: Uint32Array;
  edgeType: Uint8Array;
  /** A string index for named edge types, a number for element/hidden edges. */
  edgeName: Uint32Array;
  /** Target node ordinal (the file stores an offset into `nodes`; divided on read). */
  edgeTo: Uint32Array;
  strings: StringTable;
  locations: SnapshotLocations;
  types: TypeCodes;
}

export interface SnapshotLocations {
  count: number;
  node: Uint32Array;
  scriptId: Uint32Array;
  line: Uint32Array;
  column: Uint32Array;
}

/** Type codes resolved from the meta by name; -1 when a snapshot's meta lacks one. */
export interface TypeCodes {
  hidden: number;
  array: number;
  string: number;
  object: number;
  code: number;
  closure: number;
  regexp: number;
  number: number;
  native: number;
  synthetic: number;
  consString: number;
  slicedString: number;
  symbol: number;
  bigint: number;
  objectShape: number;
  edgeContext: number;
  edgeElement: number;
  edgeProperty: number;
  edgeInternal: number;
  edgeHidden: number;
  edgeShortcut: number;
  edgeWeak: number;
}

export function resolveTypeCodes(nodeTypes: string[], edgeTypes: string[]): TypeCodes {
  const n = (s: string) => nodeTypes.indexOf(s);
  const e = (s: string) => edgeTypes.indexOf(s);
  return {
    hidden: n('hidden'),
    array: n('array'),
    string: n('string'),
    object: n('object'),
    code: n('code'),
    closure: n('closure'),
    regexp: n('regexp'),
    number: n('number'),
    native: n('native'),
    synthetic: n('synthetic'),
    consString: n('concatenated string'),
    slicedString: n('sliced string'),
    symbol: n('symbol'),
    bigint: n('bigint'),
    objectShape: n('object shape'),
    edgeContext: e('context'),
    edgeElement: e('element'),
    edgeProperty: e('property'),
    edgeInternal: e('internal'),
    edgeHidden: e('hidden'),
    edgeShortcut: e('shortcut'),
    edgeWeak: e('weak'),
  };
}

/** Edge types whose name_or_index is an index rather than a string-table entry. */
export function edgeNameIsIndex(s: HeapSnapshot, edge: number): boolean {
  const t = s.edgeType[edge];
  return t === s.types.edgeElement || t === s.types.edgeHidden;
}

export function nodeNameOf(s: HeapSnapshot, node: number): string {
  return s.strings.get(s.nodeName[node]);
}

export function edgeNameOf(s: HeapSnapshot, edge: number): string {
  return edgeNameIsIndex(s, edge) ? String(s.edgeName[edge]) : s.strings.get(s.edgeName[edge]);
}

export function isStringType(s: HeapSnapshot, type: number): boolean {
  const t = s.types;
  return type === t.string || type === t.consString || type === t.slicedString;
}

/** Target of node's first edge named `nameIndex` of edge type `type`, or -1. */
export function edgeTarget(s: HeapSnapshot, node: number, type: number, nameIndex: number): number {
  if (nameIndex < 0) return -1;
  for (let e = s.firstEdge[node]; e < s.firstEdge[node + 1]; e++) {
    if (s.edgeType[e] === type && s.edgeName[e] === nameIndex) return s.edgeTo[e];
  }
  return -1;
}

/**
 * Nodes chained by the property `nextName` from `first` (Node's linked lists: timers,
 * immediates), in chain order; stops at the first node not of class `className` (any class
 * when it is -1) and at `stop` (a ring's head).
 */
export function linkedChain(s: HeapSnapshot, first: number, nextName: number, className: number, stop = -1): number[] {
  const items: number[] = [];
  let at = first;
  for (let hops = 0; at >= 0 && at !== stop && (className < 0 || s.nodeName[at] === className) && hops < s.nodeCount; hops++) {
    items.push(at);
    at = edgeTarget(s, at, s.types.edgeProperty, nextName);
  }
  return items;
}
