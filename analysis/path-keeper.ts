import type { FinalGraph } from './final-graph.ts';
import { libraryOwned, runningScopeRetainer, userRetainer } from './code-ownership.ts';
import { userNameBeside } from './leak-naming.ts';
import { isModuleScope } from './scopes.ts';

/** A variable of the developer's that keeps the node at path position `at`, though the path does not pass through it. */
export interface PathKeeper {
  at: number;
  /** The scope or object that keeps it. */
  from: number;
  /** Its edge to the node (a variable or property). */
  edge: number;
}

/**
 * Where the developer's code keeps what the shortest path reaches through plumbing. A library's
 * own objects (a metric reached through its registry) name the variable beside them
 * (userNameBeside). Node's own module scopes and objects reach many things first: an object
 * that arms a sweep interval hangs under `timerListMap` in node:timers, though the developer
 * keeps it in `const sessionCache`; a CommonJS module's exported instance under
 * `process.mainModule.children`, though the requiring module keeps it in `const orderService`.
 * The deepest node on the path that a module-level variable of the developer's keeps is where
 * the shown path starts instead.
 */
export function pathKeeper(g: FinalGraph, path: { nodes: number[]; edges: number[] }): PathKeeper | null {
  const beside = userNameBeside(g, path);
  if (beside) return beside;
  if (!path.nodes.some((v) => nodeModuleScope(g, v) || libraryOwned(g, v))) return null;
  for (let i = path.nodes.length - 1; i >= 1; i--) {
    // The path already comes down from the developer's own module variable: shown from there.
    const from = path.nodes[i - 1];
    if (g.s.edgeType[path.edges[i]] === g.s.types.edgeContext && isModuleScope(g, from) && !nodeModuleScope(g, from)) return null;
    const keeper = userModuleVariable(g, path.nodes[i], from);
    if (keeper) return { at: i, ...keeper };
  }
  return null;
}

/** A module scope of Node's own code (node:timers, node:events...). */
function nodeModuleScope(g: FinalGraph, v: number): boolean {
  if (!isModuleScope(g, v)) return false;
  const scripts = g.scripts.closuresOf(v).map((c) => g.scripts.scriptName(c));
  return scripts.length > 0 && scripts.every((x) => x?.startsWith('node:'));
}

/** A module-level variable of the developer's code that keeps `v`, other than the path's own step (`via`). */
function userModuleVariable(g: FinalGraph, v: number, via: number): { from: number; edge: number } | null {
  const accept = (from: number, edge: number) => from !== via && g.s.edgeType[edge] === g.s.types.edgeContext && isModuleScope(g, from);
  return userRetainer(g, v, accept) ?? runningScopeRetainer(g, v, accept);
}
