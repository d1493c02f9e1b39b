import { resolve } from 'node:path';
import type { Leak, LeakKind, SourceLocation } from './report-types.ts';
import { inComment, isIdentifier, positionOf, type SourceFiles } from './source-files.ts';

/** A place in the source that adds to a holder or takes from it, as written (`windows.set`). */
export interface WriteSite {
  line: number;
  column: number;
  call: string;
}

export interface HolderWrites {
  adds: WriteSite[];
  removes: WriteSite[];
}

/**
 * The calls each kind of holder grows and shrinks by. The declaration says where the holder is;
 * the leak is in the code that adds to it on a path that never reaches a removal (an early
 * return before `inflight.delete(id)`), or in a file that never removes at all.
 */
const METHODS: Partial<Record<LeakKind, { adds: string[]; removes: string[] }>> = {
  map: { adds: ['set'], removes: ['delete', 'clear'] },
  set: { adds: ['add'], removes: ['delete', 'clear'] },
  array: { adds: ['push', 'unshift'], removes: ['pop', 'shift', 'splice', 'length'] },
  object: { adds: [], removes: [] },
  string: { adds: [], removes: [] },
};

/** At most this many sites of each sort: a hint where to read, not a cross-reference. */
const MAX_SITES = 10;

/**
 * Where the file a holder is located in adds to it and takes from it, when that file is the
 * developer's own on disk (not Node's, not a package's: neither is code to change) and the holder
 * has a plain name: `windows`, or `cache` of `priceFor.cache`, a property.
 */
export function writesAt(sources: SourceFiles, at: SourceLocation | null, name: string, kind: LeakKind, property: boolean): Leak['writes'] | null {
  if (!at || at.file.startsWith('node:') || /^[a-z][\w+.-]*:\/\//i.test(at.file) || /(?:^|[/\\])node_modules[/\\]/.test(at.file)) return null;
  const own = /(?:^|\.)(#?[\w$]+)$/.exec(name);
  if (!own) return null;
  const text = sources.read(resolve(at.file));
  const found = text ? findHolderWrites(text, own[1], kind, property || own.index > 0, at.approximate ? undefined : at) : null;
  return found ? { file: at.file, ...found } : null;
}

/**
 * Where `text` adds to the holder called `name` (a variable, or a property when `property`) and
 * where it takes out, by the holder's kind: `name.set(`, `this.name.push(`, `name[key] =`,
 * `name += ...`; removals `name.delete(`, `delete name[key]`, `name.length = 0`, and for a
 * variable `name =` anywhere but at `declared` (the holder replaced by an empty one). Null for a
 * kind with no such calls or a name that is not an identifier, or when nothing adds to it.
 */
export function findHolderWrites(text: string, name: string, kind: LeakKind, property: boolean, declared?: { line: number; column: number }): HolderWrites | null {
  const methods = METHODS[kind];
  const bare = name.startsWith('#') ? name.slice(1) : name;
  if (!methods || !isIdentifier(bare) || name.length < 2) return null;
  const n = name.replace(/\$/g, '\\$');
  // A variable is not some other object's property of the same name; a property is reached
  // through its object (`this.recent`, `user.events`, `state['events']`).
  const ref = property ? `(?:(?<=[\\w$)\\]]\\s*(?:\\?\\.|\\.)\\s*)${n}|\\[\\s*(['"\`])${n}\\1\\s*\\])` : `(?<![\\w$.#])${n}`;
  const after = `(?![\\w$])\\s*(?:!(?!=)\\s*)?`;
  const call = (verbs: string[]) => (verbs.length ? `(?:\\?\\.|\\.)\\s*(${verbs.join('|')})\\s*(?:\\(|=(?!=))` : '(?!)');
  const adds = sites(text, new RegExp(`${ref}${after}${addPattern(kind, call(methods.adds))}`, 'g'), name, declared);
  if (adds.length === 0) return null;
  // `name = []` empties a variable, but `const name = ...` declares it (at a position that may be
  // only approximate). A property set to a new value is mostly an object's constructor making it,
  // and in one file several classes may have a field of that name: not counted.
  const reassigned = property ? '(?!)' : `(?<!\\b(?:const|let|var)\\s+)${ref}${after}=(?![=>])`;
  const removes = sites(text, new RegExp(`(?:\\bdelete[ \\t]+${ref}${after}[[.]|${ref}${after}${call(methods.removes)}|${reassigned})`, 'g'), name, declared);
  return { adds, removes };
}

/** The text after the holder's name that adds to it. */
function addPattern(kind: LeakKind, methodCall: string): string {
  // A dictionary grows by a computed key (`hits[ip] = ...`); a string by appending.
  if (kind === 'object') return `\\[[^\\]\\n]+\\]\\s*(?:\\?\\?|\\|\\|)?=(?![=>])`;
  if (kind === 'string') return `\\+=`;
  // `list[list.length] = x` grows an array as push does.
  if (kind === 'array') return `(?:${methodCall}|\\[[^\\]\\n]*\\.length\\s*\\]\\s*=(?![=>]))`;
  return methodCall;
}

function sites(text: string, pattern: RegExp, name: string, declared?: { line: number; column: number }): WriteSite[] {
  const out: WriteSite[] = [];
  for (const m of text.matchAll(pattern)) {
    const at = m.index + m[0].indexOf(name);
    if (inComment(text, m.index)) continue;
    const pos = positionOf(text, at);
    const call = callText(m[0], name);
    // The declaration's `name = new Map()` (its column is not always the name's) makes it, not empties it.
    if (declared && pos.line === declared.line && call === `${name} =`) continue;
    out.push({ ...pos, call });
    if (out.length >= MAX_SITES) break;
  }
  return out;
}

/** `name.set`, `name.length =`, `delete name[…]`, `name[…] =`, `name +=`, `name =`: what a reader looks for on the line. */
function callText(matched: string, name: string): string {
  const squeezed = matched.replace(/\s+/g, ' ').trim();
  if (squeezed.startsWith('delete')) return `delete ${name}`;
  const verb = /(?:\?\.|\.)\s*(\w+)\s*[(=]$/.exec(squeezed)?.[1];
  if (verb === 'length') return `${name}.length =`;
  if (verb) return `${name}.${verb}`;
  if (/\]\s*(?:\?\?|\|\|)?=$/.test(squeezed)) return `${name}[…] =`;
  if (squeezed.endsWith('+=')) return `${name} +=`;
  return `${name} =`;
}
