import type { DeployData, TimelineEvent } from './run-files.ts';

/** A timeline event as the trainee sees it during the drill: no data fields, nothing that names the live scenario. */
export interface PublicEvent {
  at: string;
  type: string;
  source: string;
  summary: string;
}

/**
 * The run's timeline keeps everything (the deploy's scenario and build, whether a guess was
 * right); the trainee sees only what an on-call engineer would: deploy lines are reworded so
 * the build's name ("leaky", "fixed") does not give a guess away before verification does.
 */
export function publicEvent(e: TimelineEvent): PublicEvent {
  return { at: e.at, type: e.type, source: e.source, summary: e.type === 'deploy' ? deploySummary(e.data as unknown as DeployData) : e.summary };
}

function deploySummary(d: DeployData): string {
  switch (d.reason) {
    case 'initial':
      return `Release deployed as pid ${d.pid}, heap cap ${d.heapCapMb} MB.`;
    case 'restart':
      return `Restarted: the same build as a fresh process, pid ${d.pid}, heap cap ${d.heapCapMb} MB.`;
    case 'raise-heap-limit':
      return `Redeployed with --max-old-space-size=${d.heapCapMb}: pid ${d.pid}.`;
    case 'fix':
      return `The fix went out as pid ${d.pid} (heap cap ${d.heapCapMb} MB); verification starts once every alert has resolved.`;
    default:
      return `Deployed pid ${d.pid}, heap cap ${d.heapCapMb} MB.`;
  }
}
