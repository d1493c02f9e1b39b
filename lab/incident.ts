import { EventEmitter } from 'node:events';
import path from 'node:path';
import { startApp, type AppProcess, type ExitInfo } from './app-process.ts';
import { labError } from './errors.ts';
import type { Timeline } from './timeline.ts';
import type { AlertData, CrashData, DeployData, LoadSecond, MetricSample, SnapshotData } from './run-files.ts';

const MB = 2 ** 20;

/** What the incident needs from the traffic and the monitor: point them at a new process. */
export interface Retargetable {
  retarget(target: { url: string; pid: number; heapCapBytes: number }): void;
}

export interface IncidentOptions {
  scenario: string;
  token: string;
  snapshotDir: string;
  rssLimitMb: number;
  unresponsiveSeconds: number;
  signal: AbortSignal;
}

/**
 * The live incident: the app process of the moment, what the monitor and the load last saw,
 * and the events responders wait on. Every change of process goes through here, so the
 * timeline records each deploy and each crash exactly once.
 */
export class Incident extends EventEmitter {
  app: AppProcess | null = null;
  heapCapMb = 0;
  phase = 'deploy';
  lastSample: MetricSample | null = null;
  /** The last sample in which the app answered: a snapshot or a GC pause can cost a scrape. */
  lastUpSample: MetricSample | null = null;
  lastLoad: LoadSecond | null = null;
  readonly activeAlerts = new Map<string, AlertData>();
  readonly #targets: Retargetable[] = [];
  #downSince: number | null = null;
  readonly #stopping = new WeakSet<AppProcess>();
  readonly #unresponsive = new WeakSet<AppProcess>();

  constructor(
    readonly options: IncidentOptions,
    readonly timeline: Timeline,
  ) {
    super();
    this.setMaxListeners(50);
  }

  follow(target: Retargetable): void {
    this.#targets.push(target);
    if (this.app) target.retarget({ url: this.app.url, pid: this.app.pid, heapCapBytes: this.heapCapMb * MB });
  }

