import { paragraph, strong, type Inline, type Section } from '../document.ts';
import { count, milliseconds, percent } from '../number-format.ts';
import { formatDuration } from '../time-format.ts';
import { at, chartBlock, numOrNaN, type SectionContext } from './section-context.ts';

export function metrics(ctx: SectionContext): Section {
  const { facts, run } = ctx;
  const rows: [string, string, string][] = [];
  const t = (ms: number | undefined | null): string => (typeof ms === 'number' ? at(ctx, ms) : '?');

  rows.push(['Time to detect', duration(facts.detectMs),
    facts.leakStart && facts.firstAlert ? `leaky deploy (${t(facts.leakStart.ms)}) → first alert (${t(facts.firstAlert.ms)})` : 'needs a leaky deploy and an alert']);
  rows.push(['Time to mitigate', duration(facts.mitigateMs),
    facts.outageStart && facts.fixDeploy ? `outage start (${t(facts.outageStart.ms)}) → fixed build deployed (${t(facts.fixDeploy.ms)})` : 'the fixed build was not deployed']);
  rows.push(['Time to resolve', facts.resolveMs !== null ? formatDuration(facts.resolveMs) : `not resolved${facts.outageMs !== null ? ` (at least ${formatDuration(facts.outageMs)})` : ''}`,
    facts.outageStart && facts.resolved ? `outage start (${t(facts.outageStart.ms)}) → resolved (${t(facts.resolved.ms)})` : 'no resolved event']);
  if (facts.misleadingMs !== null) rows.push(['Time on misleading paths', formatDuration(facts.misleadingMs), 'first misleading action → escalation']);
  if (run.metrics.length > 0) rows.push(['App not running', `${count(facts.downSeconds)} s`, 'monitor samples with the app down (metrics.jsonl)']);
  if (run.load.length > 0) {
    const w = facts.whole;
    rows.push(['Requests failed, whole run', `${count(w.failed)} of ${count(w.requests)} (${percent(w.errorRate)})`, 'load.jsonl']);
    if (facts.outage) {
      const o = facts.outage;
      rows.push(['Requests failed, during the outage', `${count(o.failed)} of ${count(o.requests)} (${percent(o.errorRate)})`,
        `${count(o.failedResponses)} error responses, ${count(o.errors)} connection errors, ${count(o.timeouts)} timeouts`]);
      const slo = numOrNaN(run.settings.slo?.latencyP99Ms);
      rows.push(['Peak p99 latency', milliseconds(o.p99PeakMs),
        `${o.p99PeakAt !== null ? `at ${t(o.p99PeakAt)}; ` : ''}${Number.isFinite(slo) ? `SLO ${milliseconds(slo)}, over it in ${count(o.secondsOverLatencySlo)} s` : 'no latency SLO given'}`]);
    }
  }
  if (facts.users) {
    const u = facts.users;
    rows.push(['Users affected', `${percent(u.share)} (${count(u.affected)} of ${count(u.users)})`,
      `users.json: ${count(u.failed)} failed of ${count(u.requests)} requests`]);
  }
  const budget = facts.budget;
  if (budget) {
    rows.push(['Error budget spent', `${percent(budget.spentShare)} of ${minutes(budget.budgetMs)}`,
      `${percent(budget.target, 2)} over ${count(budget.windowDays)} days`]);
  }

  const method: Inline[] = budget
    ? [
        strong('Error budget method:'),
        ` failed requests (${count(budget.failedRequests)}) ÷ the run's mean request rate (${budget.meanRequestsPerSecond.toFixed(1)} requests/s) = `,
        `${formatDuration(budget.equivalentOutageMs)} of equivalent full outage, against a budget of (1 − ${percent(budget.target, 2)}) × ${count(budget.windowDays)} days = ${minutes(budget.budgetMs)} of full outage.`,
      ]
    : ['The error budget cannot be computed: ', run.load.length === 0 ? 'load.jsonl has no traffic.' : 'settings.json has no usable slo.availabilityTarget.'];
  return {
    id: 'metrics',
    title: 'Metrics',
    blocks: [
      ...(run.load.length === 0 ? [ctx.missing('load.jsonl', 'load.jsonl is missing or empty: request counts, latency and the error budget are unknown.')] : []),
      ...(run.metrics.length === 0 ? [ctx.missing('metrics.jsonl', 'metrics.jsonl is missing or empty: memory over time is unknown.')] : []),
      { kind: 'table', head: ['Metric', 'Value', 'Measured as'], rows: rows.map((r) => r.map((c) => [c])) },
      paragraph(...method),
      ...chartBlock(ctx, 'traffic'),
      ...chartBlock(ctx, 'latency'),
    ],
  };
}

function duration(ms: number | null): string {
  return ms === null ? 'unknown' : formatDuration(ms);
}

function minutes(ms: number): string {
  return `${(ms / 60_000).toFixed(1)} min`;
}
