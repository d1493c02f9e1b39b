import { edgeNameOf } from './heap-snapshot.ts';
import type { FinalGraph } from './final-graph.ts';
import { ownerOf, userRetainer } from './code-ownership.ts';
import { exportEntry, exportingModule } from './module-exports.ts';
import { isModuleScope } from './scopes.ts';

/* State that an installed package keeps at its module's top level, for every caller. */

/** The top-level scope of an installed package's module (not Node's own: its state is Node's plumbing). */
export function packageModuleScope(g: FinalGraph, v: number): boolean {
  return packageOfScope(g, v) !== null;
}

/** The name of the installed package whose module's top-level scope `v` is (`leaky-lib`, `@scope/pkg`), or null. */
function packageOfScope(g: FinalGraph, v: number): string | null {
  if (!isModuleScope(g, v) || ownerOf(g, v) !== 'library') return null;
  for (const fn of g.scripts.closuresOf(v)) {
    const dirs = (g.scripts.scriptName(fn) ?? '').split(/[/\\]node_modules[/\\]/);
    if (dirs.length < 2) continue;
    const parts = dirs[dirs.length - 1].split(/[/\\]/);
    return parts[0].startsWith('@') && parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  return null;
}

/**
 * The name of Node's own module (`node:internal/abort_controller`) whose top-level scope `v` is,
 * or null. Its state outlives every request as a package's does: a holder found there is
 * Node's, grown by how the application calls Node's API (or by a bug of Node's release).
 */
function nodeModuleOfScope(g: FinalGraph, v: number): string | null {
  if (!isModuleScope(g, v)) return null;
  for (const fn of g.scripts.closuresOf(v)) {
    const name = g.scripts.scriptName(fn) ?? '';
    if (name.startsWith('node:')) return name;
  }
  return null;
}

/**
 * The installed package whose module variable keeps the holder, when no name of the developer's
 * does: `registry` in leaky-lib's `const registry = []` (the holder itself), or ejs's `utils`,
 * whose `cache._data` grows. That state is the package's, shared by all its callers. The
 * package's name and the variable's; null when the developer's code names the holder.
 */
export function packageOfHolder(g: FinalGraph, path: { nodes: number[]; edges: number[] }): { name: string; variable: string } | null {
  const { s, k } = g;
  for (let i = path.edges.length - 1; i >= 1; i--) {
    // The developer's code keeps it on the way (a prom-client metric in `httpRequests`, held by the package's registry too).
    if (ownerOf(g, path.nodes[i]) === 'user' || userRetainer(g, path.nodes[i])) return null;
    const e = path.edges[i];
    const from = path.nodes[i - 1];
    // An ES module's exported binding lives in a Cell, not in its scope: the exporting module's scope says whose.
    if (s.nodeName[from] === k.systemCell && s.edgeName[e] === k.value) {
      const exported = exportEntry(g, from)?.name;
      const module = exported ? exportingModule(g, from) : null;
      const name = module === null ? null : packageOfScope(g, g.scripts.moduleContextOf(module));
      return name && exported ? { name, variable: exported } : null;
    }
    if (s.edgeType[e] === s.types.edgeContext) {
      const name = packageOfScope(g, from) ?? nodeModuleOfScope(g, from);
      return name ? { name, variable: edgeNameOf(s, e) } : null;
    }
  }
  return null;
}
