import { readFileSync, statSync } from 'node:fs';
import { relative, isAbsolute, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TraceMap } from '@jridgewell/trace-mapping';
import { loadSourceMap, originalFiles, originalIdentifiers, originalPosition, type OriginalPosition } from './source-maps.ts';

/**
 * Script names in a snapshot are paths or file:// URLs of the code the process ran. When that
 * file is still on disk (the usual case: diagnose runs where the app ran) its text lets us
 * point at the line that declares a variable, which V8 cannot give for code that tsx/esbuild
 * rewrote (all on one line) and whose source and source map the snapshot cuts at 1024 chars.
 */
const MAX_SOURCE = 8 * 1024 * 1024;

export function scriptPath(scriptName: string): string | null {
  if (scriptName.startsWith('file://')) {
    try {
      return fileURLToPath(scriptName);
    } catch {
      return null;
    }
  }
  return isAbsolute(scriptName) ? scriptName : null;
}

/** Path relative to cwd when under it, else as given; URLs that are not files stay URLs. */
export function displayPath(scriptName: string, cwd = process.cwd()): string {
  const path = scriptPath(scriptName);
  if (!path) return scriptName;
  const rel = relative(cwd, path);
  return rel && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel) ? rel : path;
}

export class SourceFiles {
  private readonly cache = new Map<string, string | null>();
  private readonly maps = new Map<string, TraceMap | null>();
  private readonly identifiers = new Map<string, Map<string, Set<string>>>();

  /**
   * Where a 1-based (line, column) of a compiled script on disk came from, through the source
   * map the script names (path in the original's terms), or null without one.
   */
  original(scriptName: string, line: number, column: number): OriginalPosition | null {
    const map = this.mapOf(scriptName);
    return map ? originalPosition(map, line, column) : null;
  }

  /** The developer's files on disk a compiled script was made from, through its source map; empty without one. */
  originals(scriptName: string): string[] {
    const map = this.mapOf(scriptName);
    return map ? originalFiles(map) : [];
  }

  /**
   * The one name the source map gives every occurrence of an identifier of a compiled script
   * (a minified bundle's `n` is `audit`), or null: no map, the same name, or several names.
   */
  originalIdentifier(scriptName: string, name: string): string | null {
    const map = this.mapOf(scriptName);
    const path = scriptPath(scriptName);
    if (!map || !path) return null;
    let names = this.identifiers.get(path);
    if (!names) this.identifiers.set(path, (names = originalIdentifiers(map, this.read(scriptName)!)));
    const given = names.get(name);
    return given?.size === 1 && !given.has(name) ? [...given][0]! : null;
  }

  private mapOf(scriptName: string): TraceMap | null {
    const path = scriptPath(scriptName);
    const text = path ? this.read(scriptName) : null;
    if (!path || !text) return null;
    if (!this.maps.has(path)) this.maps.set(path, loadSourceMap(path, text));
    return this.maps.get(path) ?? null;
  }

  read(scriptName: string): string | null {
    const path = scriptPath(scriptName);
    if (!path) return null;
    if (this.cache.has(path)) return this.cache.get(path) ?? null;
    let text: string | null = null;
    try {
      // V8 counts a lone CR and U+2028/U+2029 as line ends, as editors do: one '\n' each, in the
      // same place, so every search here counts lines as V8 does and offsets stay the file's.
      if (statSync(path).size <= MAX_SOURCE) text = readFileSync(path, 'utf8').replace(/\r(?!\n)|[\u2028\u2029]/g, '\n');
    } catch {
      text = null;
    }
    this.cache.set(path, text);
    return text;
  }
}

/** A plain JavaScript identifier (`quotesBySku`), the only kind of name a declaration can have. */
export function isIdentifier(name: string): boolean {
  return /^[A-Za-z_$][\w$]*$/.test(name);
}

/** A class field's TypeScript modifiers, as a regular expression's source: `private readonly `. */
const FIELD_MODIFIERS = '(?:(?:private|protected|public|readonly|static|declare|override)\\s+)*';

