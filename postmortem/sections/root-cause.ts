import { edgeKind } from '../../analysis/format.ts';
import { keptWithin } from '../../analysis/leak-summary.ts';
import { removalKind, searchedWords } from '../../analysis/holder-writes.ts';
import { code, list, paragraph, runText, strong, subheading, type Block, type Inline, type Section } from '../document.ts';
import { bytesPerSecond, count, megabytes, percent } from '../number-format.ts';
import { formatDuration } from '../time-format.ts';
import { numOrNaN, str, type SectionContext } from './section-context.ts';
import type { DiagnosedLeak, WriteSiteData } from '../run-data.ts';

export function rootCauseDetail(ctx: SectionContext): Section {
  return {
    id: 'root-cause',
    title: 'Root cause and resolution in detail',
    blocks: [...declared(ctx), ...diagnosed(ctx), ...codePair(ctx), ...verification(ctx)],
  };
}

function declared(ctx: SectionContext): Block[] {
  const s = ctx.run.settings.scenario;
  const blocks: Block[] = [];
  if (s?.story) blocks.push(paragraph(strong('What the code meant to do:'), ' ', ...runText(str(s.story))));
  if (s?.rootCause) blocks.push(paragraph(strong('Why memory grows:'), ' ', ...runText(str(s.rootCause))));
  return blocks;
}

function diagnosed(ctx: SectionContext): Block[] {
  const diagnosis = ctx.run.diagnosis;
  const blocks: Block[] = [subheading('What the heap diagnosis found')];
  if (!diagnosis) {
    blocks.push(ctx.missing(
      'diagnosis.json',
      'diagnosis.json is missing: no heap diagnosis was made in this run, so what grows and what holds it were not measured. ',
      'The description above is the scenario\'s own.',
    ));
    return blocks;
  }
  const leak = ctx.leak;
  if (!leak) {
    blocks.push({ kind: 'notice', tone: 'warning', text: [`The diagnosis reported no leaking object (verdict: ${str(diagnosis.verdict, 'none given')}).`] });
    return blocks;
  }
  const l = leak.leak;
  const counts = Array.isArray(l.counts) ? l.counts : [];
  const items: Inline[][] = [
    [
      'What grows: ', strong(leak.name), l.kind ? ` (${l.kind})` : '',
      counts.length > 0 ? `: ${counts.map(count).join(' → ')} ${l.countsOf === 'entries' ? 'entries' : 'objects'} over ${count(counts.length)} snapshots` : '',
      leak.perSnapshot.length > 0 ? `, ${leak.perSnapshot.map((n) => `+${count(n)}`).join(', ')} per snapshot` : '',
      leak.bytesPerSnapshot.length > 0 ? ` (${leak.bytesPerSnapshot.map((b) => `+${megabytes(b)}`).join(', ')} per snapshot)` : '',
      '.',
    ],
  ];
  if (Number.isFinite(numOrNaN(l.retainedBytes))) items.push([`Retained at the last snapshot: ${megabytes(numOrNaN(l.retainedBytes))}.`]);
  items.push(leak.retainerPath ? ['Retainer path: ', code(leak.retainerPath)] : ['Retainer path: not reported.']);
  if (l.holder?.name) {
    // A library's object the holder is part of (a session store, a cache) is what the reader knows.
    const owner = typeof l.library?.className === 'string' ? l.library.className : '';
    const ofNode = l.library?.node === true;
    const library = !owner || owner === l.holder.nodeName ? '' : ofNode ? ` inside Node's ${owner}` : ` inside ${owner.length > 2 ? `${article(owner)} ${owner}` : 'an object'} of a library`;
    // The library's object itself grows, but the name is the developer's variable for the object
    // that keeps it (memorystore's `sessionStore`, whose `store` is the LRUCache that grows).
    const edges = (Array.isArray(l.retainerPath) ? l.retainerPath : []).map((p) => str(p.edge));
    const lastEdge = edges[edges.length - 1] ?? '';
    const name = str(l.holder.name);
    const within = owner !== '' && keptWithin(owner, str(l.holder.nodeName), name, edges);
    const about = [l.holder.nodeName ? `${article(str(l.holder.nodeName))} ${l.holder.nodeName}${library}` : null, l.holder.edgeType ? keptIn(str(l.holder.edgeType)) : null].filter((d) => d !== null);
    if (within) items.push(['Held by: ', code(name), ' (its ', code(lastEdge), `, ${ofNode ? "Node's" : "a library's"} ${owner}).`]);
    else items.push(['Held by: ', code(name), about.length > 0 ? ` (${about.join(', ')}).` : '.']);
  }
  const examples = Array.isArray(l.examples) ? l.examples.filter((x): x is string => typeof x === 'string') : [];
  if (examples.length > 0) items.push(['New entries, for example: ', ...examples.flatMap((x, i) => (i === 0 ? [code(x)] : [', ', code(x)])), '.']);
  items.push(leak.location ? ['Where: ', code(leak.location)] : ['Where: the diagnosis did not name a source location.']);
  const writes = writesItem(l.writes);
  if (writes) items.push(writes);
  if (l.summary) items.push(['In short: ', ...runText(str(l.summary))]);
  const elapsed = numOrNaN(diagnosis.elapsedMs);
  items.push([
    `The diagnosis compared ${count(diagnosis.snapshots.length)} heap snapshots`,
    Number.isFinite(elapsed) ? ` in ${formatDuration(elapsed)}` : '',
    diagnosis.verdict ? ` (verdict: ${diagnosis.verdict}).` : '.',
  ]);
  for (const other of leak.others) {
    const growth = other.growth?.perSnapshot ?? [];
    items.push([
      'Also growing: ', strong(str(other.name, '(unnamed)')),
      growth.length > 0 ? `, ${growth.map((n) => `+${count(n)}`).join(', ')} per snapshot` : '',
      typeof other.score === 'number' ? ` (score ${other.score}, against ${leak.leak.score ?? 'unknown'} for the top suspect).` : '.',
    ]);
  }
  blocks.push(list(items));
  return blocks;
}

