import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { LiveFeed } from '../dashboard/live-feed.ts';
import { startDashboard, uplotDir } from '../dashboard/server.ts';
import { findScenario, scenarioNames } from '../leak-scenarios/index.ts';
import { writePostmortem } from '../postmortem/write-postmortem.ts';
import { DrillActionError, DrillDesk } from './drill-actions.ts';
import type { DrillOptions } from './drill-options.ts';
import { publicEvent } from './drill-public.ts';
import { formatScore, scoreDrill, type DrillOutcome, type DrillScore } from './drill-score.ts';
import { openIncidentSession, type IncidentSession } from './incident-session.ts';
import type { Incident } from './incident.ts';
import { isLabError } from './errors.ts';
import { isoInZone } from './zoned-time.ts';

export interface DrillHooks {
  /** Ctrl-C / SIGTERM. */
  signal: AbortSignal;
  /** Lines for the trainee's terminal: the timeline as the dashboard shows it. */
  progress: (line: string) => void;
  /** Once a second (after each monitor sample). */
  tick?: (incident: Incident, desk: DrillDesk) => void;
  /** The dashboard is listening: tell the trainee where. */
  ready?: (info: { url: string; openUrl: string; token: string; runDir: string }) => void;
}

export interface DrillResult {
  runDir: string;
  outcome: DrillOutcome;
  score: DrillScore;
  scoreFile: string;
  postmortem: string[];
}

/**
 * One drill: the outage's app, traffic, monitor and alerts (openIncidentSession), with nobody
 * scripted on call. The trainee acts from the dashboard or the CLI (DrillDesk); the drill ends
 * when a deployed fix verifies, at the time limit, or on Ctrl-C. Then it is scored from its own
 * timeline (score.json) and written up (the postmortem), and every process is gone.
 */
export async function runDrill(opts: Readonly<DrillOptions>, hooks: DrillHooks): Promise<DrillResult> {
  const scenario = findScenario(opts.scenario);
  // A missing chart library is found before a run folder or a process exists.
  uplotDir();
  // Ends whatever is in flight (a verification, a diagnosis) when the drill ends for any reason.
  const ending = new AbortController();
  const signal = AbortSignal.any([hooks.signal, ending.signal]);
  let desk: DrillDesk | null = null;
  let incidentNow: Incident | null = null;
  let clockStart: number | null = null;
  const feed = new LiveFeed({
    tz: opts.tz,
    timeLimitSeconds: opts.timeLimitSeconds,
    startedAt: () => clockStart,
    latencySloMs: opts.slo.latencyP99Ms,
    errorRateBound: opts.slo.errorRate,
    state: () => desk?.state() ?? null,
    alerts: () => (incidentNow ? [...incidentNow.activeAlerts.values()] : []),
  });

  // The dashboard's port first: a busy --port fails before a run folder or a process exists.
  const token = randomBytes(24).toString('base64url');
  const dashboard = await startDashboard({
    port: opts.port,
    token,
    feed,
    act: (kind, body) => {
      if (!desk) throw new DrillActionError(409, 'The drill is still starting: try again in a moment.');
      return desk.act(kind, body);
    },
  });
  let session: IncidentSession;
  try {
    session = openIncidentSession(scenario, opts, {
      signal,
      // The session's own progress lines would name the build of each deploy: the trainee gets the public view below.
      progress: () => {},
      tick: (incident) => desk && hooks.tick?.(incident, desk),
    });
  } catch (err) {
    await dashboard.close();
    throw err;
  }
  const { incident, timeline, folder } = session;
  incidentNow = incident;
  desk = new DrillDesk({ incident, runDir: folder.dir, scenario, opts, signal, onChange: () => feed.changed() });
  timeline.onEvent((e) => {
    const p = publicEvent(e);
    hooks.progress(`${p.at.slice(11, 19)} ${p.type.padEnd(11)} ${p.summary}`);
    feed.addEvent(e);
  });
  incident.on('sample', (s) => feed.addSample(s));
  incident.on('load', (l) => feed.addLoad(l));
  incident.on('alert', () => feed.changed());

  let outcome: DrillOutcome = 'aborted';
  let failure: unknown = null;
  try {
    hooks.ready?.({ url: dashboard.url, openUrl: dashboard.openUrl, token, runDir: folder.dir });
    timeline.record('note', 'lab', `Drill started: one of ${scenarioNames().length} leak scenarios is live, unnamed; the trainee is on call with a ${opts.timeLimitSeconds} s time limit.`, {
      drill: true,
      scenarioGiven: opts.scenarioGiven,
      timeLimitSeconds: opts.timeLimitSeconds,
      dashboard: dashboard.url,
    });
    await incident.deploy('leaky', opts.heapCapMb, 'initial', `Release deployed, heap cap ${opts.heapCapMb} MB.`);
    session.startTraffic();
    incident.phase = 'live';
    clockStart = Date.now();
    feed.changed();
    outcome = await waitForEnd(desk.resolved, opts.timeLimitSeconds * 1000, hooks.signal);
  } catch (err) {
    if (!(isLabError(err, 'LAB_ERR_ABORTED') || hooks.signal.aborted)) failure = err;
  }

  // The end: no more actions, whatever is in flight stops, the end is recorded and scored,
  // the pages get the score, and the dashboard closes whatever happens on the way.
  try {
    desk.end();
    ending.abort();
    await Promise.race([desk.idle(), new Promise((r) => setTimeout(r, 20_000).unref())]);
    if (outcome === 'time-limit') {
      timeline.record('note', 'lab', `Drill time limit (${opts.timeLimitSeconds} s) reached without a verified fix; the app and the traffic were stopped as they were.`, {
        drillEnd: 'time-limit',
      });
    } else if (outcome === 'aborted') {
      const why = failure ? `Drill cut short: ${(failure as Error).message}` : 'Drill interrupted (Ctrl-C or SIGTERM); the app and the traffic were stopped.';
      timeline.record('aborted', 'lab', why, { phase: incident.phase, error: failure ? (failure as Error).message : null });
    }
    const endedAt = isoInZone(new Date(), opts.tz);
    const score = scoreDrill({ events: timeline.events, scenario: scenario.name, outcome, seed: opts.seed, profile: opts.profile, timeLimitSeconds: opts.timeLimitSeconds, endedAt });
    const lines = formatScore(score);
    timeline.record('note', 'lab', `Drill scored: ${lines.slice(1).join('; ')}.`, { score });
    await session.close();

    const scoreFile = path.join(folder.dir, 'score.json');
    writeFileSync(scoreFile, `${JSON.stringify(score, null, 2)}\n`);
    const writeUp = opts.postmortem && outcome !== 'aborted';
    feed.end({ score, lines, runDir: folder.dir, postmortem: writeUp });
    let postmortem: string[] = [];
    if (writeUp) {
      hooks.progress('writing the postmortem from the drill timeline...');
      const written = await writePostmortem(folder.dir, { onWarning: (w) => hooks.progress(`postmortem: ${w}`) });
      postmortem = [written.markdownFile, written.htmlFile];
    }
    if (failure) throw failure;
    return { runDir: folder.dir, outcome, score, scoreFile, postmortem };
  } finally {
    await session.close().catch(() => null);
    await dashboard.close();
  }
}

function waitForEnd(resolved: Promise<unknown>, limitMs: number, signal: AbortSignal): Promise<DrillOutcome> {
  return new Promise((resolve) => {
    const done = (outcome: DrillOutcome) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const onAbort = () => done('aborted');
    const timer = setTimeout(() => done('time-limit'), limitMs);
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    void resolved.then(() => done('resolved'));
  });
}
