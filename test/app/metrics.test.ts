import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenApp, type ListeningApp } from './listen-app.ts';

let lab: ListeningApp;
beforeAll(async () => {
  lab = await listenApp();
});
afterAll(() => lab.stop());

/** Parses Prometheus text exposition into sample lines keyed by `name{labels}`. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

describe('GET /metrics', () => {
  it('serves Prometheus text with Node defaults and per-route request metrics', async () => {
    for (let i = 0; i < 3; i += 1) await fetch(`${lab.url}/api/products/${i + 1}`);
    await fetch(`${lab.url}/api/products/123456`);
    const res = await fetch(`${lab.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const m = samples(text);
    for (const name of ['nodejs_heap_size_used_bytes', 'nodejs_heap_size_total_bytes', 'process_resident_memory_bytes']) {
      expect(m.get(name), name).toBeGreaterThan(0);
    }
    // Lag can honestly be 0 on an idle process; it must be there, and be a number.
    expect(m.get('nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(text).toMatch(/# TYPE nodejs_gc_duration_seconds histogram/);
    expect(m.get('http_requests_total{method="GET",route="/api/products/:id",status="200"}')).toBe(3);
    expect(m.get('http_requests_total{method="GET",route="/api/products/:id",status="404"}')).toBe(1);
    expect(m.get('http_request_duration_seconds_count{method="GET",route="/api/products/:id",status="200"}')).toBe(3);
  });

  it('labels unknown URLs as unmatched, so raw paths never become label values', async () => {
    await fetch(`${lab.url}/no/such/path/${Date.now()}`);
    const text = await (await fetch(`${lab.url}/metrics`)).text();
    expect(text).toMatch(/http_requests_total\{method="GET",route="unmatched",status="404"\} 1/);
    expect(text).not.toMatch(/no\/such\/path/);
  });
});
