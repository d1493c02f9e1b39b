import type { LoadSecond, MetricSample, RunSettings, TimelineEvent, UserOutcomes } from '../lab/run-files.ts';

/** Every field optional, all the way down: a run read back may be partial or from an older lab. */
export type DeepPartial<T> = T extends readonly (infer U)[]
  ? readonly DeepPartial<U>[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** A timeline event whose time parsed, with where it came from. */
export interface TimedEvent<D = Record<string, unknown>> extends TimelineEvent<D> {
  /** Epoch ms of `at`. */
  ms: number;
  /** 1-based line in timeline.jsonl. */
  line: number;
}

/** One thing wrong with the run's files: a corrupt line (with its number) or an unreadable file. */
export interface RunProblem {
  file: string;
  line?: number;
  message: string;
}

/** One leak as diagnosis.json reports it; any field may be missing while that engine evolves. */
export interface DiagnosedLeak {
  name?: string;
  kind?: string;
  /** What `counts` counts: collection entries, or objects the holder keeps alive. */
  countsOf?: string;
  counts?: number[];
  bytes?: number[];
  retainedBytes?: number;
  growth?: { perSnapshot?: number[]; bytesPerSnapshot?: number[] };
  retainerPath?: { edge?: string; edgeType?: string; node?: string; nodeType?: string; repeat?: number }[];
  holder?: { name?: string; nodeName?: string; nodeType?: string; edgeType?: string };
  library?: { className?: string; node?: boolean };
  alsoGrowing?: string[];
  /** Keys of a few entries added since the baseline. */
  examples?: string[];
  location?: { file?: string; line?: number; column?: number } | null;
  /** Where the located file adds to the holder and takes from it. */
  writes?: { adds?: WriteSiteData[]; removes?: WriteSiteData[]; searched?: string[]; calls?: boolean };
  score?: number;
  summary?: string;
}

export interface WriteSiteData {
  file?: string;
  line?: number;
  column?: number;
  call?: string;
}

export interface DiagnosisReport {
  snapshots: { file?: string; nodeCount?: number; edgeCount?: number; totalBytes?: number }[];
  leaks: DiagnosedLeak[];
  verdict?: string;
  elapsedMs?: number;
}

/** A run folder read back: what is there, what is not, and what could not be read. */
export interface RunData {
  dir: string;
  settings: DeepPartial<RunSettings>;
  /** Sorted by time (stable), only events whose `at` parsed. */
  events: TimedEvent[];
  /** Sorted by t (epoch ms). */
  metrics: MetricSample[];
  /** Sorted by t (epoch ms). */
  load: LoadSecond[];
  users: UserOutcomes | null;
  diagnosis: DiagnosisReport | null;
  /** Files of the run that are absent (e.g. "diagnosis.json"). */
  absentFiles: string[];
  problems: RunProblem[];
}

export function describeProblem(problem: RunProblem): string {
  return problem.line === undefined
    ? `${problem.file}: ${problem.message}`
    : `${problem.file} line ${problem.line}: ${problem.message}`;
}
