import { assertLoopbackUrl } from '../load/loopback-url.ts';
import { labError } from '../lab/errors.ts';
import { settledWithin } from '../load/bounded-wait.ts';
import { fetchText } from './http-scrape.ts';
import { MONITOR_DEFAULTS } from './monitor-defaults.ts';
import type { AppTarget, MetricSample } from './monitor-types.ts';
import { CpuMeter, readProcessUsage } from './process-usage.ts';
import { metricValue, parsePrometheusText } from './prometheus-text.ts';

/** The prom-client default metrics the sample is made of. */
export const SCRAPED_METRICS = {
  heapUsed: 'nodejs_heap_size_used_bytes',
  heapTotal: 'nodejs_heap_size_total_bytes',
  lagP99: 'nodejs_eventloop_lag_p99_seconds',
  rss: 'process_resident_memory_bytes',
} as const;

export interface SampleOptions {
  scrapeTimeoutMs?: number;
  cpuMeter?: CpuMeter;
}

/** One sample: pidusage and a /metrics scrape side by side. Never throws; trouble is `up: false`. */
export async function takeSample(target: AppTarget, opts: SampleOptions = {}): Promise<MetricSample> {
  const t = Date.now();
  const timeoutMs = opts.scrapeTimeoutMs ?? MONITOR_DEFAULTS.scrapeTimeoutMs;
  const [usage, scrape] = await Promise.all([
    readProcessUsage(target.pid),
    fetchText(new URL('/metrics', target.url), timeoutMs).then(
      (text) => ({ ok: true as const, metrics: parsePrometheusText(text) }),
      (err: Error) => ({ ok: false as const, error: err.message }),
    ),
  ]);
  const cpuPercent = usage ? (opts.cpuMeter?.percent(target.pid, usage) ?? usage.cpuPercent) : null;
  const down = (reason: string, rssBytes: number | null): MetricSample => ({
    t, pid: target.pid, up: false, rssBytes, cpuPercent, heapUsedBytes: null, heapTotalBytes: null, eventLoopLagP99Ms: null, reason,
  });
  if (!usage) return down('process gone', null);
  if (!scrape.ok) return down(`scrape failed: ${scrape.error}`, usage.rssBytes);

  const heapUsed = metricValue(scrape.metrics, SCRAPED_METRICS.heapUsed);
  const heapTotal = metricValue(scrape.metrics, SCRAPED_METRICS.heapTotal);
  const lagP99 = metricValue(scrape.metrics, SCRAPED_METRICS.lagP99);
  const missing = Object.entries({ heapUsed, heapTotal, lagP99 }).filter(([, v]) => v === null || !Number.isFinite(v));
  if (missing.length > 0) return down(`metrics missing: ${missing.map(([k]) => k).join(', ')}`, usage.rssBytes);
  return {
    t,
    pid: target.pid,
    up: true,
    rssBytes: usage.rssBytes,
    cpuPercent: cpuPercent!,
    heapUsedBytes: heapUsed!,
    heapTotalBytes: heapTotal!,
    eventLoopLagP99Ms: lagP99! * 1000,
  };
}

export interface SamplerOptions {
  target: AppTarget;
  onSample: (sample: MetricSample) => void;
  intervalMs?: number;
  scrapeTimeoutMs?: number;
}

export interface Sampler {
  retarget(target: AppTarget): void;
  target(): AppTarget;
  /** Stops the schedule and waits (bounded) for a sample in progress, which is then discarded. */
  stop(): Promise<void>;
}

/** Samples the target once per interval, on a fixed cadence; a slow sample delays, never overlaps, the next. */
export function startSampler(opts: SamplerOptions): Sampler {
  const intervalMs = opts.intervalMs ?? MONITOR_DEFAULTS.sampleIntervalMs;
  const scrapeTimeoutMs = opts.scrapeTimeoutMs ?? MONITOR_DEFAULTS.scrapeTimeoutMs;
  if (!(intervalMs >= 50) || !(scrapeTimeoutMs >= 10)) {
    throw labError('LAB_ERR_BAD_OPTION', `intervalMs must be >= 50 and scrapeTimeoutMs >= 10, got ${intervalMs} and ${scrapeTimeoutMs}`);
  }
  let target = checkTarget(opts.target);
  const cpuMeter = new CpuMeter();
  const startedAt = Date.now();
  let timer: NodeJS.Timeout | null = null;
  let inProgress: Promise<void> | null = null;
  let stopped = false;

  function run(): void {
    timer = null;
    inProgress = takeSample(target, { scrapeTimeoutMs, cpuMeter })
      .then((sample) => {
        if (!stopped) opts.onSample(sample);
      })
      .finally(() => {
        inProgress = null;
        schedule();
      });
  }

  function schedule(): void {
    if (stopped) return;
    const now = Date.now();
    const next = startedAt + (Math.floor((now - startedAt) / intervalMs) + 1) * intervalMs;
    timer = setTimeout(run, next - now);
  }

  run();

  return {
    retarget(next) {
      target = checkTarget(next);
    },
    target: () => target,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      if (inProgress) await settledWithin(inProgress, scrapeTimeoutMs + 1000);
    },
  };
}

function checkTarget(target: AppTarget): AppTarget {
  if (!Number.isInteger(target.pid) || target.pid <= 0) throw labError('LAB_ERR_BAD_OPTION', `pid must be a positive integer, got ${target.pid}`);
  return { pid: target.pid, url: assertLoopbackUrl(target.url).origin };
}
