import { isLibraryScript } from './code-ownership.ts';
import type { FinalGraph } from './final-graph.ts';
import type { AsyncFrame } from './async-frame.ts';
import { functionDeclaration } from './holder-aliases.ts';
import { findHolderWrites } from './holder-writes.ts';
import { mapped } from './leak-location.ts';
import type { LeakKind, SourceLocation } from './report-types.ts';
import { edgeNameOf, nodeNameOf } from './heap-snapshot.ts';
import { displayPath, inComment, isIdentifier, positionOf } from './source-files.ts';

/** How a declaration of each kind of holder starts its value. */
const INITIALIZERS: Partial<Record<LeakKind, string>> = {
  array: '\\[|new\\s+Array\\b|Array\\.from\\s*\\(',
  map: 'new\\s+Map\\b',
  set: 'new\\s+Set\\b',
  object: '\\{',
  string: "['\"`]",
};

/**
 * A collection that only the running code's stack keeps: a local that no closure uses (a
 * script's top-level `const rows = []` filled by its own loop, `main()`'s `results`) lives in a
 * register of its frame, not in a scope, so the snapshot has it under `(Stack roots)` with no
 * name. This happens when the snapshot is taken while that code runs, as
 * `--heapsnapshot-near-heap-limit` takes it in a batch job. The running scripts (those of the
 * program's functions on the stack) are searched for a declaration of a holder of that kind that
 * the file adds to: when exactly one is found, that is its name and its place; else it is called
 * what it is, a local of the running code, rather than by its class.
 */
export function stackLocal(g: FinalGraph, path: { nodes: number[] }, kind: LeakKind): { name: string; at: SourceLocation | null } | null {
  const { s, k } = g;
  const last = path.nodes.length - 1;
  if (last < 1 || s.nodeName[path.nodes[last - 1]] !== k.stackRoots) return null;
  return declaredLocal(g, path.nodes[last - 1], kind) ?? { name: RUNNING_LOCAL, at: null };
}

const RUNNING_LOCAL = 'local of the running code';

/**
 * A field of an object that only the running code's stack keeps (a script's top-level `const
 * state = { requests: [] }` that no function uses, filled by its own loop): the object has no
 * name in the snapshot. The running scripts' one declaration of a variable made as such an
 * object names it: an object literal with that key whose field the script reads through it
 * (`state.requests`), or `new` of its class that the script uses (`audit.record(entry)`: the
 * class's methods add to the field). A literal's key places it (a class's field is placed in the
 * class, as any instance's is); else null.
 */
export function stackOwnerField(g: FinalGraph, path: { nodes: number[]; edges: number[] }): { name: string; at: SourceLocation | null } | null {
  const { s, k } = g;
  const last = path.nodes.length - 1;
  if (last < 2 || s.nodeName[path.nodes[last - 2]] !== k.stackRoots || s.edgeType[path.edges[last]] !== s.types.edgeProperty) return null;
  const field = edgeNameOf(s, path.edges[last]);
  const cls = nodeNameOf(s, path.nodes[last - 1]);
  if (!isIdentifier(field) || !isIdentifier(cls)) return null;
  const f = field.replace(/\$/g, '\\$');
  const made = cls === 'Object' ? '\\{' : `new\\s+${cls.replace(/\$/g, '\\$')}\\b`;
  const found: { name: string; at: SourceLocation | null }[] = [];
  for (const script of runningScripts(g, path.nodes[last - 2])) {
    const text = g.sources.read(script);
    if (!text) continue;
    for (const m of text.matchAll(new RegExp(`\\b(?:const|let|var)\\s+([A-Za-z_$][\\w$]*)\\s*(?::[^=\\n]+)?=\\s*${made}`, 'gd'))) {
      const variable = m[1];
      const start = m.indices?.[1]?.[0] ?? m.index;
      const used = `(?<![\\w$.])${variable.replace(/\$/g, '\\$')}\\s*\\??\\.\\s*${cls === 'Object' ? f : '[A-Za-z_$#]'}`;
      if (inComment(text, start) || !new RegExp(used).test(text)) continue;
      // Of a literal, the field's key in it (within the next 2,000 characters).
      const key = cls === 'Object' ? new RegExp(`^[^;]*?[{,]\\s*(${f})\\s*:`, 'd').exec(text.slice(m.index + m[0].length - 1, m.index + m[0].length + 2000)) : null;
      if (cls === 'Object' && !key?.indices?.[1]) continue;
      const at = key?.indices?.[1] ? mapped(g, script, { file: displayPath(script), ...positionOf(text, m.index + m[0].length - 1 + key.indices[1][0]) }) : null;
      found.push({ name: `${variable}.${field}`, at });
      if (found.length > 1) return null;
    }
  }
  return found.length === 1 ? found[0] : null;
}

