import { paragraph, runText, type Block, type Section, type TimelineItem } from '../document.ts';
import { describeProblem } from '../run-data.ts';
import { chartBlock, dateAndZone, type SectionContext } from './section-context.ts';

export function timeline(ctx: SectionContext): Section {
  const { run, clock } = ctx;
  const blocks: Block[] = [];
  const first = run.events[0];
  const problems = run.problems.filter((p) => p.file === 'timeline.jsonl');
  for (const problem of problems) {
    blocks.push({ kind: 'notice', tone: 'warning', text: [`Corrupt timeline: ${describeProblem(problem)}.`] });
  }
  if (!first) {
    blocks.push(ctx.missing('timeline.jsonl: events', 'The timeline holds no readable event.'));
    return { id: 'timeline', title: 'Timeline', blocks };
  }
  const firstDate = clock.date(first.ms);
  blocks.push(paragraph(`All times are ${dateAndZone(ctx, first.ms)}.`));
  const items: TimelineItem[] = run.events.map((e) => {
    const date = clock.date(e.ms);
    return { time: clock.clock(e.ms), ...(date === firstDate ? {} : { date }), type: e.type === 'alert' && e.data.state === 'resolved' ? 'alert-resolved' : e.type, text: runText(e.summary) };
  });
  blocks.push({ kind: 'timeline', items });
  blocks.push(...chartBlock(ctx, 'memory'));
  return { id: 'timeline', title: 'Timeline', blocks };
}
