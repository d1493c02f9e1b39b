import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDuration } from '../../postmortem/time-format.ts';
import { writePostmortem } from '../../postmortem/write-postmortem.ts';
import {
  cleanupRunCopies, copyRun, count, events, hms, mdSection, outageStartMs, readJson, readJsonl, utcOffset, writeJson, writeJsonl,
} from './run-fixture.ts';

async function markdownOf(dir: string): Promise<string> {
  return fs.readFileSync((await writePostmortem(dir)).markdownFile, 'utf8');
}

describe('postmortem numbers follow the data', () => {
  afterAll(cleanupRunCopies);

  it('changes the share of users affected when users.json changes', async () => {
    const dir = copyRun();
    const users = readJson(dir, 'users.json');
    const before = `${((users.affected / users.users) * 100).toFixed(1)}% of users (${count(users.affected)} of ${count(users.users)})`;
    const affected = Math.floor(users.affected / 3);
    writeJson(dir, 'users.json', { ...users, affected });
    const md = await markdownOf(dir);
    expect(md).toContain(`${((affected / users.users) * 100).toFixed(1)}% of users (${count(affected)} of ${count(users.users)})`);
    expect(md).not.toContain(before);
  });

  it('changes the duration and time to resolve when the resolved event moves', async () => {
    const dir = copyRun();
    const start = outageStartMs(dir);
    const shiftMs = 97_000;
    const rows = readJsonl(dir, 'timeline.jsonl').map((e) =>
      e.type === 'resolved' ? { ...e, at: shiftIso(e.at, shiftMs) } : e,
    );
    const resolvedAt = Date.parse(rows.find((e) => e.type === 'resolved').at);
    writeJsonl(dir, 'timeline.jsonl', rows);
    const md = await markdownOf(dir);
    const tz = readJson(dir, 'settings.json').tz;
    expect(mdSection(md, 'Issue Summary')).toContain(`Duration: ${formatDuration(resolvedAt - start)}`);
    expect(mdSection(md, 'Issue Summary')).toContain(`${hms(resolvedAt, tz)} `);
    expect(mdSection(md, 'Metrics')).toContain(`| Time to resolve | ${formatDuration(resolvedAt - start)} |`);
  });

  it('changes the time to detect when the first alert moves', async () => {
    const dir = copyRun();
    const rows = readJsonl(dir, 'timeline.jsonl');
    const first = rows.findIndex((e) => e.type === 'alert' && e.data.state === 'firing');
    rows[first] = { ...rows[first], at: shiftIso(rows[first].at, -7_000) };
    writeJsonl(dir, 'timeline.jsonl', rows);
    const deploy = events(dir).find((e) => e.type === 'deploy' && e.data.variant === 'leaky')!;
    const md = await markdownOf(dir);
    const detect = formatDuration(Date.parse(rows[first].at) - Date.parse(deploy.at));
    expect(mdSection(md, 'Metrics')).toContain(`| Time to detect | ${detect} |`);
    expect(mdSection(md, 'How it was detected')).toContain(`**${detect}** after the leak's start`);
  });

  it('changes the latency peak and the downtime when metrics and load change', async () => {
    const dir = copyRun();
    const load = readJsonl(dir, 'load.jsonl');
    const middle = Math.floor(load.length / 2);
    load[middle] = { ...load[middle], latencyP99Ms: 7345.6 };
    writeJsonl(dir, 'load.jsonl', load);
    const metrics = readJsonl(dir, 'metrics.jsonl');
    const downBefore = metrics.filter((m) => m.up === false && m.t >= outageStartMs(dir)).length;
    for (const m of metrics.slice(middle, middle + 4)) m.up = false;
    writeJsonl(dir, 'metrics.jsonl', metrics);
    const md = await markdownOf(dir);
    const tz = readJson(dir, 'settings.json').tz;
    const section = mdSection(md, 'Metrics');
    expect(section).toContain(`| Peak p99 latency | 7,346 ms | at ${hms(load[middle].t, tz)};`);
    const down = /\| App not running \| (\d+) s \|/.exec(section);
    expect(Number(down?.[1])).toBeGreaterThanOrEqual(downBefore + 4);
  });

  it('renders every time in another zone when settings.tz changes', async () => {
    const dir = copyRun();
    const settings = readJson(dir, 'settings.json');
    const tz = settings.tz === 'America/New_York' ? 'Asia/Kolkata' : 'America/New_York';
    writeJson(dir, 'settings.json', { ...settings, tz });
    const md = await markdownOf(dir);
    const all = events(dir);
    const rendered = [...mdSection(md, 'Timeline').matchAll(/^- (\d\d:\d\d:\d\d) — /gm)].map((m) => m[1]);
    expect(rendered).toEqual(all.map((e) => hms(Date.parse(e.at), tz)));
    expect(mdSection(md, 'Issue Summary')).toContain(`(${utcOffset(outageStartMs(dir), tz)})`);
  });

  it('names a zone once when its name is its abbreviation (UTC)', async () => {
    const dir = copyRun();
    const settings = readJson(dir, 'settings.json');
    writeJson(dir, 'settings.json', { ...settings, tz: 'UTC' });
    const md = await markdownOf(dir);
    expect(md).toContain('; times are UTC (UTC+00:00).');
    expect(md).not.toContain('UTC time');
  });

  it('reads users.json in the load generator\'s shape too (no totals, epoch-ms first failures)', async () => {
    const dir = copyRun();
    const users = readJson(dir, 'users.json');
    const perUser = Object.fromEntries(Object.entries(users.perUser as Record<string, any>).map(([id, u]) => [
      id, { ...u, firstFailureAt: u.firstFailureAt === null ? null : Date.parse(u.firstFailureAt) },
    ]));
    writeJson(dir, 'users.json', { users: users.users, affected: users.affected, perUser });
    const md = await markdownOf(dir);
    expect(mdSection(md, 'Issue Summary')).toContain(`(${count(users.affected)} of ${count(users.users)})`);
    expect(mdSection(md, 'Metrics')).toContain(`users.json: ${count(users.failed)} failed of ${count(users.requests)} requests`);
  });

  it('says what holds the leak as the diagnosis does, a library\'s object included', async () => {
    const dir = copyRun();
    const diagnosis = readJson(dir, 'diagnosis.json');
    const top = diagnosis.leaks[0];
    diagnosis.leaks[0] = { ...top, holder: { ...top.holder, name: 'sessionStore', nodeName: 'Object', edgeType: 'context' }, library: { className: 'MemoryStore' } };
    writeJson(dir, 'diagnosis.json', diagnosis);
    const md = await markdownOf(dir);
    expect(mdSection(md, 'Root cause and resolution in detail')).toContain('Held by: `sessionStore` (an Object inside a MemoryStore of a library, kept in a variable).');
  });

  it('says where the code adds to the holder and where, if anywhere, it takes out, as the diagnosis found them', async () => {
    const dir = copyRun();
    const diagnosis = readJson(dir, 'diagnosis.json');
    const top = diagnosis.leaks[0];
    const file = 'leak-scenarios/inflight-quote-map.ts';
    diagnosis.leaks[0] = { ...top, writes: { searched: [file], adds: [{ file, line: 40, column: 9, call: 'inflightQuotes.set' }], removes: [{ file, line: 37, column: 11, call: 'inflightQuotes.delete' }, { file, line: 44, column: 18, call: 'inflightQuotes.clear' }] } };
    writeJson(dir, 'diagnosis.json', diagnosis);
    expect(mdSection(await markdownOf(dir), 'Root cause and resolution in detail')).toContain(
      `Added to at: \`${file}:40\` (inflightQuotes.set); taken out of only at: \`${file}:37\` (inflightQuotes.delete), \`${file}:44\` (inflightQuotes.clear).`,
    );
    diagnosis.leaks[0] = { ...top, writes: { searched: [file], adds: [{ file, line: 40, column: 9, call: 'inflightQuotes.set' }], removes: [] } };
    writeJson(dir, 'diagnosis.json', diagnosis);
    expect(mdSection(await markdownOf(dir), 'Root cause and resolution in detail')).toContain(`Added to at: \`${file}:40\` (inflightQuotes.set); nothing in \`${file}\` takes anything out of it.`);
    // Emptied only by a clear(): unbounded between resets.
    diagnosis.leaks[0] = { ...top, writes: { searched: [file], adds: [{ file, line: 40, column: 9, call: 'inflightQuotes.set' }], removes: [{ file, line: 44, column: 18, call: 'inflightQuotes.clear' }] } };
    writeJson(dir, 'diagnosis.json', diagnosis);
    expect(mdSection(await markdownOf(dir), 'Root cause and resolution in detail')).toContain(`Added to at: \`${file}:40\` (inflightQuotes.set); only emptied all at once, at: \`${file}:44\` (inflightQuotes.clear); nothing takes its entries out one by one.`);
    // A library's object in the code's variable: the code's calls of its methods.
    const ajv = 'leak-scenarios/ajv-compile-per-request.ts';
    diagnosis.leaks[0] = { ...top, writes: { searched: [ajv], calls: true, adds: [{ file: ajv, line: 80, column: 28, call: 'cartAjv.compile' }], removes: [{ file: ajv, line: 83, column: 25, call: 'cartAjv.removeSchema' }] } };
    writeJson(dir, 'diagnosis.json', diagnosis);
    expect(mdSection(await markdownOf(dir), 'Root cause and resolution in detail')).toContain(`Called at: \`${ajv}:80\` (cartAjv.compile); what takes out of it is called only at: \`${ajv}:83\` (cartAjv.removeSchema).`);
    // Written by hand or by an older diagnosis: no sites, no line.
    diagnosis.leaks[0] = { ...top, writes: { adds: [{ file, call: 'x.set' }] } };
    writeJson(dir, 'diagnosis.json', diagnosis);
    expect(mdSection(await markdownOf(dir), 'Root cause and resolution in detail')).not.toContain('Added to at');
  });

  it("says Node's own object as Node's, not a library's (a stream's queued writes)", async () => {
    const dir = copyRun();
    const diagnosis = readJson(dir, 'diagnosis.json');
    const top = diagnosis.leaks[0];
    diagnosis.leaks[0] = { ...top, holder: { ...top.holder, name: 'accessLog', nodeName: 'Array', edgeType: 'property' }, library: { className: 'WritableState', node: true } };
    writeJson(dir, 'diagnosis.json', diagnosis);
    const md = await markdownOf(dir);
    expect(mdSection(md, 'Root cause and resolution in detail')).toContain("Held by: `accessLog` (an Array inside Node's WritableState, kept in a property).");
  });

  it("says the library's object that grows is kept by the developer's variable, not that the variable is one", async () => {
    const dir = copyRun();
    const diagnosis = readJson(dir, 'diagnosis.json');
    const top = diagnosis.leaks[0];
    const retainerPath = [{ edge: '', edgeType: '', node: '(module scope)', nodeType: 'object' }, { edge: 'sessionStore', edgeType: 'context', node: 'MemoryStore', nodeType: 'object' }, { edge: 'store', edgeType: 'property', node: 'LRUCache', nodeType: 'object' }];
    diagnosis.leaks[0] = { ...top, retainerPath, holder: { ...top.holder, name: 'sessionStore', nodeName: 'LRUCache', edgeType: 'property' }, library: { className: 'LRUCache' } };
    writeJson(dir, 'diagnosis.json', diagnosis);
    const md = await markdownOf(dir);
    expect(mdSection(md, 'Root cause and resolution in detail')).toContain("Held by: `sessionStore` (its `store`, a library's LRUCache).");
  });

  it('says what kind of alert detected the leak, and asks for the alert that would have come sooner', async () => {
    const dir = copyRun();
    const rows = readJsonl(dir, 'timeline.jsonl');
    const first = rows.findIndex((e) => e.type === 'alert' && e.data.state === 'firing');
    const { rule } = rows[first].data;
    const withBasis = (basis?: string) => {
      rows[first] = { ...rows[first], data: { ...rows[first].data, basis } };
      writeJsonl(dir, 'timeline.jsonl', rows);
      return markdownOf(dir).then((md) => mdSection(md, 'Corrective and preventative measures'));
    };
    // A forecast of the cap watches the trend already: not "a fixed threshold", and no trend alert asked for.
    const forecast = await withBasis('forecast');
    expect(forecast).toContain(`The first alert was a forecast from the trend, ${rule} (`);
    expect(forecast).toContain(`Add an alert on sustained heap growth (heap used after GC rising over several minutes, whatever the cap), beside ${rule}:`);
    expect(forecast).not.toContain('fixed threshold');
    const level = await withBasis('level');
    expect(level).toContain(`The first alert was a fixed threshold, ${rule} at `);
    expect(level).toContain('Add a growth-trend alert on heap used');
    // Recorded before alerts kept their basis: neither claimed.
    const unknown = await withBasis(undefined);
    expect(unknown).toContain(`The first alert was ${rule} at `);
    expect(unknown).not.toContain('fixed threshold');
  });

  it('changes the error budget when the SLO target changes', async () => {
    const dir = copyRun();
    const settings = readJson(dir, 'settings.json');
    writeJson(dir, 'settings.json', { ...settings, slo: { ...settings.slo, availabilityTarget: 0.99 } });
    const md = await markdownOf(dir);
    expect(mdSection(md, 'Metrics')).toContain(`${(0.01 * 30 * 24 * 60).toFixed(1)} min`);
  });
});

/** Moves an ISO time with an offset by ms, keeping its offset. */
function shiftIso(iso: string, ms: number): string {
  const offset = /([+-]\d\d:\d\d|Z)$/.exec(iso)![1]!;
  const sign = offset === 'Z' ? 0 : offset.startsWith('-') ? -1 : 1;
  const minutes = offset === 'Z' ? 0 : sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  const local = new Date(Date.parse(iso) + ms + minutes * 60_000).toISOString().slice(0, -1);
  return `${local}${offset}`;
}
