import { randomBytes } from 'node:crypto';
import { LiveFeed } from '../dashboard/live-feed.ts';
import { startDashboard, uplotDir, type Dashboard } from '../dashboard/server.ts';
import { DrillActionError } from './drill-actions.ts';
import type { IncidentSession } from './incident-session.ts';
import type { OutageOptions } from './outage-options.ts';

export interface OutageDashboard {
  readonly dashboard: Dashboard;
  /** Feeds the live view from the run's incident: samples, traffic, alerts and the timeline. */
  attach(session: IncidentSession): void;
  close(): Promise<void>;
}

/**
 * The drill's live view on a scripted run (`npm run outage -- --dashboard`): the same charts,
 * alerts and timeline, and no buttons that act, since the responders here are scripted.
 */
export async function startOutageDashboard(opts: Readonly<OutageOptions>, port: number): Promise<OutageDashboard> {
  uplotDir();
  let session: IncidentSession | null = null;
  let clockStart: number | null = null;
  const feed = new LiveFeed({
    tz: opts.tz,
    timeLimitSeconds: 0,
    startedAt: () => clockStart,
    latencySloMs: opts.slo.latencyP99Ms,
    errorRateBound: opts.slo.errorRate,
    state: () => null,
    alerts: () => (session ? [...session.incident.activeAlerts.values()] : []),
  });
  const dashboard = await startDashboard({
    port,
    token: randomBytes(24).toString('base64url'),
    feed,
    act: () => {
      throw new DrillActionError(409, 'This is a scripted outage run: the responders act by themselves. Try npm run drill to act yourself.');
    },
  });
  return {
    dashboard,
    attach(s) {
      session = s;
      clockStart = s.startedAt.getTime();
      s.timeline.onEvent((e) => feed.addEvent(e));
      s.incident.on('sample', (sample) => feed.addSample(sample));
      s.incident.on('load', (second) => feed.addLoad(second));
      s.incident.on('alert', () => feed.changed());
    },
    close: () => dashboard.close(),
  };
}
