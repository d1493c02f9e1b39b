import pidusage from 'pidusage';

export interface ProcessUsage {
  rssBytes: number;
  /** Total CPU time (user + system) in ms, for rates between two readings. */
  cpuTimeMs: number;
  /** pidusage's own CPU % since the last reading anyone in this process took. */
  cpuPercent: number;
  /** Epoch ms the process started (±10 ms), which tells a reused pid from the original. */
  startedAt: number;
  at: number;
}

/** Reads a process's RSS and CPU with pidusage; null when the process is gone. */
export async function readProcessUsage(pid: number): Promise<ProcessUsage | null> {
  try {
    const stat = await pidusage(pid);
    return { rssBytes: stat.memory, cpuTimeMs: stat.ctime, cpuPercent: stat.cpu, startedAt: stat.timestamp - stat.elapsed, at: stat.timestamp };
  } catch {
    return null;
  }
}

/** CPU % between this process's readings, so interleaved readers (the watchdog) do not skew it. */
export class CpuMeter {
  #last: { pid: number; cpuTimeMs: number; at: number } | null = null;

  percent(pid: number, usage: ProcessUsage): number {
    const last = this.#last;
    this.#last = { pid, cpuTimeMs: usage.cpuTimeMs, at: usage.at };
    if (!last || last.pid !== pid || usage.at <= last.at) return usage.cpuPercent;
    return Math.max(0, ((usage.cpuTimeMs - last.cpuTimeMs) / (usage.at - last.at)) * 100);
  }
}
