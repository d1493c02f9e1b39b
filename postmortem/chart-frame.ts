import type { TopLevelSpec } from 'vega-lite';
import type { IncidentFacts } from './incident-facts.ts';
import type { ZoneClock } from './time-format.ts';

/**
 * What the three charts share: the time axis in the run's zone, and the outage band.
 *
 * Vega formats times in the zone of the process that renders them. To draw the run's zone
 * whatever the machine's, every time is shifted by the zone's offset at that instant and drawn on
 * a UTC scale: the UTC wall clock of the shifted value is the zone's wall clock.
 */
export interface ChartFrame {
  /** Epoch ms -> the value drawn on the x axis. */
  x(ms: number): number;
  /** [first, last] on the x axis. */
  domain: [number, number];
  /** e.g. "time (EAT, UTC+03:00)". */
  axisTitle: string;
  outage: { x: number; x2: number } | null;
  width: number;
}

export const CHART_WIDTH = 760;
type Encoding = NonNullable<Extract<TopLevelSpec, { encoding?: unknown }>['encoding']>;
export type XEncoding = NonNullable<Encoding['x']>;

export function chartFrame(clock: ZoneClock, facts: IncidentFacts, times: number[]): ChartFrame | null {
  const finite = times.filter((t) => Number.isFinite(t));
  if (finite.length < 2) return null;
  const x = (ms: number): number => ms + clock.offsetMs(ms);
  const first = Math.min(...finite);
  const last = Math.max(...finite);
  const zone = clock.zone(first);
  return {
    x,
    domain: [x(first), x(last)],
    axisTitle: `time (${zone.replace(' (', ', ').replace(')', '')})`,
    outage: facts.outageStart && facts.outageEnd ? { x: x(facts.outageStart.ms), x2: x(facts.outageEnd.ms) } : null,
    width: CHART_WIDTH,
  };
}

export function xEncoding(frame: ChartFrame, withAxis = true): XEncoding {
  return {
    field: 'x',
    type: 'temporal',
    scale: { type: 'utc', domain: frame.domain },
    axis: withAxis ? { title: frame.axisTitle, format: '%H:%M:%S', labelFlush: true, tickCount: 8 } : null,
  };
}

/** A light band over the outage, labelled, as the bottom layer of a chart. */
export function outageLayer(frame: ChartFrame): object[] {
  if (!frame.outage) return [];
  return [
    {
      data: { values: [frame.outage] },
      mark: { type: 'rect', color: '#d62728', opacity: 0.07 },
      encoding: { x: { ...xEncoding(frame), field: 'x' }, x2: { field: 'x2' } },
    },
    {
      data: { values: [{ ...frame.outage, label: 'outage' }] },
      mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, dy: 3, color: '#b22222', fontSize: 10, y: 0 },
      encoding: { x: { ...xEncoding(frame), field: 'x' }, text: { field: 'label' } },
    },
  ];
}

/** Horizontal reference lines (thresholds, SLOs, caps), each with its label above its left end. */
export function referenceLayers(frame: ChartFrame, lines: { y: number; label: string; color: string }[]): object[] {
  if (lines.length === 0) return [];
  const values = lines.map((l) => ({ ...l, x: frame.domain[0] }));
  return [
    {
      data: { values },
      mark: { type: 'rule', strokeDash: [4, 3], strokeWidth: 1.2 },
      encoding: { y: { field: 'y', type: 'quantitative' }, color: { field: 'color', type: 'nominal', scale: null, legend: null } },
    },
    {
      data: { values },
      mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 4, dy: -2, fontSize: 10 },
      encoding: {
        x: { ...xEncoding(frame), field: 'x' },
        y: { field: 'y', type: 'quantitative' },
        text: { field: 'label' },
        color: { field: 'color', type: 'nominal', scale: null, legend: null },
      },
    },
  ];
}
