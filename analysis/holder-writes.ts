import { resolve } from 'node:path';
import type { FinalGraph } from './final-graph.ts';
import type { LeakKind, SourceLocation } from './report-types.ts';
import { holderAliases, memberAliases, type Span } from './holder-aliases.ts';
import { constantKeys, displayPath, inComment, isIdentifier, positionOf } from './source-files.ts';
import { inPackage } from './source-maps.ts';

/** A place in a source text that adds to a holder or takes from it, as written (`windows.set`). */
export interface TextSite {
  line: number;
  column: number;
  call: string;
}

export interface HolderWrites {
  adds: TextSite[];
  removes: TextSite[];
}

/** The same in a file of the program. */
export interface WriteSite extends TextSite {
  file: string;
}

/** Where the program adds to a holder and takes from it, and the files that were read to say so. */
export interface ProgramWrites {
  adds: WriteSite[];
  removes: WriteSite[];
  searched: string[];
  /** The program's calls of a library object's methods (`cartAjv.compile`), not writes to a collection of its own. */
  calls?: true;
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

/**
 * A holder that is one of a group kept in another one: an element (`shards[n % 16]`) or a Map's
 * value (`byTenant.get(tenant)`). Its writes go through the outer holder's name.
 */
export type Member = 'index' | 'key';

/** Where a search is bounded: the holder's declaration, the span an alias means it in, a group's member. */
interface Scope {
  declared?: { line: number; column: number };
  within?: Span;
  member?: Member;
}

/**
 * The name to search for and whether the holder is a member of a group, from how the report
 * names it: `byTenant.get('t-1')` is one of byTenant's values; an element holder (`historyShards`
 * with an element edge, one of its arrays) is one of its elements.
 */
function writeTarget(name: string, edgeType: string): { name: string; member?: Member } {
  const keyed = /^((?:#?[\w$]+\.)*#?[\w$]+)\.get\(.*\)$/.exec(name);
  if (keyed) return { name: keyed[1], member: 'key' };
  const indexed = /^((?:#?[\w$]+\.)*#?[\w$]+)\[.*\]$/.exec(name);
  if (indexed) return { name: indexed[1], member: 'index' };
  return edgeType === 'element' ? { name, member: 'index' } : { name };
}

// How a group's member is reached through its outer holder: `shards[i]`, made on first use as
// it is added to (`(byRoute[route] ??= new Set()).add(id)`), or `byTenant.get(tenant)`.
const MADE_FIRST = `(?:\\s*(?:\\?\\?|\\|\\|)=\\s*(?:new\\s+[\\w$.]+\\s*\\([^()\\n]*\\)|\\[\\s*\\]|\\{\\s*\\})\\s*\\))?`;
const BY_INDEX = `\\[[^\\]\\n]+\\]${MADE_FIRST}`;
const BY_KEY = `(?:\\?\\.|\\.)\\s*get\\s*\\([^()\\n]*\\)`;
const MEMBER_ACCESS = new RegExp(`(?:${BY_INDEX}|${BY_KEY})\\s*!?`);

/** writesAt for a holder as the report names it: a group's member is searched through its outer holder. */
export function namedHolderWrites(g: FinalGraph, at: SourceLocation | null, naming: { name: string; kind: LeakKind; edgeType: string }, exportedAs: readonly string[]): ProgramWrites | null {
  const target = writeTarget(naming.name, naming.edgeType);
  return writesAt(g, at, target.name, naming.kind, naming.edgeType === 'property', exportedAs, target.member);
}

/** At most this many sites of each sort: a hint where to read, not a cross-reference. */
const MAX_SITES = 10;

/** More files than this adding to a holder of that name: the name is too common to be this holder's. */
const MAX_ADDING_FILES = 2;

/**
 * Where the program adds to a holder and takes from it. First the file the holder is located in,
 * when it is the developer's own on disk (not Node's, not a package's: neither is code to
 * change); when nothing there adds to it (a module that declares and exports it, handlers that
 * import it and add), the program's other scripts, through their source maps. The holder needs a
 * plain name: `windows`, or `cache` of `priceFor.cache`, a property.
 */
export function writesAt(g: FinalGraph, at: SourceLocation | null, name: string, kind: LeakKind, property: boolean, exportedAs: readonly string[] = [], member?: Member): ProgramWrites | null {
  const own = /(?:^|\.)(#?[\w$]+)$/.exec(name);
  if (!own || !METHODS[kind]) return null;
  const holder = own[1];
  const asProperty = property || own.index > 0;
  const here = at && inDevelopersFile(at) ? g.sources.read(resolve(at.file)) : null;
  const declared = at?.approximate ? undefined : (at ?? undefined);
  // Whether a group's outer holder is a variable or a property, the report's name does not say.
  const inHere = here ? scanWrites(here, holder, kind, member ? 'either' : asProperty, { declared, member }) : null;
  // A property may be named bare where it is imported (`import { pendingJobs }`, the location of
  // what tsc compiles to `job_state_1.pendingJobs`).
  const either = () => (here && asProperty ? scanWrites(here, holder, kind, 'either', { declared, member }) : null);
  const found = inHere && inHere.adds.length > 0 ? inHere : inHere ? nonEmpty(either()) : null;
  if (found && at) {
    const inFile = (x: TextSite) => ({ file: at.file, ...x });
    return { adds: found.adds.map(inFile), removes: found.removes.map(inFile), searched: [at.file] };
  }
  const compiledHere = at?.generated?.file ?? at?.file;
  const out: ProgramWrites = { adds: [], removes: [], searched: here && at ? [at.file] : [] };
  // What the declaring file takes out (`sessions.delete` in the store that only exports it) counts with the others' adds.
  if (inHere && at) out.removes.push(...inHere.removes.map((x) => ({ file: at.file, ...x })));
  // Re-exported under another name (`export { sessions as activeSessions } from`), it is added to under that name.
  const names = [...new Set([holder, ...exportedAs.filter((x) => isIdentifier(x))])];
  let adding = 0;
  const scan = (text: string, file: string, original: boolean) => {
    // Another module names it as it imports it: bare (`import { jobs }`), or as its object's
    // property (`state.jobs`, and `state_1.jobs` in what tsc compiles to CommonJS); in the
    // source that was compiled, bare even when the compiled code reads a property.
    const each = names.map((x) => scanWrites(text, x, kind, original ? 'either' : asProperty || 'either', { member }));
    const inFile = (x: TextSite): WriteSite => ({ file, ...x });
    out.searched.push(file);
    if (each.some((x) => x.adds.length > 0)) adding++;
    out.adds.push(...each.flatMap((x) => x.adds).map(inFile));
    out.removes.push(...each.flatMap((x) => x.removes).map(inFile));
  };
  const read = new Set(here && at ? [resolve(at.file)] : []);
  for (const script of g.scripts.appScripts()) {
    // Compiled code is read in the developer's files its source map says it was made from: a
    // bundle's modules each under its own name (minified, the bundle has other names), and
    // not the holder's own file again.
    const originals = g.sources.originals(script);
    for (const path of originals) {
      const text = read.has(path) ? null : g.sources.read(path);
      read.add(path);
      if (text) scan(text, displayPath(path), true);
    }
    const file = displayPath(script);
    const text = originals.length > 0 || file === compiledHere ? null : g.sources.read(script);
    if (text) scan(text, file, false);
  }
  return adding > 0 && adding <= MAX_ADDING_FILES ? { ...out, adds: out.adds.slice(0, MAX_SITES), removes: out.removes.slice(0, MAX_SITES) } : null;
}

/** A location in a file of the developer's on disk: not Node's, not a URL's, not an installed package's (neither is code to change). */
export function inDevelopersFile(at: SourceLocation): boolean {
  return !at.file.startsWith('node:') && !/^[a-z][\w+.-]*:\/\//i.test(at.file) && !inPackage(at.file);
}

/**
 * What the removals found do: nothing (`none`), empty the holder all at once (`reset`: `clear()`,
 * `length = 0`, set anew), or take entries out one by one (`entries`). Only resets leave a holder
 * unbounded between them, as one with none does.
 */
export function removalKind(removes: readonly { call?: string }[]): 'none' | 'reset' | 'entries' {
  if (removes.length === 0) return 'none';
  return removes.every((x) => /(?:\.clear|\.length =| =)$/.test(x.call ?? '')) ? 'reset' : 'entries';
}

/** Up to three sites as `file:line:column (call)`, the rest counted. */
export function siteList(sites: readonly WriteSite[]): string {
  return sites.slice(0, 3).map((x) => `${x.file}:${x.line}:${x.column} (${x.call})`).join(', ') + (sites.length > 3 ? `, and ${sites.length - 3} more` : '');
}

/** Where the program adds to a holder and takes out, on one line each: `added at: ...`, `removed at: ...`. */
export function writesLines(w: ProgramWrites): [string, string] {
  if (w.calls) return [`called at: ${siteList(w.adds)}`, `calls that take out: ${w.removes.length ? siteList(w.removes) : `none in ${searchedWords(w.searched).replace(/`/g, '')}`}`];
  return [`added at: ${siteList(w.adds)}`, `removed at: ${w.removes.length ? siteList(w.removes) : `nowhere in ${searchedWords(w.searched).replace(/`/g, '')}`}`];
}

/** The files read, as a reader is told "nowhere in ...": one or two by name, more by their count. */
export function searchedWords(searched: readonly string[]): string {
  if (searched.length <= 2) return searched.map((f) => `\`${f}\``).join(' and ');
  return `the ${searched.length} scripts of the program read`;
}

/**
 * Where `text` adds to the holder called `name` (a variable, or a property when `property`) and
 * where it takes out, by the holder's kind: `name.set(`, `this.name.push(`, `name[key] =`,
 * `name += ...`; removals `name.delete(`, `delete name[key]`, `name.length = 0`, and for a
 * variable `name =` anywhere but at `declared` (the holder replaced by an empty one). Null for a
 * kind with no such calls or a name that is not an identifier, or when nothing adds to it.
 */
export function findHolderWrites(text: string, name: string, kind: LeakKind, property: boolean | 'either', declared?: { line: number; column: number }, member?: Member): HolderWrites | null {
  return nonEmpty(scanWrites(text, name, kind, property, { declared, member }));
}

function nonEmpty(w: HolderWrites | null): HolderWrites | null {
  return w && w.adds.length > 0 ? w : null;
}

/** findHolderWrites' search, its answer given even when nothing adds (a file that only takes out). */
function scanWrites(text: string, name: string, kind: LeakKind, property: boolean | 'either', { declared, within, member }: Scope = {}): HolderWrites {
  const methods = METHODS[kind];
  const bare = name.startsWith('#') ? name.slice(1) : name;
  // One letter is too common a name to search a whole file for; a helper's parameter is searched in its body only.
  if (!methods || !isIdentifier(bare) || (name.length < 2 && !within)) return { adds: [], removes: [] };
  const n = name.replace(/\$/g, '\\$');
  // A variable is not some other object's property of the same name; a property is reached
  // through its object (`this.recent`, `user.events`, `state['events']`); 'either': both.
  // Also under a constant of its name (`this[PENDING]` with `const PENDING = 'pendingRequests'`).
  const keys = constantKeys(text, bare).map((k) => `|${k.replace(/\$/g, '\\$')}`).join('');
  const bracket = `\\[\\s*(?:['"\`]${n}['"\`]${keys})\\s*\\]`;
  const ref =
    property === 'either'
      ? `(?:(?<![\\w$#])${n}|${bracket})`
      : property
        ? `(?:(?<=[\\w$)\\]]\\s*(?:\\?\\.|\\.)\\s*)${n}|${bracket})`
        : `(?<![\\w$.#])${n}`;
  // A group's member is reached through the outer holder: `shards[i].push`, `byTenant.get(t)?.set`.
  const through = member ? `${member === 'index' ? BY_INDEX : BY_KEY}\\s*(?:!(?!=)\\s*)?` : '';
  const after = `(?![\\w$])\\s*(?:!(?!=)\\s*)?${through}`;
  const call = (verbs: string[]) => (verbs.length ? `(?:\\?\\.|\\.)\\s*(${verbs.join('|')})\\s*(?:\\(|=(?!=))` : '(?!)');
  // A method borrowed for the holder (`Array.prototype.push.apply(rows, more)`, `Object.assign(hits, counts)`).
  const borrowed = member ? '(?!)' : kind === 'object' ? `\\bObject\\s*\\.\\s*assign\\s*\\(\\s*` : methods.adds.length ? `\\.\\s*(?:${methods.adds.join('|')})\\s*\\.\\s*(?:apply|call)\\s*\\(\\s*` : '(?!)';
  const shown = member === 'index' ? `${name}[…]` : member === 'key' ? `${name}.get(…)` : name;
  const adds = sites(text, new RegExp(`${ref}${after}${addPattern(kind, call(methods.adds))}|${borrowed}(?:[\\w$]+\\s*\\??\\.\\s*)*${ref}${after}[,)]`, 'g'), name, shown, declared, within);
  // `name = []` empties a variable, but `const name = ...` declares it (at a position that may be
  // only approximate). A property set to a new value is mostly an object's constructor making it,
  // and in one file several classes may have a field of that name: not a removal, but set to a
  // bigger copy of itself it grows. An alias set anew is neither.
  // A property is set the same way as an object literal's key (`{ ...state, history: [...state.history, a] }`).
  const keyed = property === false ? '' : `|(?<![\\w$.?])${n}\\s*:(?!:)`;
  // A member set anew (`shards[i] = []`, `byTenant.set(t, new Map())`) is mostly its making.
  const reassigned = within || member ? '(?!)' : `(?<!\\b(?:const|let|var)\\s+)${ref}${after}=(?![=>])${keyed}`;
  const changed = sites(text, new RegExp(`(?:\\bdelete[ \\t]+${ref}${after}[[.]|${ref}${after}${call(methods.removes)}|${reassigned})`, 'g'), name, shown, declared, within);
  // A variable set to a copy of itself with more in it (`queue = [...inFlight, ...queue]`,
  // `state = { ...state, [id]: v }`, `list = list.concat(x)`) grows it.
  const plain = ({ line, column, call: c }: Found): TextSite => ({ line, column, call: c });
  const byPosition = (a: TextSite, b: TextSite) => a.line - b.line || a.column - b.column;
  const initial = property === false && !within && !member ? firstSet(text, name, changed) : undefined;
  const out = {
    adds: [...adds, ...changed.filter((x) => x.grows)].map(plain),
    removes: changed.filter((x) => !x.grows && (property === false || x.call !== `${name} =`) && x !== initial).map(plain),
  };
  // The holder under another name (`const { pending } = this`, `import { sessions as store }`):
  // its calls through that name, from where it is taken to the end of its block. Setting that
  // name anew replaces the alias only, not the holder's entries.
  if (!within) {
    // A member taken into a local (`let inner = byTenant.get(t)`) is added to through it.
    const aliases = member ? memberAliases(text, name, member) : holderAliases(text, name, property);
    for (const alias of aliases) {
      const w = scanWrites(text, alias.name, kind, alias.property ?? false, { within: alias.span });
      // In a helper, its parameter's call says little without the helper's name.
      const via = (x: TextSite) => (alias.via ? { ...x, call: `${alias.via}(): ${x.call}` } : x);
      out.adds.push(...w.adds.map(via));
      out.removes.push(...w.removes.map(via));
    }
  }
  return { adds: unique(out.adds).sort(byPosition).slice(0, MAX_SITES), removes: unique(out.removes).sort(byPosition).slice(0, MAX_SITES) };
}

/**
 * The one assignment of a variable declared without a value (`let cache;` then `cache = new
 * Map()` in an `init()`): where it is first set, not where it is emptied. Of two or more, which
 * one runs first cannot be read from the text, so each stays a removal. A holder found growing
 * is not one set anew on every request, which is what else a single assignment could be.
 */
function firstSet(text: string, name: string, changed: Found[]): Found | undefined {
  const sets = changed.filter((x) => !x.grows && x.call === `${name} =`);
  if (sets.length !== 1) return undefined;
  const n = name.replace(/\$/g, '\\$');
  return new RegExp(`\\b(?:let|var)\\s+${n}\\s*(?=[;,\\r\\n]|$)`, 'm').test(text) ? sets[0] : undefined;
}

function unique(list: TextSite[]): TextSite[] {
  return list.filter((x, i) => list.findIndex((y) => y.line === x.line && y.column === x.column) === i);
}

/** A site as found: `grows` for a reassignment that copies the holder into a bigger value. */
interface Found extends TextSite {
  grows?: true;
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

function sites(text: string, pattern: RegExp, name: string, shown: string, declared?: { line: number; column: number }, within?: Span): Found[] {
  const out: Found[] = [];
  for (const m of text.matchAll(pattern)) {
    // Under a constant key the name itself is not in the text: the constant's.
    const named = m[0].indexOf(name);
    const at = m.index + (named >= 0 ? named : Math.max(0, m[0].search(/[\w$]/)));
    if ((within && (m.index < within.from || m.index >= within.to)) || inComment(text, m.index)) continue;
    const pos = positionOf(text, at);
    // A member's accessor is shown as `[…]` or `.get(…)` whatever its argument.
    const call = shown === name ? callText(m[0], name) : callText(m[0].replace(MEMBER_ACCESS, ''), name).replace(name, shown);
    const copy = call === `${name} =` ? grownCopy(text.slice(m.index + m[0].length, m.index + m[0].length + 300), name) : null;
    // The declaration's `name = new Map()` (its column is not always the name's) makes it, not empties it.
    if (declared && pos.line === declared.line && call === `${name} =`) continue;
    out.push(copy ? { ...pos, call: copy, grows: true } : { ...pos, call });
    if (out.length >= MAX_SITES) break;
  }
  return out;
}

/** For `name = <rhs>`, the form of a right-hand side that copies `name` into a bigger value, or null. */
function grownCopy(rhs: string, name: string): string | null {
  const statement = rhs.split(/[;\n]/, 1)[0];
  // Copied bigger and then cut to a bound (`h = h.concat(x).slice(-500)`): not grown.
  if (/\.\s*(?:slice|filter|splice)\s*\(/.test(statement)) return null;
  // The holder read through its object (`this.entries = this.entries.concat(x)`) or bare.
  const n = `(?:[\\w$]+\\s*\\??\\.\\s*)*${name.replace(/\$/g, '\\$')}`;
  if (new RegExp(`^\\s*\\[[^\\]]*\\.\\.\\.\\s*${n}(?![\\w$])`).test(statement)) return `${name} = [...${name}, …]`;
  if (new RegExp(`^\\s*\\{[^}]*\\.\\.\\.\\s*${n}(?![\\w$])`).test(statement)) return `${name} = { ...${name}, … }`;
  if (new RegExp(`^\\s*${n}\\s*\\.\\s*concat\\s*\\(`).test(statement)) return `${name} = ${name}.concat(…)`;
  return null;
}

/** `name.set`, `name.length =`, `delete name[…]`, `name[…] =`, `name +=`, `name =`: what a reader looks for on the line. */
function callText(matched: string, name: string): string {
  const squeezed = matched.replace(/\s+/g, ' ').trim();
  const borrowed = /^(?:\.\s*(push|unshift)\s*\.\s*(apply|call)|Object\s*\.\s*assign)\s*\(/.exec(squeezed);
  if (borrowed) return borrowed[1] ? `${borrowed[1]}.${borrowed[2]}(${name}, …)` : `Object.assign(${name}, …)`;
  if (squeezed.startsWith('delete')) return `delete ${name}`;
  const verb = /(?:\?\.|\.)\s*(\w+)\s*[(=]$/.exec(squeezed)?.[1];
  if (verb === 'length') return `${name}.length =`;
  if (verb) return `${name}.${verb}`;
  // `this['pending'] = new Map()` sets the property itself, as `this.pending =` does.
  if (/^\[[^\]]*\]\s*=$/.test(squeezed)) return `${name} =`;
  if (/\]\s*(?:\?\?|\|\|)?=$/.test(squeezed)) return `${name}[…] =`;
  if (squeezed.endsWith('+=')) return `${name} +=`;
  return `${name} =`;
}