/**
 * 1-based line and column of the first declaration of `name` in `text`, or null. A class's
 * private field (`#buckets`, as V8 names its edge) is declared in the class body
 * (`static #buckets = new Map()`) or first set with `this.#buckets =`.
 */
export function findDeclaration(text: string, name: string): { line: number; column: number } | null {
  const isPrivate = name.startsWith('#');
  if (!isIdentifier(isPrivate ? name.slice(1) : name)) return null;
  const n = `(${name.replace(/\$/g, '\\$')})`;
  if (isPrivate) return firstMatch(text, [`(?:^|[\\s;{])(?:static\\s+)?${n}\\s*[!?]?\\s*(?::[^;=\\n]+)?[=;](?![=>])`, `\\bthis\\s*\\.\\s*${n}\\s*=(?![=>])`]);
  const patterns = [
    `\\b(?:const|let|var)\\s+${n}(?![\\w$])`,
    `\\b(?:const|let|var)\\s*\\{[^}]*?(?<![\\w$])${n}(?![\\w$])[^}]*\\}\\s*=`,
    `\\bfunction\\s*\\*?\\s*${n}\\s*\\(`,
    `\\bclass\\s+${n}(?![\\w$])`,
    // TypeScript's namespaces and enums are objects kept in a variable of that name.
    `\\b(?:namespace|enum)\\s+${n}(?![\\w$])`,
    // Not tsc's `exports.cache = void 0;` above a module's code, which only makes the name.
    `(?:\\bthis|[\\w$\\])])\\.${n}\\s*=(?!=)(?!(?:\\s*[\\w$]+\\s*\\.\\s*[\\w$]+\\s*=)*\\s*void\\s+0\\b)`,
    // A TypeScript class field with a type and an initializer: `private readonly cache: Map<K, V> = new Map()`.
    `(?:^|[\\s;{])${FIELD_MODIFIERS}${n}\\s*[!?]?\\s*:[^;=\\n]+=(?![=>])`,
    `(?:^|[\\s{,(])${n}\\s*[:=]\\s*(?:async\\b|function\\b|\\(|new\\b|\\[|\\{)`,
  ];
  return firstMatch(text, patterns);
}

/**
 * Like findDeclaration, for a field of an object: where it is set on `this` or declared in a
 * class body comes before a local of the same name (`const { pending } = this` in a method reads
 * the field; the constructor's `this.pending = new Map()` makes it).
 */
export function findFieldDeclaration(text: string, name: string): { line: number; column: number } | null {
  if (name.startsWith('#') || !isIdentifier(name)) return findDeclaration(text, name);
  const n = `(${name.replace(/\$/g, '\\$')})`;
  const field = [
    `\\bthis\\s*\\.\\s*${n}\\s*=(?![=>])`,
    // A bundler may mark the value pure (esbuild's `pending = /* @__PURE__ */ new Map()`).
    `(?:^|[\\s;{])${FIELD_MODIFIERS}${n}\\s*[!?]?\\s*(?::[^;=\\n]+)?=(?![=>])\\s*(?:/\\*[^*\\n]*\\*/\\s*)?(?:new\\b|\\[|\\{)`,
    // Babel's class fields (`_defineProperty(this, "events", [])`, `(0, _defineProperty2.default)(this, ...)`) and a field defined by hand.
    `[dD]efineProperty\\d*(?:\\.default)?\\)?\\s*\\(\\s*this\\s*,\\s*["'\`]${n}["'\`]`,
  ];
  return firstMatch(text, field) ?? findComputedField(text, name) ?? findDeclaration(text, name);
}

/**
 * A field set under a constant key, `this[PENDING] = new Map()` with `const PENDING =
 * 'pendingRequests'` in the file: the position of the key in that assignment, or null.
 */
