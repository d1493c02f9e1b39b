import { edgeNameOf, edgeTarget } from './heap-snapshot.ts';
import type { FinalGraph } from './final-graph.ts';
import { classOf } from './holder-contents.ts';
import { isModuleScope } from './scopes.ts';

/** A variable that each piled-up function's scope keeps alive, and about how much with it. */
export interface ScopeKept {
  variable: string;
  /** Its value's class (`Buffer`, `IncomingMessage`). */
  className: string;
  /** Bytes it alone keeps alive, on average over the functions looked at. */
  bytes: number;
}

/** How many of the newest functions are looked at. */
const SAMPLE = 50;
/** Below this, what a scope keeps is not what makes the entries heavy. */
const MIN_BYTES = 1024;

/**
 * When what piles up is functions (callbacks pushed to a list, listeners), what makes each one
 * heavy is often not the function but the scope it was made in: V8 keeps one scope per call
 * for all the closures made in it, so a variable that any of them uses (a request body, a
 * buffer) lives as long as the longest-lived one, even if that one never reads it. The
 * variable that such scopes keep most of, when it is the same in most of them; else null.
 */
export function scopeKept(g: FinalGraph, entries: readonly number[]): ScopeKept | null {
  const { s, k, dom } = g;
  const closures = entries.filter((v) => s.nodeType[v] === s.types.closure);
  if (closures.length === 0 || closures.length * 2 < entries.length) return null;
  const sample = closures.slice(-SAMPLE);
  const byName = new Map<string, { count: number; bytes: number; className: string }>();
  for (const fn of sample) {
    const scope = edgeTarget(s, fn, s.types.edgeInternal, k.context);
    if (scope < 0 || s.nodeName[scope] !== k.systemContext || isModuleScope(g, scope)) continue;
    for (let e = s.firstEdge[scope]; e < s.firstEdge[scope + 1]; e++) {
      const value = s.edgeTo[e];
      if (s.edgeType[e] !== s.types.edgeContext || dom.idom[value] !== scope) continue;
      const name = edgeNameOf(s, e);
      const seen = byName.get(name) ?? { count: 0, bytes: 0, className: classOf(g, value) ?? 'object' };
      seen.count++;
      seen.bytes += dom.retainedSize[value];
      byName.set(name, seen);
    }
  }
  let best: ScopeKept | null = null;
  for (const [variable, seen] of [...byName].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const bytes = seen.bytes / seen.count;
    if (seen.count * 2 < sample.length || bytes < MIN_BYTES || (best && bytes <= best.bytes)) continue;
    best = { variable, className: seen.className, bytes: Math.round(bytes) };
  }
  return best;
}
