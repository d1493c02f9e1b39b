import { callArguments, inComment, isIdentifier } from './source-files.ts';

/** A part of a text, by offsets: `from` included, `to` not. */
export interface Span {
  from: number;
  to: number;
}

/** Another name a text gives a holder, where that name means it, and the helper function it is a parameter of. */
export interface HolderAlias {
  name: string;
  span: Span;
  /** The function whose parameter it is (`remember` of `function remember(cache, key)`). */
  via?: string;
  /** A property of the same object, not a variable: a getter that returns the holder (`this.breadcrumbs`). */
  property?: true;
}

/** At most this many helper functions followed for one holder. */
const MAX_HELPERS = 4;

/**
 * The names a text gives the holder `name` as it takes it: destructured (`const { pending } =
 * this`, `const { sessions: store } = require(...)`) or read into a local (`const table =
 * this.pending;`) when the holder is a property; imported under another name (`import {
 * sessions as store }`); a variable copied (`const table = pending;`); a parameter of a function
 * of the same text that it is passed to (`remember(this.cache, key)` of `function
 * remember(cache, key) { cache.set(...) }`); a getter that returns the holder property (`get
 * breadcrumbs() { return this._breadcrumbs; }`, used as `this.breadcrumbs.push(...)`). Each with
 * the part of the text where it means the holder.
 */
export function holderAliases(text: string, name: string, property: boolean | 'either'): HolderAlias[] {
  const n = name.replace(/\$/g, '\\$');
  const out: HolderAlias[] = [];
  const add = (alias: string | undefined, m: RegExpMatchArray, module = false) => {
    if (!alias || !isIdentifier(alias) || alias.length < 2 || inComment(text, m.index ?? 0)) return;
    // Bare, the name is searched already unless only as a property.
    if (alias === name && property !== true) return;
    const from = (m.index ?? 0) + m[0].length;
    if (!out.some((a) => a.name === alias)) out.push({ name: alias, span: { from, to: module ? text.length : blockEnd(text, from) } });
  };
  for (const m of text.matchAll(new RegExp(`\\bimport\\s*(?:type\\s+)?\\{[^}]*?(?<![\\w$])${n}\\s+as\\s+([\\w$]+)`, 'g'))) add(m[1], m, true);
  if (property !== false) {
    for (const m of text.matchAll(/\b(?:const|let|var)\s*\{([^}]*)\}\s*=/g)) {
      for (const entry of m[1].split(',')) {
        const [key, renamed] = entry.split('=')[0].split(':').map((x) => x.trim());
        if (key === name) add(renamed || key, m);
      }
    }
    for (const m of text.matchAll(new RegExp(`\\b(?:const|let|var)\\s+([\\w$]+)\\s*=\\s*[\\w$]+(?:\\s*\\.\\s*[\\w$]+)*\\s*\\.\\s*${n}\\s*(?=;|\\n|$)`, 'gm'))) add(m[1], m);
    out.push(...getters(text, name).filter((g) => !out.some((a) => a.name === g.name)));
  }
  if (property !== true) {
    for (const m of text.matchAll(new RegExp(`\\b(?:const|let|var)\\s+([\\w$]+)\\s*=\\s*${n}\\s*(?=;|\\n|$)`, 'gm'))) add(m[1], m);
  }
  return [...out, ...helperParameters(text, name, property)];
}

/**
 * A member of a group kept in a holder, read into a local (`let inner = byTenant.get(tenant)`,
 * `const shard = shards[n % 16] ??= []`): that local, to the end of its block; or visited by a
 * loop (loopAliases).
 */
export function memberAliases(text: string, name: string, member: 'index' | 'key'): HolderAlias[] {
  const n = name.replace(/\$/g, '\\$');
  const through = member === 'index' ? '\\[[^\\]\\n]+\\]' : '\\s*\\??\\.\\s*get\\s*\\([^()\\n]*\\)';
  const out: HolderAlias[] = [];
  for (const m of text.matchAll(new RegExp(`\\b(?:const|let|var)\\s+([\\w$]+)\\s*(?::[^=;\\n]+)?=\\s*(?:[\\w$]+\\s*\\??\\.\\s*)*(?<![\\w$])${n}${through}`, 'g'))) {
    const alias = m[1];
    if (!isIdentifier(alias) || alias.length < 2 || inComment(text, m.index) || out.some((a) => a.name === alias)) continue;
    const from = m.index + m[0].length;
    out.push({ name: alias, span: { from, to: blockEnd(text, from) } });
  }
  // Each loop's variable in its own body: two loops may use one name.
  return [...out, ...loopAliases(text, n, member)];
}