function findComputedField(text: string, name: string): { line: number; column: number } | null {
  for (const key of constantKeys(text, name)) {
    const at = firstMatch(text, [`\\bthis\\s*\\[\\s*(${key.replace(/\$/g, '\\$')})\\s*\\]\\s*(?:\\?\\?|\\|\\|)?=(?![=>])`]);
    if (at) return at;
  }
  return null;
}

/** The constants a text declares with `name` as their value (`PENDING` of `const PENDING = 'pendingRequests'`): keys the property is set and read under. */
export function constantKeys(text: string, name: string): string[] {
  const keys = text.matchAll(new RegExp(`\\b(?:const|let|var)\\s+([A-Za-z_$][\\w$]*)\\s*=\\s*(['"\`])${name.replace(/\$/g, '\\$')}\\2`, 'g'));
  return [...new Set([...keys].map((m) => m[1]!))];
}

/**
 * Where the first of `patterns` (most telling first) that matches puts its group 1, or null. A
 * match in a comment (`// export const tokenCache = new Map()`) gives way to any in code; when
 * all are in comments as far as inComment can tell (it takes `//` in a string for one), the
 * first of those counts.
 */
function firstMatch(text: string, patterns: string[]): { line: number; column: number } | null {
  let commented: number | undefined;
  for (const p of patterns) {
    for (const m of text.matchAll(new RegExp(p, 'gmd'))) {
      const at = m.indices?.[1]?.[0];
      if (at === undefined) continue;
      if (!inComment(text, m.index)) return positionOf(text, at);
      commented ??= at;
    }
  }
  return commented === undefined ? null : positionOf(text, commented);
}

/**
 * 1-based line and column of the first assignment of `name` as a property of the global object
 * (`globalThis.name =`, `global.name =`, `window['name'] =`), or null.
 */
export function findGlobalAssignment(text: string, name: string): { line: number; column: number } | null {
  const symbol = /^<symbol (.+)>$/.exec(name)?.[1];
  if (symbol !== undefined) return findGlobalSymbolAssignment(text, symbol);
  if (!isIdentifier(name)) return null;
  return assignedOnGlobal(text, propertyAccess(name));
}

/**
 * The same for a key made by `Symbol.for(description)`, the way a package keeps one copy of its
 * state however many copies of it are loaded: `globalThis[Symbol.for('acme.registry')] = []`,
 * or through a constant (`const REGISTRY = Symbol.for('acme.registry')`, then `globalThis[REGISTRY]`).
 */
function findGlobalSymbolAssignment(text: string, description: string): { line: number; column: number } | null {
  // Group 2 is the quote in both expressions below: the access's group 1, or the constant's name, comes first.
  const key = `Symbol\\.for\\(\\s*(['"\`])${description.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\2\\s*\\)`;
  const direct = assignedOnGlobal(text, `\\[\\s*(${key})\\s*\\]`);
  if (direct) return direct;
  const constant = new RegExp(`\\b(?:const|let|var)\\s+([\\w$]+)\\s*=\\s*${key}`).exec(text)?.[1];
  return constant ? assignedOnGlobal(text, `\\[\\s*(${constant.replace(/\$/g, '\\$')})\\s*\\]`) : null;
}

/** The first `globalThis<access> =` (else `??=` or `||=`), at the access's group 1 or 3. */
function assignedOnGlobal(text: string, access: string): { line: number; column: number } | null {
  const target = `\\b(?:globalThis|global|window|self)\\s*${access}\\s*`;
  // A plain `=` makes it; failing that, `globalThis.x ??= new Map()` (or `||=`) on first use.
  const m = new RegExp(`${target}=(?![=>])`, 'd').exec(text) ?? new RegExp(`${target}(?:\\?\\?|\\|\\|)=`, 'd').exec(text);
  const at = m?.indices?.[1]?.[0] ?? m?.indices?.[3]?.[0];
  return at === undefined ? null : positionOf(text, at);
}

/**
 * 1-based line and column of `name` given as a key by string (`app.set('renderCache', new
 * Map())`, `registry.register("renderCache", ...)`), as the first argument of a call, or null:
 * where a library's object was handed the holder under that name.
 */
