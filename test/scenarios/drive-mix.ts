import v8 from 'node:v8';
import vm from 'node:vm';
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

let gc: (() => void) | null = null;

/** Heap retained after a full GC in this process (the vitest worker), so in-process tests can see a dispose free memory. */
export function retainedHeap(): number {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/** Live ref'd timers: a leaked setInterval shows up here until it is cleared. */
export function activeTimeouts(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}
