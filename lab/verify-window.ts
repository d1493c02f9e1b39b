import { fitLine } from '../monitor/linear-trend.ts';
import type { Incident } from './incident.ts';
import type { AlertData, LoadSecond, VerifyData } from './run-files.ts';

export interface VerifyWindowOptions {
  seconds: number;
  /** Retained-heap growth under which memory counts as flat, bytes per second. */
  noiseBoundBytesPerSecond: number;
  /** How often the retained heap is read (each read is a full GC in the app). */
  probeEverySeconds?: number;
}

/**
 * Runs the same traffic at the process just deployed for a window and judges it: retained heap
 * flat within the noise bound, no alert fired, no request failed. Retained heap is read after
 * a forced full collection: between major GCs a healthy heap's floor still climbs with old
 * garbage, and a short window would call that a leak. The first probe is warm-up (caches
 * filling to their bounds) and is left out of the trend.
 */
export async function verifyWindow(incident: Incident, variant: 'leaky' | 'fixed', opts: VerifyWindowOptions): Promise<VerifyData> {
  const every = opts.probeEverySeconds ?? 3;
  const seconds: LoadSecond[] = [];
  const fired: AlertData[] = [];
  const onLoad = (l: LoadSecond) => seconds.push(l);
  const onAlert = (a: AlertData) => a.state === 'firing' && fired.push(a);
  incident.on('load', onLoad);
  incident.on('alert', onAlert);
  const probes: { t: number; heapUsed: number }[] = [];
  try {
    const end = Date.now() + opts.seconds * 1000;
    probes.push(await incident.retainedHeap());
    while (Date.now() + every * 1000 <= end) {
      await incident.elapse(every);
      probes.push(await incident.retainedHeap());
    }
  } finally {
    incident.off('load', onLoad);
    incident.off('alert', onAlert);
  }
  const trend = probes.slice(1);
  const slope = fitLine(trend.map((p) => ({ x: (p.t - trend[0]!.t) / 1000, y: p.heapUsed })))?.slope ?? 0;
  const verdict = slope > opts.noiseBoundBytesPerSecond ? 'leaking' : 'flat';
  const requests = seconds.reduce((n, l) => n + l.requests, 0);
  const failed = seconds.reduce((n, l) => n + l.failed, 0);
  return {
    variant,
    seconds: opts.seconds,
    verdict,
    slopeBytesPerSecond: Math.round(slope),
    noiseBoundBytesPerSecond: opts.noiseBoundBytesPerSecond,
    heapStartBytes: trend[0]?.heapUsed ?? 0,
    heapEndBytes: trend.at(-1)?.heapUsed ?? 0,
    requests,
    failed,
    alertsFired: fired.length,
    passed: verdict === 'flat' && fired.length === 0 && failed === 0 && requests > 0,
  };
}
