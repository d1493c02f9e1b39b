import type { Incident } from './incident.ts';
import type { ActionData, AlertData, CrashData, EscalationData, ObservationData, SnapshotData } from './run-files.ts';

const MB = 2 ** 20;
const mb = (bytes: number | undefined) => `${((bytes ?? 0) / MB).toFixed(0)} MB`;

export interface StoryTiming {
  heapCapMb: number;
  raisedHeapCapMb: number;
  warmupSeconds: number;
  laterSnapshotSeconds: number;
  detectTimeoutSeconds: number;
  outageTimeoutSeconds: number;
}

export interface IncidentEvidence {
  snapshots: SnapshotData[];
  firstAlert: AlertData;
  crash: CrashData;
}

/**
 * The incident as responders live it, each step really performed on the running app:
 * deploy the leaky build, wait for the alert, snapshot, restart (misleading), raise the heap
 * limit (misleading), watch the outage happen, escalate. Returns what the diagnosis needs.
 */
export async function playIncident(incident: Incident, t: StoryTiming, startLoad: () => void): Promise<IncidentEvidence> {
  const scenario = incident.options.scenario;
  await incident.deploy('leaky', t.heapCapMb, 'initial', `Release with the ${scenario} code path deployed (leaky build), heap cap ${t.heapCapMb} MB.`);
  startLoad();
  incident.phase = 'baseline';
  await incident.elapse(t.warmupSeconds);
  const snapshots = [await incident.snapshot('baseline')];
  incident.phase = 'leaking';

  const firstAlert = await incident.waitFor<AlertData>('alert', (a) => a.state === 'firing', t.detectTimeoutSeconds * 1000, 'the first alert');
  snapshots.push(await incident.snapshot('alert'));
  await incident.elapse(t.laterSnapshotSeconds);
  snapshots.push(await incident.snapshot('later'));

  await misleadingRestart(incident, t);
  await misleadingHeapRaise(incident, t);

  incident.phase = 'outage';
  const crash = incident.app
    ? await incident.waitFor<CrashData>('crash', () => true, t.outageTimeoutSeconds * 1000, 'the outage (the app dying or hanging)')
    : (incident.timeline.events.findLast((e) => e.type === 'crash')?.data as unknown as CrashData);
  incident.timeline.record<EscalationData>(
    'escalation',
    'responder',
    'Operations escalated to the development team: restarts and a bigger heap did not hold, the service is down.',
    { from: 'operations', to: 'development', reason: `memory grows after every restart at any heap cap; the app died (${crash.reason})` },
  );
  return { snapshots, firstAlert, crash };
}

async function misleadingRestart(incident: Incident, t: StoryTiming): Promise<void> {
  const before = incident.lastSample;
  incident.timeline.record<ActionData>('action', 'responder', `On-call restarted the app to clear memory (heap at ${mb(before?.heapUsedBytes)}).`, {
    action: 'restart',
    misleading: true,
    assumption: 'memory is fragmented or a request burst left garbage behind; a fresh process will clear it',
    heapUsedBeforeBytes: before?.heapUsedBytes ?? null,
  });
  await incident.stopApp();
  const restartedAt = Date.now();
  incident.phase = 'restarted';
  const app = await incident.deploy('leaky', t.heapCapMb, 'restart', `Same build redeployed as a fresh process (restart), heap cap ${t.heapCapMb} MB.`);
  const low = await incident.waitFor<{ pid: number; up: boolean; heapUsedBytes: number }>('sample', (s) => s.pid === app.pid && s.up, 15_000, 'the restarted app answering');
  const again = await incident.waitFor<AlertData>('alert', (a) => a.state === 'firing', t.detectTimeoutSeconds * 1000, 'the alert after the restart');
  const seconds = Math.round((Date.now() - restartedAt) / 1000);
  const heapNow = incident.lastSample?.heapUsedBytes ?? 0;
  incident.timeline.record<ObservationData>(
    'observation',
    'monitor',
    `Memory came back: heap at ${mb(heapNow)} ${seconds} s after the restart (it had dropped to ${mb(low.heapUsedBytes)}); ${again.rule} fired again.`,
    {
      about: 'restart',
      conclusion: 'the restart only reset the leak; memory grows at the same rate in a fresh process',
      secondsToAlertAgain: seconds,
      heapAfterRestartBytes: low.heapUsedBytes,
      heapNowBytes: heapNow,
      heapBeforeRestartBytes: incident.timeline.events.findLast((e) => e.type === 'action')?.data.heapUsedBeforeBytes ?? null,
      rule: again.rule,
    },
  );
}

async function misleadingHeapRaise(incident: Incident, t: StoryTiming): Promise<void> {
  incident.timeline.record<ActionData>(
    'action',
    'responder',
    `On-call raised the heap limit from ${t.heapCapMb} MB to ${t.raisedHeapCapMb} MB, assuming the service simply needs more memory under today's traffic.`,
    { action: 'raise-heap-limit', misleading: true, assumption: 'traffic grew and the heap cap is too small for it', fromMb: t.heapCapMb, toMb: t.raisedHeapCapMb },
  );
  await incident.stopApp();
  const raisedAt = Date.now();
  incident.phase = 'raised';
  const app = await incident.deploy('leaky', t.raisedHeapCapMb, 'raise-heap-limit', `Redeployed with --max-old-space-size=${t.raisedHeapCapMb}.`);
  const oldCapBytes = t.heapCapMb * MB * 0.8;
  const passed = await incident.waitFor<{ pid: number; heapUsedBytes: number }>(
    'sample',
    (s) => s.pid === app.pid && s.heapUsedBytes > oldCapBytes,
    t.outageTimeoutSeconds * 1000,
    `the heap passing 80% of the old ${t.heapCapMb} MB cap`,
  );
  const seconds = Math.round((Date.now() - raisedAt) / 1000);
  incident.timeline.record<ObservationData>(
    'observation',
    'monitor',
    `The bigger heap only bought time: heap at ${mb(passed.heapUsedBytes)}, past 80% of the old ${t.heapCapMb} MB cap, ${seconds} s after the raise, still growing.`,
    {
      about: 'raise-heap-limit',
      conclusion: 'growth continues at the same rate; a larger cap only moves the failure later',
      secondsToOldLimit: seconds,
      heapNowBytes: passed.heapUsedBytes,
      oldCapMb: t.heapCapMb,
      newCapMb: t.raisedHeapCapMb,
    },
  );
}
