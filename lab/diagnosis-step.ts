import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { diagnose, renderMarkdown } from '../analysis/diagnose.ts';
import type { Incident } from './incident.ts';
import type { DiagnosisData, SnapshotData } from './run-files.ts';

/**
 * The development team's first move after the escalation: diff the three snapshots of the
 * first process and name what grows. Whether the top suspect is right is checked against
 * the scenario's declared leak, so a drill or a CI run can tell a wrong diagnosis.
 */
export async function runDiagnosis(incident: Incident, runDir: string, snapshots: SnapshotData[], identifier: string, progress: (line: string) => void): Promise<DiagnosisData> {
  const files = snapshots.map((s) => path.resolve(runDir, s.file));
  const report = await diagnose({ snapshots: files, onProgress: progress });
  writeFileSync(path.join(runDir, 'diagnosis.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(path.join(runDir, 'diagnosis.md'), renderMarkdown(report));
  const top = report.leaks[0];
  const holder = top?.holder?.name ?? '';
  const data: DiagnosisData = {
    topSuspect: top
      ? {
          name: top.name,
          holder,
          location: top.location ? `${top.location.file}:${top.location.line}:${top.location.column}` : null,
          growthPerSnapshot: top.growth.perSnapshot,
          retainedBytes: top.retainedBytes,
        }
      : null,
    correct: holder === identifier,
    snapshots: snapshots.map((s) => s.file),
    elapsedMs: report.elapsedMs,
  };
  // The summary ends with the location when it has one: a timeline line says it once.
  const location = data.topSuspect?.location;
  const summary = top
    ? `Heap diff of ${files.length} snapshots points at ${holder || top.name}${location && !top.summary.includes(location) ? ` (${location})` : ''}: ${top.summary}`
    : `Heap diff of ${files.length} snapshots found no growing holder.`;
  incident.timeline.record<DiagnosisData>('diagnosis', 'developer', summary, data);
  return data;
}
