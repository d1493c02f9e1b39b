import path from 'node:path';
import { code, type Block, type ChartRef, type Inline, type PostmortemDocument } from './document.ts';
import type { IncidentFacts } from './incident-facts.ts';
import type { LeakFacts } from './leak-facts.ts';
import { describeProblem, type RunData } from './run-data.ts';
import { SECTION_BUILDERS } from './sections/index.ts';
import type { SectionContext } from './sections/section-context.ts';
import type { SourceRegions } from './source-regions.ts';
import type { ZoneClock } from './time-format.ts';

export interface DocumentInput {
  run: RunData;
  facts: IncidentFacts;
  leak: LeakFacts | null;
  source: SourceRegions;
  clock: ZoneClock;
  charts: ChartRef[];
}

const MAX_LISTED_PROBLEMS = 12;

/** Builds every section, collecting what is missing as the sections notice it. */
export function buildDocument(input: DocumentInput): { doc: PostmortemDocument; missing: string[] } {
  const missing = new Set<string>(input.run.absentFiles);
  const escalation = input.facts.escalations[0]?.data;
  const ctx: SectionContext = {
    ...input,
    devTeam: typeof escalation?.to === 'string' && escalation.to ? escalation.to : 'developers',
    opsTeam: typeof escalation?.from === 'string' && escalation.from ? escalation.from : 'on-call',
    missing(what: string, ...text: Inline[]): Block {
      missing.add(what);
      return { kind: 'notice', tone: 'missing', text };
    },
  };
  const sections = SECTION_BUILDERS.map((build) => build(ctx));
  const doc: PostmortemDocument = {
    title: `Postmortem: ${input.run.settings.scenario?.title ?? input.run.settings.scenario?.name ?? path.basename(input.run.dir)}`,
    subtitle: subtitle(input),
    notices: topNotices(input.run, [...missing]),
    sections,
    charts: input.charts,
  };
  return { doc, missing: [...missing] };
}

function subtitle({ run, clock, facts }: DocumentInput): Inline[] {
  const s = run.settings;
  const first = facts.outageStart?.ms ?? run.events[0]?.ms;
  const parts: Inline[] = ['Run ', code(path.basename(run.dir))];
  if (s.scenario?.name) parts.push(', scenario ', code(s.scenario.name));
  if (s.profile) parts.push(`, profile ${s.profile}`);
  if (s.seed !== undefined) parts.push(`, seed ${s.seed}`);
  if (first !== undefined) {
    const zone = clock.zone(first);
    // `UTC time, UTC (UTC+00:00)` says it twice.
    parts.push(`. ${clock.date(first)}; times are ${zone.startsWith(clock.tz) ? '' : `${clock.tz} time, `}${zone}.`);
  }
  parts.push(' Blameless: it describes what the system and the people saw and did, not who is at fault.');
  return parts;
}

function topNotices(run: RunData, missing: string[]): Block[] {
  const notices: Block[] = [];
  if (missing.length > 0) {
    notices.push({ kind: 'notice', tone: 'missing', text: [`This report is incomplete. Not in the run: ${missing.join('; ')}.`] });
  }
  const problems = run.problems;
  if (problems.length > 0) {
    const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map(describeProblem).join('; ');
    const more = problems.length > MAX_LISTED_PROBLEMS ? `; and ${problems.length - MAX_LISTED_PROBLEMS} more` : '';
    notices.push({ kind: 'notice', tone: 'warning', text: [`Some of the run's data could not be read: ${listed}${more}.`] });
  }
  return notices;
}
