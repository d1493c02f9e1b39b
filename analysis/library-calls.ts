import { resolve } from 'node:path';
import type { FinalGraph } from './final-graph.ts';
import { inDevelopersFile, type ProgramWrites, type WriteSite } from './holder-writes.ts';
import type { SourceLocation } from './report-types.ts';
import { libraryOwned } from './code-ownership.ts';
import { edgeNameOf } from './heap-snapshot.ts';
import { inComment, isIdentifier, positionOf } from './source-files.ts';

/** At most this many calls of each sort: where to read, not a cross-reference. */
const MAX_CALLS = 10;

/** A method that takes out, by its name (`removeSchema`, `deleteMany`, `off`, `clearCache`). */
const TAKES_OUT = /^(?:remove|delete|clear|reset|dispose|destroy|close|off|unsubscribe|unregister|unwatch|evict|purge|prune|release|free)(?![a-z\d])/;

/**
 * For an object of a library's class kept in the developer's variable (one Ajv for the app, an
 * LRU cache, a client), growing itself or in its own collections: the library keeps what grows,
 * so no `name.set(` of the developer's adds to it; their calls of its methods do. Those calls in
 * the file the leak is located in, a method named for taking out (remove, delete, clear,
 * dispose...) as a removal, any other as an add (`cartAjv.compile(schema)`, which caches each
 * schema object it is given), or else where it is handed to a call. Null when the object the name holds on the path is not a library's
 * (the developer's own class: its writes are searched as any holder's), or when the code calls
 * none of its methods.
 */
export function libraryObjectCalls(g: FinalGraph, path: { nodes: number[]; edges: number[] }, at: SourceLocation | null, name: string): ProgramWrites | null {
  if (!at || at.approximate || !isIdentifier(name)) return null;
  if (!inDevelopersFile(at)) return null;
  // The object the name holds on the path; or, when the path reaches it through the library's own
  // variables (express-session's `store`), the nearest object above the holder.
  const named = path.edges.findLastIndex((e) => edgeNameOf(g.s, e) === name);
  const object = named >= 0 ? path.nodes[named]! : (path.nodes[path.nodes.length - 2] ?? -1);
  if (object < 0 || g.s.nodeType[object] !== g.s.types.object || !libraryOwned(g, object)) return null;
  const text = g.sources.read(resolve(at.file));
  if (!text) return null;
  return methodCalls(text, at.file, name);
}

/**
 * The calls of `name`'s methods in `text` (the source of `file`), sorted as libraryObjectCalls
 * says; when none adds, the calls it is handed to instead (`session({ store: sessionStore })`:
 * express-session adds to the store it is given). Null with neither.
 */
export function methodCalls(text: string, file: string, name: string): ProgramWrites | null {
  const out: ProgramWrites = { adds: [], removes: [], searched: [file], calls: true };
  const call = new RegExp(`(?<![\\w$.#])${name.replace(/\$/g, '\\$')}\\s*\\??\\.\\s*([A-Za-z_$][\\w$]*)\\s*\\(`, 'g');
  for (const m of text.matchAll(call)) {
    if (inComment(text, m.index)) continue;
    const site: WriteSite = { file, ...positionOf(text, m.index), call: `${name}.${m[1]}` };
    const sort = TAKES_OUT.test(m[1]!) ? out.removes : out.adds;
    if (sort.length < MAX_CALLS) sort.push(site);
  }
  if (out.adds.length === 0) out.adds.push(...handedTo(text, file, name));
  return out.adds.length > 0 ? out : null;
}

/** Words that open a parenthesis without calling anything. */
const NOT_CALLS = new Set(['if', 'for', 'while', 'switch', 'catch', 'function', 'return', 'typeof', 'await', 'yield', 'void', 'new', 'in', 'of']);

/**
 * Where `name` is an argument of a call, or a value in an object literal that is one
 * (`session({ secret, store: sessionStore })`): the call, as `session(…sessionStore…)`.
 */
function handedTo(text: string, file: string, name: string): WriteSite[] {
  const out: WriteSite[] = [];
  const bare = new RegExp(`(?<![\\w$.#])${name.replace(/\$/g, '\\$')}(?![\\w$]|\\s*(?:\\??\\.|=(?!=)|\\())`, 'g');
  for (const m of text.matchAll(bare)) {
    if (inComment(text, m.index)) continue;
    const callee = enclosingCallee(text, m.index);
    if (!callee) continue;
    out.push({ file, ...positionOf(text, callee.at), call: `${callee.name}(…${name}…)` });
    if (out.length >= MAX_CALLS) break;
  }
  return out;
}

/** The function called with the argument list `at` is in, directly or inside one object literal; null elsewhere. */
function enclosingCallee(text: string, at: number): { name: string; at: number } | null {
  let depth = 0;
  let objects = 0;
  for (let i = at - 1; i >= 0 && at - i < 2000; i--) {
    const c = text[i];
    if (c === ')' || c === ']' || c === '}') depth++;
    else if (c === '(' || c === '[' || c === '{') {
      if (depth > 0) {
        depth--;
        continue;
      }
      if (c === '[') return null;
      // An object literal handed as an argument (after `(` or `,`): one level of it; not a block.
      if (c === '{') {
        if (++objects > 1 || !/[(,]\s*$/.test(text.slice(Math.max(0, i - 50), i))) return null;
        continue;
      }
      const callee = /((?:[A-Za-z_$][\w$]*\s*\.\s*)*[A-Za-z_$][\w$]*)\s*$/.exec(text.slice(Math.max(0, i - 200), i));
      if (!callee || NOT_CALLS.has(callee[1]!) || /\bfunction\s*$/.test(text.slice(Math.max(0, i - 200), i - callee[1]!.length))) return null;
      return { name: callee[1]!.replace(/\s+/g, ''), at: i - callee[0].length };
    } else if (c === ';' && depth === 0) return null;
  }
  return null;
}
