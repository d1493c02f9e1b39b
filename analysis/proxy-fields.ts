import type { FinalGraph } from './final-graph.ts';

/** What a Proxy is called in a report: V8 names the node `system / JSProxy`. */
export const PROXY = 'Proxy';

/**
 * A Proxy's target or handler, which V8 gives as unnamed hidden edges 1 and 2 (0 is its
 * properties), the same on Node 20, 22 and 24. Null for any other edge.
 */
export function proxyField(g: FinalGraph, from: number, edge: number): 'target' | 'handler' | null {
  const { s, k } = g;
  if (s.nodeName[from] !== k.jsProxy || s.edgeType[edge] !== s.types.edgeHidden) return null;
  const slot = s.edgeName[edge];
  return slot === 1 ? 'target' : slot === 2 ? 'handler' : null;
}
