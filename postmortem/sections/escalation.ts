import { paragraph, sentence, strong, type Block, type Section } from '../document.ts';
import { formatDuration } from '../time-format.ts';
import { atZ, str, type SectionContext } from './section-context.ts';

export function escalation(ctx: SectionContext): Section {
  const { facts } = ctx;
  if (facts.escalations.length === 0) {
    return {
      id: 'escalation',
      title: 'Escalation',
      blocks: [ctx.missing('timeline.jsonl: escalation event', 'No escalation was recorded in this run.')],
    };
  }
  const blocks: Block[] = facts.escalations.map((e) => {
    // An outage counted from the first alert began then: one span, said once.
    const sameStart = facts.firstAlert && facts.outageStart && facts.firstAlert.ms === facts.outageStart.ms;
    const since = [
      facts.firstAlert && e.ms >= facts.firstAlert.ms ? `${formatDuration(e.ms - facts.firstAlert.ms)} after the first alert${sameStart ? ', when the outage began' : ''}` : null,
      !sameStart && facts.outageStart && e.ms >= facts.outageStart.ms ? `${formatDuration(e.ms - facts.outageStart.ms)} after the outage began` : null,
    ].filter((s) => s !== null);
    return paragraph(
      `At ${atZ(ctx, e.ms)}, ${str(e.data.from, e.source)} escalated to `, strong(str(e.data.to, 'another team')),
      since.length > 0 ? ` (${since.join(', ')}).` : '.',
      ` Why: ${sentence(str(e.data.reason, e.summary))}`,
    );
  });
  return { id: 'escalation', title: 'Escalation', blocks };
}
