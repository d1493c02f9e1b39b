import { logger, None, parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { chartFrame } from './chart-frame.ts';
import { latencySpec, memorySpec, trafficSpec } from './chart-specs.ts';
import type { ChartRef } from './document.ts';
import type { IncidentFacts } from './incident-facts.ts';
import type { RunData } from './run-data.ts';
import type { ZoneClock } from './time-format.ts';

/**
 * Draws the postmortem's charts with vega-lite and vega in Node, as static SVG (no canvas, no
 * browser, no network). A chart whose data is missing is simply not drawn.
 */
export async function renderCharts(run: RunData, facts: IncidentFacts, clock: ZoneClock): Promise<ChartRef[]> {
  const times = [...run.metrics.map((m) => m.t), ...run.load.map((s) => s.t), ...run.events.map((e) => e.ms)];
  const frame = chartFrame(clock, facts, times);
  if (!frame) return [];
  const charts: ChartRef[] = [];
  if (run.metrics.length > 1) {
    charts.push(await chart('memory', 'Memory over time', 'RSS and heap used per second, the heap cap as it changed, alert thresholds and the timeline\'s events.', memorySpec(run, frame)));
  }
  if (run.load.length > 1) {
    charts.push(await chart('traffic', 'Requests and failures per second', 'Requests per second from the users\' side, with failed requests by kind stacked below.', trafficSpec(run, frame)));
    charts.push(await chart('latency', 'Latency per second', 'p50 and p99 latency per second against the SLO\'s p99 and the load\'s timeout.', latencySpec(run, frame)));
  }
  return charts;
}

async function chart(id: string, title: string, description: string, spec: TopLevelSpec): Promise<ChartRef> {
  return { id, title, description, file: `chart-${id}.svg`, svg: await renderSvg(spec, `pm-${id}`) };
}

/** Renders a vega-lite spec to SVG, with its element ids prefixed so several charts can share a page. */
export async function renderSvg(spec: TopLevelSpec, idPrefix: string): Promise<string> {
  // vega-lite reports its own notes (e.g. merged scale domains) on the console; a report generator stays quiet.
  const compiled = compile(spec, { logger: logger(None) }).spec;
  const view = new View(parse(compiled), { renderer: 'none', logLevel: None });
  try {
    const svg = await view.toSVG();
    return prefixIds(svg, idPrefix);
  } finally {
    view.finalize();
  }
}

function prefixIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, `id="${prefix}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}-$1"`);
}
