/**
 * The monitor's defaults, kept beside it (candidates for lab/defaults.ts). Options objects are
 * `{ ...DEFAULTS, ...given }`, then validated where they are used.
 */
export const MONITOR_DEFAULTS = {
  sampleIntervalMs: 1000,
  /** Below the interval, so a hung app costs one sample, not a pile of overlapping scrapes. */
  scrapeTimeoutMs: 800,
  /** A scrape body larger than this is refused: /metrics is a few KB. */
  scrapeMaxBytes: 4 * 2 ** 20,
  /** Evaluations a condition must hold before an alert fires ("for" in Prometheus terms). */
  forEvaluations: 3,
  /** Evaluations the value must stay under the resolve threshold before an alert resolves. */
  resolveForEvaluations: 3,
} as const;

/** Each rule's thresholds and windows; the caps and SLOs themselves are passed in. */
export const ALERT_RULE_DEFAULTS = {
  heapShareFire: 0.8,
  heapShareResolve: 0.7,
  heapShareWindowSeconds: 5,
  /** predict_linear(heap_used[30s], 60) > cap */
  exhaustionWindowSeconds: 30,
  exhaustionHorizonSeconds: 60,
  /** Resolves once the forecast stays under this share of the cap. */
  exhaustionResolveShare: 0.9,
  /** Fewer points than this give no forecast: a line through three GC sawtooth points is noise. */
  exhaustionMinPoints: 10,
  /**
   * Seconds the samples must span before the forecast may fire (it counts toward resolving
   * sooner). A fresh process's warm-up (code loading, JIT, pools and caches filling to their
   * bounds) is a steep ramp: recorded runs of a healthy build under the default traffic
   * forecast up to 131 MB within their first 15 s, and at most 62 MB from 20 s of samples on,
   * against the leaky build's 186 MB.
   */
  exhaustionMinSpanSeconds: 20,
  latencySloMs: 500,
  latencyResolveMs: 400,
  latencyWindowSeconds: 10,
  latencyMinSeconds: 3,
  errorRateBound: 0.01,
  errorRateResolve: 0.005,
  errorRateWindowSeconds: 10,
  /** Too few requests make a rate meaningless: one failure in three is not a 33 % outage. */
  errorRateMinRequests: 20,
} as const;

export const EXTERNAL_WATCHDOG_DEFAULTS = {
  intervalMs: 500,
} as const;
