import { edgeTarget } from './heap-snapshot.ts';
import type { FinalGraph } from './final-graph.ts';

export type Builtin = 'Map' | 'Set' | 'Array';

/**
 * The built-in collection an object is, subclasses included: V8 names an instance of
 * `class TtlMap extends Map` after its class, so the name alone would take a Set subclass for
 * a Map (both keep a hash table) and an Array subclass for a plain object. Found on the
 * prototype chain, at a constructor with no script: V8's own Map, Set or Array, not a
 * developer's class that happens to share the name.
 */
export function builtinCollection(g: Pick<FinalGraph, 's' | 'k' | 'scripts'>, v: number): Builtin | null {
  const { s, k } = g;
  const own = byName(g, s.nodeName[v]);
  if (own || s.nodeType[v] !== s.types.object) return own;
  let proto = edgeTarget(s, v, s.types.edgeProperty, k.proto);
  for (let depth = 0; depth < 8 && proto >= 0; depth++) {
    const ctor = edgeTarget(s, proto, s.types.edgeProperty, k.constructorName);
    if (ctor >= 0) {
      const found = byName(g, s.nodeName[ctor]);
      if (found && g.scripts.scriptName(ctor) === null) return found;
    }
    proto = edgeTarget(s, proto, s.types.edgeProperty, k.proto);
  }
  return null;
}

function byName(g: Pick<FinalGraph, 'k'>, name: number): Builtin | null {
  const { k } = g;
  return name === k.mapClass ? 'Map' : name === k.setClass ? 'Set' : name === k.array ? 'Array' : null;
}
