import { labError } from '../lab/errors.ts';
import { settledWithin } from '../load/bounded-wait.ts';
import { EXTERNAL_WATCHDOG_DEFAULTS } from './monitor-defaults.ts';
import { readProcessUsage } from './process-usage.ts';

export interface WatchdogKill {
  pid: number;
  at: number;
  rssBytes: number;
  rssLimitBytes: number;
  signal: 'SIGKILL';
}

export interface WatchdogReport {
  pid: number;
  rssLimitBytes: number;
  checks: number;
  maxRssBytes: number;
  /** killed: RSS passed the limit; gone: the process exited by itself; pid-reused: another process took the pid; stopped: stop() was called. */
  outcome: 'killed' | 'gone' | 'pid-reused' | 'stopped';
  kill: WatchdogKill | null;
}

export interface WatchdogOptions {
  pid: number;
  rssLimitBytes: number;
  onKill?: (kill: WatchdogKill) => void;
  /** Each RSS reading that did not trip the limit. */
  onCheck?: (rssBytes: number) => void;
  intervalMs?: number;
}

export interface Watchdog {
  /** Resolves once the watchdog has finished, for whatever reason. */
  readonly done: Promise<WatchdogReport>;
  stop(): Promise<WatchdogReport>;
}

/** A start time that moved by more than this means the pid now belongs to another process. */
const START_TIME_TOLERANCE_MS = 1000;

/**
 * Kills the app with SIGKILL once its RSS passes a hard limit, from outside: the heap cap bounds
 * only the JS heap, and a leak in buffers or native memory could otherwise take the host down.
 * Before killing it checks the pid still belongs to the process it started watching.
 */
export function startWatchdog(opts: WatchdogOptions): Watchdog {
  if (!Number.isInteger(opts.pid) || opts.pid <= 1 || opts.pid === process.pid) {
    throw labError('LAB_ERR_BAD_OPTION', `the watchdog will not watch pid ${opts.pid}`);
  }
  if (!(opts.rssLimitBytes > 0)) throw labError('LAB_ERR_BAD_OPTION', `rssLimitBytes must be > 0, got ${opts.rssLimitBytes}`);
  const intervalMs = opts.intervalMs ?? EXTERNAL_WATCHDOG_DEFAULTS.intervalMs;
  const report: WatchdogReport = { pid: opts.pid, rssLimitBytes: opts.rssLimitBytes, checks: 0, maxRssBytes: 0, outcome: 'stopped', kill: null };
  let startedAt: number | null = null;
  let timer: NodeJS.Timeout | null = null;
  let checking: Promise<void> | null = null;
  let finished = false;
  let resolveDone!: (r: WatchdogReport) => void;
  const done = new Promise<WatchdogReport>((resolve) => {
    resolveDone = resolve;
  });

  function finish(outcome: WatchdogReport['outcome']): void {
    if (finished) return;
    finished = true;
    if (timer) clearTimeout(timer);
    timer = null;
    report.outcome = outcome;
    resolveDone({ ...report });
  }

  async function check(): Promise<void> {
    const usage = await readProcessUsage(opts.pid);
    if (finished) return;
    if (!usage) return finish('gone');
    startedAt ??= usage.startedAt;
    if (Math.abs(usage.startedAt - startedAt) > START_TIME_TOLERANCE_MS) return finish('pid-reused');
    report.checks += 1;
    report.maxRssBytes = Math.max(report.maxRssBytes, usage.rssBytes);
    if (usage.rssBytes <= opts.rssLimitBytes) {
      opts.onCheck?.(usage.rssBytes);
      return;
    }
    try {
      process.kill(opts.pid, 'SIGKILL');
    } catch {
      return finish('gone');
    }
    report.kill = { pid: opts.pid, at: Date.now(), rssBytes: usage.rssBytes, rssLimitBytes: opts.rssLimitBytes, signal: 'SIGKILL' };
    finish('killed');
    opts.onKill?.(report.kill);
  }

  function loop(): void {
    timer = null;
    checking = check().finally(() => {
      checking = null;
      if (!finished) timer = setTimeout(loop, intervalMs);
    });
  }

  loop();

  return {
    done,
    async stop() {
      if (checking) await settledWithin(checking, 2000);
      finish('stopped');
      return done;
    },
  };
}
