import { list, paragraph, sentence, strong, type Block, type Section } from '../document.ts';
import { formatDuration } from '../time-format.ts';
import { at, str, type SectionContext } from './section-context.ts';

export function misleadingPaths(ctx: SectionContext): Section {
  const { facts } = ctx;
  const blocks: Block[] = [];
  if (facts.misleading.length === 0) {
    blocks.push(paragraph('No action in this run was marked as a misleading path.'));
    return { id: 'misleading-paths', title: 'Misleading investigation paths', blocks };
  }
  for (const { action, observation } of facts.misleading) {
    blocks.push(paragraph(strong(`${str(action.data.action, 'action')} at ${at(ctx, action.ms)}`)));
    blocks.push(list([
      ['What was believed: ', sentence(str(action.data.assumption, 'not recorded'))],
      ['What was done: ', action.summary],
      observation
        ? [
            `What showed it wrong (measured at ${at(ctx, observation.ms)}, ${formatDuration(observation.ms - action.ms)} after the action): ${observation.summary}`,
            observation.data.conclusion ? ` ${sentence(str(observation.data.conclusion))}` : '',
          ]
        : ['What showed it wrong: no measurement in the run judged this action.'],
    ]));
  }
  if (facts.misleadingMs !== null) {
    const first = facts.misleading[0]!.action;
    blocks.push(paragraph(
      `Time on these paths: ${formatDuration(facts.misleadingMs)}, from the first misleading action at ${at(ctx, first.ms)} `,
      facts.escalations.some((e) => e.ms >= first.ms) ? 'to the escalation.' : 'to the fix.',
    ));
  }
  return { id: 'misleading-paths', title: 'Misleading investigation paths', blocks };
}
