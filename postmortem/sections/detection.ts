import { code, paragraph, strong, type Block, type Inline, type Section } from '../document.ts';
import { inUnit } from '../number-format.ts';
import { formatDuration } from '../time-format.ts';
import { at, atZ, str, type SectionContext } from './section-context.ts';

export function detection(ctx: SectionContext): Section {
  const { facts } = ctx;
  const alert = facts.firstAlert;
  if (!alert) {
    return {
      id: 'detection',
      title: 'How it was detected',
      blocks: [ctx.missing('timeline.jsonl: alert event', 'No alert fired in this run: the outage was not detected by monitoring.')],
    };
  }
  const d = alert.data;
  const unit = str(d.unit, 'no unit given');
  const blocks: Block[] = [paragraph(
    'The first alert was ', strong(str(d.rule, '(unnamed rule)')), d.severity ? ` (${d.severity})` : '',
    `, from ${alert.source}, at ${atZ(ctx, alert.ms)}: the value that tripped it was `,
    strong(inUnit(d.value, d.unit)), ` against its threshold of ${inUnit(d.threshold, d.unit)} (unit: ${unit}).`,
  )];
  if (typeof d.detail === 'string' && d.detail) blocks.push(paragraph(`The monitor's reading at that moment: ${d.detail}.`));
  const relation: Inline[] = [];
  if (facts.leakStart && facts.detectMs !== null) {
    relation.push(
      'That was ', strong(formatDuration(facts.detectMs)),
      ` after the leak's start, the deploy of the leaky build at ${at(ctx, facts.leakStart.ms)}.`,
    );
  } else {
    relation.push('No deploy of the leaky build is in the timeline, so the time from the leak\'s start to detection is unknown.');
  }
  if (facts.firstFailureMs !== null) {
    const gap = facts.firstFailureMs - alert.ms;
    relation.push(gap >= 0
      ? ` Users saw the first failed request ${formatDuration(gap)} after the alert, at ${at(ctx, facts.firstFailureMs)}.`
      : ` Users had already been seeing failed requests for ${formatDuration(-gap)}, since ${at(ctx, facts.firstFailureMs)}.`);
  }
  blocks.push(paragraph(...relation));
  if (facts.alertsFired.length > 1) {
    blocks.push(paragraph('Every alert rule that fired, at its first firing:'));
    blocks.push({
      kind: 'table',
      head: ['Rule', 'Severity', 'First fired', 'Value', 'Threshold'],
      rows: facts.alertsFired.map((a) => [
        [code(str(a.data.rule, '?'))],
        [str(a.data.severity, '')],
        [at(ctx, a.ms)],
        [inUnit(a.data.value, a.data.unit)],
        [inUnit(a.data.threshold, a.data.unit)],
      ]),
    });
  }
  return { id: 'detection', title: 'How it was detected', blocks };
}
