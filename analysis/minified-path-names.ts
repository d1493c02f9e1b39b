import { resolve } from 'node:path';
import type { FinalGraph } from './final-graph.ts';
import type { Leak, PathStep } from './report-types.ts';
import { isIdentifier } from './source-files.ts';

/**
 * A minified bundle's retainer path in the names its source map gives back: `n (variable) r`
 * becomes `audit (variable) AuditStore`. Only a leak located through a source map is looked at,
 * in the compiled file it was located in, and a name is given back only when the map gives all
 * of that identifier's occurrences one name: a letter the minifier used for several variables
 * stays as it is, rather than be called by another variable's name.
 */
export function renameMinifiedPaths(g: FinalGraph, leaks: Leak[]): void {
  for (const leak of leaks) {
    const compiled = leak.location?.generated?.file;
    if (!compiled) continue;
    const script = resolve(compiled);
    leak.retainerPath = renamed(g, script, leak.retainerPath);
    if (leak.fullRetainerPath) leak.fullRetainerPath = renamed(g, script, leak.fullRetainerPath);
  }
}

function renamed(g: FinalGraph, script: string, steps: PathStep[]): PathStep[] {
  const original = (name: string) => (isIdentifier(name) ? g.sources.originalIdentifier(script, name) : null);
  return steps.map((step) => {
    const edge = step.edgeType === 'context' ? original(step.edge) : null;
    // An instance is named after its class: the minifier's name for the class.
    const node = step.nodeType === 'object' ? original(step.node) : null;
    return edge || node ? { ...step, ...(edge ? { edge } : {}), ...(node ? { node } : {}) } : step;
  });
}
