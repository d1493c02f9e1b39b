import type { FinalGraph } from './final-graph.ts';
import { entryFunctions } from './holder-contents.ts';
import { foundInOneAppScript } from './leak-location.ts';
import type { SourceLocation } from './report-types.ts';
import { findApiCall } from './source-files.ts';

/*
 * Listeners that Node's own code adds to the developer's emitter on their behalf: a readline
 * interface on its input stream, pipe() on both streams, finished() on the stream it watches,
 * events.once() on the emitter it waits on. The callbacks are Node's (`ondata`, `onclose`,
 * `resolver`), which says nothing to a developer, and the code never calls `.on(` itself: the
 * place to change is the call into Node's API, once per request, whose counterpart never comes.
 */

export interface NodeListenerApi {
  /** Node's module whose functions the listeners are. */
  script: string;
  /** The calls that add them, as the developer writes them. */
  calls: readonly string[];
  /** A method (`source.pipe(dest)`): the emitter may be its receiver as well as an argument. */
  method?: true;
  /** What takes them off again, for the write-up. */
  release: string;
}

const APIS: readonly NodeListenerApi[] = [
  { script: 'node:internal/readline/interface', calls: ['createInterface'], release: '`close()` on the interface it returns, when its input outlives it' },
  { script: 'node:internal/streams/readable', calls: ['pipe'], method: true, release: '`unpipe()`, or ending the source, when the destination outlives the source' },
  { script: 'node:internal/streams/end-of-stream', calls: ['finished', 'pipeline'], release: 'the cleanup function `finished()` returns, called once the callback has run' },
  { script: 'node:events', calls: ['once', 'on'], release: 'an AbortSignal in its options, aborted when the wait is no longer needed' },
];

/**
 * The API of Node's that added the listeners, or null (the developer's own callbacks, a
 * library's): the one whose functions are the most common among the new objects under the
 * holder (`grown`), if they are a third of those functions at least. Each call adds several of
 * Node's functions and the developer's callback is one (a readline interface's `line`
 * listener): the order the objects come in changes from run to run, the count does not.
 */
export function nodeListenerApi(g: FinalGraph, grown: readonly number[]): NodeListenerApi | null {
  const votes = new Map<NodeListenerApi, number>();
  let total = 0;
  for (const fn of entryFunctions(g, grown.slice(0, SAMPLE))) {
    total++;
    const script = g.scripts.scriptName(fn);
    const api = APIS.find((a) => a.script === script);
    if (api) votes.set(api, (votes.get(api) ?? 0) + 1);
  }
  let best: NodeListenerApi | null = null;
  for (const [api, n] of votes) if (n * 3 >= total && n > (best ? (votes.get(best) ?? 0) : 0)) best = api;
  return best;
}

/** New objects looked at: a few hundred calls' worth. */
const SAMPLE = 5_000;

/**
 * The developer's call that adds them: the one call of the API that names `owner` (the emitter's
 * variable) among its arguments, or as its receiver for a method, when exactly one of the
 * application's scripts has one, and the API's name as called there (`createInterface`). null
 * when none or several do: the emitter's declaration says more than a guess.
 */
export function apiCallSite(g: FinalGraph, api: NodeListenerApi, owner: string): { at: SourceLocation; call: string } | null {
  const site = foundInOneAppScript(g, (text) => findApiCall(text, api.calls, owner, api.method === true));
  return site ? { at: site.at, call: site.found.call } : null;
}