function codePair(ctx: SectionContext): Block[] {
  const source = ctx.source;
  const blocks: Block[] = [subheading('The leaky and the fixed code')];
  if (!source.ok) {
    blocks.push(ctx.missing(`source regions: ${source.file ?? 'no file named'}`, `The code cannot be quoted: ${source.problem}.`));
    return blocks;
  }
  const identifier = str(ctx.run.settings.scenario?.leak?.identifier);
  blocks.push(paragraph(
    'Quoted from ', code(source.file),
    identifier ? ', where the leak is held by ' : '',
    identifier ? code(identifier) : '',
    '.',
  ));
  blocks.push({
    kind: 'code-pair',
    panes: [
      { title: ['Leaky, ', code(source.file), ` lines ${source.leaky.startLine}–${source.leaky.endLine}`], language: 'ts', code: source.leaky.code },
      { title: ['Fixed, ', code(source.file), ` lines ${source.fixed.startLine}–${source.fixed.endLine}`], language: 'ts', code: source.fixed.code },
    ],
  });
  return blocks;
}

function verification(ctx: SectionContext): Block[] {
  const verify = ctx.facts.verify;
  const blocks: Block[] = [subheading('Verification')];
  if (!verify) {
    blocks.push(ctx.missing('timeline.jsonl: verify event', 'The fix was not verified in this run (no "verify" event).'));
    return blocks;
  }
  const v = verify.data;
  const rows: [string, string][] = [
    ['Build verified', str(v.variant, 'unknown')],
    ['Window', Number.isFinite(numOrNaN(v.seconds)) ? `${v.seconds} s under the same traffic` : 'unknown'],
    ['Verdict', str(v.verdict, 'unknown')],
    ['Heap used, start → end', `${megabytes(numOrNaN(v.heapStartBytes))} → ${megabytes(numOrNaN(v.heapEndBytes))}`],
    ['Heap slope (least squares)', bytesPerSecond(numOrNaN(v.slopeBytesPerSecond))],
    ['Noise bound', bytesPerSecond(numOrNaN(v.noiseBoundBytesPerSecond))],
    ['Requests / failed', `${count(numOrNaN(v.requests))} / ${count(numOrNaN(v.failed))}`],
    // Runs recorded before the objective was part of the check have no such field.
    ...(Number.isFinite(numOrNaN(v.availabilityTarget))
      ? [['Requests served / objective', `${percent(1 - numOrNaN(v.failed) / numOrNaN(v.requests), 2)} / ${percent(numOrNaN(v.availabilityTarget), 1)}`] as [string, string]]
      : []),
    ['Alerts fired', count(numOrNaN(v.alertsFired))],
    ['Passed', v.passed === true ? 'yes' : v.passed === false ? 'no' : 'unknown'],
  ];
  blocks.push({ kind: 'table', head: ['Measure', 'Value'], rows: rows.map(([k, val]) => [[k], [val]]) });
  return blocks;
}

/** Where the holder is kept, as a developer says it (V8's `context` edge is a closure variable). */
function keptIn(edgeType: string): string {
  const kind = edgeKind(edgeType);
  return `kept in ${article(kind)} ${kind}`;
}

function article(word: string): string {
  return /^[aeiouAEIOU]/.test(word) ? 'an' : 'a';
}

/** Where the program adds to the holder, and whether it ever takes out: where the fix goes. */
function writesItem(w: DiagnosedLeak['writes']): Inline[] | null {
  const sites = (xs: unknown) => (Array.isArray(xs) ? (xs as WriteSiteData[]) : []).filter((x) => typeof x?.file === 'string' && typeof x.line === 'number' && typeof x.call === 'string');
  const adds = sites(w?.adds);
  if (adds.length === 0) return null;
  const removes = sites(w?.removes);
  const searched = (Array.isArray(w?.searched) ? w.searched : []).filter((f): f is string => typeof f === 'string');
  const list = (xs: WriteSiteData[]): Inline[] => xs.slice(0, 3).flatMap((x, i) => [...(i > 0 ? [', '] : []), code(`${x.file}:${x.line}`), ` (${str(x.call)})`]);
  if (w?.calls === true) return ['Called at: ', ...list(adds), ...(removes.length > 0 ? ['; what takes out of it is called only at: ', ...list(removes)] : []), '.'];
  const removals = removalKind(removes);
  if (removals === 'entries') return ['Added to at: ', ...list(adds), '; taken out of only at: ', ...list(removes), '.'];
  if (removals === 'reset') return ['Added to at: ', ...list(adds), '; only emptied all at once, at: ', ...list(removes), '; nothing takes its entries out one by one.'];
  return ['Added to at: ', ...list(adds), '; nothing in ', ...runText(searchedWords(searched.length > 0 ? searched : [...new Set(adds.map((x) => str(x.file)))])), ' takes anything out of it.'];
}
