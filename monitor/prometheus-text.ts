export interface PromSample {
  labels: Record<string, string>;
  value: number;
}

/** Metric name -> its samples, in the order they appeared. */
export type PromMetrics = Map<string, PromSample[]>;

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

/**
 * Parses the Prometheus text exposition format (version 0.0.4): comments skipped, labels with
 * their escapes, NaN and ±Inf values, optional timestamps ignored. A line that does not parse is
 * skipped rather than failing the scrape: one odd custom metric must not blind the monitor.
 */
export function parsePrometheusText(text: string): PromMetrics {
  const metrics: PromMetrics = new Map();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const parsed = parseLine(line);
    if (!parsed) continue;
    let list = metrics.get(parsed.name);
    if (!list) {
      list = [];
      metrics.set(parsed.name, list);
    }
    list.push({ labels: parsed.labels, value: parsed.value });
  }
  return metrics;
}

/** The value of the first sample of `name` whose labels include `labels`, or null. */
export function metricValue(metrics: PromMetrics, name: string, labels: Record<string, string> = {}): number | null {
  const match = metrics.get(name)?.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return match ? match.value : null;
}

function parseLine(line: string): { name: string; labels: Record<string, string>; value: number } | null {
  const name = NAME.exec(line)?.[0];
  if (!name) return null;
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    const end = parseLabels(line, i + 1, labels);
    if (end < 0) return null;
    i = end;
  }
  const fields = line.slice(i).trim().split(/\s+/);
  if (fields.length < 1 || fields.length > 2) return null;
  const value = parseValue(fields[0]!);
  return value === null ? null : { name, labels, value };
}

/** Reads `k="v",...}` from `start`; returns the index after `}`, or -1. */
function parseLabels(line: string, start: number, into: Record<string, string>): number {
  let i = start;
  for (;;) {
    while (line[i] === ' ' || line[i] === ',') i += 1;
    if (line[i] === '}') return i + 1;
    const key = NAME.exec(line.slice(i))?.[0];
    if (!key) return -1;
    i += key.length;
    while (line[i] === ' ') i += 1;
    if (line[i] !== '=' || line[i + 1] !== '"') return -1;
    i += 2;
    let value = '';
    for (;;) {
      const c = line[i];
      if (c === undefined) return -1;
      if (c === '"') break;
      if (c === '\\') {
        const next = line[i + 1];
        value += next === 'n' ? '\n' : (next ?? '');
        i += 2;
        continue;
      }
      value += c;
      i += 1;
    }
    into[key] = value;
    i += 1;
  }
}

function parseValue(text: string): number | null {
  switch (text) {
    case 'NaN':
      return Number.NaN;
    case '+Inf':
    case 'Inf':
      return Number.POSITIVE_INFINITY;
    case '-Inf':
      return Number.NEGATIVE_INFINITY;
  }
  const value = Number(text);
  return text !== '' && !Number.isNaN(value) ? value : null;
}
