import type { HeapSnapshot } from './heap-snapshot.ts';
import { SectionError } from './section-sinks.ts';

/**
 * Checks every index the analysis will follow, once, so later passes can trust the arrays:
 * a corrupt file then fails here with a clear reason instead of yielding garbage or looping.
 */
export function validateSnapshot(s: HeapSnapshot): void {
  const t = s.types;
  if (t.object < 0 || t.closure < 0 || t.synthetic < 0) throw new SectionError('meta lacks the usual V8 node types');
  if (t.edgeWeak < 0 || t.edgeElement < 0 || t.edgeProperty < 0 || t.edgeInternal < 0) {
    throw new SectionError('meta lacks the usual V8 edge types');
  }
  const stringCount = s.strings.count;
  for (let i = 0; i < s.nodeCount; i++) {
    if (s.nodeName[i] >= stringCount) throw new SectionError(`node ${i} names string ${s.nodeName[i]} of ${stringCount}`);
  }
  const byIndex = new Uint8Array(s.edgeTypeNames.length);
  if (t.edgeElement >= 0) byIndex[t.edgeElement] = 1;
  if (t.edgeHidden >= 0) byIndex[t.edgeHidden] = 1;
  for (let e = 0; e < s.edgeCount; e++) {
    if (byIndex[s.edgeType[e]] === 0 && s.edgeName[e] >= stringCount) {
      throw new SectionError(`edge ${e} names string ${s.edgeName[e]} of ${stringCount}`);
    }
  }
}
