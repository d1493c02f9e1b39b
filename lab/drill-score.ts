import type { TimelineEvent, VerifyData } from './run-files.ts';

export type DrillOutcome = 'resolved' | 'time-limit' | 'aborted';

/** score.json: how the trainee did, measured from the drill's own timeline. */
export interface DrillScore {
  scenario: string;
  outcome: DrillOutcome;
  seed: number;
  profile: string;
  /** The leaky release went out (the leak started) at this time; every "seconds" below counts from here unless named otherwise. */
  startedAt: string | null;
  endedAt: string;
  durationSeconds: number | null;
  timeLimitSeconds: number;
  firstAlert: { at: string; rule: string; secondsAfterStart: number | null } | null;
  /** The first trainee action at or after the first alert: an explicit acknowledge, or whatever they did first. */
  acknowledge: { at: string; action: string; explicit: boolean; secondsAfterFirstAlert: number } | null;
  /** The first time the trainee named the live scenario (as a suspect or by deploying its fix). */
  rightDiagnosis: { at: string; via: 'name-suspect' | 'deploy-fix'; secondsAfterStart: number | null } | null;
  /** Suspects named that were not the live scenario, in order. */
  wrongGuesses: number;
  wrongGuessNames: string[];
  /** Fixes deployed for a scenario that was not the live one (the leak went on). */
  wrongFixes: number;
  wrongFixNames: string[];
  fix: {
    attempts: number;
    /** A deployed fix passed verification under the same traffic (flat retained heap, no error, no alert). */
    verified: boolean;
    verifiedAt: string | null;
    secondsAfterStart: number | null;
    verification: Pick<VerifyData, 'verdict' | 'slopeBytesPerSecond' | 'noiseBoundBytesPerSecond' | 'requests' | 'failed' | 'alertsFired' | 'seconds'> | null;
  };
  /** How many times the trainee did each kind of action. */
  actions: Record<string, number>;
}

export interface ScoreInput {
  events: readonly TimelineEvent[];
  scenario: string;
  outcome: DrillOutcome;
  seed: number;
  profile: string;
  timeLimitSeconds: number;
  endedAt: string;
}

const ms = (e: { at: string }) => Date.parse(e.at);
const seconds = (from: number, to: number) => Math.round((to - from) / 100) / 10;

/** Scores a drill from its timeline alone, so score.json and the postmortem tell the same story. */
export function scoreDrill(input: ScoreInput): DrillScore {
  const { events, scenario } = input;
  const start = events.find((e) => e.type === 'deploy') ?? null;
  const startMs = start ? ms(start) : null;
  const since = (e: { at: string }) => (startMs === null ? null : seconds(startMs, ms(e)));
  const trainee = events.filter((e) => e.type === 'action' && e.source === 'trainee');
  const alert = events.find((e) => e.type === 'alert' && e.data.state === 'firing') ?? null;

  const ack = alert ? (trainee.find((e) => ms(e) >= ms(alert)) ?? null) : null;
  const naming = trainee.filter((e) => e.data.action === 'name-suspect' || e.data.action === 'deploy-fix');
  const right = naming.find((e) => e.data.scenario === scenario) ?? null;
  const wrongGuessNames = naming.filter((e) => e.data.action === 'name-suspect' && e.data.scenario !== scenario).map((e) => String(e.data.scenario));
  const wrongFixNames = naming.filter((e) => e.data.action === 'deploy-fix' && e.data.scenario !== scenario).map((e) => String(e.data.scenario));
  const resolved = events.find((e) => e.type === 'resolved') ?? null;
  const verify = resolved ? (events.filter((e) => e.type === 'verify' && ms(e) <= ms(resolved)).at(-1) ?? null) : null;
  const v = verify?.data as Partial<VerifyData> | undefined;

  const actions: Record<string, number> = {};
  for (const e of trainee) actions[String(e.data.action)] = (actions[String(e.data.action)] ?? 0) + 1;

  return {
    scenario,
    outcome: input.outcome,
    seed: input.seed,
    profile: input.profile,
    startedAt: start?.at ?? null,
    endedAt: input.endedAt,
    durationSeconds: startMs === null ? null : seconds(startMs, Date.parse(input.endedAt)),
    timeLimitSeconds: input.timeLimitSeconds,
    firstAlert: alert ? { at: alert.at, rule: String(alert.data.rule), secondsAfterStart: since(alert) } : null,
    acknowledge: alert && ack ? { at: ack.at, action: String(ack.data.action), explicit: ack.data.action === 'acknowledge', secondsAfterFirstAlert: seconds(ms(alert), ms(ack)) } : null,
    rightDiagnosis: right ? { at: right.at, via: right.data.action as 'name-suspect' | 'deploy-fix', secondsAfterStart: since(right) } : null,
    wrongGuesses: wrongGuessNames.length,
    wrongGuessNames,
    wrongFixes: wrongFixNames.length,
    wrongFixNames,
    fix: {
      attempts: actions['deploy-fix'] ?? 0,
      verified: resolved !== null,
      verifiedAt: resolved?.at ?? null,
      secondsAfterStart: resolved ? since(resolved) : null,
      verification: v
        ? {
            verdict: v.verdict!,
            slopeBytesPerSecond: v.slopeBytesPerSecond ?? 0,
            noiseBoundBytesPerSecond: v.noiseBoundBytesPerSecond ?? 0,
            requests: v.requests ?? 0,
            failed: v.failed ?? 0,
            alertsFired: v.alertsFired ?? 0,
            seconds: v.seconds ?? 0,
          }
        : null,
    },
    actions,
  };
}

/** The score as a few lines for a terminal (and for the timeline's closing note). */
export function formatScore(s: DrillScore): string[] {
  const secs = (n: number | null | undefined) => (n === null || n === undefined ? '-' : `${n.toFixed(0)} s`);
  const outcome = { resolved: 'RESOLVED: the fix verified under load', 'time-limit': `time limit (${s.timeLimitSeconds} s) reached without a verified fix`, aborted: 'interrupted' }[s.outcome];
  return [
    `drill over: ${outcome}`,
    `the leak was: ${s.scenario}`,
    `first alert: ${s.firstAlert ? `${s.firstAlert.rule}, ${secs(s.firstAlert.secondsAfterStart)} after the release` : 'none fired'}`,
    `acknowledged: ${s.acknowledge ? `${secs(s.acknowledge.secondsAfterFirstAlert)} after the first alert (${s.acknowledge.explicit ? 'explicit acknowledge' : `first action: ${s.acknowledge.action}`})` : 'never'}`,
    `right diagnosis: ${s.rightDiagnosis ? `${secs(s.rightDiagnosis.secondsAfterStart)} after the release (${s.rightDiagnosis.via})` : 'never'}`,
    `wrong guesses: ${s.wrongGuesses}${s.wrongGuessNames.length ? ` (${s.wrongGuessNames.join(', ')})` : ''}; wrong fixes deployed: ${s.wrongFixes}${s.wrongFixNames.length ? ` (${s.wrongFixNames.join(', ')})` : ''}`,
    `fix verified under load: ${s.fix.verified ? `yes, ${secs(s.fix.secondsAfterStart)} after the release` : 'no'} (${s.fix.attempts} fix deploy${s.fix.attempts === 1 ? '' : 's'})`,
  ];
}
