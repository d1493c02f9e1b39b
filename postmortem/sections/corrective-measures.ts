import { code, paragraph, runText, strong, subheading, type Block, type Inline, type Section } from '../document.ts';
import { bytesPerSecond, count, inUnit } from '../number-format.ts';
import { formatDuration } from '../time-format.ts';
import { at, numOrNaN, str, type SectionContext } from './section-context.ts';

type Priority = 'P1' | 'P2' | 'P3';

interface Task {
  priority: Priority;
  owner: string;
  text: Inline[];
}

export function correctiveMeasures(ctx: SectionContext): Section {
  const tasks = [...codeTasks(ctx), ...alertTasks(ctx), ...runbookTasks(ctx)].sort((a, b) => a.priority.localeCompare(b.priority));
  return {
    id: 'corrective-measures',
    title: 'Corrective and preventative measures',
    blocks: [
      ...broadly(ctx),
      subheading('Tasks'),
      { kind: 'tasks', items: tasks.map((t) => [strong(t.priority), ' ', ...t.text, ` Owner: ${t.owner}.`]) },
    ],
  };
}

function broadly(ctx: SectionContext): Block[] {
  const { facts } = ctx;
  const blocks: Block[] = [paragraph('What can be improved, broadly:')];
  const points: Inline[][] = [];
  if (facts.firstAlert && facts.detectMs !== null) {
    const first = facts.firstAlert.data;
    const rule = `${str(first.rule)} at ${inUnit(first.threshold, first.unit)}`;
    // Runs recorded before alerts kept their basis say neither.
    const what = first.basis === 'forecast' ? `a forecast from the trend, ${str(first.rule)} (${inUnit(first.value, first.unit)} predicted against ${inUnit(first.threshold, first.unit)})` : first.basis === 'level' ? `a fixed threshold, ${rule}` : rule;
    points.push([
      strong('Detection.'),
      ` The first alert was ${what}; it fired ${formatDuration(facts.detectMs)} after the leaky deploy`,
      facts.leakSlopeBytesPerSecond !== null ? `, while heap used had been growing ${bytesPerSecond(facts.leakSlopeBytesPerSecond)} from the start.` : '.',
    ]);
  }
  if (facts.misleading.length > 0) {
    points.push([
      strong('Mitigation.'),
      ` ${count(facts.misleading.length)} action${facts.misleading.length === 1 ? '' : 's'} (${facts.misleading.map((m) => str(m.action.data.action, 'action')).join(', ')}) treated a leak as a capacity problem`,
      facts.misleadingMs !== null ? ` and took ${formatDuration(facts.misleadingMs)} before the escalation.` : '.',
    ]);
  }
  const firstSnapshot = ctx.run.events.find((e) => e.type === 'snapshot');
  if (firstSnapshot && facts.firstAlert) {
    points.push([
      strong('Diagnosis.'),
      firstSnapshot.ms < facts.firstAlert.ms
        ? ` A baseline heap snapshot already existed, taken ${formatDuration(facts.firstAlert.ms - firstSnapshot.ms)} before the first alert`
        : ` The first heap snapshot was taken ${formatDuration(firstSnapshot.ms - facts.firstAlert.ms)} after the first alert`,
      Number.isFinite(numOrNaN(ctx.run.diagnosis?.elapsedMs)) ? `; comparing the snapshots then took ${formatDuration(numOrNaN(ctx.run.diagnosis?.elapsedMs))}.` : '.',
    ]);
  }
  if (facts.leakStart) {
    points.push([
      strong('Prevention.'),
      ` The leak shipped in the build deployed at ${at(ctx, facts.leakStart.ms)}; nothing ran that build under load before it took traffic.`,
    ]);
  }
  if (points.length > 0) blocks.push({ kind: 'list', items: points });
  return blocks;
}

