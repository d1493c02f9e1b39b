import { fitLine } from '../monitor/linear-trend.ts';
import type { Incident } from './incident.ts';
import type { AlertData, LoadSecond, VerifyData } from './run-files.ts';

export interface VerifyWindowOptions {
  seconds: number;
  /** Retained-heap growth under which memory counts as flat, bytes per second. */
  noiseBoundBytesPerSecond: number;
  /** How often the retained heap is read (each read is a full GC in the app): more readings, less noise in the slope. */
  probeEverySeconds?: number;
  /**
   * The share of the window's requests that must succeed: the SLO's availability objective.
   * Not 100%: a host that stalls for 2 s (seen once in CI beside CPU-heavy tests) times out a
   * handful of requests to a healthy build, and a deploy check judges the service level, not luck.
   */
  availabilityTarget: number;
}

/**
 * Runs the same traffic at the process just deployed for a window and judges it: retained heap
 * flat within the noise bound, no alert fired, and the requests that succeeded at least the
 * availability objective. Retained heap is read after
 * a forced full collection: between major GCs a healthy heap's floor still climbs with old
 * garbage, and a short window would call that a leak.
 */
export async function verifyWindow(incident: Incident, variant: 'leaky' | 'fixed', opts: VerifyWindowOptions): Promise<VerifyData> {
  const every = opts.probeEverySeconds ?? 1;
  const seconds: LoadSecond[] = [];
  const fired: AlertData[] = [];
  const onLoad = (l: LoadSecond) => seconds.push(l);
  const onAlert = (a: AlertData) => a.state === 'firing' && fired.push(a);
  incident.on('load', onLoad);
  incident.on('alert', onAlert);
  const probes: RetainedProbe[] = [];
  try {
    // On a clock, not after each probe: a probe's own time must not cost the window its last reading.
    const start = Date.now();
    probes.push(await incident.retainedHeap());
    for (let k = 1; k <= Math.floor(opts.seconds / every); k++) {
      const wait = start + k * every * 1000 - Date.now();
      if (wait > 0) await incident.elapse(wait / 1000);
      probes.push(await incident.retainedHeap());
    }
  } finally {
    incident.off('load', onLoad);
    incident.off('alert', onAlert);
  }
  const judged = judgeRetainedHeap(probes, opts.noiseBoundBytesPerSecond);
  const requests = seconds.reduce((n, l) => n + l.requests, 0);
  const failed = seconds.reduce((n, l) => n + l.failed, 0);
  const available = meetsAvailability(requests, failed, opts.availabilityTarget);
  return {
    variant,
    seconds: opts.seconds,
    ...judged,
    noiseBoundBytesPerSecond: opts.noiseBoundBytesPerSecond,
    probes: probes.map((p) => [p.t - probes[0]!.t, p.heapUsed]),
    requests,
    failed,
    alertsFired: fired.length,
    availabilityTarget: opts.availabilityTarget,
    passed: judged.verdict === 'flat' && fired.length === 0 && available,
  };
}

/** At least one request, and no more failed than the objective allows (0.1% of them at 99.9%). */
export function meetsAvailability(requests: number, failed: number, target: number): boolean {
  return requests > 0 && failed <= requests * (1 - target) + 1e-9;
}

export interface RetainedProbe {
  t: number;
  heapUsed: number;
}

/**
 * The least-squares slope of retained heap, the first probe left out: it reads high (by about
 * 250 KB on the lab's app, measured), since some memory is only given back by a later
 * collection (weak callbacks, bytecode that has aged out), and it would tilt a short trend.
 */
export function judgeRetainedHeap(probes: readonly RetainedProbe[], noiseBoundBytesPerSecond: number) {
  const trend = probes.slice(1);
  const slope = fitLine(trend.map((p) => ({ x: (p.t - trend[0]!.t) / 1000, y: p.heapUsed })))?.slope ?? 0;
  return {
    verdict: slope > noiseBoundBytesPerSecond ? ('leaking' as const) : ('flat' as const),
    slopeBytesPerSecond: Math.round(slope),
    heapStartBytes: trend[0]?.heapUsed ?? 0,
    heapEndBytes: trend.at(-1)?.heapUsed ?? 0,
  };
}