export function findKeyArgument(text: string, name: string): { line: number; column: number } | null {
  if (!isIdentifier(name) || name.length < 3) return null;
  const n = name.replace(/\$/g, '\\$');
  const m = new RegExp(`\\(\\s*(['"\`])(${n})\\1\\s*,`, 'd').exec(text);
  const at = m?.indices?.[2]?.[0];
  return at === undefined ? null : positionOf(text, at);
}

/**
 * 1-based line and column of the call that adds a listener for `event` (`priceBus.on('price',`,
 * `signal.addEventListener("abort",`, `.once(`, `.prependListener(`...), or null: where a listener
 * is added, found from the event's name when the callback's own position is lost (TypeScript
 * that tsx rewrites onto one line). With `owner`, a call on it (`priceBus.on(`) comes first; the
 * position is the owner's, else the method's.
 */
export function findListenerCall(text: string, event: string, owner = ''): { line: number; column: number } | null {
  if (!event || event.length > 200) return null;
  const quoted = event.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const call = `\\.\\s*(?:on|once|addListener|prependListener|prependOnceListener|addEventListener)\\s*\\(\\s*(['"\`])${quoted}\\1`;
  if (isIdentifier(owner)) {
    const onOwner = new RegExp(`(?<![\\w$])(${owner.replace(/\$/g, '\\$')})\\s*${call.replace('\\1', '\\2')}`, 'd').exec(text);
    const at = onOwner?.indices?.[1]?.[0];
    if (at !== undefined) return positionOf(text, at);
  }
  const any = new RegExp(call, 'd').exec(text);
  return any ? positionOf(text, any.index + 1) : null;
}

/**
 * 1-based line and column of the `setInterval(` or `setTimeout(` call that sets timers with this
 * delay (ms): the one whose arguments hold the delay, written as digits (`30_000`), as seconds
 * (`30 * 1000`), or as a constant the file declares with that value (`HEARTBEAT_MS`); failing
 * that, the file's only such call. null when it cannot be told.
 */
