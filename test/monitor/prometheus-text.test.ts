import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../app/metrics.ts';
import { metricValue, parsePrometheusText } from '../../monitor/prometheus-text.ts';

describe('parsePrometheusText', () => {
  it('reads names, labels with escapes, special values and timestamps, and skips comments and junk', () => {
    const text = [
      '# HELP http_requests_total HTTP requests',
      '# TYPE http_requests_total counter',
      'http_requests_total{method="GET",route="/api/products/:id",status="200"} 1027',
      'http_requests_total{method="POST",route="/a \\"quoted\\" \\\\ path\\nx",status="500"} 3 1712345678000',
      'nodejs_heap_size_used_bytes 52428800',
      'weird_gauge NaN',
      'up_bound{le="+Inf"} +Inf',
      'low -Inf',
      'sci 1.5e3',
      'this is not a metric line',
      '{no_name="x"} 1',
      '',
    ].join('\n');
    const m = parsePrometheusText(text);
    expect(metricValue(m, 'http_requests_total', { status: '200' })).toBe(1027);
    expect(m.get('http_requests_total')![1]!.labels.route).toBe('/a "quoted" \\ path\nx');
    expect(metricValue(m, 'http_requests_total', { status: '500' })).toBe(3);
    expect(metricValue(m, 'nodejs_heap_size_used_bytes')).toBe(52428800);
    expect(metricValue(m, 'weird_gauge')).toBeNaN();
    expect(metricValue(m, 'up_bound', { le: '+Inf' })).toBe(Number.POSITIVE_INFINITY);
    expect(metricValue(m, 'low')).toBe(Number.NEGATIVE_INFINITY);
    expect(metricValue(m, 'sci')).toBe(1500);
    expect(metricValue(m, 'missing')).toBeNull();
    expect(m.has('this')).toBe(false);
  });

  it('reads the values the sampler needs from the app own prom-client registry', async () => {
    const metrics = createMetrics();
    const m = parsePrometheusText(await metrics.registry.metrics());
    const used = metricValue(m, 'nodejs_heap_size_used_bytes');
    const total = metricValue(m, 'nodejs_heap_size_total_bytes');
    expect(used).toBeGreaterThan(1e6);
    expect(total).toBeGreaterThanOrEqual(used!);
    expect(metricValue(m, 'nodejs_eventloop_lag_p99_seconds')).not.toBeNull();
    expect(metricValue(m, 'process_resident_memory_bytes')).toBeGreaterThan(used!);
  });
});
