import { paragraph, runText, strong, type Block, type Inline, type Section } from '../document.ts';
import { count, milliseconds, percent } from '../number-format.ts';
import { andList } from '../../analysis/format.ts';
import { formatDuration } from '../time-format.ts';
import { at, atZ, numOrNaN, str, type SectionContext } from './section-context.ts';

export function issueSummary(ctx: SectionContext): Section {
  return { id: 'issue-summary', title: 'Issue Summary', blocks: [...duration(ctx), ...impact(ctx), ...users(ctx), ...rootCause(ctx)] };
}

function duration(ctx: SectionContext): Block[] {
  const { facts, clock } = ctx;
  const start = facts.outageStart;
  const end = facts.outageEnd;
  const blocks: Block[] = [];
  if (!start) {
    blocks.push(paragraph('No user saw a failed request and no alert fired in this run, so there was no outage to time.'));
  } else if (end?.resolved) {
    const sameDay = clock.date(start.ms) === clock.date(end.ms);
    blocks.push(paragraph(
      strong(`Duration: ${formatDuration(end.ms - start.ms)}`),
      `, from ${atZ(ctx, start.ms)}${sameDay ? '' : ` on ${clock.date(start.ms)}`} to ${atZ(ctx, end.ms)} on ${clock.date(end.ms)}.`,
    ));
  } else {
    blocks.push(paragraph(
      strong('The outage was not resolved in this run.'),
      ` It began at ${atZ(ctx, start.ms)} on ${clock.date(start.ms)}`,
      end ? `; the data goes up to ${atZ(ctx, end.ms)}, ${formatDuration(end.ms - start.ms)} later.` : '.',
    ));
    blocks.push(ctx.missing('timeline.jsonl: resolved event', 'The timeline has no "resolved" event: the end of the outage is unknown.'));
  }
  if (start) blocks.push(paragraph(startCause(ctx)));
  if (facts.aborted) {
    blocks.push({ kind: 'notice', tone: 'warning', text: [`The run was aborted at ${atZ(ctx, facts.aborted.ms)}: ${facts.aborted.summary}`] });
  }
  return blocks;
}

function startCause(ctx: SectionContext): string {
  const { facts } = ctx;
  const alert = facts.firstAlert;
  const failure = facts.firstFailureMs;
  const rule = str(alert?.data.rule, 'an alert');
  if (facts.outageStart?.cause === 'alert' && alert) {
    return failure === null
      ? `The outage is counted from the first alert (${rule}); no request failed.`
      : `The outage is counted from the first alert (${rule}), ${formatDuration(failure - alert.ms)} before users saw the first failed request, at ${at(ctx, failure)}.`;
  }
  return alert && failure !== null
    ? `The outage is counted from the first second in which users saw a failed request; the first alert (${rule}) fired ${formatDuration(alert.ms - failure)} later, at ${atZ(ctx, alert.ms)}.`
    : 'The outage is counted from the first second in which users saw a failed request; no alert fired.';
}

function impact(ctx: SectionContext): Block[] {
  const { facts, run } = ctx;
  const target = targetName(ctx);
  if (run.load.length === 0) {
    return [ctx.missing('load.jsonl', 'load.jsonl is missing or empty: what users experienced (errors, timeouts, latency) was not recorded.')];
  }
  const t = facts.outage ?? facts.whole;
  const window = facts.outage ? 'During the outage' : 'Over the run';
  const timeoutS = numOrNaN(run.settings.load?.timeoutSeconds);
  const slow = t.secondsOverLatencySlo > 0 || t.timeouts > 0;
  const down = facts.downSeconds > 0 || facts.crashes.length > 0 || t.errors > 0;
  const state = slow && down ? 'was slow and then down' : slow ? 'was slow' : down ? 'was down' : t.failed > 0 ? 'answered with errors' : 'kept serving';
  const parts: Inline[] = [
    `${target} ${state}. ${window}, `,
    strong(`${count(t.failed)} of ${count(t.requests)} requests failed (error rate ${percent(t.errorRate)})`),
    `: ${count(t.failedResponses)} error responses (5xx), ${count(t.errors)} connection errors and ${count(t.timeouts)} timeouts`,
    Number.isFinite(timeoutS) ? ` (no answer within ${timeoutS} s).` : '.',
  ];
  const latency = numOrNaN(run.settings.slo?.latencyP99Ms);
  if (Number.isFinite(t.p99PeakMs)) {
    parts.push(
      ` Pages were slow: p99 latency peaked at ${milliseconds(t.p99PeakMs)}`,
      Number.isFinite(latency) ? ` against an SLO of ${milliseconds(latency)}, and was over it in ${count(t.secondsOverLatencySlo)} of ${count(t.seconds)} seconds.` : '.',
    );
  }
  if (facts.downSeconds > 0 || facts.crashes.length > 0) {
    const reasons = [...new Set(facts.crashes.map((c) => str(c.data.reason, 'unknown reason')))].join(', ');
    parts.push(
      ` The app was not running for ${count(facts.downSeconds)} s in total (restarts, redeploys and crashes)`,
      facts.crashes.length > 0 ? ` and crashed ${count(facts.crashes.length)} time${facts.crashes.length === 1 ? '' : 's'} (${reasons}).` : '.',
    );
  }
  return [paragraph(...parts)];
}

function users(ctx: SectionContext): Block[] {
  const u = ctx.facts.users;
  if (!u) return [ctx.missing('users.json', 'users.json is missing or unreadable: the share of users affected is unknown.')];
  return [paragraph(
    strong(`${percent(u.share)} of users (${count(u.affected)} of ${count(u.users)})`),
    ' saw at least one failed request.',
  )];
}

function rootCause(ctx: SectionContext): Block[] {
  const text = str(ctx.run.settings.scenario?.rootCause, '');
  const leak = ctx.leak;
  const holder = str(leak?.leak.holder?.name, '');
  const gained = andList(leak?.perSnapshot.map(count) ?? []);
  const unit = leak?.leak.countsOf === 'entries' ? 'entries' : 'objects';
  const found = leak
    ? ` The heap diagnosis found ${leak.name} gaining ${gained} ${unit} from one snapshot to the next${holder && holder !== leak.name ? `, held by ${holder}` : ''}.`
    : '';
  if (!text && !found) return [paragraph(strong('Root cause:'), ' not known from this run (no scenario description and no diagnosis).')];
  return [paragraph(strong('Root cause:'), ' ', ...runText(text), found)];
}

/** "The app at http://127.0.0.1:3000 (scenario "Unbounded page cache")". */
export function targetName(ctx: SectionContext): string {
  const url = str(ctx.facts.leakStart?.data.url ?? ctx.run.events.find((e) => e.type === 'deploy')?.data.url, '');
  const title = str(ctx.run.settings.scenario?.title, str(ctx.run.settings.scenario?.name, ''));
  return `The app${url ? ` at ${url}` : ''}${title ? ` (scenario “${title}”)` : ''}`;
}
