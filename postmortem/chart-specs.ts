import type { TopLevelSpec } from 'vega-lite';
import { eventMarks, eventRules, eventStrip } from './chart-events.ts';
import { outageLayer, referenceLayers, xEncoding, type ChartFrame } from './chart-frame.ts';
import { MIB, inUnit } from './number-format.ts';
import type { RunData } from './run-data.ts';

const CONFIG = {
  font: 'Helvetica, Arial, sans-serif',
  view: { stroke: '#ccc' },
  axis: { labelFontSize: 10, titleFontSize: 11, titleFontWeight: 'normal', gridColor: '#eee' },
  legend: { labelFontSize: 10, titleFontSize: 10, orient: 'right' },
} as const;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const mb = (bytes: unknown): number | null => (typeof bytes === 'number' && Number.isFinite(bytes) ? bytes / MIB : null);

/** RSS and heap used over time, the heap cap as it changed, alert thresholds and the timeline's events. */
export function memorySpec(run: RunData, frame: ChartFrame): TopLevelSpec {
  const series = ['RSS', 'Heap used', 'Heap cap'];
  const values = run.metrics.flatMap((m) => {
    const x = frame.x(m.t);
    const up = m.up !== false;
    return [
      { x, series: 'RSS', mb: up ? mb(m.rssBytes) : null },
      { x, series: 'Heap used', mb: up ? mb(m.heapUsedBytes) : null },
      { x, series: 'Heap cap', mb: mb(m.heapCapBytes) },
    ];
  });
  const thresholds = uniqueThresholds(run, 'bytes').map((a) => ({
    y: a.threshold / MIB,
    label: `alert ${a.rule} (${inUnit(a.threshold, 'bytes')})`,
    color: '#d62728',
  }));
  const marks = eventMarks(run.events, frame);
  const plot = {
    width: frame.width,
    height: 240,
    resolve: { scale: { color: 'independent' } },
    layer: [
      ...outageLayer(frame),
      eventRules(marks, frame),
      {
        data: { values },
        mark: { type: 'line', strokeWidth: 1.6 },
        encoding: {
          x: xEncoding(frame),
          y: { field: 'mb', type: 'quantitative', title: 'memory (MB)' },
          color: { field: 'series', type: 'nominal', title: null, scale: { domain: series, range: ['#4c78a8', '#f58518', '#555555'] } },
          strokeDash: { field: 'series', type: 'nominal', scale: { domain: series, range: [[1, 0], [1, 0], [6, 3]] }, legend: null },
        },
      },
      ...referenceLayers(frame, thresholds),
    ],
  };
  return {
    $schema: SCHEMA,
    config: CONFIG,
    vconcat: [eventStrip(marks, frame), plot],
    spacing: 4,
  } as TopLevelSpec;
}

/** Requests per second, and the failed ones by kind, stacked. */
export function trafficSpec(run: RunData, frame: ChartFrame): TopLevelSpec {
  const kinds = ['error responses', 'connection errors', 'timeouts'];
  const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const failures = run.load.flatMap((s) => {
    const x = frame.x(s.t);
    const errors = num(s.errors);
    const timeouts = num(s.timeouts);
    return [
      { x, series: 'error responses', value: Math.max(0, num(s.failed) - errors - timeouts) },
      { x, series: 'connection errors', value: errors },
      { x, series: 'timeouts', value: timeouts },
    ];
  });
  const requests = run.load.map((s) => ({ x: frame.x(s.t), series: 'requests', value: num(s.requests) }));
  const color = {
    field: 'series', type: 'nominal', title: null,
    scale: { domain: ['requests', ...kinds], range: ['#4c78a8', '#e45756', '#b279a2', '#f58518'] },
  };
  return {
    $schema: SCHEMA,
    config: CONFIG,
    width: frame.width,
    height: 180,
    layer: [
      ...outageLayer(frame),
      {
        data: { values: failures },
        mark: { type: 'area', interpolate: 'step-after', opacity: 0.85 },
        encoding: {
          x: xEncoding(frame),
          y: { field: 'value', type: 'quantitative', stack: 'zero', title: 'requests per second' },
          color,
          order: { field: 'series', sort: 'ascending' },
        },
      },
      {
        data: { values: requests },
        mark: { type: 'line', strokeWidth: 1.4, interpolate: 'step-after' },
        encoding: { x: xEncoding(frame), y: { field: 'value', type: 'quantitative' }, color },
      },
    ],
  } as TopLevelSpec;
}

/** p50 and p99 latency per second, with the SLO's p99 and the load's timeout. */
export function latencySpec(run: RunData, frame: ChartFrame): TopLevelSpec {
  const ms = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const values = run.load.flatMap((s) => [
    { x: frame.x(s.t), series: 'p99', ms: ms(s.latencyP99Ms) },
    { x: frame.x(s.t), series: 'p50', ms: ms(s.latencyP50Ms) },
  ]);
  const slo = run.settings.slo?.latencyP99Ms;
  const timeoutS = run.settings.load?.timeoutSeconds;
  const lines = [
    ...(typeof slo === 'number' ? [{ y: slo, label: `SLO p99 ${inUnit(slo, 'ms')}`, color: '#2ca02c' }] : []),
    ...(typeof timeoutS === 'number' ? [{ y: timeoutS * 1000, label: `timeout ${timeoutS} s`, color: '#888888' }] : []),
    ...uniqueThresholds(run, 'ms')
      .filter((a) => a.threshold !== slo)
      .map((a) => ({ y: a.threshold, label: `alert ${a.rule} (${inUnit(a.threshold, 'ms')})`, color: '#d62728' })),
  ];
  return {
    $schema: SCHEMA,
    config: CONFIG,
    width: frame.width,
    height: 180,
    resolve: { scale: { color: 'independent' } },
    layer: [
      ...outageLayer(frame),
      {
        data: { values },
        mark: { type: 'line', strokeWidth: 1.4 },
        encoding: {
          x: xEncoding(frame),
          y: { field: 'ms', type: 'quantitative', title: 'latency (ms)' },
          color: { field: 'series', type: 'nominal', title: null, scale: { domain: ['p99', 'p50'], range: ['#e45756', '#4c78a8'] } },
        },
      },
      ...referenceLayers(frame, lines),
    ],
  } as TopLevelSpec;
}

function uniqueThresholds(run: RunData, unit: string): { rule: string; threshold: number }[] {
  const seen = new Map<string, { rule: string; threshold: number }>();
  for (const e of run.events) {
    const d = e.data;
    if (e.type !== 'alert' || d.unit !== unit || typeof d.threshold !== 'number') continue;
    const rule = typeof d.rule === 'string' ? d.rule : 'alert';
    seen.set(`${rule}@${d.threshold}`, { rule, threshold: d.threshold });
  }
  return [...seen.values()];
}
