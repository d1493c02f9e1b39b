import type { LoadSecond } from '../../load/load-types.ts';
import type { MetricSample, UpSample } from '../../monitor/monitor-types.ts';

export const T0 = 1_800_000_000_000;

export function up(t: number, heapUsedBytes: number, pid = 4242): UpSample {
  return { t, pid, up: true, rssBytes: heapUsedBytes * 1.5, cpuPercent: 10, heapUsedBytes, heapTotalBytes: heapUsedBytes * 1.1, eventLoopLagP99Ms: 12 };
}

export function down(t: number, pid = 4242): MetricSample {
  return { t, pid, up: false, rssBytes: null, cpuPercent: null, heapUsedBytes: null, heapTotalBytes: null, eventLoopLagP99Ms: null, reason: 'process gone' };
}

export function loadSecond(t: number, fields: Partial<LoadSecond> = {}): LoadSecond {
  return {
    t, sent: 100, requests: 100, status2xx: 100, non2xx: 0, expected4xx: 0, status5xx: 0,
    errors: 0, timeouts: 0, failed: 0, shed: 0, latencyP50Ms: 5, latencyP99Ms: 20, ...fields,
  };
}
