import { edgeTarget, nodeNameOf } from './heap-snapshot.ts';
import type { FinalGraph } from './final-graph.ts';

export interface AsyncFrame {
  /** Path position of the suspended function's object (V8's JSGeneratorObject). */
  at: number;
  /** The async function or generator itself, for its name and source location. */
  fn: number;
  name: string;
}

/**
 * A holder kept in a local variable of an async function or generator that stays suspended,
 * such as a consumer loop awaiting the next message: V8 keeps such locals in the frame's
 * `parameters_and_registers`, without their names. What a developer can grep for is the
 * function. Null unless the holder is one of those registers.
 */
export function asyncFrame(g: Pick<FinalGraph, 's' | 'k'>, path: { nodes: number[]; edges: number[] }): AsyncFrame | null {
  const { s, k } = g;
  const last = path.nodes.length - 1;
  const registers = last - 1;
  if (registers < 1) return null;
  const e = path.edges[registers];
  if (s.edgeType[e] !== s.types.edgeInternal || s.edgeName[e] !== k.parametersAndRegisters) return null;
  const at = registers - 1;
  const fn = suspendedFunction(g, path.nodes[at]);
  return fn < 0 ? null : { at, fn, name: nodeNameOf(s, fn) };
}

/**
 * For V8's object of a suspended async function or generator (a JSGeneratorObject: its
 * `function` and its frame's `parameters_and_registers`): that function's closure, else -1.
 */
export function suspendedFunction(g: Pick<FinalGraph, 's' | 'k'>, v: number): number {
  const { s, k } = g;
  const fn = edgeTarget(s, v, s.types.edgeInternal, k.generatorFunction);
  if (fn < 0 || s.nodeType[fn] !== s.types.closure || edgeTarget(s, v, s.types.edgeInternal, k.parametersAndRegisters) < 0) return -1;
  return fn;
}
