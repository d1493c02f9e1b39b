import type { HeapSnapshot } from './heap-snapshot.ts';
import type { DominatorTree } from './dominators.ts';
import type { DominatorOrder } from './dominator-order.ts';
import type { KnownStrings } from './known-strings.ts';
import type { RetainerTree } from './retainer-paths.ts';
import type { ScriptLocations } from './script-locations.ts';
import type { SourceFiles } from './source-files.ts';

/** Everything known about the last snapshot while leaks are described. */
export interface FinalGraph {
  s: HeapSnapshot;
  k: KnownStrings;
  dom: DominatorTree;
  order: DominatorOrder;
  paths: RetainerTree;
  scripts: ScriptLocations;
  sources: SourceFiles;
  /** Objects with a larger id were allocated after the baseline snapshot. */
  baselineMaxId: number;
}
