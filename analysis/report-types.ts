import type { ProgramWrites } from './holder-writes.ts';

/** The public shape of a diagnosis; everything in it is plain JSON. */
export type LeakKind =
  | 'map'
  | 'set'
  | 'array'
  | 'object'
  | 'closure-context'
  | 'listeners'
  | 'timers'
  | 'string'
  | 'promise'
  /** Handles Node keeps open (watchers, servers, sockets, child processes) until they are closed. */
  | 'handles';

export interface PathStep {
  /** Variable, property, index (`[3]`) or internal slot name; '' for the root. */
  edge: string;
  /**
   * V8's edge type (context, property, element, internal...), or `export` for an ESM export held
   * by its module's Cell, or `map value` for a Map's value (edge `get('key')`; under a function
   * or object key, `get(QuoteService)` or `get(IncomingMessage @4021)`).
   */
  edgeType: string;
  node: string;
  nodeType: string;
  nodeId: number;
  /** This step comes this many times in a row (the links of a linked list), given once. */
  repeat?: number;
  /** With `repeat`, when what repeats is more than one step: this step and the `period - 1` before it come `repeat` times in a row. */
  period?: number;
}

export interface HolderInfo {
  /** What a developer would grep for: the variable or property in their own code that holds the leak (for listeners, the emitter's). */
  name: string;
  /** The holder's class (`Map`, `Array`), or `module scope` / `function scope` for a variable's scope (V8's `system / Context`). */
  nodeName: string;
  nodeType: string;
  edgeType: string;
  nodeId: number;
}

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  /** True when only the compiled position was known (code rewritten by a transpiler). */
  approximate?: boolean;
  /** When the file is the original source, found through the compiled file's source map: the position in the compiled file. */
  generated?: { file: string; line: number; column: number };
  /** The original source's name for the holder, when the source map says the compiled code renamed it (minified). */
  name?: string;
}

/** A collection under a suspect, by the property path from it (`state.history`). */
export interface GrowsIn {
  path: string;
  collection: 'Map' | 'Set' | 'Array';
  entries: number;
}

export interface Leak {
  name: string;
  kind: LeakKind;
  /** Class of the objects that pile up in the holder ('Object', 'Promise', 'string', ...). */
  objectName: string;
  /** What `counts` counts: collection entries, or objects kept alive by the holder. */
  countsOf: 'entries' | 'retained objects';
  counts: number[];
  bytes: number[];
  retainedBytes: number;
  growth: { perSnapshot: number[]; bytesPerSnapshot: number[] };
  /** From the first object that names what it holds (a scope, a module, an object) down to the holder. */
  retainerPath: PathStep[];
  /** The same path from the heap's synthetic root, through V8's and Node's own roots. */
  fullRetainerPath?: PathStep[];
  holder: HolderInfo;
  /**
   * Keys (or strings) of a few entries added since the baseline: the key space at a glance. The
   * newest, last, where the holder keeps insertion order (Map, Set, array); a dictionary-mode
   * object keeps hash order.
   */
  examples?: string[];
  /**
   * For a variable whose every new value keeps the previous one alive: the steps from one value
   * to the older one it holds (`context -> prev`), the link to cut.
   */
  chainLink?: PathStep[];
  /**
   * When what piles up is a chain of promises: the async function (or generator) that awaits
   * its newest link, e.g. `poll()` for `async function poll() { await tick(); return poll(); }`,
   * whose calls each wait for the next, so none settles until the last one does.
   */
  awaitedBy?: string;
  /**
   * For a promise that never settles with a chain of `.then()` behind it (writes serialized by
   * `queue = queue.then(...)` behind one that hangs): how many promises made since the first
   * snapshot wait behind it.
   */
  chainedPromises?: number;
  /**
   * For a Map most of whose new entries have an object as their key (`startedAt.set(req, t)`):
   * that key's class. The Map keeps each key alive as long as its entry.
   */
  keyedBy?: string;
  location: SourceLocation | null;
  /**
   * For a collection of functions (subscribers, callbacks, retries) located at its declaration:
   * where those functions are written, the code that adds them and never takes them out.
   */
  madeAt?: SourceLocation;
  /**
   * For an object that grows by what it keeps: the collection under it that holds the growth,
   * made anew on each change with the objects between them (`state.history` of `store`, for
   * `store.state = { ...state, history: [...state.history, action] }`), and its entries in the
   * last snapshot. `writes` is then that collection's.
   */
  growsIn?: GrowsIn;
  /**
   * For a collection: where the developer's code adds to it and where it takes out
   * (`inflight.set`, `inflight.delete`), found by the holder's name in the file it is located
   * in, or else in the program's other scripts (`searched`: the files read). An empty `removes`
   * says none of them does; a removal that exists is skipped on some path (an early return, a
   * throw). Absent when nothing adds to it, or too many files add to something of that name.
   * For an instance of a library's class in the developer's variable (one Ajv for the app), the
   * program's calls of its methods instead (`calls`), those named for taking out as removes.
   */
  writes?: ProgramWrites;
  /**
   * For listeners that Node's own code adds on the developer's behalf (a readline interface's on
   * its input stream, pipe()'s on both streams): the call of the developer's that adds them
   * (`createInterface()`), where `location` points, and what takes them off again.
   */
  addedBy?: { call: string; release: string };
  /**
   * When the holder is inside an object of a library's class that the developer keeps (an LRU
   * cache, a session store, a metric): that object's class, and `node` when the class is Node's
   * own (a stream's WritableState).
   */
  library?: { className: string; node?: true };
  /**
   * When what piles up is functions whose scopes each keep a heavy variable alive (V8 keeps one
   * scope per call for all the closures made in it): that variable, its value's class and the
   * bytes it keeps, on average.
   */
  scopeKeeps?: { variable: string; className: string; bytes: number };
  /** When a module variable of an installed package keeps the holder, and no name of the developer's does (its own state, for every caller): the package's name. */
  package?: string;
  /** That variable, when it is not the holder itself (ejs's `utils`, whose `cache._data` grows). */
  packageVariable?: string;
  /**
   * Other holders that grow in the same object, folded into this suspect: the rest of a library
   * object's collections (`#s (Map)`, `the object itself`), or an emitter's other events'
   * listeners (`"finish" listeners`).
   */
  alsoGrowing?: string[];
  /** For open handles: the class of Node's handle object (`FSEvent`, `TCP`, `Process`) behind each `name`. */
  handle?: { className: string };
  /** Who owns the holder when that helps a reader: the emitter's variable for listeners. */
  owner?: string;
  /** How many holders with the same retainer path this leak groups (e.g. one array per user). */
  instances: number;
  score: number;
  summary: string;
}

export interface SnapshotInfo {
  file: string;
  nodeCount: number;
  edgeCount: number;
  totalBytes: number;
}

export interface DiagnosisReport {
  snapshots: SnapshotInfo[];
  leaks: Leak[];
  verdict: 'leak' | 'no-leak';
  elapsedMs: number;
}
