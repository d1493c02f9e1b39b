import { findScenario } from '../leak-scenarios/index.ts';
import { writePostmortem } from '../postmortem/write-postmortem.ts';
import { runDiagnosis } from './diagnosis-step.ts';
import { isLabError } from './errors.ts';
import { deployFixAndVerify } from './fix-and-verify.ts';
import { openIncidentSession, type SessionHooks } from './incident-session.ts';
import type { OutageOptions } from './outage-options.ts';
import { playIncident } from './outage-story.ts';
import type { DiagnosisData, VerifyData } from './run-files.ts';
import type { Timeline } from './timeline.ts';

export interface OutageResult {
  runDir: string;
  scenario: string;
  outcome: 'resolved' | 'unresolved' | 'aborted';
  detectionSeconds: number | null;
  runSeconds: number;
  users: { users: number; affected: number; percent: number };
  diagnosis: DiagnosisData | null;
  verify: VerifyData | null;
  postmortem: string[];
}

/** One whole incident, for real: the story in outage-story.ts, then the diagnosis, the fix and its verification. */
export async function runOutage(opts: Readonly<OutageOptions>, hooks: SessionHooks): Promise<OutageResult> {
  const scenario = findScenario(opts.scenario);
  const session = openIncidentSession(scenario, opts, hooks);
  const { incident, timeline, folder } = session;

  let outcome: OutageResult['outcome'] = 'unresolved';
  let diagnosis: DiagnosisData | null = null;
  let verify: VerifyData | null = null;
  let detectionSeconds: number | null = null;
  let failure: unknown = null;
  let lastWords: ((timeline: Timeline) => void) | undefined;
  try {
    const evidence = await playIncident(incident, opts, () => session.startTraffic());
    detectionSeconds = secondsBetween(timeline.events.find((e) => e.type === 'deploy')!.at, timeline.events.find((e) => e.type === 'alert')!.at);
    incident.phase = 'diagnose';
    diagnosis = await runDiagnosis(incident, folder.dir, evidence.snapshots, scenario.leak.identifier, hooks.progress);
    verify = await deployFixAndVerify(incident, scenario, {
      heapCapMb: opts.heapCapMb,
      verifySeconds: opts.verifySeconds,
      noiseBoundBytesPerSecond: opts.noiseBoundBytesPerSecond,
      availabilityTarget: opts.slo.availabilityTarget,
      settleTimeoutSeconds: opts.detectTimeoutSeconds,
    });
    if (verify.passed) outcome = 'resolved';
  } catch (err) {
    const aborted = isLabError(err, 'LAB_ERR_ABORTED') || hooks.signal.aborted;
    outcome = aborted ? 'aborted' : outcome;
    if (!aborted) failure = err;
    const phase = incident.phase;
    lastWords = (t) =>
      aborted
        ? t.record('aborted', 'lab', 'Run interrupted (Ctrl-C or SIGTERM); the app and the load were stopped.', { phase })
        : t.record('aborted', 'lab', `Run cut short: ${(err as Error).message}`, { phase, error: (err as Error).message, code: (err as { code?: string }).code ?? null });
  }
  const users = await session.close(lastWords);

  // A run cut short by a fault still gets its write-up: what is known, and plainly what is missing.
  let postmortem: string[] = [];
  if (opts.postmortem && outcome !== 'aborted') {
    hooks.progress('writing the postmortem...');
    const written = await writePostmortem(folder.dir, { onWarning: (w) => hooks.progress(`postmortem: ${w}`) });
    postmortem = [written.markdownFile, written.htmlFile];
  }
  if (failure) throw failure;
  return {
    runDir: folder.dir,
    scenario: scenario.name,
    outcome,
    detectionSeconds,
    runSeconds: Math.round((Date.now() - session.startedAt.getTime()) / 1000),
    users: { users: users?.users ?? 0, affected: users?.affected ?? 0, percent: users?.users ? (100 * users.affected) / users.users : 0 },
    diagnosis,
    verify,
    postmortem,
  };
}

function secondsBetween(a: string, b: string): number {
  return Math.round((Date.parse(b) - Date.parse(a)) / 1000);
}