function codeTasks(ctx: SectionContext): Task[] {
  const { facts, run } = ctx;
  const scenario = run.settings.scenario;
  const tasks: Task[] = [];
  const identifier = str(scenario?.leak?.identifier, 'the leaking structure');
  const file = str(scenario?.leak?.file, 'the scenario\'s file');
  const v = facts.verify?.data;
  tasks.push({
    priority: 'P1',
    owner: ctx.devTeam,
    text: [
      'Bound ', code(identifier), ' in ', code(file), ': ', ...runText(str(scenario?.fix, 'no fix is described for this scenario.')),
      v?.passed === true ? ` Verified in this run: ${str(v.verdict)} over ${v.seconds} s, ${count(numOrNaN(v.failed))} failed requests.` : '',
    ],
  });
  if (scenario?.name) {
    tasks.push({
      priority: 'P2',
      owner: ctx.devTeam,
      text: ['Run ', code(`npm run verify -- --scenario ${scenario.name}`), ' in CI so a build whose heap keeps growing under load fails before it is deployed.'],
    });
  }
  const firstCrash = facts.crashes[0];
  const firstSnapshot = run.events.find((e) => e.type === 'snapshot');
  if (firstCrash) {
    const reasons = [...new Set(facts.crashes.map((c) => str(c.data.reason, 'unknown')))].join(', ');
    tasks.push({
      priority: 'P2',
      owner: ctx.devTeam,
      text: [
        'Write a heap snapshot automatically before the process runs out of heap (', code('--heapsnapshot-near-heap-limit'),
        `): the app crashed ${count(facts.crashes.length)} time${facts.crashes.length === 1 ? '' : 's'} (${reasons}, first at ${at(ctx, firstCrash.ms)})`,
        firstSnapshot ? ` and the first snapshot was taken only at ${at(ctx, firstSnapshot.ms)}.` : ' and no snapshot was taken.',
      ],
    });
  }
  if (!facts.verify || facts.verify.data.passed !== true) {
    tasks.push({
      priority: 'P1',
      owner: ctx.devTeam,
      text: [facts.verify ? 'Fix what the verification found: it did not pass in this run.' : 'Verify the fix under load: this run has no verification.'],
    });
  }
  const diagnosisEvent = run.events.find((e) => e.type === 'diagnosis');
  if (diagnosisEvent && diagnosisEvent.data.correct === false) {
    tasks.push({ priority: 'P2', owner: ctx.devTeam, text: [`Improve the heap diagnosis: at ${at(ctx, diagnosisEvent.ms)} it named the wrong suspect.`] });
  }
  return tasks;
}

function alertTasks(ctx: SectionContext): Task[] {
  const { facts } = ctx;
  const tasks: Task[] = [];
  if (facts.firstAlert && facts.detectMs !== null) {
    const grew = facts.leakSlopeBytesPerSecond !== null ? `, while heap used grew ${bytesPerSecond(facts.leakSlopeBytesPerSecond)} from the start` : '';
    // A forecast of the cap already watches the trend, but only near the cap: a slower leak pages later still.
    const text =
      facts.firstAlert.data.basis === 'forecast'
        ? `Add an alert on sustained heap growth (heap used after GC rising over several minutes, whatever the cap), beside ${str(facts.firstAlert.data.rule)}: a forecast of the cap fires only once the cap is within its horizon, here ${formatDuration(facts.detectMs)} after the leaky deploy${grew}, and a slower leak would page later still.`
        : `Add a growth-trend alert on heap used (its slope over a window), beside the threshold alerts: detection took ${formatDuration(facts.detectMs)} after the leaky deploy${grew}.`;
    tasks.push({ priority: 'P1', owner: ctx.opsTeam, text: [text] });
  } else if (!facts.firstAlert) {
    tasks.push({ priority: 'P1', owner: ctx.opsTeam, text: ['Add alerts on heap growth, latency and error rate: no alert fired in this run.'] });
  }
  if (facts.firstFailureMs !== null) {
    for (const alert of facts.alertsFired.filter((a) => a.ms > facts.firstFailureMs!)) {
      tasks.push({
        priority: 'P2',
        owner: ctx.opsTeam,
        text: [
          'Review alert rule ', code(str(alert.data.rule, '?')),
          `: it fired ${formatDuration(alert.ms - facts.firstFailureMs)} after users first saw failed requests (${at(ctx, facts.firstFailureMs)}), at ${inUnit(alert.data.value, alert.data.unit)} against its threshold of ${inUnit(alert.data.threshold, alert.data.unit)}.`,
        ],
      });
    }
  }
  return tasks;
}

function runbookTasks(ctx: SectionContext): Task[] {
  const { facts } = ctx;
  const tasks: Task[] = facts.misleading.map(({ action, observation }) => ({
    priority: 'P2' as Priority,
    owner: ctx.opsTeam,
    text: [
      'Add to the runbook that ', strong(str(action.data.action, 'this action')), ' does not help a heap that keeps growing: ',
      observation ? observation.summary : 'this run has no measurement for it, so measure it the next time.',
    ],
  }));
  const escalated = facts.escalations[0];
  if (escalated && facts.firstAlert) {
    tasks.push({
      priority: 'P3',
      owner: ctx.opsTeam,
      text: [`Escalate to ${str(escalated.data.to, 'the developers')} as soon as memory grows again after a restart: the escalation came ${formatDuration(escalated.ms - facts.firstAlert.ms)} after the first alert.`],
    });
  }
  return tasks;
}
