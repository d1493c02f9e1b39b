import type { ChartFrame } from './chart-frame.ts';
import { xEncoding } from './chart-frame.ts';
import type { TimedEvent } from './run-data.ts';

/** The timeline's events as marks above the memory chart: a point and a short label each. */
export interface EventMark {
  x: number;
  label: string;
  kind: string;
  lane: number;
  align: 'left' | 'right';
}

export const EVENT_KINDS = ['deploy', 'alert', 'action', 'misleading action', 'observation', 'crash', 'escalation', 'diagnosis', 'fix verified'] as const;
const EVENT_COLORS = ['#2ca02c', '#d62728', '#1f77b4', '#9467bd', '#17becf', '#000000', '#ff7f0e', '#8c564b', '#2ca02c'];

const CHAR_PX = 6;
const LANE_PX = 15;
/** Beyond this many rows of labels, further events keep their point and lose their label. */
const MAX_LANES = 8;

export function eventMarks(events: readonly TimedEvent[], frame: ChartFrame): EventMark[] {
  const marks: EventMark[] = [];
  const laneEnds: number[] = [];
  const [x0, x1] = frame.domain;
  for (const e of events) {
    const mark = describe(e);
    if (!mark) continue;
    const x = frame.x(e.ms);
    const px = ((x - x0) / Math.max(1, x1 - x0)) * frame.width;
    const width = mark.label.length * CHAR_PX + 12;
    const align = px + width > frame.width ? 'right' : 'left';
    const [from, to] = align === 'left' ? [px, px + width] : [px - width, px];
    let lane = laneEnds.findIndex((end) => from >= end);
    if (lane === -1 && laneEnds.length < MAX_LANES) lane = laneEnds.push(0) - 1;
    if (lane === -1) {
      marks.push({ x, label: '', kind: mark.kind, lane: laneEnds.indexOf(Math.min(...laneEnds)), align });
      continue;
    }
    laneEnds[lane] = to + 4;
    marks.push({ x, label: mark.label, kind: mark.kind, lane, align });
  }
  return marks;
}

function describe(e: TimedEvent): { label: string; kind: string } | null {
  const d = e.data;
  const s = (v: unknown, fallback: string): string => (typeof v === 'string' && v !== '' ? v : fallback);
  switch (e.type) {
    case 'deploy':
      return { label: `deploy ${s(d.variant, '')}`.trim(), kind: 'deploy' };
    case 'alert':
      return d.state === 'resolved' ? null : { label: s(d.rule, 'alert'), kind: 'alert' };
    case 'action':
      return { label: s(d.action, 'action'), kind: d.misleading === true ? 'misleading action' : 'action' };
    case 'observation':
      return { label: 'observation', kind: 'observation' };
    case 'crash':
      return { label: 'crash', kind: 'crash' };
    case 'escalation':
      return { label: `escalate → ${s(d.to, 'team')}`, kind: 'escalation' };
    case 'diagnosis':
      return { label: 'diagnosis', kind: 'diagnosis' };
    case 'verify':
      return { label: 'verify', kind: 'fix verified' };
    case 'resolved':
      return { label: 'resolved', kind: 'fix verified' };
    case 'aborted':
      return { label: 'aborted', kind: 'crash' };
    default:
      return null;
  }
}

/** The strip of labelled event marks, to stack above a chart that shares its x scale. */
export function eventStrip(marks: EventMark[], frame: ChartFrame): object {
  const lanes = Math.max(1, ...marks.map((m) => m.lane + 1));
  const y = { field: 'lane', type: 'quantitative', scale: { domain: [-0.6, lanes - 0.4], reverse: true }, axis: null };
  const color = { field: 'kind', type: 'nominal', title: 'event', scale: { domain: [...EVENT_KINDS], range: EVENT_COLORS } };
  const text = (align: 'left' | 'right') => ({
    transform: [{ filter: `datum.align === '${align}'` }],
    mark: { type: 'text', align, baseline: 'middle', dx: align === 'left' ? 6 : -6, fontSize: 10 },
    encoding: { x: xEncoding(frame, false), y, text: { field: 'label' }, color: { ...color, legend: null } },
  });
  return {
    height: lanes * LANE_PX,
    width: frame.width,
    data: { values: marks },
    layer: [
      { mark: { type: 'point', filled: true, size: 36 }, encoding: { x: xEncoding(frame, false), y, color } },
      text('left'),
      text('right'),
    ],
  };
}

/** Thin vertical rules at the same events, to draw inside the chart below the strip. */
export function eventRules(marks: EventMark[], frame: ChartFrame): object {
  return {
    data: { values: marks },
    mark: { type: 'rule', strokeWidth: 0.8, opacity: 0.45, strokeDash: [2, 2] },
    encoding: {
      x: xEncoding(frame),
      color: { field: 'kind', type: 'nominal', scale: { domain: [...EVENT_KINDS], range: EVENT_COLORS }, legend: null },
    },
  };
}
