import type { FinalGraph } from './final-graph.ts';
import { deltas, growing, MIN_ENTRY_GROWTH } from './growth-candidates.ts';
import { edgeTarget, nodeNameOf } from './heap-snapshot.ts';
import { foundInOneAppScript } from './leak-location.ts';
import { collapseRuns, pathSteps } from './path-steps.ts';
import type { Leak } from './report-types.ts';
import { findKeyedSymbolFor } from './source-files.ts';
import { SYMBOL_REGISTRY, type RegistryCount, type SymbolRegistry } from './symbol-registry.ts';

/** Keys shown, the newest symbols'. */
const EXAMPLES = 3;

/** Whether the registry's symbols rose in every snapshot, by more than the noise bounds. */
export function registryGrows(counts: readonly (RegistryCount | null)[], minBytes: number): boolean {
  if (counts.some((c) => c === null)) return false;
  const all = counts as RegistryCount[];
  const symbols = all.map((c) => c.symbols);
  const bytes = all.map((c) => c.bytes);
  const last = all.length - 1;
  return growing(symbols) && growing(bytes) && symbols[last] - symbols[0] >= MIN_ENTRY_GROWTH && bytes[last] - bytes[0] >= minBytes;
}

/** The suspect for symbols `Symbol.for()` made under ever new keys: V8 keeps each one for the life of the process. */
export function registryLeak(g: FinalGraph, counts: readonly RegistryCount[], registry: SymbolRegistry): Leak {
  const { s } = g;
  const symbols = counts.map((c) => c.symbols);
  const bytes = counts.map((c) => c.bytes);
  const last = counts.length - 1;
  const steps = pathSteps(g, registry.path);
  // The path a developer reads starts at V8's root of the registry: the roots above it explain nothing.
  const from = steps.length - 2;
  const newest = [...registry.members].sort((a, b) => s.nodeId[b] - s.nodeId[a]).slice(0, EXAMPLES).reverse();
  const examples = newest.map((v) => edgeTarget(s, v, s.types.edgeInternal, g.k.name)).filter((v) => v >= 0).map((v) => nodeNameOf(s, v).slice(0, 120));
  return {
    name: 'Symbol.for()',
    kind: 'map',
    objectName: 'symbol',
    countsOf: 'entries',
    counts: symbols,
    bytes,
    retainedBytes: bytes[last],
    growth: { perSnapshot: deltas(symbols), bytesPerSnapshot: deltas(bytes) },
    retainerPath: collapseRuns([{ ...steps[from], edge: '', edgeType: '' }, ...steps.slice(from + 1)]),
    fullRetainerPath: collapseRuns(steps),
    holder: { name: 'public_symbol_table', nodeName: SYMBOL_REGISTRY, nodeType: s.nodeTypeNames[s.nodeType[registry.table]], edgeType: 'internal', nodeId: s.nodeId[registry.table] },
    ...(examples.length > 0 ? { examples } : {}),
    location: foundInOneAppScript(g, findKeyedSymbolFor)?.at ?? null,
    instances: 1,
    score: 0,
    summary: '',
  };
}
