/** The app process the monitor watches; both change when the app restarts. */
export interface AppTarget {
  pid: number;
  /** Base URL, loopback only; /metrics is scraped from it. */
  url: string;
}

interface SampleBase {
  /** Epoch ms when the sample was started. */
  t: number;
  pid: number;
}

/** The process is alive and its /metrics answered with every value the monitor reads. */
export interface UpSample extends SampleBase {
  up: true;
  rssBytes: number;
  cpuPercent: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  eventLoopLagP99Ms: number;
}

/** The process is gone, or alive but its scrape failed; what could be read is kept. */
export interface DownSample extends SampleBase {
  up: false;
  rssBytes: number | null;
  cpuPercent: number | null;
  heapUsedBytes: null;
  heapTotalBytes: null;
  eventLoopLagP99Ms: null;
  /** Why: "process gone", "scrape failed: ...", "metrics missing: ...". */
  reason: string;
}

export type MetricSample = UpSample | DownSample;