export function findTimerCall(text: string, delay: number): { line: number; column: number } | null {
  if (!Number.isInteger(delay) || delay < 0) return null;
  // Digits with numeric separators allowed anywhere between them (`30_000`).
  const digits = (n: number) => String(n).split('').join('_?');
  const forms = [digits(delay)];
  if (delay >= 1000 && delay % 1000 === 0) forms.push(`${digits(delay / 1000)}\\s*\\*\\s*1_?000`, `1_?000\\s*\\*\\s*${digits(delay / 1000)}`);
  const value = `(?<![\\w$.])(?:${forms.join('|')})(?![\\w$.])`;
  const constants = [...text.matchAll(new RegExp(`\\b(?:const|let|var)\\s+([\\w$]+)\\s*(?::\\s*number\\s*)?=\\s*${value}`, 'g'))].map((m) => m[1]);
  const wanted = new RegExp(constants.length > 0 ? `${value}|(?<![\\w$])(?:${constants.map((c) => c.replace(/\$/g, '\\$')).join('|')})(?![\\w$])` : value);
  const calls = [...text.matchAll(/(?<![\w$])set(?:Interval|Timeout)\s*\(/g)];
  const call = calls.find((c) => wanted.test(callArguments(text, c.index + c[0].length))) ?? (calls.length === 1 ? calls[0] : undefined);
  return call ? positionOf(text, call.index) : null;
}

/**
 * 1-based line and column of the first call to one of `calls` (`readline.createInterface(`,
 * `once(`, `.pipe(`) that names `owner` as a whole word among its arguments, or, for a method,
 * as its receiver (`commands.pipe(`), and which of `calls` it is; null when no call does.
 */
export function findApiCall(text: string, calls: readonly string[], owner: string, method: boolean): { call: string; line: number; column: number } | null {
  if (!isIdentifier(owner) || calls.length === 0) return null;
  const ownerWord = new RegExp(`(?<![\\w$])${owner.replace(/\$/g, '\\$')}(?![\\w$])`);
  // A function may be called through its module (`events.once(`); a method only on something (`.pipe(`).
  for (const call of calls) {
    const callee = method ? `([\\w$]+)\\s*\\.\\s*(${call})` : `(?<![\\w$.])(?:([\\w$]+)\\s*\\.\\s*)?(${call})`;
    for (const m of text.matchAll(new RegExp(`${callee}\\s*\\(`, 'g'))) {
      const receiver = m[1];
      // `jobs.once('done', ...)` is the emitter's own method, with the developer's callback: not the API.
      if ((!method && receiver === owner) || inComment(text, m.index)) continue;
      const args = callArguments(text, m.index + m[0].length);
      if (ownerWord.test(args) || (method && receiver === owner)) return { call, ...positionOf(text, m.index) };
    }
  }
  return null;
}

/** 1-based line and column of the first `new Name(` (or `new module.Name(`) outside a comment, or null; see `findOpener`. */
export function findConstruction(text: string, name: string): { line: number; column: number } | null {
  return findOpener(text, [name], []);
}

/**
 * Where the code makes a class's objects (`new BroadcastChannel(`) or calls a function
 * (`URL.createObjectURL(`), whichever comes first, outside comments and declarations. What piles
 * up is made again and again, so inside a function: a call on an indented line comes before one
 * at the top level (`const { port1 } = new MessageChannel()`, run once).
 */
export function findOpener(text: string, constructs: readonly string[], calls: readonly string[]): { line: number; column: number } | null {
  const names = (list: readonly string[]) => list.filter(isIdentifier).map((n) => n.replace(/\$/g, '\\$')).join('|');
  const patterns = [
    constructs.length ? `(?<![\\w$.])new\\s+(?:[\\w$]+\\s*\\.\\s*)?(?:${names(constructs)})\\s*\\(` : '',
    calls.length ? `(?<![\\w$.]|function\\s+|new\\s+)(?:[\\w$]+\\s*\\.\\s*)?(?:${names(calls)})\\s*\\(` : '',
  ].filter((p) => p && !p.includes('(?:)'));
  if (patterns.length === 0) return null;
  return firstCall(text, new RegExp(patterns.join('|'), 'g'));
}

/**
 * 1-based line and column of the first `Symbol.for(` whose key is not one string literal (a
 * template, a variable: a key per request, per object), or null. Constant keys are a fixed set.
 */
export function findKeyedSymbolFor(text: string): { line: number; column: number } | null {
  return findQualifiedCall(text, ['Symbol.for'], (end) => !/^\s*(?:'[^'\\\n]*'|"[^"\\\n]*"|`[^`$\\]*`)\s*\)/.test(text.slice(end, end + 300)));
}

/** 1-based line and column of the first call of one of `calls` (`AbortSignal.timeout`: an object's method, as written) that `accept` takes, or null. */
export function findQualifiedCall(text: string, calls: readonly string[], accept?: (end: number) => boolean): { line: number; column: number } | null {
  const names = calls.map((c) => c.split('.').map((part) => part.replace(/\$/g, '\\$')).join('\\s*\\.\\s*')).join('|');
  return firstCall(text, new RegExp(`(?<![\\w$.])(?:${names})\\s*\\(`, 'g'), accept);
}

/**
 * The first match of `pattern` (global) outside comments that `accept` takes (given the offset
 * just past the match), one on an indented line (inside a function, run on every call) before
 * one at the top level (run once).
 */
function firstCall(text: string, pattern: RegExp, accept: (end: number) => boolean = () => true): { line: number; column: number } | null {
  let first = -1;
  for (const m of text.matchAll(pattern)) {
    if (inComment(text, m.index) || !accept(m.index + m[0].length)) continue;
    const lineStart = text.lastIndexOf('\n', m.index - 1) + 1;
    if (text[lineStart] === ' ' || text[lineStart] === '\t') return positionOf(text, m.index);
    if (first < 0) first = m.index;
  }
  return first >= 0 ? positionOf(text, first) : null;
}

/** Whether `offset` is in a `//` comment on its line or inside a block comment. */
export function inComment(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  if (text.slice(lineStart, offset).includes('//')) return true;
  return text.lastIndexOf('/*', offset) > text.lastIndexOf('*/', offset);
}

/** The text of a call's arguments from just after its `(` to the matching `)` (at most 4 KB). */
export function callArguments(text: string, from: number): string {
  let depth = 0;
  const end = Math.min(text.length, from + 4096);
  for (let i = from; i < end; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return text.slice(from, i);
      depth--;
    }
  }
  return text.slice(from, end);
}

/**
 * 1-based line and column of the first assignment to a property `name` (`app.context.name = []`,
 * `obj['name'] ??= new Map()`), or null: where code set a field on an object it does not define.
 */
export function findPropertyAssignment(text: string, name: string): { line: number; column: number } | null {
  if (!isIdentifier(name) || name.length < 3) return null;
  return propertyAssignment(text, '', name);
}

/**
 * 1-based line and column (at the field) of the first assignment to `owner.field` (`owner` the
 * last step before it: `app.locals.seen = []` and `(app.locals.seen ??= []).push(x)` for
 * `locals.seen`), or else of the field's name handed to a method of the owner (a plugin API's
 * `app.decorate('seen', [])`), or null. Stricter than a field's name alone, which a common word
 * (`stack`, `items`) would find anywhere.
 */
export function findPropertyPathAssignment(text: string, path: string): { line: number; column: number } | null {
  const [owner, field, ...more] = path.split('.');
  if (more.length > 0 || !owner || !field || !isIdentifier(owner) || !isIdentifier(field)) return null;
  const o = `(?<![\\w$])${owner.replace(/\$/g, '\\$')}\\s*\\??`;
  const assigned = propertyAssignment(text, o, field);
  if (assigned) return assigned;
  const handed = new RegExp(`${o}\\.\\s*[\\w$]+\\s*\\(\\s*(['"\`])(${field.replace(/\$/g, '\\$')})\\1\\s*,`, 'd').exec(text)?.indices?.[2]?.[0];
  return handed === undefined ? null : positionOf(text, handed);
}

/** The first assignment (`=`, `??=`, `||=`) to `.field` or `['field']` after `before` (a regular expression's source), at the field. */
function propertyAssignment(text: string, before: string, field: string): { line: number; column: number } | null {
  const m = new RegExp(`${before}${propertyAccess(field)}\\s*(?:\\?\\?|\\|\\|)?=(?![=>])`, 'd').exec(text);
  const at = m?.indices?.[1]?.[0] ?? m?.indices?.[3]?.[0];
  return at === undefined ? null : positionOf(text, at);
}

/**
 * A regular expression's source for `.name` or `['name']` (any quote); the name is its groups 1
 * and 3, the quote group 2.
 */
function propertyAccess(name: string): string {
  const n = `(${name.replace(/\$/g, '\\$')})`;
  return `(?:\\.\\s*${n}(?![\\w$])|\\[\\s*(['"\`])${n}\\2\\s*\\])`;
}

/**
 * `find` run on the text from a 1-based position on (a class's start), its answer given in the
 * whole text's lines and columns; null when nothing matches after that point.
 */
export function findAfter(
  text: string,
  name: string,
  from: { line: number; column: number },
  find: (text: string, name: string) => { line: number; column: number } | null,
): { line: number; column: number } | null {
  if (from.line < 1) return null;
  let offset = 0;
  for (let line = 1; line < from.line; line++) {
    const end = text.indexOf('\n', offset);
    if (end < 0) return null;
    offset = end + 1;
  }
  offset += Math.max(0, from.column - 1);
  const found = find(text.slice(offset), name);
  if (!found) return null;
  const start = positionOf(text, offset);
  return found.line === 1 ? { line: start.line, column: start.column + found.column - 1 } : { line: start.line + found.line - 1, column: found.column };
}

export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
