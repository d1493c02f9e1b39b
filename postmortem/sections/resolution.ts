import { paragraph, runText, strong, type Block, type Section } from '../document.ts';
import { MIB, count, megabytes } from '../number-format.ts';
import { formatDuration } from '../time-format.ts';
import { atZ, numOrNaN, str, type SectionContext } from './section-context.ts';

export function resolution(ctx: SectionContext): Section {
  const { facts, run } = ctx;
  const blocks: Block[] = [];
  const fix = facts.fixDeploy;
  if (fix) {
    const escalated = facts.escalations.find((e) => e.ms <= fix.ms);
    const cap = numOrNaN(fix.data.heapCapMb);
    const details = [
      fix.data.pid !== undefined ? `pid ${fix.data.pid}` : null,
      Number.isFinite(cap) ? `${megabytes(cap * MIB, 0)} heap cap` : null,
    ].filter((d) => d !== null);
    blocks.push(paragraph(
      `At ${atZ(ctx, fix.ms)} the fixed build was deployed`,
      details.length > 0 ? ` (${details.join(', ')})` : '',
      escalated ? `, ${formatDuration(fix.ms - escalated.ms)} after the escalation` : '',
      facts.outageStart ? ` and ${formatDuration(fix.ms - facts.outageStart.ms)} after the outage began.` : '.',
      details.length > 0 ? '' : ` ${fix.summary}`,
    ));
    const fixText = str(run.settings.scenario?.fix);
    if (fixText) blocks.push(paragraph(strong('What the fix does:'), ' ', ...runText(fixText)));
  } else {
    blocks.push(ctx.missing('timeline.jsonl: fix deploy', 'The fixed build was never deployed in this run.'));
  }
  const verify = facts.verify;
  if (verify) {
    const v = verify.data;
    blocks.push(paragraph(
      `Verification at ${atZ(ctx, verify.ms)}. ${verify.summary} `,
      strong(v.passed === true ? 'The check passed.' : v.passed === false ? 'The check failed.' : 'The check did not say whether it passed.'),
      // The lab's summary gives the counts; one written elsewhere may not.
      v.requests !== undefined && !verify.summary.includes(`${count(numOrNaN(v.requests))} requests`) ? ` (${count(numOrNaN(v.requests))} requests, ${count(numOrNaN(v.failed))} failed.)` : '',
    ));
  } else {
    blocks.push(ctx.missing('timeline.jsonl: verify event', 'The fix was not verified in this run (no "verify" event).'));
  }
  const resolved = facts.resolved;
  if (resolved) {
    blocks.push(paragraph(
      `Resolved at ${atZ(ctx, resolved.ms)}`,
      facts.outageStart ? `, ${formatDuration(resolved.ms - facts.outageStart.ms)} after the outage began` : '',
      `. ${resolved.summary}`,
    ));
  } else {
    blocks.push(ctx.missing('timeline.jsonl: resolved event', 'The timeline has no "resolved" event: the service was not declared restored in this run.'));
  }
  return { id: 'resolution', title: 'Resolution', blocks };
}
