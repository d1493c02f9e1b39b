import type { FinalGraph } from './final-graph.ts';
import { foundInOneAppScript } from './leak-location.ts';
import type { Leak, SourceLocation } from './report-types.ts';
import { findQualifiedCall } from './source-files.ts';

/*
 * Module variables of Node's own that its API adds to for the program: the place to change is
 * the program's call into that API, not Node's line that does the adding, which no one can open.
 */

export interface NodeStateApi {
  /** The calls that add to it, as the developer writes them (`AbortSignal.timeout`). */
  calls: readonly string[];
  /** Why what they add stays, for the summary and the write-up. */
  why: string;
}

const SIGNALS: NodeStateApi = {
  calls: ['AbortSignal.timeout', 'AbortSignal.any'],
  why: "Node keeps each signal from `AbortSignal.timeout()` or `AbortSignal.any()` that has an 'abort' listener until it aborts, so a long timeout, or a signal that never aborts, keeps its listeners and all they keep; remove the listener once the work is done, or use a shorter timeout",
};

/** By Node's module and its variable. */
const STATE: Record<string, NodeStateApi> = {
  'node:internal/abort_controller gcPersistentSignals': SIGNALS,
  'node:internal/abort_controller clearTimeoutRegistry': SIGNALS,
};

/** The API that adds to a holder of Node's own module state, or null. */
export function nodeStateApi(leak: Pick<Leak, 'package' | 'name' | 'packageVariable'>): NodeStateApi | null {
  if (!leak.package?.startsWith('node:')) return null;
  return STATE[`${leak.package} ${leak.packageVariable ?? leak.name}`] ?? null;
}

/** Where the program calls that API, when exactly one of its scripts does. */
export function stateApiCall(g: FinalGraph, api: NodeStateApi): SourceLocation | null {
  return foundInOneAppScript(g, (text) => findQualifiedCall(text, api.calls))?.at ?? null;
}
