import { formatBytes, quoteKey, shorten } from './format.ts';
import { edgeNameOf, edgeTarget, isStringType, nodeNameOf } from './heap-snapshot.ts';
import type { FinalGraph } from './final-graph.ts';
import { isNodeQueue, isValueNode } from './holder-metrics.ts';

const MAX_CHARS = 80;

/** All it reads of the last snapshot's analysis. */
type Examined = Pick<FinalGraph, 's' | 'k' | 'baselineMaxId'>;

/**
 * A few keys of the entries a holder gained since the baseline (a Map's or Set's string keys,
 * a dictionary's property names, an array's strings), the newest last where the holder keeps
 * insertion order (Map, Set, array; a dictionary keeps hash order): the key space is
 * often the root cause in plain sight (`user42|/search?q=...`, one per user and URL).
 */
export function entryExamples(g: Examined, holder: number, max = 3): string[] {
  const { s, k } = g;
  const ty = s.types;
  const fresh = (v: number) => s.nodeId[v] > g.baselineMaxId;
  // A queue's own fields (`head`, `tail`) are not what it holds; its items have no key to show.
  if (isNodeQueue(s, k, holder)) return [];
  // Newest first, from the end, and only as many as shown: holders can have millions of entries.
  const out: string[] = [];
  for (let e = s.firstEdge[holder + 1] - 1; e >= s.firstEdge[holder] && out.length < max; e--) {
    const t = s.edgeType[e];
    const to = s.edgeTo[e];
    if (t === ty.edgeProperty && s.edgeName[e] !== k.proto && fresh(to) && isValueNode(s, to)) out.push(edgeNameOf(s, e));
    else if (t === ty.edgeElement && fresh(to) && isStringType(s, s.nodeType[to])) out.push(stringText(g, to));
    else if (t === ty.edgeInternal && s.edgeName[e] === k.table) out.push(...tableKeys(g, to, fresh, max - out.length));
  }
  if (out.length === 0) out.push(...dictionaryKeys(g, holder, fresh, max));
  if (out.length === 0) out.push(...objectEntries(g, holder, fresh, max));
  // An array of the same string, or of slices of like strings, shows it once.
  return [...new Set(out.reverse().map(cut))];
}

/**
 * A dictionary whose values are numbers (`hitsByIp[ip] += 1`) has no property edges: its keys
 * are in its `properties` store, beside any values that are objects (those are its property
 * edges' targets too, and are left out).
 */
function dictionaryKeys(g: Examined, holder: number, fresh: (v: number) => boolean, max: number): string[] {
  const { s, k } = g;
  const store = edgeTarget(s, holder, s.types.edgeInternal, k.properties);
  if (store < 0) return [];
  const values = new Set<number>();
  for (let e = s.firstEdge[holder]; e < s.firstEdge[holder + 1]; e++) if (s.edgeType[e] === s.types.edgeProperty) values.add(s.edgeTo[e]);
  const keys: string[] = [];
  for (let e = s.firstEdge[store + 1] - 1; e >= s.firstEdge[store] && keys.length < max; e--) {
    const to = s.edgeTo[e];
    if (fresh(to) && isStringType(s, s.nodeType[to]) && !values.has(to)) keys.push(stringText(g, to));
  }
  return keys;
}

/** How many of the newest entries are looked at for objects with text in them. */
const OBJECT_SCAN = 1000;

/**
 * When no entry has a string key, the newest entries that are objects, by their first string
 * fields (`Module { id: '/srv/plugins/rules.js', ... }`, `{ ip: '10.0.3.7' }`): a request log's
 * URL or a re-required module's file says what piles up as a key would.
 */
function objectEntries(g: Examined, holder: number, fresh: (v: number) => boolean, max: number): string[] {
  const { s, k } = g;
  const ty = s.types;
  const out: string[] = [];
  const look = (from: number, to: number) => {
    for (let e = to - 1, seen = 0; e >= from && out.length < max && seen < OBJECT_SCAN; e--) {
      const t = s.edgeType[e];
      if (t !== ty.edgeElement && t !== ty.edgeInternal) continue;
      seen++;
      const text = fresh(s.edgeTo[e]) ? objectText(g, s.edgeTo[e]) : null;
      if (text) out.push(text);
    }
  };
  look(s.firstEdge[holder], s.firstEdge[holder + 1]);
  const table = edgeTarget(s, holder, ty.edgeInternal, k.table);
  if (out.length === 0 && table >= 0) look(s.firstEdge[table], s.firstEdge[table + 1]);
  return out;
}

