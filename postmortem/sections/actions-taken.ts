import { list, paragraph, sentence, strong, type Inline, type Section } from '../document.ts';
import { count } from '../number-format.ts';
import { at, dateAndZone, str, type SectionContext } from './section-context.ts';

export function actionsTaken(ctx: SectionContext): Section {
  const actions = ctx.facts.actions;
  if (actions.length === 0) {
    return {
      id: 'actions-taken',
      title: 'Actions taken',
      blocks: [ctx.missing('timeline.jsonl: action events', 'No responder action was recorded in this run.')],
    };
  }
  const items: Inline[][] = actions.map((a) => {
    const item: Inline[] = [`${at(ctx, a.ms)} — `, strong(str(a.data.action, 'action')), ` (${a.source}): ${a.summary}`];
    if (a.data.assumption) item.push(' Assumed: ', sentence(str(a.data.assumption)));
    if (a.data.misleading === true) item.push(' This turned out to be a misleading path (see below).');
    return item;
  });
  return {
    id: 'actions-taken',
    title: 'Actions taken',
    blocks: [
      paragraph(
        `${count(actions.length)} action${actions.length === 1 ? ' was' : 's were'} taken, in this order: `,
        `what was looked at or changed, and what was assumed at each step. Times are ${dateAndZone(ctx, actions[0]!.ms)}.`,
      ),
      list(items),
    ],
  };
}