  async deploy(variant: 'leaky' | 'fixed', heapCapMb: number, reason: DeployData['reason'], summary: string): Promise<AppProcess> {
    this.#throwIfAborted();
    const app = await startApp({
      scenario: this.options.scenario,
      variant,
      heapCapMb,
      snapshotDir: this.options.snapshotDir,
      token: this.options.token,
      rssLimitMb: this.options.rssLimitMb,
      // Verification reads the heap after a full collection (POST /admin/gc), not the sawtooth.
      exposeGc: true,
    });
    this.app = app;
    this.heapCapMb = heapCapMb;
    this.#downSince = null;
    for (const target of this.#targets) target.retarget({ url: app.url, pid: app.pid, heapCapBytes: heapCapMb * MB });
    this.timeline.record<DeployData>('deploy', reason === 'initial' || reason === 'fix' ? 'lab' : 'responder', summary, {
      pid: app.pid,
      url: app.url,
      scenario: this.options.scenario,
      variant,
      heapCapMb,
      reason,
    });
    void app.exited.then((info) => this.#onExit(app, info));
    return app;
  }

  /** Stops the current process on purpose (a restart or the fix): not a crash. */
  async stopApp(): Promise<ExitInfo | null> {
    const app = this.app;
    if (!app) return null;
    this.#stopping.add(app);
    this.app = null;
    return app.stop();
  }

  async snapshot(label: string): Promise<SnapshotData> {
    const app = this.#requireApp();
    const heapUsedBytes = this.lastUpSample?.heapUsedBytes;
    const res = await app.admin<{ file: string; bytes: number }>('POST', '/snapshots', { label });
    const data: SnapshotData = { label, file: path.relative(path.dirname(this.options.snapshotDir), res.file), bytes: res.bytes, heapUsedBytes };
    this.timeline.record('snapshot', 'responder', `Heap snapshot "${label}" taken from pid ${app.pid} (${(res.bytes / MB).toFixed(1)} MB file).`, data);
    return data;
  }

  /** The heap that survives a full collection, right now: what a leak check trusts. */
  async retainedHeap(): Promise<{ t: number; heapUsed: number }> {
    const app = this.#requireApp();
    const { heapUsed } = await app.admin<{ heapUsed: number }>('POST', '/gc');
    return { t: Date.now(), heapUsed };
  }

  onSample(sample: MetricSample): void {
    this.lastSample = sample;
    if (sample.up) this.lastUpSample = sample;
    this.emit('sample', sample);
    this.#watchResponsiveness(sample);
  }

  onLoadSecond(second: LoadSecond): void {
    this.lastLoad = second;
    this.emit('load', second);
  }

  onAlert(alert: AlertData, summary: string, at: Date): void {
    if (alert.state === 'firing') this.activeAlerts.set(alert.rule, alert);
    else this.activeAlerts.delete(alert.rule);
    this.timeline.record<AlertData>('alert', 'monitor', summary, alert, at);
    this.emit('alert', alert);
  }

  /** Resolves with the first event of `name` that passes `test`; rejects after `timeoutMs` or on abort. */
  waitFor<T>(name: 'sample' | 'alert' | 'load' | 'crash', test: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const done = (err: Error | null, value?: T) => {
        clearTimeout(timer);
        this.off(name, listener);
        this.options.signal.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(value as T);
      };
      const listener = (value: T) => {
        if (test(value)) done(null, value);
      };
      const onAbort = () => done(labError('LAB_ERR_ABORTED', 'the run was interrupted'));
      const timer = setTimeout(() => done(labError('LAB_ERR_TIMEOUT', `${what} did not happen within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
      this.on(name, listener);
      this.options.signal.addEventListener('abort', onAbort, { once: true });
      if (this.options.signal.aborted) onAbort();
    });
  }

  /** Lets the incident run for a while (the leak needs time); ends early only on abort. */
  elapse(seconds: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(labError('LAB_ERR_ABORTED', 'the run was interrupted'));
      };
      const timer = setTimeout(() => {
        this.options.signal.removeEventListener('abort', onAbort);
        resolve();
      }, seconds * 1000);
      this.options.signal.addEventListener('abort', onAbort, { once: true });
      if (this.options.signal.aborted) onAbort();
    });
  }

  #watchResponsiveness(sample: MetricSample): void {
    const app = this.app;
    if (!app || sample.pid !== app.pid) return;
    if (sample.up) {
      this.#downSince = null;
      return;
    }
    this.#downSince ??= sample.t;
    if (sample.t - this.#downSince >= this.options.unresponsiveSeconds * 1000) {
      // Like a liveness probe: a process that stopped answering is as down as a dead one.
      this.#downSince = null;
      this.#unresponsive.add(app);
      app.child.kill('SIGKILL');
    }
  }

  #onExit(app: AppProcess, info: ExitInfo): void {
    if (this.app === app) this.app = null;
    if (this.#stopping.has(app)) return;
    const reason = this.#unresponsive.has(app) ? 'unresponsive' : crashReason(info);
    const crash: CrashData = {
      pid: app.pid,
      code: info.code,
      signal: info.signal,
      reason,
      stderrTail: info.stderrTail.slice(-8),
      rssBytes: this.lastUpSample?.pid === app.pid ? this.lastUpSample.rssBytes : undefined,
      heapUsedBytes: this.lastUpSample?.pid === app.pid ? this.lastUpSample.heapUsedBytes : undefined,
    };
    this.timeline.record('crash', 'app', crashSummary(crash, app.heapCapMb, this.options.unresponsiveSeconds), crash, info.at);
    this.emit('crash', crash);
  }

  #requireApp(): AppProcess {
    if (!this.app) throw labError('LAB_ERR_APP_DIED', 'no app process is running');
    return this.app;
  }

  #throwIfAborted(): void {
    if (this.options.signal.aborted) throw labError('LAB_ERR_ABORTED', 'the run was interrupted');
  }
}

function crashReason(info: ExitInfo): string {
  const tail = info.stderrTail.join('\n');
  if (/heap out of memory|Reached heap limit|Allocation failed/i.test(tail)) return 'heap-exhaustion';
  if (/watchdog limit/.test(tail)) return 'watchdog';
  if (info.signal === 'SIGKILL') return 'killed';
  return 'exited';
}

function crashSummary(crash: CrashData, heapCapMb: number, unresponsiveSeconds: number): string {
  const how = crash.signal ? `signal ${crash.signal}` : `exit code ${crash.code}`;
  switch (crash.reason) {
    case 'heap-exhaustion':
      return `The app (pid ${crash.pid}) died of heap exhaustion at its ${heapCapMb} MB cap (${how}); users get connection errors.`;
    case 'unresponsive':
      return `The app (pid ${crash.pid}) stopped answering for ${unresponsiveSeconds} s near its ${heapCapMb} MB heap cap and was killed by the liveness check.`;
    case 'watchdog':
      return `The RSS watchdog killed the app (pid ${crash.pid}) to protect the host (${how}).`;
    default:
      return `The app (pid ${crash.pid}) exited unexpectedly (${how}).`;
  }
}
