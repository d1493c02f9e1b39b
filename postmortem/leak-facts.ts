import { edgeKind } from '../analysis/format.ts';
import type { DiagnosedLeak, DiagnosisReport } from './run-data.ts';

/** The diagnosis' top suspect, read defensively, with the pieces a reader needs spelled out. */
export interface LeakFacts {
  leak: DiagnosedLeak;
  name: string;
  /** Count growth between consecutive snapshots. */
  perSnapshot: number[];
  bytesPerSnapshot: number[];
  /** "(module scope) -> sessionCache (variable) -> Map -> table" style, or null without a path. */
  retainerPath: string | null;
  /** "file:line:column", or null. */
  location: string | null;
  others: DiagnosedLeak[];
}

export function leakFacts(diagnosis: DiagnosisReport | null): LeakFacts | null {
  if (!diagnosis || diagnosis.leaks.length === 0) return null;
  const ranked = [...diagnosis.leaks].sort((a, b) => (b.score ?? -Infinity) - (a.score ?? -Infinity));
  const leak = ranked[0]!;
  const counts = numbers(leak.counts);
  const bytes = numbers(leak.bytes);
  return {
    leak,
    name: leak.name ?? '(unnamed)',
    perSnapshot: numbers(leak.growth?.perSnapshot).length > 0 ? numbers(leak.growth?.perSnapshot) : deltas(counts),
    bytesPerSnapshot: numbers(leak.growth?.bytesPerSnapshot).length > 0 ? numbers(leak.growth?.bytesPerSnapshot) : deltas(bytes),
    retainerPath: retainerPathText(leak.retainerPath),
    location: leak.location?.file
      ? [leak.location.file, leak.location.line, leak.location.column].filter((p) => p !== undefined && p !== null).join(':')
      : null,
    others: ranked.slice(1),
  };
}

export function retainerPathText(path: DiagnosedLeak['retainerPath']): string | null {
  if (!Array.isArray(path) || path.length === 0) return null;
  const parts: string[] = [];
  for (const step of path) {
    if (step.edge) parts.push(step.edgeType ? `${step.edge} (${edgeKind(step.edgeType)})` : step.edge);
    if (step.node) parts.push(step.repeat && step.repeat > 1 ? `${step.node} (x${step.repeat})` : step.node);
  }
  return parts.length > 0 ? parts.join(' -> ') : null;
}

function numbers(values: unknown): number[] {
  return Array.isArray(values) ? values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)) : [];
}

function deltas(values: number[]): number[] {
  return values.slice(1).map((v, i) => v - values[i]!);
}