/**
 * A member of a group visited by a loop: `for (const shard of shards) shard.push(x)`, `for (const
 * [, inner] of byTenant)`, `for (const inner of byTenant.values())`, `shards.forEach((shard) =>
 * ...)`: the loop's variable, in the loop's body only (the same name may be another loop's).
 */
function loopAliases(text: string, n: string, member: 'index' | 'key'): HolderAlias[] {
  const holder = `(?:[\\w$]+\\s*\\??\\.\\s*)*(?<![\\w$])${n}`;
  const declared = '(?:const|let|var)\\s+';
  // A dictionary's members are its values.
  const members = member === 'index' ? `(?:Object\\s*\\.\\s*values\\s*\\(\\s*${holder}\\s*\\)|${holder})` : holder;
  const forOf =
    member === 'index'
      ? `\\bfor\\s*\\(\\s*${declared}([\\w$]+)\\s+of\\s+${members}\\s*\\)`
      : `\\bfor\\s*\\(\\s*${declared}(?:([\\w$]+)\\s+of\\s+${holder}\\s*\\.\\s*values\\s*\\(\\s*\\)|\\[\\s*[\\w$]*\\s*,\\s*([\\w$]+)\\s*\\]\\s+of\\s+${holder}(?:\\s*\\.\\s*entries\\s*\\(\\s*\\))?)\\s*\\)`;
  // A Map's forEach gives the value first, as an array's gives the element.
  const forEach = `${members}\\s*\\.\\s*forEach\\s*\\(\\s*(?:async\\s+)?(?:\\(\\s*([\\w$]+)[^)]*\\)\\s*(?::[^=]+)?=>|function\\s*[\\w$]*\\s*\\(\\s*([\\w$]+)[^)]*\\)|([\\w$]+)\\s*=>)`;
  const out: HolderAlias[] = [];
  for (const m of text.matchAll(new RegExp(`${forOf}|${forEach}`, 'g'))) {
    const alias = m.slice(1).find((x) => x !== undefined);
    if (!alias || !isIdentifier(alias) || alias.length < 2 || inComment(text, m.index)) continue;
    out.push({ name: alias, span: loopBody(text, m.index + m[0].length) });
  }
  return out;
}

/** A loop's or a callback's body, from just after its header: a block, or one statement. */
function loopBody(text: string, from: number): Span {
  const start = from + (/^\s*/.exec(text.slice(from))?.[0].length ?? 0);
  return text[start] === '{' ? { from: start + 1, to: blockEnd(text, start + 1) } : { from: start, to: statementEnd(text, start) };
}

