import { formatBytes, stepText, where } from './format.ts';
import { alsoGrowing, ANONYMOUS_DOM_LISTENERS, AWAITED_BY, anonymousTimers, domListeners, countUnit, emitterName, eventTable, insideLibrary, keptVmContexts, libraryClass, streamBacklog, libraryWithin, linkName, listedHolder, nodeModule, onEmitterTable, packageState, reloadedModules, timersByDelay } from './leak-summary.ts';
import { handlesCause, handlesKeep } from './handle-words.ts';
import { nodeStateApi } from './node-api-state.ts';
import { SYMBOL_REGISTRY } from './symbol-registry.ts';
import type { DiagnosisReport, Leak, PathStep } from './report-types.ts';
import { removalKind, searchedWords, type ProgramWrites, type WriteSite } from './holder-writes.ts';

/** A postmortem section: the root cause in prose, then the evidence, path and location. */
export function renderMarkdown(report: DiagnosisReport): string {
  const out: string[] = ['## Heap snapshot diagnosis', ''];
  const files = report.snapshots.map((s) => `\`${s.file}\` (${formatBytes(s.totalBytes)})`).join(', ');
  out.push(`Compared ${report.snapshots.length} heap snapshots of one process, oldest first: ${files}.`, '');
  if (report.verdict === 'no-leak' || report.leaks.length === 0) {
    out.push('**No leak found.** No holder grew in every interval by more than the noise bound; memory that churned was reclaimed between snapshots.', '');
    return out.join('\n');
  }
  const top = report.leaks[0];
  out.push('### Root cause', '', prose(top), '');
  out.push('### Evidence', '', '| # | holder | kind | counts | retained | score |', '|---|---|---|---|---|---|');
  report.leaks.forEach((l, i) => {
    out.push(`| ${i + 1} | \`${l.name}\` | ${l.kind} | ${l.counts.join(' → ')} | ${l.bytes.map(formatBytes).join(' → ')} | ${l.score.toFixed(2)} |`);
  });
  out.push('', '### Retainer path of the top suspect', '', '```');
  const step = (p: PathStep) => stepText(p, '×');
  top.retainerPath.forEach((p, i) => out.push(`${i === 0 ? '' : '  → '}${step(p)}`));
  out.push('```');
  if (top.chainLink) out.push('', 'Each value of the variable keeps the one before it alive through this link:', '', '```', ...top.chainLink.map((p) => `  → ${step(p)}`), '```');
  out.push('', `### Location`, '', top.location ? `\`${where(top.location)}\`` : 'The snapshot did not record where this holder is defined.', '');
  return out.join('\n');
}

