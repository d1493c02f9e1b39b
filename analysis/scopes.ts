import { edgeTarget, nodeNameOf } from './heap-snapshot.ts';
import type { FinalGraph } from './final-graph.ts';

/**
 * A module's top-level Context: an ES module's `extension` is its module record; a CommonJS
 * module's scope is that of the wrapper function Node compiles it into, a function with no
 * outer scope but the realm's (`previous` is the NativeContext).
 */
export function isModuleScope(g: FinalGraph, v: number): boolean {
  const { s, k } = g;
  if (s.nodeName[v] !== k.systemContext) return false;
  const module = edgeTarget(s, v, s.types.edgeInternal, k.extension);
  if (module >= 0 && nodeNameOf(s, module) === 'system / SourceTextModule') return true;
  const outer = edgeTarget(s, v, s.types.edgeInternal, k.previous);
  return outer >= 0 && s.nodeName[outer] === k.systemNativeContext;
}

/** A scope, named as a developer knows it (`module scope`, `function scope`) rather than as V8's `system / Context`; null for anything else. */
export function scopeName(g: FinalGraph, v: number): string | null {
  if (g.s.nodeName[v] !== g.k.systemContext) return null;
  return isModuleScope(g, v) ? 'module scope' : 'function scope';
}
