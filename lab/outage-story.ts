import type { Incident } from './incident.ts';
import type { ActionData, AlertData, CrashData, EscalationData, MetricSample, ObservationData, SnapshotData } from './run-files.ts';

const MB = 2 ** 20;
const mb = (bytes: number | null | undefined) => `${((bytes ?? 0) / MB).toFixed(0)} MB`;

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
 * limit (misleading), the outage itself, and the escalation to development. The service
 * stays down while development works: that is the outage users feel.
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
  const firstAlertHeap = incident.lastUpSample?.heapUsedBytes ?? 0;
  snapshots.push(await incident.snapshot('alert'));
  await incident.elapse(t.laterSnapshotSeconds);
  snapshots.push(await incident.snapshot('later'));

  await misleadingRestart(incident, t, firstAlertHeap);
  await misleadingHeapRaise(incident, t);

  incident.phase = 'outage';
  const crash = await waitForCrash(incident, t.outageTimeoutSeconds * 1000);
  incident.timeline.record<EscalationData>(
    'escalation',
    'responder',
    'Operations escalated to the development team: a restart and a bigger heap did not stop the growth, and the service is down.',
    { from: 'operations', to: 'development', reason: 'memory grows at the same rate in every fresh process, at any heap cap: the cause is in the code, not the host' },
  );
  return { snapshots, firstAlert, crash };
}

function waitForCrash(incident: Incident, timeoutMs: number): Promise<CrashData> {
  const already = incident.app ? undefined : incident.timeline.events.findLast((e) => e.type === 'crash');
  if (already) return Promise.resolve(already.data as unknown as CrashData);
  return incident.waitFor<CrashData>('crash', () => true, timeoutMs, 'the outage (the app dying or hanging)');
}

async function misleadingRestart(incident: Incident, t: StoryTiming, alertLevel: number): Promise<void> {
  const before = incident.lastUpSample;
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
  const low = await incident.waitFor<MetricSample>('sample', (m) => m.pid === app.pid && m.up, 15_000, 'the restarted app answering');
  const levelBefore = before?.heapUsedBytes ?? 0;
  // Back at the level that first paged on-call: the leak is unmistakably back.
  const back = await incident.waitFor<MetricSample>(
    'sample',
    (m) => m.pid === app.pid && (m.heapUsedBytes ?? 0) >= alertLevel,
    t.detectTimeoutSeconds * 1000,
    `the heap of the restarted app back at ${mb(alertLevel)}`,
  );
  const seconds = Math.round((back.t - restartedAt) / 1000);
  const memoryAlerts = [...incident.activeAlerts.keys()].filter((rule) => rule.startsWith('heap'));
  incident.timeline.record<ObservationData>(
    'observation',
    'monitor',
    `Memory came back: heap at ${mb(back.heapUsedBytes)}, the level of the first alert, ${seconds} s after the restart (it had dropped to ${mb(low.heapUsedBytes)}); ` +
      (memoryAlerts.length ? `${memoryAlerts.join(' and ')} still firing.` : 'the leak is back.'),
    {
      about: 'restart',
      conclusion: 'the restart only reset the leak; memory grows at the same rate in a fresh process',
      secondsToPreviousLevel: seconds,
      heapBeforeRestartBytes: levelBefore,
      heapAfterRestartBytes: low.heapUsedBytes,
      heapNowBytes: back.heapUsedBytes,
      heapAtFirstAlertBytes: alertLevel,
      alertsFiring: memoryAlerts,
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
  const passed = await incident.waitFor<MetricSample>(
    'sample',
    (m) => m.pid === app.pid && (m.heapUsedBytes ?? 0) > oldCapBytes,
    t.outageTimeoutSeconds * 1000,
    `the heap passing 80% of the old ${t.heapCapMb} MB cap`,
  );
  const seconds = Math.round((passed.t - raisedAt) / 1000);
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
