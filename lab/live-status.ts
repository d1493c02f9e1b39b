import type { LoadSecond, MetricSample } from './run-files.ts';

export interface StatusView {
  elapsedSeconds: number;
  phase: string;
  sample: MetricSample | null;
  heapCapMb: number;
  load: LoadSecond | null;
  activeAlerts: string[];
}

const MB = 2 ** 20;

/** One status line: what an on-call engineer glances at once a second. */
export function statusLine(v: StatusView): string {
  const clock = `${String(Math.floor(v.elapsedSeconds / 60)).padStart(2, '0')}:${String(v.elapsedSeconds % 60).padStart(2, '0')}`;
  const s = v.sample;
  const memory = s?.up ? `rss ${(s.rssBytes / MB).toFixed(0)} MB  heap ${(s.heapUsedBytes / MB).toFixed(0)}/${v.heapCapMb} MB` : 'app down';
  const load = v.load ? `${v.load.requests} req/s  p99 ${v.load.latencyP99Ms?.toFixed(0) ?? "-"} ms  failed ${v.load.failed}` : 'no load';
  const alerts = v.activeAlerts.length > 0 ? `ALERTS ${v.activeAlerts.join(',')}` : 'no alerts';
  return `[${clock}] ${v.phase.padEnd(9)} ${memory}  ${load}  ${alerts}`;
}

/**
 * Writes the status to stderr: rewritten in place on a terminal, one plain line a second
 * otherwise (logs and CI). Event lines scroll above the status line.
 */
export class LiveStatus {
  readonly #tty: boolean;
  #last = '';

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.#tty = Boolean(stream.isTTY);
  }

  update(line: string): void {
    this.#last = line;
    this.stream.write(this.#tty ? `\r\x1b[2K${line}` : `${line}\n`);
  }

  event(line: string): void {
    this.stream.write(this.#tty ? `\r\x1b[2K${line}\n${this.#last}` : `${line}\n`);
  }

  end(): void {
    if (this.#tty) this.stream.write('\n');
  }
}
