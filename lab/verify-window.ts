import { heapTrend } from './heap-trend.ts';
import type { Incident } from './incident.ts';
import type { AlertData, LoadSecond, MetricSample, VerifyData } from './run-files.ts';

export interface VerifyWindowOptions {
  seconds: number;
  /** Heap growth under which memory counts as flat, bytes per second. */
  noiseBoundBytesPerSecond: number;
}

/**
 * Runs the same traffic at the process just deployed for a window and judges it: memory flat
 * within the noise bound, no alert fired, no request failed. The first third of the window is
 * warm-up (caches filling to their bounds) and is left out of the trend.
 */
export async function verifyWindow(incident: Incident, variant: 'leaky' | 'fixed', opts: VerifyWindowOptions): Promise<VerifyData> {
  const pid = incident.app?.pid;
  const samples: MetricSample[] = [];
  const seconds: LoadSecond[] = [];
  const fired: AlertData[] = [];
  const onSample = (s: MetricSample) => s.pid === pid && s.up && samples.push(s);
  const onLoad = (l: LoadSecond) => seconds.push(l);
  const onAlert = (a: AlertData) => a.state === 'firing' && fired.push(a);
  incident.on('sample', onSample);
  incident.on('load', onLoad);
  incident.on('alert', onAlert);
  try {
    await incident.elapse(opts.seconds);
  } finally {
    incident.off('sample', onSample);
    incident.off('load', onLoad);
    incident.off('alert', onAlert);
  }
  const warm = samples[0] ? samples[0].t + (opts.seconds * 1000) / 3 : 0;
  const trend = heapTrend(samples.filter((s) => s.t >= warm).map((s) => ({ t: s.t, bytes: s.heapUsedBytes })));
  const verdict = trend.slopeBytesPerSecond > opts.noiseBoundBytesPerSecond ? 'leaking' : 'flat';
  const requests = seconds.reduce((n, l) => n + l.requests, 0);
  const failed = seconds.reduce((n, l) => n + l.failed, 0);
  return {
    variant,
    seconds: opts.seconds,
    verdict,
    slopeBytesPerSecond: Math.round(trend.slopeBytesPerSecond),
    noiseBoundBytesPerSecond: opts.noiseBoundBytesPerSecond,
    heapStartBytes: trend.startBytes,
    heapEndBytes: trend.endBytes,
    requests,
    failed,
    alertsFired: fired.length,
    passed: verdict === 'flat' && fired.length === 0 && failed === 0 && requests > 0,
  };
}