/** Getters of the text that return the holder property, made lazily or not: the getter's name, as a property, in the whole text. */
function getters(text: string, name: string): HolderAlias[] {
  const n = name.replace(/\$/g, '\\$');
  const returns = new RegExp(`\\breturn\\s*\\(?\\s*this\\s*\\.\\s*${n}(?![\\w$])`);
  const out: HolderAlias[] = [];
  for (const m of text.matchAll(/(?<![\w$.])get\s+(#?[\w$]+)\s*\(\s*\)\s*(?::[^{;]+)?\{/g)) {
    const alias = m[1];
    if (alias === name || !isIdentifier(alias.replace(/^#/, '')) || inComment(text, m.index)) continue;
    const from = m.index + m[0].length;
    if (returns.test(text.slice(from, blockEnd(text, from)))) out.push({ name: alias, span: { from: 0, to: text.length }, property: true });
  }
  return out;
}

/**
 * The holder passed whole to a function the same text declares (`remember(this.cache, key)`):
 * that function's parameter in that position, within its body.
 */
function helperParameters(text: string, name: string, property: boolean | 'either'): HolderAlias[] {
  const n = name.replace(/\$/g, '\\$');
  // The argument as written: bare for a variable, through its object for a property.
  const argument = new RegExp(property === true ? `^(?:[\\w$]+\\s*\\??\\.\\s*)+${n}$` : property === false ? `^${n}$` : `^(?:[\\w$]+\\s*\\??\\.\\s*)*${n}$`);
  const out: HolderAlias[] = [];
  for (const m of text.matchAll(/(?<![\w$])([A-Za-z_$][\w$]*)\s*\(/g)) {
    if (out.length >= MAX_HELPERS) break;
    const fn = m[1];
    if (KEYWORDS.has(fn) || out.some((a) => a.via === fn) || inComment(text, m.index)) continue;
    const inside = callArguments(text, m.index + m[0].length);
    // A declaration (`remember(cache, key) {`), not a call.
    if (/^\)\s*(?::[^;{}]+)?(?:\{|=>)/.test(text.slice(m.index + m[0].length + inside.length, m.index + m[0].length + inside.length + 200))) continue;
    const args = topLevelParts(inside);
    const at = args.findIndex((a) => argument.test(a));
    if (at < 0) continue;
    const helper = functionDeclaration(text, fn);
    const param = helper?.params[at];
    if (helper && param && isIdentifier(param)) out.push({ name: param, span: helper.body, via: fn });
  }
  return out;
}

const KEYWORDS = new Set(['if', 'for', 'while', 'switch', 'catch', 'function', 'return', 'typeof', 'await', 'new', 'super', 'import', 'require']);

/** A function the text declares by `name`: its parameters' names (empty for a pattern) and its body. */
export function functionDeclaration(text: string, name: string): { params: string[]; body: Span } | null {
  const n = name.replace(/\$/g, '\\$');
  const forms = [
    `\\bfunction\\s*\\*?\\s*${n}\\s*\\(`,
    // A method of a class or an object literal: `remember(cache, key) {`.
    `(?:^|[\\s;{},])(?:(?:async|static|private|protected|public)\\s+)*${n}\\s*\\(`,
    `\\b${n}\\s*=\\s*(?:async\\s+)?(?:function\\s*\\*?\\s*[\\w$]*\\s*)?\\(`,
  ];
  for (const form of forms) {
    for (const m of text.matchAll(new RegExp(form, 'gm'))) {
      const open = m.index + m[0].length;
      const params = callArguments(text, open);
      const after = text.slice(open + params.length + 1, open + params.length + 200);
      // A body follows the parameters (after a TypeScript return type, or an arrow).
      const body = /^\s*(?::[^{=]+)?(=>)?\s*(\{)?/.exec(after);
      if (!body || (!body[1] && !body[2]) || (form === forms[1] && !body[2]) || inComment(text, m.index)) continue;
      const start = open + params.length + 1 + body[0].length;
      const end = body[2] ? blockEnd(text, start) : statementEnd(text, start);
      const names = topLevelParts(params).map((p) => p.split('=')[0].replace(/:.*$/s, '').replace(/[?]$/, '').trim());
      return { params: names.map((x) => (isIdentifier(x) ? x : '')), body: { from: start, to: end } };
    }
  }
  return null;
}

/** Parts of a list split at its top-level commas, trimmed. */
function topLevelParts(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === '(' || c === '[' || c === '{' || c === '<') depth++;
    else if (c === ')' || c === ']' || c === '}' || (c === '>' && list[i - 1] !== '=')) depth--;
    else if (c === ',' && depth === 0) {
      parts.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(list.slice(start).trim());
  return parts;
}

/** Where an arrow function's expression body ends: its statement's `;`, or the line's end. */
function statementEnd(text: string, from: number): number {
  const m = /[;\n]/.exec(text.slice(from));
  return m ? from + m.index : text.length;
}

/**
 * Where the block that `from` is in ends: the offset of its closing brace, or the text's end at
 * the top level. Braces in strings and comments do not count; a template's `${` does.
 */
function blockEnd(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') i = text.indexOf('\n', i) < 0 ? text.length : text.indexOf('\n', i);
    else if (c === '/' && text[i + 1] === '*') i = text.indexOf('*/', i + 2) < 0 ? text.length : text.indexOf('*/', i + 2) + 1;
    else if (c === '"' || c === "'") {
      for (i++; i < text.length && text[i] !== c && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth < 0) return i;
  }
  return text.length;
}
