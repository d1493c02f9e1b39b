import { localNames, unnamedSlots } from './block-scope-names.ts';
import { isInternal } from './code-ownership.ts';
import type { FinalGraph } from './final-graph.ts';
import { isIdentifier } from './source-files.ts';

/**
 * The name of a block scope's variable that the snapshot left unnamed because the slot order
 * was in doubt (see block-scope-names.ts): a variable holding a small integer takes no index in
 * the drawing. The source of the scope's closures says which of its variables start as a number
 * (`let hits = 0`); without those, the names line up with the indices again, and are used only
 * if their count matches. null when the source is not on disk or does not settle it.
 */
export function hiddenSlotName(g: FinalGraph, context: number, index: number): string | null {
  const { s, k } = g;
  if (s.nodeName[context] !== k.systemContext) return null;
  const slots = unnamedSlots(s, context, k.scopeInfo);
  const names = slots ? localNames(s, slots.info) : null;
  if (!slots || !names) return null;
  const { maxHidden } = slots;
  if (names.length <= maxHidden + 1) return null;
  const text = sourceOf(g, context);
  if (!text) return null;
  const indexed: number[] = [];
  for (const name of names) {
    // A compiler-made slot (-1) holds an object: it keeps its index.
    if (name < 0 || !startsAsNumber(text, s.strings.get(name))) indexed.push(name);
  }
  if (indexed.length !== maxHidden + 1) return null;
  const name = indexed[index];
  return name === undefined || name < 0 ? null : s.strings.get(name);
}

/** The source text of the developer's script that a closure over `context` is in. */
function sourceOf(g: FinalGraph, context: number): string | null {
  for (const c of g.scripts.closuresOf(context)) {
    const site = g.scripts.site(c);
    if (site && !isInternal(site.script)) return g.sources.read(site.script);
  }
  return null;
}

/** `let hits = 0`, `var n = -1`: a variable that starts as an integer literal. */
export function startsAsNumber(text: string, name: string): boolean {
  if (!isIdentifier(name)) return false;
  const n = name.replace(/\$/g, '\\$');
  // An integer (a small one is no object); `0.5` is a heap number, which takes its index.
  return new RegExp(`\\b(?:let|var|const)\\s+${n}\\s*(?::\\s*number\\s*)?=\\s*-?(?:0[xob][\\da-f_]+|\\d[\\d_]*)(?![\\w.])`, 'i').test(text);
}
