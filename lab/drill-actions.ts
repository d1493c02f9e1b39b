import { findScenario, SCENARIOS, scenarioNames } from '../leak-scenarios/index.ts';
import type { LeakScenario } from '../leak-scenarios/scenario.ts';
import { diagnoseInWorker, readDiagnosisView, type DiagnosisView } from './drill-diagnosis.ts';
import { DRILL_DEFAULTS, type DrillOptions } from './drill-options.ts';
import { isLabError } from './errors.ts';
import { deployFixAndVerify } from './fix-and-verify.ts';
import type { Incident } from './incident.ts';
import type { ActionData, DeployData, MetricSample, ObservationData, SnapshotData, VerifyData } from './run-files.ts';

const MB = 2 ** 20;
const mb = (bytes: number | null | undefined) => `${((bytes ?? 0) / MB).toFixed(0)} MB`;

/** What a trainee can do; each is also the `action` of the timeline event it records. */
export const ACTION_KINDS = ['acknowledge', 'restart', 'raise-heap-limit', 'take-snapshot', 'diagnose', 'name-suspect', 'deploy-fix'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export function isActionKind(kind: string): kind is ActionKind {
  return (ACTION_KINDS as readonly string[]).includes(kind);
}

/** A refused action: nothing happened. 400 bad input, 409 not now, 429 too fast. */
export class DrillActionError extends Error {
  constructor(
    readonly status: 400 | 409 | 429,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DrillActionError';
  }
}

export interface ActionReply {
  action: ActionKind;
  /** False while the action goes on in the background (a restart, a deploy, a diagnosis). */
  done: boolean;
  message: string;
}

export interface DeskState {
  ended: boolean;
  /** The operation on the app in progress, if any: other app actions wait for it (409). */
  busy: { action: ActionKind; what: string; since: number } | null;
  diagnosing: boolean;
  app: { pid: number | null; up: boolean; heapCapMb: number };
  /** Heap snapshots of the process deployed last: the only ones one diagnosis may combine. */
  snapshotsOfCurrentProcess: number;
  suspectsNamed: string[];
  fixesDeployed: string[];
  lastDiagnosis: DiagnosisView | null;
  raiseHeapLimit: { defaultMb: number; maxMb: number };
}

export interface DeskContext {
  incident: Incident;
  runDir: string;
  /** The live scenario: the answer. Never part of a reply or of the state. */
  scenario: LeakScenario;
  opts: Readonly<DrillOptions>;
  /** Aborted when the drill ends (fix verified, time limit, Ctrl-C). */
  signal: AbortSignal;
  onChange: () => void;
  now?: () => number;
}

/**
 * The trainee's desk: every action is validated, rate-limited, recorded in the timeline as an
 * `action` from `trainee` at the moment it is asked for, then really performed on the running
 * app. One operation on the app at a time (restart, heap raise, snapshot, fix): the others get
 * 409 until it is done. `resolved` settles when a deployed fix passes verification.
 */
export class DrillDesk {
  readonly resolved: Promise<VerifyData>;
  #resolve!: (v: VerifyData) => void;
  readonly #ctx: DeskContext;
  readonly #now: () => number;
  readonly #lastAccepted = new Map<ActionKind, number>();
  readonly #snapshots: { pid: number; data: SnapshotData }[] = [];
  readonly #watchers = new Set<() => void>();
  readonly #named: string[] = [];
  readonly #fixes: string[] = [];
  #busy: DeskState['busy'] = null;
  readonly #inFlight = new Set<Promise<unknown>>();
  #diagnosing = false;
  #ended = false;
  #lastDiagnosis: DiagnosisView | null = null;
  /** The build the last deploy put out: a restart keeps it. */
  #variant: DeployData['variant'] = 'leaky';
  #lastPid: number | null = null;

  constructor(ctx: DeskContext) {
    this.#ctx = ctx;
    this.#now = ctx.now ?? Date.now;
    this.resolved = new Promise((resolve) => (this.#resolve = resolve));
    ctx.incident.timeline.onEvent((e) => {
      if (e.type !== 'deploy') return;
      const d = e.data as unknown as DeployData;
      this.#lastPid = d.pid;
      this.#variant = d.variant;
    });
  }

  state(): DeskState {
    const { incident } = this.#ctx;
    return {
      ended: this.#ended,
      busy: this.#busy,
      diagnosing: this.#diagnosing,
      app: { pid: incident.app?.pid ?? this.#lastPid, up: incident.app !== null, heapCapMb: incident.heapCapMb },
      snapshotsOfCurrentProcess: this.#currentSnapshots().length,
      suspectsNamed: [...this.#named],
      fixesDeployed: [...this.#fixes],
      lastDiagnosis: this.#lastDiagnosis,
      raiseHeapLimit: { defaultMb: this.#defaultRaiseMb(), maxMb: this.#maxHeapMb() },
    };
  }

  /** No more actions: the drill is over. Watchers stop; operations in flight end with the drill's signal. */
  end(): void {
    this.#ended = true;
    for (const stop of [...this.#watchers]) stop();
    this.#ctx.onChange();
  }

  /** Settles when no operation is in flight any more (restart, deploy, snapshot, diagnosis). */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /** Validates, rate-limits and performs one action; throws DrillActionError when refused. */
  act(kind: string, body: unknown): ActionReply {
    if (this.#ended) throw new DrillActionError(409, 'The drill is over: no more actions.');
    if (!isActionKind(kind)) throw new DrillActionError(400, `Unknown action "${kind.slice(0, 60)}"; one of: ${ACTION_KINDS.join(', ')}.`, { actions: [...ACTION_KINDS] });
    const input = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    const prepared = this.#prepare(kind, input);
    const last = this.#lastAccepted.get(kind);
    const now = this.#now();
    if (last !== undefined && now - last < DRILL_DEFAULTS.actionIntervalMs) {
      const retryAfterSeconds = Math.ceil((DRILL_DEFAULTS.actionIntervalMs - (now - last)) / 1000);
      throw new DrillActionError(429, `Too fast: one ${kind} per ${DRILL_DEFAULTS.actionIntervalMs / 1000} s. Try again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
    }
    this.#checkConflicts(kind);
    this.#lastAccepted.set(kind, now);
    return prepared();
  }

  /** Checks the input and returns the action itself, to run once the rate limit and conflicts allow it. */
  #prepare(kind: ActionKind, input: Record<string, unknown>): () => ActionReply {
    switch (kind) {
      case 'acknowledge':
        return () => this.#acknowledge();
      case 'restart':
        return () => this.#restart();
      case 'raise-heap-limit': {
        const toMb = this.#heapTarget(input.mb);
        return () => this.#raise(toMb);
      }
      case 'take-snapshot':
        return () => this.#snapshot();
      case 'diagnose':
        return () => this.#diagnose();
      case 'name-suspect': {
        const named = scenarioInput(input.scenario);
        return () => this.#nameSuspect(named);
      }
      case 'deploy-fix': {
        const named = scenarioInput(input.scenario);
        return () => this.#deployFix(named);
      }
    }
  }

  #checkConflicts(kind: ActionKind): void {
    const { incident } = this.#ctx;
    const changesApp = kind === 'restart' || kind === 'raise-heap-limit' || kind === 'take-snapshot' || kind === 'deploy-fix';
    if (changesApp && this.#busy) {
      const seconds = Math.round((this.#now() - this.#busy.since) / 1000);
      throw new DrillActionError(409, `Not now: ${this.#busy.what} is in progress (started ${seconds} s ago). Try again when it is done.`, { busy: this.#busy.action });
    }
    if (kind === 'take-snapshot' && !incident.app) {
      throw new DrillActionError(409, 'The app is down: there is no process to take a heap snapshot of. Restart it (or deploy a fix) first.');
    }
    if (kind === 'diagnose') {
      if (this.#diagnosing) throw new DrillActionError(409, 'A diagnosis is already running; its result will appear in the timeline.', { busy: 'diagnose' });
      const count = this.#currentSnapshots().length;
      if (count < 2) {
        throw new DrillActionError(
          409,
          `The diagnosis compares heap snapshots of one process: the current one (pid ${this.#lastPid ?? '-'}) has ${count}. Take ${2 - count} more first (a minute or so apart works best).`,
          { snapshotsOfCurrentProcess: count },
        );
      }
    }
  }

  #acknowledge(): ActionReply {
    const firing = [...this.#ctx.incident.activeAlerts.keys()];
    this.#record('acknowledge', `Trainee acknowledged the page${firing.length ? ` (${firing.join(', ')} firing)` : ' (no alert firing)'}.`, { alertsFiring: firing });
    return { action: 'acknowledge', done: true, message: firing.length ? `Acknowledged: ${firing.join(', ')}.` : 'Acknowledged (no alert is firing right now).' };
  }

  #restart(): ActionReply {
    const { incident } = this.#ctx;
    const before = this.#heapNow();
    const capMb = incident.heapCapMb;
    const wasUp = incident.app !== null;
    this.#record(
      'restart',
      wasUp ? `Trainee restarted the app (heap at ${mb(before)} of ${capMb} MB).` : `Trainee restarted the app, which was down.`,
      { misleading: wasUp, heapUsedBeforeBytes: before, heapCapMb: capMb },
    );
    this.#background('restart', 'a restart', async () => {
      await incident.stopApp();
      incident.phase = 'restarted';
      const app = await incident.deploy(this.#variant, capMb, 'restart', `The same build redeployed as a fresh process (restart), heap cap ${capMb} MB.`);
      if (before !== null) this.#watchComeback(app.pid, before);
    });
    return { action: 'restart', done: false, message: 'Restarting the app: watch the timeline for the new process.' };
  }

  #raise(toMb: number): ActionReply {
    const { incident } = this.#ctx;
    const fromMb = incident.heapCapMb;
    const wasUp = incident.app !== null;
    this.#record('raise-heap-limit', `Trainee raised the heap limit from ${fromMb} MB to ${toMb} MB.`, { misleading: wasUp, fromMb, toMb, heapUsedBeforeBytes: this.#heapNow() });
    this.#background('raise-heap-limit', 'a heap-limit raise', async () => {
      await incident.stopApp();
      incident.phase = 'raised';
      const app = await incident.deploy(this.#variant, toMb, 'raise-heap-limit', `Redeployed with --max-old-space-size=${toMb} (was ${fromMb}).`);
      if (wasUp) this.#watchOldCap(app.pid, fromMb, toMb);
    });
    return { action: 'raise-heap-limit', done: false, message: `Redeploying with a ${toMb} MB heap limit.` };
  }

  #snapshot(): ActionReply {
    const { incident } = this.#ctx;
    const pid = incident.app!.pid;
    const label = `trainee-${this.#snapshots.length + 1}`;
    this.#record('take-snapshot', `Trainee asked for a heap snapshot of pid ${pid}.`, { pid, label });
    this.#background('take-snapshot', 'a heap snapshot', async () => {
      const data = await incident.snapshot(label);
      this.#snapshots.push({ pid, data });
    });
    return { action: 'take-snapshot', done: false, message: `Taking heap snapshot "${label}" of pid ${pid} (the app pauses while it writes).` };
  }

  #diagnose(): ActionReply {
    const { incident, runDir, scenario, signal } = this.#ctx;
    const pid = this.#lastPid!;
    const snaps = this.#currentSnapshots();
    this.#record('diagnose', `Trainee ran the heap-snapshot diagnosis on ${snaps.length} snapshots of pid ${pid}.`, { pid, snapshots: snaps.map((s) => s.file) });
    this.#diagnosing = true;
    this.#ctx.onChange();
    this.#track(diagnoseInWorker(incident, runDir, snaps, scenario.leak.identifier, signal)
      .then(() => {
        this.#lastDiagnosis = readDiagnosisView(runDir, pid, snaps.length, new Date(this.#now()).toISOString());
      })
      .catch((err: unknown) => this.#failed('The diagnosis', err))
      .finally(() => {
        this.#diagnosing = false;
        this.#ctx.onChange();
      }));
    return { action: 'diagnose', done: false, message: `Diagnosing ${snaps.length} snapshots of pid ${pid}: the result appears in the timeline and the diagnosis panel.` };
  }

  #nameSuspect(name: string): ActionReply {
    this.#named.push(name);
    this.#record('name-suspect', `Trainee named the suspected leak: ${name}.`, { scenario: name, correct: name === this.#ctx.scenario.name });
    this.#ctx.onChange();
    return { action: 'name-suspect', done: true, message: `Recorded: you suspect ${name}. Deploying its fix will tell whether you are right.` };
  }

  #deployFix(name: string): ActionReply {
    const { incident, opts, scenario } = this.#ctx;
    const right = name === scenario.name;
    this.#fixes.push(name);
    this.#record('deploy-fix', `Trainee deployed the fix for ${name}.`, { scenario: name, correct: right });
    // The app's chaos switch can only fix the leak that is live: a fix for another scenario
    // changes nothing, so the same leaky code goes out again, under that label, and verification says so.
    this.#background('deploy-fix', `the deploy and verification of the fix for ${name}`, async () => {
      const verify = await deployFixAndVerify(incident, findScenario(name), {
        heapCapMb: opts.heapCapMb,
        verifySeconds: opts.verifySeconds,
        noiseBoundBytesPerSecond: opts.noiseBoundBytesPerSecond,
        availabilityTarget: opts.slo.availabilityTarget,
        settleTimeoutSeconds: Math.min(opts.detectTimeoutSeconds, DRILL_DEFAULTS.settleTimeoutSeconds),
        variant: right ? 'fixed' : 'leaky',
      });
      if (verify.passed) this.#resolve(verify);
      else incident.phase = 'live';
    });
    return {
      action: 'deploy-fix',
      done: false,
      message: `Deploying the fix for ${name} at the release's ${opts.heapCapMb} MB heap cap, then verifying it under the same traffic for ${opts.verifySeconds} s once the alerts clear.`,
    };
  }

  #record(action: ActionKind, summary: string, data: Omit<ActionData, 'action'>): void {
    this.#ctx.incident.timeline.record<ActionData>('action', 'trainee', summary, { action, ...data }, new Date(this.#now()));
  }

  #background(action: ActionKind, what: string, work: () => Promise<void>): void {
    this.#busy = { action, what, since: this.#now() };
    this.#ctx.onChange();
    this.#track(work()
      .catch((err: unknown) => this.#failed(`${what[0]!.toUpperCase()}${what.slice(1)}`, err))
      .finally(() => {
        this.#busy = null;
        this.#ctx.onChange();
      }));
  }

  #track(p: Promise<unknown>): void {
    this.#inFlight.add(p);
    void p.finally(() => this.#inFlight.delete(p));
  }

  #failed(what: string, err: unknown): void {
    if (this.#ctx.signal.aborted || isLabError(err, 'LAB_ERR_ABORTED')) return;
    const message = (err as Error).message ?? String(err);
    const down = this.#ctx.incident.app === null ? ' (the app is down: it died or stopped answering meanwhile)' : '';
    this.#ctx.incident.timeline.record('note', 'lab', `${what} failed: ${message}${down}`, { error: message, code: (err as { code?: string }).code ?? null });
  }

  #currentSnapshots(): SnapshotData[] {
    return this.#snapshots.filter((s) => s.pid === this.#lastPid).map((s) => s.data);
  }

  #heapNow(): number | null {
    const { incident } = this.#ctx;
    const s = incident.lastSample;
    return incident.app && s?.up && s.pid === incident.app.pid ? s.heapUsedBytes : null;
  }

  #maxHeapMb(): number {
    // The RSS watchdog must stay well above the heap cap (as outage options require).
    return Math.floor(this.#ctx.opts.rssLimitMb / 2);
  }

  #defaultRaiseMb(): number {
    const { opts, incident } = this.#ctx;
    const cap = incident.heapCapMb || opts.heapCapMb;
    return Math.min(this.#maxHeapMb(), cap < opts.raisedHeapCapMb ? opts.raisedHeapCapMb : cap + (opts.raisedHeapCapMb - opts.heapCapMb));
  }

  #heapTarget(raw: unknown): number {
    const cap = this.#ctx.incident.heapCapMb;
    const max = this.#maxHeapMb();
    const value = raw === undefined || raw === null || raw === '' ? this.#defaultRaiseMb() : Number(raw);
    if (!Number.isInteger(value) || value <= cap || value > max) {
      throw new DrillActionError(400, `The new heap limit must be a whole number of MB above the current ${cap} MB and at most ${max} MB (the RSS watchdog is at ${this.#ctx.opts.rssLimitMb} MB).`, {
        minMb: cap + 1,
        maxMb: max,
      });
    }
    return value;
  }

  /** After a restart: when the new process's heap is back where it was, the monitor says so. */
  #watchComeback(pid: number, levelBytes: number): void {
    const startedAt = this.#now();
    let low: number | null = null;
    this.#watch(pid, (m) => {
      if (low === null) {
        if (m.heapUsedBytes < levelBytes) low = m.heapUsedBytes;
        return false;
      }
      if (m.heapUsedBytes < levelBytes) return false;
      const seconds = Math.round((m.t - startedAt) / 1000);
      const firing = [...this.#ctx.incident.activeAlerts.keys()];
      this.#observe(
        `Memory came back: heap at ${mb(m.heapUsedBytes)}, the level before the restart, ${seconds} s after it (it had dropped to ${mb(low)})${firing.length ? `; ${firing.join(' and ')} firing` : ''}.`,
        { about: 'restart', conclusion: 'the restart only reset the leak; memory grows at the same rate in a fresh process', secondsToPreviousLevel: seconds, heapNowBytes: m.heapUsedBytes, heapBeforeRestartBytes: levelBytes, heapAfterRestartBytes: low },
      );
      return true;
    });
  }

  /** After a heap raise: when the heap passes 80% of the old cap, the bigger heap only bought time. */
  #watchOldCap(pid: number, oldCapMb: number, newCapMb: number): void {
    const startedAt = this.#now();
    const level = oldCapMb * MB * 0.8;
    this.#watch(pid, (m) => {
      if (m.heapUsedBytes <= level) return false;
      const seconds = Math.round((m.t - startedAt) / 1000);
      this.#observe(`The bigger heap only bought time: heap at ${mb(m.heapUsedBytes)}, past 80% of the old ${oldCapMb} MB cap, ${seconds} s after the raise, still growing.`, {
        about: 'raise-heap-limit',
        conclusion: 'growth continues at the same rate; a larger cap only moves the failure later',
        secondsToOldLimit: seconds,
        heapNowBytes: m.heapUsedBytes,
        oldCapMb,
        newCapMb,
      });
      return true;
    });
  }

  #watch(pid: number, test: (m: Extract<MetricSample, { up: true }>) => boolean): void {
    const { incident } = this.#ctx;
    const stop = () => {
      incident.off('sample', listener);
      this.#watchers.delete(stop);
    };
    const listener = (m: MetricSample) => {
      if (incident.app?.pid !== pid) return stop();
      if (m.pid === pid && m.up && test(m)) stop();
    };
    incident.on('sample', listener);
    this.#watchers.add(stop);
  }

  #observe(summary: string, data: ObservationData): void {
    this.#ctx.incident.timeline.record<ObservationData>('observation', 'monitor', summary, data);
  }
}

function scenarioInput(raw: unknown): string {
  if (typeof raw === 'string' && scenarioNames().includes(raw)) return raw;
  const given = typeof raw === 'string' ? `"${raw.slice(0, 80)}"` : 'no scenario';
  throw new DrillActionError(400, `Unknown scenario ${given}; name one of: ${scenarioNames().join(', ')}.`, { scenarios: scenarioNames() });
}

/** The scenario list a trainee may read: names and stories, nothing about which one is live. */
export function scenarioCatalog(): { name: string; title: string; story: string }[] {
  return SCENARIOS.map(({ name, title, story }) => ({ name, title, story }));
}
