import { formatBytes, signed, stepText, where } from './format.ts';
import type { DiagnosisReport, Leak, PathStep } from './report-types.ts';
import { countUnit } from './leak-summary.ts';
import { writesLines } from './holder-writes.ts';

/** The human report printed by the CLI. */
export function renderText(report: DiagnosisReport): string {
  const lines: string[] = [];
  lines.push(`Heap snapshots (${report.snapshots.length}, oldest first):`);
  report.snapshots.forEach((s, i) => {
    lines.push(`  ${i + 1}. ${s.file}  ${s.nodeCount} nodes, ${s.edgeCount} edges, ${formatBytes(s.totalBytes)}`);
  });
  lines.push('');
  if (report.verdict === 'no-leak' || report.leaks.length === 0) {
    lines.push('Verdict: no leak found: nothing grew in every interval by more than the noise bound.');
  } else {
    lines.push(`Verdict: LEAK: ${report.leaks.length} growing holder(s), most likely first.`);
    report.leaks.forEach((leak, i) => lines.push('', ...leakLines(leak, i + 1)));
  }
  lines.push('', `Analysed in ${(report.elapsedMs / 1000).toFixed(1)} s.`);
  return `${lines.join('\n')}\n`;
}

function leakLines(leak: Leak, rank: number): string[] {
  const unit = countUnit(leak, 'retained objects');
  return [
    `#${rank} ${leak.name}  [${leak.kind}]  score ${leak.score.toFixed(2)}`,
    `   ${leak.summary}`,
    `   ${unit}: ${leak.counts.join(' -> ')}  (${leak.growth.perSnapshot.map((d) => signed(d)).join(', ')})`,
    `   retained: ${leak.bytes.map(formatBytes).join(' -> ')}  (${leak.growth.bytesPerSnapshot.map((d) => signed(d, formatBytes)).join(', ')})`,
    `   holder: ${leak.holder.name} (${leak.holder.nodeType} ${leak.holder.nodeName}, @${leak.holder.nodeId})${leak.instances > 1 ? ` x${leak.instances}` : ''}`,
    ...(leak.examples ? [`   new entries, e.g.: ${leak.examples.map((x) => JSON.stringify(x)).join(', ')}`] : []),
    ...(leak.alsoGrowing?.length ? [`   also growing ${leak.kind === 'handles' ? 'with them' : 'in the same object'}: ${leak.alsoGrowing.join(', ')}`] : []),
    ...(leak.growsIn ? [`   grows in: ${leak.name}.${leak.growsIn.path} (${leak.growsIn.collection}, ${leak.growsIn.entries} entries, made anew with each change)`] : []),
    `   location: ${where(leak.location)}${leak.location?.generated ? `  (compiled: ${where(leak.location.generated)})` : ''}`,
    ...(leak.madeAt ? [`   functions made at: ${where(leak.madeAt)}`] : []),
    ...(leak.writes ? writesLines(leak.writes).map((l) => `   ${l}`) : []),
    `   retainer path:`,
    ...pathLines(leak.retainerPath).map((l) => `     ${l}`),
    ...(leak.chainLink ? ['   chain link (each value -> the one before it):', ...pathLines(leak.chainLink).map((l, i) => `     ${i === 0 ? '-> ' : ''}${l}`)] : []),
  ];
}

export function pathLines(path: PathStep[]): string[] {
  return path.map((p, i) => `${i === 0 ? '' : '-> '}${stepText(p)}`);
}