function prose(l: Leak): string {
  const last = l.counts.length - 1;
  const per = Math.round((l.counts[last] - l.counts[0]) / last);
  const perBytes = formatBytes((l.bytes[last] - l.bytes[0]) / last);
  const what = cause(l);
  const where_ = l.location ? ` ${l.chainLink ? 'The link is made' : l.kind === 'handles' ? 'A callback the newest of them keeps is defined' : 'It is defined'} at \`${where(l.location)}\`${l.awaitedBy ? ': a loop (`for (;;) { await ... }`) settles each turn' : ''}.` : '';
  const examples = l.examples ? ` Entries added since the first snapshot include ${l.examples.map((x) => `\`${x.replace(/`/g, "'")}\``).join(', ')}.` : '';
  const link = l.chainLink ? ` Each new value keeps the one before it alive through ${linkName(l.chainLink)}, so none is ever freed.` : '';
  const scope = l.scopeKeeps
    ? ` Each of these functions keeps alive the scope of the call that made it, and with it \`${l.scopeKeeps.variable}\` (${l.scopeKeeps.className}, about ${formatBytes(l.scopeKeeps.bytes)} each): V8 keeps one scope per call for all the closures made in it, so a variable that any of them uses lives as long as the longest-lived one, even one that never reads it. Let go of it when done (\`${l.scopeKeeps.variable} = null\`), or make the long-lived function where that variable is not in scope.`
    : '';
  // A package's module state lives as long as the process: what to change is how it is called.
  const owned = !l.package
    ? ''
    : nodeModule(l.package)
      ? ` It is Node's own state (\`${l.package}\`), shared by the whole process: look for the call into Node's API that adds to it on every request, and for the call or option that removes or bounds what it adds (or a Node release that fixes it).`
      : ` It is the package's own state, shared by all its callers: look for the call into \`${l.package}\` that adds to it on every request, and for the call or option that removes or bounds what it adds (or a release of the package that fixes it).`;
  const keys = l.keyedBy
    ? ` ${l.objectName === l.keyedBy ? "They are the Map's keys" : `They are kept under \`${l.keyedBy}\` keys`}, and a Map keeps each key alive for as long as its entry, so every \`${l.keyedBy}\` it was given outlives its use: delete the entry when done with its key (on the key's \`'close'\` or \`'end'\`, in a \`finally\`), or use a WeakMap, whose entry goes when nothing else keeps its key.`
    : '';
  const made = l.madeAt ? ` The functions are made at \`${where(l.madeAt)}\`: the code that adds them there is where to look, for a removal (an unsubscribe, a delete) that never comes.` : '';
  const inside = l.growsIn
    ? ` What grows in it is \`${l.name}.${l.growsIn.path}\` (${l.growsIn.collection === 'Array' ? 'an' : 'a'} ${l.growsIn.collection} of ${l.growsIn.entries} entries in the last snapshot), made anew with each change: a copy with more in it replaces it and the objects above it, so no one object lives long enough to be seen growing.`
    : '';
  const writes = l.writes ? writesProse(l.writes) : '';
  const added = l.addedBy && l.location ? ` They are Node's own listeners, added for the code by the \`${l.addedBy.call}\` call at \`${where(l.location)}\`, once per call, and never taken off. What takes them off: ${l.addedBy.release}.` : '';
  const also = !l.alsoGrowing?.length ? '' : l.kind === 'handles' ? ` Growing with them: the ${alsoGrowing(l)} they keep.` : ` Growing with it in the same object: ${alsoGrowing(l)}.`;
  const piling = l.kind === 'handles' ? handlesKeep(l) : l.objectName === 'number' ? `What piles up is numbers, which V8 keeps inside the holder's store rather than as objects${l.kind === 'array' ? ', or empty slots (`undefined`, holes), which look the same there: an array whose used entries are set to `undefined` and never cut off (`splice()`, `shift()`, `length =`) still grows' : ''}.` : `The objects piling up are mostly \`${l.objectName}\`.`;
  const rate =
    per === 0
      ? `about ${perBytes} per snapshot interval, from ${formatBytes(l.bytes[0])} to ${formatBytes(l.bytes[last])} retained${l.objectName === 'number' ? '' : ` (${l.counts[last]} ${countUnit(l, l.countsOf)} throughout)`}, `
      : `about ${per} ${countUnit(l, l.countsOf)} (${perBytes}) per snapshot interval, from ${l.counts[0]} to ${l.counts[last]} (${formatBytes(l.bytes[0])} to ${formatBytes(l.bytes[last])} retained), `;
  return (
    `Memory grows because ${what}: ${rate}` +
    `with no interval in which it shrank. ${piling}${made}${inside}${writes}${added}${keys}${examples}${scope}${link}${also}${owned}${where_}`
  );
}

/** Where the program adds to the holder and whether it ever takes out: where the fix goes. */
function writesProse(w: ProgramWrites): string {
  const list = (sites: WriteSite[]) => sites.slice(0, 3).map((x) => `\`${x.file}:${x.line}\` (\`${x.call}\`)`).join(', ') + (sites.length > 3 ? ` and ${sites.length - 3} more places` : '');
  const bound = 'bound it (evict the oldest, expire by age) or remove each entry when done with it';
  if (w.calls) {
    const out = w.removes.length > 0 ? `, and calls what takes out of it only at ${list(w.removes)}` : '';
    return ` The program uses it at ${list(w.adds)}${out}: each of those calls may add to what the library keeps, so look at what they give it anew each time (an object the library caches by identity, a new key), or at the bound it is made with.`;
  }
  const removals = removalKind(w.removes);
  if (removals === 'none') return ` It is added to at ${list(w.adds)}, and nothing in ${searchedWords(w.searched)} ever takes out of it: ${bound}.`;
  if (removals === 'reset') return ` It is added to at ${list(w.adds)}, and only emptied all at once, at ${list(w.removes)}; nothing takes its entries out one by one: ${bound}.`;
  return ` It is added to at ${list(w.adds)} and taken out of only at ${list(w.removes)}: look for a path that adds without reaching a removal (an early return, an error answered or thrown before it), or one that removes less than it adds.`;
}

