import { collectGarbage } from '../../analysis/collect-garbage.ts';
import { createTrafficMix } from '../../load/traffic-mix.ts';

/** Sends `count` requests of the traffic mix over a few concurrent workers; every request bounded in time. */
export async function driveMix(baseUrl: string, count: number, opts: { workers?: number; seed?: number } = {}): Promise<number> {
  const next = createTrafficMix({ users: 1000, seed: opts.seed ?? 7 });
  let left = count;
  let failures = 0;
  const worker = async () => {
    while (left > 0) {
      left -= 1;
      const { method, path, headers, body } = next();
      const res = await fetch(`${baseUrl}${path}`, { method, headers, body, signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      if (res.status >= 500) failures += 1;
    }
  };
  await Promise.all(Array.from({ length: opts.workers ?? 8 }, worker));
  return failures;
}

/** Heap retained after a full GC in this process (the vitest worker), so in-process tests can see a dispose free memory. */
export function retainedHeap(): number {
  if (!collectGarbage()) throw new Error('cannot force a GC in this process');
  collectGarbage();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/** Live ref'd timers: a leaked setInterval shows up here until it is cleared. */
export function activeTimeouts(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}
