import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { tsWorker } from './ts-worker.ts';
import type { DiagnosisReport } from '../analysis/diagnose.ts';
import { writesLines } from '../analysis/holder-writes.ts';
import { runDiagnosis } from './diagnosis-step.ts';
import { labError } from './errors.ts';
import type { Incident } from './incident.ts';
import type { DiagnosisData, SnapshotData, TimelineEventType } from './run-files.ts';

/** What the dashboard shows of a diagnosis: the top suspects, as a developer reads them. */
export interface DiagnosisView {
  at: string;
  pid: number;
  snapshots: number;
  verdict: string;
  /** `writes`: where the code adds to the holder and takes out, when the diagnosis found it. */
  suspects: { name: string; holder: string; location: string | null; writes: string | null; summary: string }[];
}

interface Job {
  kind: 'drill-diagnosis';
  runDir: string;
  snapshots: SnapshotData[];
  identifier: string;
}

type WorkerMessage =
  | { type: 'record'; event: { type: TimelineEventType; source: string; summary: string; data: object } }
  | { type: 'done'; data: DiagnosisData }
  | { type: 'failed'; message: string; code: string | null };

/**
 * Runs the diagnosis step (lab/diagnosis-step.ts, unchanged) in a worker thread. Diffing heap
 * snapshots is seconds of CPU; on the drill's own thread it would stall the monitor and the
 * traffic's clocks, and a stalled load generator reports latency the app never had. The
 * worker's timeline records come back here and go into the run's real timeline.
 */
export function diagnoseInWorker(incident: Incident, runDir: string, snapshots: SnapshotData[], identifier: string, signal: AbortSignal): Promise<DiagnosisData> {
  const job: Job = { kind: 'drill-diagnosis', runDir, snapshots, identifier };
  const worker = tsWorker(import.meta.url, { workerData: job, stdout: true, stderr: true });
  // Progress and warnings of the analysis are not the trainee's concern: drained, not printed.
  worker.stdout.resume();
  worker.stderr.resume();
  return new Promise<DiagnosisData>((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | null, data?: DiagnosisData) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      if (err) reject(err);
      else resolve(data!);
    };
    const onAbort = () => finish(labError('LAB_ERR_ABORTED', 'the drill ended during the diagnosis'));
    signal.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (msg: WorkerMessage) => {
      if (msg.type === 'record') incident.timeline.record(msg.event.type, msg.event.source, msg.event.summary, msg.event.data);
      else if (msg.type === 'done') finish(null, msg.data);
      else finish(Object.assign(new Error(msg.message), { code: msg.code ?? undefined }));
    });
    worker.on('error', (err) => finish(err));
    worker.on('exit', (code) => finish(new Error(`the diagnosis worker exited (code ${code}) before answering`)));
    if (signal.aborted) onAbort();
  });
}

/** The top suspects of the report the diagnosis step just wrote into the run folder. */
export function readDiagnosisView(runDir: string, pid: number, snapshots: number, at: string): DiagnosisView | null {
  try {
    const report = JSON.parse(readFileSync(path.join(runDir, 'diagnosis.json'), 'utf8')) as DiagnosisReport;
    return {
      at,
      pid,
      snapshots,
      verdict: report.verdict,
      suspects: report.leaks.slice(0, 3).map((l) => ({
        name: l.name,
        holder: l.holder?.name ?? '',
        location: l.location ? `${l.location.file}:${l.location.line}:${l.location.column}` : null,
        writes: l.writes ? writesLines(l.writes).join('; ') : null,
        summary: l.summary,
      })),
    };
  } catch {
    return null;
  }
}

async function workerMain(job: Job): Promise<void> {
  const port = parentPort!;
  // runDiagnosis needs only the timeline of the incident: hand it one that records in the main thread.
  const shim = {
    timeline: {
      record(type: TimelineEventType, source: string, summary: string, data: object) {
        port.postMessage({ type: 'record', event: { type, source, summary, data } } satisfies WorkerMessage);
      },
    },
  } as unknown as Incident;
  try {
    const data = await runDiagnosis(shim, job.runDir, job.snapshots, job.identifier, () => {});
    port.postMessage({ type: 'done', data } satisfies WorkerMessage);
  } catch (err) {
    port.postMessage({ type: 'failed', message: (err as Error).message, code: (err as { code?: string }).code ?? null } satisfies WorkerMessage);
  }
}

if (!isMainThread && (workerData as Job | undefined)?.kind === 'drill-diagnosis') await workerMain(workerData as Job);
