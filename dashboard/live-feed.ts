import type { ServerResponse } from 'node:http';
import type { DeskState } from '../lab/drill-actions.ts';
import { publicEvent, type PublicEvent } from '../lab/drill-public.ts';
import type { DrillScore } from '../lab/drill-score.ts';
import type { AlertData, LoadSecond, MetricSample, TimelineEvent } from '../lab/run-files.ts';

/** One second of the app as the memory chart draws it (null while the app is down). */
export interface SamplePoint {
  t: number;
  pid: number;
  up: boolean;
  heapUsed: number | null;
  heapTotal: number | null;
  rss: number | null;
  heapCap: number;
}

/** One second of the users' view: what the traffic charts draw. */
export interface LoadPoint {
  t: number;
  requests: number;
  failed: number;
  p99: number | null;
}

export interface FeedClock {
  startedAt: number | null;
  timeLimitSeconds: number;
  elapsedSeconds: number;
  remainingSeconds: number;
}

export interface FeedSetup {
  tz: string;
  timeLimitSeconds: number;
  /** When the drill's clock started (the release went out); null before. */
  startedAt: () => number | null;
  latencySloMs: number;
  errorRateBound: number;
  /** Null until the run is open. */
  state: () => DeskState | null;
  alerts: () => AlertData[];
  now?: () => number;
}

interface Client {
  res: ServerResponse;
}

/** The end of a drill as the dashboard shows it. */
export interface FeedEnd {
  score: DrillScore;
  lines: string[];
  runDir: string;
  /** Whether the postmortem is being written now. */
  postmortem: boolean;
}

/**
 * Everything the dashboard draws, kept from the start (a page opened late or reloaded gets the
 * whole history), pushed to every open page over server-sent events: new samples and traffic
 * seconds once a second, timeline events and state changes the moment they happen.
 */
export class LiveFeed {
  readonly #setup: FeedSetup;
  readonly #now: () => number;
  readonly #samples: SamplePoint[] = [];
  readonly #load: LoadPoint[] = [];
  readonly #events: PublicEvent[] = [];
  readonly #clients = new Set<Client>();
  #pendingSamples: SamplePoint[] = [];
  #pendingLoad: LoadPoint[] = [];
  #timer: NodeJS.Timeout | null = null;
  #end: FeedEnd | null = null;

  constructor(setup: FeedSetup) {
    this.#setup = setup;
    this.#now = setup.now ?? Date.now;
  }

  start(): void {
    this.#timer ??= setInterval(() => this.#flush(), 1000);
    this.#timer.unref();
  }

  addSample(s: MetricSample & { heapCapBytes: number }): void {
    const point: SamplePoint = { t: s.t, pid: s.pid, up: s.up, heapUsed: s.heapUsedBytes, heapTotal: s.heapTotalBytes, rss: s.rssBytes, heapCap: s.heapCapBytes };
    this.#samples.push(point);
    this.#pendingSamples.push(point);
  }

  addLoad(l: LoadSecond): void {
    const point: LoadPoint = { t: l.t, requests: l.requests, failed: l.failed, p99: l.latencyP99Ms };
    this.#load.push(point);
    this.#pendingLoad.push(point);
  }

  addEvent(e: TimelineEvent): void {
    const pe = publicEvent(e);
    this.#events.push(pe);
    this.#broadcast('timeline', { index: this.#events.length - 1, event: pe });
  }

  /** The desk's state or the alerts changed: every page hears it now, not at the next tick. */
  changed(): void {
    this.#broadcast('state', this.#status());
  }

  events(from = 0): { from: number; events: PublicEvent[] } {
    return { from, events: this.#events.slice(from) };
  }

  /** What GET /api/state answers: the clock, the desk, the alerts, and how long the timeline is. */
  status() {
    return { ...this.#status(), timelineLength: this.#events.length, ended: this.#end !== null };
  }

  /** Opens an event stream on `res`: the whole history first, then live updates. */
  subscribe(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    const client: Client = { res };
    this.#send(client, 'init', {
      tz: this.#setup.tz,
      latencySloMs: this.#setup.latencySloMs,
      errorRateBound: this.#setup.errorRateBound,
      samples: this.#samples,
      load: this.#load,
      timeline: this.#events,
      ...this.#status(),
    });
    if (this.#end) {
      this.#send(client, 'end', this.#end);
      res.end();
      return;
    }
    this.#clients.add(client);
    res.on('close', () => this.#clients.delete(client));
  }

  /** The drill is over: every page gets the score, then its stream ends. */
  end(end: FeedEnd): void {
    this.#flush();
    this.#end = end;
    for (const client of this.#clients) {
      this.#send(client, 'end', end);
      client.res.end();
    }
    this.#clients.clear();
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    for (const client of this.#clients) client.res.end();
    this.#clients.clear();
  }

  #status() {
    const startedAt = this.#setup.startedAt();
    const elapsed = startedAt === null ? 0 : Math.max(0, Math.floor((this.#now() - startedAt) / 1000));
    const clock: FeedClock = {
      startedAt,
      timeLimitSeconds: this.#setup.timeLimitSeconds,
      elapsedSeconds: elapsed,
      remainingSeconds: Math.max(0, this.#setup.timeLimitSeconds - elapsed),
    };
    return { clock, desk: this.#setup.state(), alerts: this.#setup.alerts() };
  }

  #flush(): void {
    const samples = this.#pendingSamples;
    const load = this.#pendingLoad;
    this.#pendingSamples = [];
    this.#pendingLoad = [];
    this.#broadcast('tick', { samples, load, ...this.#status() });
    // A comment line keeps proxies and idle timers from closing a quiet stream.
    for (const client of this.#clients) client.res.write(': keep-alive\n\n');
  }

  #broadcast(name: string, data: unknown): void {
    for (const client of this.#clients) this.#send(client, name, data);
  }

  #send(client: Client, name: string, data: unknown): void {
    if (client.res.writableEnded || client.res.destroyed) return;
    client.res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  }
}