/** An object by its class and first two string fields, or null when it has none. */
function objectText(g: Examined, v: number): string | null {
  const { s, k } = g;
  if (s.nodeType[v] !== s.types.object) return null;
  const name = nodeNameOf(s, v);
  if (name.startsWith('system / ')) return null;
  const fields: string[] = [];
  for (let e = s.firstEdge[v]; e < s.firstEdge[v + 1] && fields.length < 2; e++) {
    const to = s.edgeTo[e];
    if (s.edgeType[e] !== s.types.edgeProperty || s.edgeName[e] === k.proto || !isStringType(s, s.nodeType[to])) continue;
    // A slice's own text is not in the snapshot, only its parent's.
    if (s.nodeTypeNames[s.nodeType[to]] === 'sliced string') continue;
    const field = edgeNameOf(s, e);
    const text = stringText(g, to);
    // `_header`, `_pendingEncoding`: a library's internals say less than its public fields.
    if (text !== '' && !field.startsWith('_')) fields.push(`${field}: ${quoteKey(shorten(text, MAX_CHARS))}`);
  }
  return fields.length === 0 ? null : `${name === 'Object' ? '' : `${name} `}{ ${fields.join(', ')} }`;
}

/**
 * V8's ordered hash tables keep a Map entry as key, value, chain and a Set entry as key, chain;
 * the chain is a small integer, absent from the graph. So two slots in a row are a Map's key and
 * value, and a slot alone is a Set's key (or a Map entry with a number key or value). Heap
 * numbers and small integers are not nodes: only string keys can be shown. The snapshot lists
 * slots in order; read from the end, newest first.
 */
function tableKeys(g: Examined, table: number, fresh: (v: number) => boolean, max: number): string[] {
  const { s } = g;
  const slotOf = (e: number) => (s.edgeType[e] === s.types.edgeInternal ? s.strings.asIndex(s.edgeName[e]) : -1);
  const keys: string[] = [];
  for (let e = s.firstEdge[table + 1] - 1; e >= s.firstEdge[table] && keys.length < max; e--) {
    const slot = slotOf(e);
    if (slot < 0) continue;
    const paired = e > s.firstEdge[table] && slot > 0 && slotOf(e - 1) === slot - 1;
    const key = paired ? s.edgeTo[e - 1] : s.edgeTo[e];
    const value = s.edgeTo[e];
    if (paired) e--;
    if ((fresh(key) || fresh(value)) && isStringType(s, s.nodeType[key])) keys.push(stringText(g, key));
  }
  return keys;
}

/**
 * A string's text. V8 names a concatenation `(concatenated string)` and keeps its halves as
 * `first` and `second`, as built by `${user}|${url}`: they are joined back, up to the shown length.
 * A slice (`big.slice(0, 20)`, 13 characters or more) is named `(sliced string)` and keeps its
 * whole parent alive without saying where in it it starts: the parent is what is shown, as the
 * surprise it usually is.
 */
function stringText(g: Examined, v: number, budget = MAX_CHARS + 1): string {
  const { s, k } = g;
  const type = s.nodeTypeNames[s.nodeType[v]];
  if (type === 'sliced string') {
    const parent = edgeTarget(s, v, s.types.edgeInternal, k.parent);
    return parent < 0 ? nodeNameOf(s, v) : `(a slice of a ${formatBytes(s.selfSize[parent])} string) ${stringText(g, parent, budget)}`;
  }
  if (type !== 'concatenated string') return nodeNameOf(s, v);
  let text = '';
  for (const half of ['first', 'second']) {
    for (let e = s.firstEdge[v]; e < s.firstEdge[v + 1] && text.length < budget; e++) {
      if (s.edgeType[e] === s.types.edgeInternal && edgeNameOf(s, e) === half) text += stringText(g, s.edgeTo[e], budget - text.length);
    }
  }
  return text;
}

function cut(text: string): string {
  return shorten(text, MAX_CHARS);
}