/** Why memory grows, in words, for the kind of holder the leak is. */
function cause(l: Leak): string {
  if (l.kind === 'handles') return handlesCause(l);
  if (domListeners(l)) {
    return `listeners are added to \`${l.owner ?? 'an event target'}\` with \`addEventListener()\`${l.name === ANONYMOUS_DOM_LISTENERS ? '' : ` (callback \`${l.name}\`)`} and never removed (Chromium's snapshot does not say for which event)`;
  }
  if (eventTable(l)) return `listeners are added to \`${emitterName(l)}\` under a new event name each time, and never removed`;
  if (onEmitterTable(l)) return `listeners added to \`${emitterName(l)}\` and never removed keep ever more objects alive`;
  if (l.kind === 'listeners') return `listeners for the \`${l.name}\` event${l.owner ? ` on \`${l.owner}\`` : ''} are added and never removed`;
  if (timersByDelay(l)) {
    const what = anonymousTimers(l.name) ? 'timers with an anonymous callback' : `timers (callback \`${l.name}\`)`;
    return `${what}, each set with a delay of its own, are scheduled and never cleared (Node keeps a list of timers per delay, so each adds a list to its table of them)`;
  }
  if (l.kind === 'timers' && l.name.includes(AWAITED_BY)) {
    return `${l.name} are never cleared: the loop that awaits them never ends (a \`for await\` over \`setInterval()\` from node:timers/promises that never breaks), so each keeps its timer, and all the loop keeps, for ever; break out of it when done, or pass a \`signal\` and abort it`;
  }
  if (l.kind === 'timers') {
    return anonymousTimers(l.name) ? `${l.name} with an anonymous callback are scheduled and never cleared` : `timers (callback \`${l.name}\`) are scheduled and never cleared`;
  }
  if (l.chainedPromises) return `the promise kept in \`${l.name}\` never settles, and a chain of \`.then()\` grows behind it (${l.chainedPromises} promises since the first snapshot): each waits for the one before it, so none settles and none is freed (a queue serialized by \`queue = queue.then(...)\` behind a task that hangs); settle or reject it (a timeout), or stop chaining on it`;
  if (l.awaitedBy) return `each call of \`${l.awaitedBy}\` waits for the next one (it awaits or returns a call to itself), so no call's promise settles while the loop runs`;
  const listed = listedHolder(l);
  if (listed && l.holder.nodeName === SYMBOL_REGISTRY) return `symbols are made with \`Symbol.for()\` under a new key each time: ${listed.why} (use \`Symbol()\` for a symbol of one object's own, or keep the keys to a fixed set)`;
  if (listed) return `the ${l.holder.nodeName} \`${l.name}\` only ever gains ${countUnit(l)} (${listed.why})`;
  if (reloadedModules(l)) {
    return `files are required again after being deleted from \`require.cache\` (a hot reload, a test's fresh require): each load makes a new Module, and Node keeps every one in the parent module's \`children\`, which it never empties`;
  }
  if (keptVmContexts(l)) {
    return `contexts made with \`vm.createContext()\` are kept in \`${l.name}\` and never let go: each sandbox keeps its whole context alive (a global object and a copy of every built-in)`;
  }
  const state = nodeStateApi(l);
  if (state) return `the ${l.kind} held by \`${l.name}\`${packageState(l, (x) => `\`${x}\``)} only ever grows: ${state.why}`;
  // A package's variable that is itself the growing collection reads as the summary says it.
  if (l.package && !insideLibrary(l) && !libraryWithin(l)) return `the ${l.kind} held by \`${l.name}\`${packageState(l, (x) => `\`${x}\``)} only ever grows`;
  const backlog = streamBacklog(l);
  if (backlog) {
    return backlog === 'write'
      ? `the writes queued in the stream \`${l.name}\` only ever grow: the code calls \`write()\` without waiting for \`'drain'\` when it returns false, so whatever the stream cannot pass on (a slow or stuck destination, a side nobody reads) piles up in memory`
      : `the chunks waiting to be read from the stream \`${l.name}\` only ever grow: data is pushed into it faster than it is consumed, or nothing consumes it at all (no \`pipe()\`, no \`'data'\` listener, no \`read()\`)`;
  }
  if (l.library) {
    const which = insideLibrary(l)
      ? `the ${l.kind} inside \`${l.name}\` (${libraryClass(l)})`
      : libraryWithin(l)
        ? `the ${l.holder.nodeName} inside \`${l.name}\` (${l.library?.node ? "Node's own" : "a library's"} object)`
        : `\`${l.name}\` (${libraryClass(l)})`;
    return `${which} only ever grows; a library's object that grows without end is usually kept without a bound on its size or age, or given a new key on every request`;
  }
  // A chain of values (each keeping the one before it) is what grows, not a collection.
  const what = l.chainLink ? 'chain of values' : l.kind === 'closure-context' ? 'closure scope' : l.kind;
  return `the ${what} held by \`${l.name}\` only ever grows`;
}
