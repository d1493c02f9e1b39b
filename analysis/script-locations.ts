import type { HeapSnapshot } from './heap-snapshot.ts';
import { edgeTarget, nodeNameOf } from './heap-snapshot.ts';
import type { KnownStrings } from './known-strings.ts';
import type { Retainers } from './retainers.ts';
import { isLibraryScript } from './code-ownership.ts';

/**
 * Where closures come from. V8 records (script id, line, column), 0-based, per closure in
 * `locations`; the script's name hangs off closure -> shared -> script_or_debug_info (or
 * `script` in older V8) -> Script. Positions are in the code V8 compiled, which for
 * tsx/esbuild output is not the author's layout; callers prefer a declaration found on disk.
 */
export interface ClosureSite {
  closure: number;
  script: string;
  /** 1-based, in the compiled code. */
  line: number;
  column: number;
}

export class ScriptLocations {
  private byNode: Int32Array | null = null;
  private apps: string[] | null = null;
  private readonly sourceUrl: number;

  constructor(
    private readonly s: HeapSnapshot,
    private readonly k: KnownStrings,
    private readonly retainers: Retainers,
  ) {
    this.sourceUrl = s.strings.indexOf('source_url');
  }

  site(closure: number): ClosureSite | null {
    const script = this.scriptName(closure);
    if (script === null) return null;
    const loc = this.locationIndex(closure);
    if (loc < 0) return { closure, script, line: 0, column: 0 };
    const l = this.s.locations;
    return { closure, script, line: l.line[loc] + 1, column: l.column[loc] + 1 };
  }

  scriptName(closure: number): string | null {
    const { s, k } = this;
    const shared = edgeTarget(s, closure, s.types.edgeInternal, k.shared);
    if (shared < 0) return null;
    let script = edgeTarget(s, shared, s.types.edgeInternal, k.scriptOrDebugInfo);
    if (script < 0) script = edgeTarget(s, shared, s.types.edgeInternal, k.script);
    if (script < 0) return null;
    // A DebugInfo stands between the function and its Script while a debugger is attached.
    const inner = edgeTarget(s, script, s.types.edgeInternal, k.script);
    if (inner >= 0) script = inner;
    // Chromium names a Script node after its URL, behind V8's type (`system / Script / https://...`);
    // an inline script has none, but may name itself with `//# sourceURL=`.
    const name = nodeNameOf(s, script).replace(/^system \/ Script \/ ?/, '');
    if (name !== '') return name;
    const url = this.sourceUrl >= 0 ? edgeTarget(s, script, s.types.edgeInternal, this.sourceUrl) : -1;
    return url >= 0 && nodeNameOf(s, url) !== '' ? nodeNameOf(s, url) : null;
  }

  /** Closures whose context is `context`, in ordinal order (deterministic). */
  closuresOf(context: number): number[] {
    const { s, k } = this;
    const { retStart, retFrom } = this.retainers;
    const out: number[] = [];
    for (let r = retStart[context]; r < retStart[context + 1]; r++) {
      const v = retFrom[r];
      if (s.nodeType[v] === s.types.closure && edgeTarget(s, v, s.types.edgeInternal, k.context) === context) out.push(v);
    }
    return [...new Set(out)].sort((a, b) => a - b);
  }

  /** The module Context whose `extension` is this SourceTextModule (ESM top-level scope). */
  moduleContextOf(module: number): number {
    const { s, k } = this;
    const { retStart, retFrom } = this.retainers;
    for (let r = retStart[module]; r < retStart[module + 1]; r++) {
      const v = retFrom[r];
      if (s.nodeName[v] === k.systemContext && edgeTarget(s, v, s.types.edgeInternal, k.extension) === module) return v;
    }
    return -1;
  }

  /**
   * The scripts of the application's own functions (not Node's, not installed packages'), in
   * the order their first function appears: where to look for a name that no scope declares
   * (a property set on the global object).
   */
  appScripts(): string[] {
    if (this.apps) return this.apps;
    const { s } = this;
    const seen = new Set<string>();
    for (let v = 0; v < s.nodeCount; v++) {
      if (s.nodeType[v] !== s.types.closure) continue;
      const name = this.scriptName(v);
      if (name && !isLibraryScript(name)) seen.add(name);
    }
    return (this.apps = [...seen]);
  }

  private locationIndex(node: number): number {
    if (!this.byNode) {
      const l = this.s.locations;
      this.byNode = new Int32Array(this.s.nodeCount).fill(-1);
      for (let i = 0; i < l.count; i++) this.byNode[l.node[i]] = i;
    }
    return this.byNode[node];
  }
}
