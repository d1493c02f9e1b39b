import { describe, expect, it } from 'vitest';
import { latencyQuantiles, quantileOfSorted } from '../../load/latency-quantiles.ts';
import type { LoadSecond } from '../../load/load-types.ts';
import { PerSecondRecorder } from '../../load/per-second-recorder.ts';
import { classifyResponse } from '../../load/response-class.ts';
import { UserOutcomeBook } from '../../load/user-outcomes.ts';

describe('latency quantiles', () => {
  it('uses nearest rank over the values given', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(latencyQuantiles(values)).toEqual({ p50: 50, p99: 99 });
    expect(latencyQuantiles([7])).toEqual({ p50: 7, p99: 7 });
    expect(latencyQuantiles([])).toEqual({ p50: null, p99: null });
    expect(quantileOfSorted([1, 2, 3, 4], 0.5)).toBe(2);
  });
});

describe('classifyResponse', () => {
  it('treats the mix expected refusals as expected and other non-2xx as failures', () => {
    expect(classifyResponse(201, 'POST', '/api/cart/items')).toBe('ok');
    expect(classifyResponse(409, 'POST', '/api/checkout')).toBe('expected');
    expect(classifyResponse(404, 'GET', '/api/products/99999')).toBe('expected');
    expect(classifyResponse(404, 'GET', '/api/cart')).toBe('failed');
    expect(classifyResponse(409, 'POST', '/api/cart/items')).toBe('failed');
    expect(classifyResponse(400, 'POST', '/api/cart/items')).toBe('failed');
    expect(classifyResponse(503, 'GET', '/api/search?q=lamp')).toBe('failed');
  });
});

describe('PerSecondRecorder', () => {
  it('closes each wall-clock second once, empty ones included, and flushes the partial last one', () => {
    const closed: LoadSecond[] = [];
    const rec = new PerSecondRecorder(10_500, (s) => closed.push(s));
    rec.sent(10_600);
    rec.outcome(10_700, { requests: 1, status2xx: 1 }, 5);
    rec.outcome(10_800, { requests: 1, errors: 1, failed: 1 }, null);
    rec.outcome(12_100, { requests: 1, timeouts: 1, failed: 1 }, 2000);
    rec.closeThrough(11_999);
    expect(closed.map((s) => s.t)).toEqual([10_000]);
    rec.closeThrough(13_000);
    expect(closed.map((s) => s.t)).toEqual([10_000, 11_000, 12_000]);
    expect(closed[0]).toMatchObject({ sent: 1, requests: 2, status2xx: 1, errors: 1, failed: 1, latencyP50Ms: 5, latencyP99Ms: 5 });
    expect(closed[1]).toMatchObject({ requests: 0, latencyP50Ms: null });
    expect(closed[2]).toMatchObject({ timeouts: 1, latencyP99Ms: 2000 });
    rec.sent(13_200);
    rec.flush(13_300);
    expect(closed.map((s) => s.t)).toEqual([10_000, 11_000, 12_000, 13_000]);
    expect(rec.seconds()).toHaveLength(4);
  });

  it('puts an event stamped in an already closed second into the open one', () => {
    const rec = new PerSecondRecorder(20_000);
    rec.closeThrough(22_000);
    rec.sent(20_500);
    rec.flush(22_100);
    expect(rec.seconds().map((s) => [s.t, s.sent])).toEqual([
      [20_000, 0],
      [21_000, 0],
      [22_000, 1],
    ]);
  });
});

describe('UserOutcomeBook', () => {
  it('counts only users that made requests, and affected ones by their first failure', () => {
    const book = new UserOutcomeBook();
    book.record('user-0001', false, 1);
    book.record('user-0002', true, 2);
    book.record('user-0002', true, 3);
    book.record('user-0003', false, 4);
    const out = book.snapshot();
    expect(out).toMatchObject({ users: 3, affected: 1, requests: 4, failed: 2 });
    expect(out.perUser['user-0002']).toEqual({ requests: 2, failures: 2, firstFailureAt: 2 });
    expect(out.perUser['user-0009']).toBeUndefined();
  });
});
