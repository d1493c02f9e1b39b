import type { Block, ChartRef, Inline } from '../document.ts';
import type { IncidentFacts } from '../incident-facts.ts';
import type { LeakFacts } from '../leak-facts.ts';
import type { RunData } from '../run-data.ts';
import type { SourceRegions } from '../source-regions.ts';
import type { ZoneClock } from '../time-format.ts';

/** What every section builder gets: the run, the derived facts, and a way to say what is missing. */
export interface SectionContext {
  run: RunData;
  facts: IncidentFacts;
  leak: LeakFacts | null;
  source: SourceRegions;
  clock: ZoneClock;
  charts: ChartRef[];
  /** Owner of code tasks: the team escalated to, else the team that fixed it. */
  devTeam: string;
  /** Owner of alerting and runbook tasks: the team that escalated, else the responders. */
  opsTeam: string;
  /**
   * Records that `what` is missing from the run (once, whatever the number of sections that
   * notice it) and returns the notice block that says so in the section.
   */
  missing(what: string, ...text: Inline[]): Block;
}

/** "14:00:19" for an event time; the zone and date are stated once per section. */
export function at(ctx: SectionContext, ms: number): string {
  return ctx.clock.clock(ms);
}

/** "14:00:19 EAT (UTC+03:00)". */
export function atZ(ctx: SectionContext, ms: number): string {
  return ctx.clock.clockWithZone(ms);
}

/** "EAT (UTC+03:00) on Wednesday 25 November 2026". */
export function dateAndZone(ctx: SectionContext, ms: number): string {
  return `${ctx.clock.zone(ms)} on ${ctx.clock.date(ms)}`;
}

export function chartBlock(ctx: SectionContext, id: string): Block[] {
  return ctx.charts.some((c) => c.id === id) ? [{ kind: 'chart', chartId: id }] : [];
}

export const str = (value: unknown, fallback = ''): string => (typeof value === 'string' && value !== '' ? value : fallback);
export const numOrNaN = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : NaN);