/**
 * A collection in a register of a suspended async function or generator (a consumer loop's
 * `const seen = []`, a generator's own list): V8 keeps it with no name. In that function's body,
 * the one declaration of a holder of its kind that the body adds to is its name and place; of
 * none or several, null (the function is then where to look).
 */
export function frameLocal(g: FinalGraph, frame: AsyncFrame, kind: LeakKind): { name: string; at: SourceLocation } | null {
  const initializer = INITIALIZERS[kind];
  const site = g.scripts.site(frame.fn);
  if (!initializer || !frame.name || !site || isLibraryScript(site.script)) return null;
  const text = g.sources.read(site.script);
  const fn = text ? functionDeclaration(text, frame.name) : null;
  if (!text || !fn) return null;
  const body = text.slice(fn.body.from, fn.body.to);
  const declaration = new RegExp(`(?:^|[;{}\\s])(?:const|let|var)\\s+([A-Za-z_$][\\w$]*)\\s*(?::[^=\\n]+)?=\\s*(?:${initializer})`, 'gd');
  const found: { name: string; at: SourceLocation }[] = [];
  for (const m of body.matchAll(declaration)) {
    const start = fn.body.from + (m.indices?.[1]?.[0] ?? m.index);
    if (inComment(text, start) || !findHolderWrites(body, m[1], kind, false)) continue;
    found.push({ name: m[1], at: mapped(g, site.script, { file: displayPath(site.script), ...positionOf(text, start) }, m[1]) });
    if (found.length > 1) return null;
  }
  return found.length === 1 ? found[0] : null;
}

function declaredLocal(g: FinalGraph, stackRoots: number, kind: LeakKind): { name: string; at: SourceLocation } | null {
  const initializer = INITIALIZERS[kind];
  if (!initializer) return null;
  const found: { name: string; at: SourceLocation }[] = [];
  for (const script of runningScripts(g, stackRoots)) {
    const text = g.sources.read(script);
    if (!text) continue;
    const declaration = new RegExp(`^[ \\t]*(?:export\\s+)?(?:const|let|var)\\s+([A-Za-z_$][\\w$]*)\\s*(?::[^=\\n]+)?=\\s*(?:${initializer})`, 'gmd');
    for (const m of text.matchAll(declaration)) {
      const start = m.indices?.[1]?.[0] ?? m.index;
      const pos = positionOf(text, start);
      if (inComment(text, start) || !findHolderWrites(text, m[1], kind, false, pos)) continue;
      found.push({ name: m[1], at: mapped(g, script, { file: displayPath(script), ...pos }, m[1]) });
      if (found.length > 1) return null;
    }
  }
  return found.length === 1 ? found[0] : null;
}

/** The program's scripts with a function on the stack: what the stack roots keep of its closures. */
function runningScripts(g: FinalGraph, stackRoots: number): string[] {
  const { s } = g;
  const scripts = new Set<string>();
  for (let e = s.firstEdge[stackRoots]; e < s.firstEdge[stackRoots + 1]; e++) {
    const v = s.edgeTo[e];
    if (s.nodeType[v] !== s.types.closure) continue;
    const script = g.scripts.scriptName(v);
    if (script && !isLibraryScript(script)) scripts.add(script);
  }
  return [...scripts];
}
