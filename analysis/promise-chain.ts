import { nodeNameOf } from './heap-snapshot.ts';
import { suspendedFunction } from './async-frame.ts';
import type { FinalGraph } from './final-graph.ts';
import { dominantClass, newRetained } from './holder-contents.ts';
import { isInternal } from './code-ownership.ts';

/** The function a chain of promises is built by: its node (for the name and location) and name. */
export interface ChainFunction {
  fn: number;
  name: string;
}

/**
 * The function that builds the chain of promises piling up under `from` (most of what it
 * keeps alive that is new since the baseline is promises), found at the chain's newest link,
 * or null. An async function that awaits or returns a call to itself (`return poll()`),
 * or a `.then()` that returns the next call (`tick().then(poll)`), settles none of its calls
 * until the last one does; the reactions in between are V8's own resolve functions, so only
 * the pending call names the function: the suspended async function's frame, or the
 * developer's function a pending reaction will run. Both are found breadth first from `from`
 * through objects allocated since the baseline only, so that an older frame reachable some
 * other way (a module's top-level await) is not taken for the chain's.
 */
export function awaitedChain(g: FinalGraph, from: number): ChainFunction | null {
  return dominantClass(g, newRetained(g, from, 20_000)) === 'Promise' ? chainFunction(g, from) : null;
}

/**
 * The developer's async function (or generator) that waits on `from`, a timer Node set for it
 * (`for await (const _ of setInterval(ms))` from node:timers/promises, whose callback is Node's
 * own), found as the chain's function is; Node's own suspended functions are passed over. Null
 * when none is.
 */
export function awaitingFunction(g: FinalGraph, from: number): ChainFunction | null {
  return chainFunction(g, from, 2_000, true);
}

function chainFunction(g: FinalGraph, from: number, budget = 20_000, developerOnly = false): ChainFunction | null {
  const { s } = g;
  const ty = s.types;
  const isNew = (v: number) => s.nodeId[v] > g.baselineMaxId;
  const seen = new Set<number>([from]);
  const queue = [from];
  const mine = (f: ChainFunction | null) => (f && (!developerOnly || !isInternal(g.scripts.scriptName(f.fn) ?? '')) ? f : null);
  for (let head = 0; head < queue.length && seen.size < budget; head++) {
    const v = queue[head];
    const found = v === from ? null : (mine(frameOf(g, v)) ?? reactionHandler(g, v));
    if (found) return found;
    for (let e = s.firstEdge[v]; e < s.firstEdge[v + 1]; e++) {
      const w = s.edgeTo[e];
      if (s.edgeType[e] === ty.edgeWeak || s.edgeType[e] === ty.edgeShortcut || seen.has(w) || !isNew(w)) continue;
      seen.add(w);
      queue.push(w);
    }
  }
  return null;
}

/** For V8's object of a suspended async function or generator: that function. */
function frameOf(g: FinalGraph, v: number): ChainFunction | null {
  const fn = suspendedFunction(g, v);
  return fn < 0 ? null : { fn, name: nodeNameOf(g.s, fn) };
}

/** For a pending promise reaction: the developer's function it will run (not V8's or Node's). */
function reactionHandler(g: FinalGraph, v: number): ChainFunction | null {
  const { s, k } = g;
  if (s.nodeName[v] !== k.systemPromiseReaction) return null;
  for (let e = s.firstEdge[v]; e < s.firstEdge[v + 1]; e++) {
    const fn = s.edgeTo[e];
    if (s.nodeType[fn] !== s.types.closure) continue;
    const script = g.scripts.scriptName(fn);
    if (script && !isInternal(script)) return { fn, name: nodeNameOf(s, fn) };
  }
  return null;
}
