import type { NextFunction, Request, Response } from 'express';
import v8 from 'node:v8';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface AppMetrics {
  readonly registry: Registry;
  /** Counts and times every request by route and status. */
  middleware(req: Request, res: Response, next: NextFunction): void;
}

/**
 * Prometheus metrics for one app: Node's defaults (heap, RSS, GC, event-loop lag) plus
 * request counters and a latency histogram. A registry per app keeps tests that build
 * several apps in one process from sharing counters.
 */
export function createMetrics(): AppMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  // Prometheus rules need the cap to compare heap use against; Node's defaults do not export it.
  new Gauge({
    name: 'leak_lab_heap_size_limit_bytes',
    help: 'V8 heap size limit of this process (set by --max-old-space-size)',
    registers: [registry],
    collect() {
      this.set(v8.getHeapStatistics().heap_size_limit);
    },
  });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency, by route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  return {
    registry,
    middleware(req, res, next) {
      const started = process.hrtime.bigint();
      res.on('finish', () => {
        // Label by the route pattern, never the raw URL: raw URLs would make label sets unbounded.
        const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
        const labels = { method: req.method, route, status: String(res.statusCode) };
        requests.inc(labels);
        latency.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      });
      next();
    },
  };
}
