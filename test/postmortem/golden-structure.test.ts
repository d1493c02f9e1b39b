import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lab/repo-root.ts';
import { SECTION_TITLES } from '../../postmortem/sections/index.ts';
import { formatDuration } from '../../postmortem/time-format.ts';
import { writePostmortem, type PostmortemResult } from '../../postmortem/write-postmortem.ts';
import { cleanupRunCopies, copyRun, count, events, hms, mdSection, outageStartMs, readJson, readJsonl, utcOffset } from './run-fixture.ts';

describe('postmortem of the recorded run: structure and numbers', () => {
  let dir: string;
  let result: PostmortemResult;
  let md: string;
  let html: string;
  let tz: string;

  beforeAll(async () => {
    dir = copyRun();
    result = await writePostmortem(dir);
    md = fs.readFileSync(result.markdownFile, 'utf8');
    html = fs.readFileSync(result.htmlFile, 'utf8');
    tz = readJson(dir, 'settings.json').tz;
  });
  afterAll(cleanupRunCopies);

  it('writes postmortem.md, postmortem.html and the chart SVGs into the run folder', () => {
    expect(result.markdownFile).toBe(path.join(dir, 'postmortem.md'));
    expect(result.htmlFile).toBe(path.join(dir, 'postmortem.html'));
    expect(result.chartFiles.map((f) => path.basename(f))).toEqual(['chart-memory.svg', 'chart-traffic.svg', 'chart-latency.svg']);
    for (const file of result.chartFiles) {
      expect(fs.readFileSync(file, 'utf8')).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(md).toContain(`](${path.basename(file)})`);
    }
    expect(result.warnings).toEqual([]);
  });

  it('has every section, in order, in both the Markdown and the HTML', () => {
    const mdAt = SECTION_TITLES.map((t) => md.indexOf(`\n## ${t}\n`));
    const htmlAt = SECTION_TITLES.map((t) => html.indexOf(`<h2>${t}</h2>`));
    for (const positions of [mdAt, htmlAt]) {
      expect(positions.every((p) => p > 0)).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    }
  });

  it('lists every timeline event at its time in the run\'s zone, the zone and date stated once', () => {
    const section = mdSection(md, 'Timeline');
    const expected = events(dir).map((e) => hms(Date.parse(e.at), tz));
    const rendered = [...section.matchAll(/^- (\d\d:\d\d:\d\d) — /gm)].map((m) => m[1]);
    expect(rendered).toEqual(expected);
    expect(section).toContain(utcOffset(Date.parse(events(dir)[0]!.at), tz));
    for (const e of events(dir)) expect(html).toContain(`<time>${hms(Date.parse(e.at), tz)}</time>`);
  });

  it('states the outage\'s start and end with the zone, and its duration from the timeline', () => {
    const summary = mdSection(md, 'Issue Summary');
    const start = outageStartMs(dir);
    const resolved = Date.parse(events(dir).find((e) => e.type === 'resolved')!.at);
    const offset = utcOffset(start, tz);
    expect(summary).toContain(`Duration: ${formatDuration(resolved - start)}`);
    expect(summary).toMatch(new RegExp(`${hms(start, tz)} \\S+ \\(${offset.replace('+', '\\+')}\\)`));
    expect(summary).toMatch(new RegExp(`${hms(resolved, tz)} \\S+ \\(${offset.replace('+', '\\+')}\\)`));
    expect(mdSection(md, 'Metrics')).toContain(`| Time to resolve | ${formatDuration(resolved - start)} |`);
  });

  it('gives the share of users affected from users.json, with the count', () => {
    const users = readJson(dir, 'users.json');
    const expected = `${((users.affected / users.users) * 100).toFixed(1)}% of users (${count(users.affected)} of ${count(users.users)})`;
    expect(mdSection(md, 'Issue Summary')).toContain(expected);
  });

  it('reports the failed requests and the error rate from load.jsonl', () => {
    const load = readJsonl(dir, 'load.jsonl');
    const failed = load.reduce((n, s) => n + s.failed, 0);
    const requests = load.reduce((n, s) => n + s.requests, 0);
    expect(mdSection(md, 'Metrics')).toContain(`${count(failed)} of ${count(requests)} (${((failed / requests) * 100).toFixed(1)}%)`);
  });

  it('names the first alert, its value against its threshold, and the time from the leaky deploy', () => {
    const all = events(dir);
    const alert = all.find((e) => e.type === 'alert' && e.data.state === 'firing')!;
    const deploy = all.find((e) => e.type === 'deploy' && e.data.variant === 'leaky')!;
    const section = mdSection(md, 'How it was detected');
    expect(section).toContain(`**${alert.data.rule}**`);
    expect(section).toContain(`(unit: ${alert.data.unit})`);
    expect(section).toContain(`**${formatDuration(Date.parse(alert.at) - Date.parse(deploy.at))}** after the leak's start`);
  });

  it('tells each misleading path with the observation that showed it wrong', () => {
    const all = events(dir);
    const section = mdSection(md, 'Misleading investigation paths');
    const misleading = all.filter((e) => e.type === 'action' && e.data.misleading === true);
    expect(misleading.length).toBeGreaterThan(0);
    for (const action of misleading) {
      expect(section).toContain(`${action.data.action} at ${hms(Date.parse(action.at), tz)}`);
      const observation = all.find((e) => e.type === 'observation' && e.data.about === action.data.action)!;
      expect(section).toContain(`measured at ${hms(Date.parse(observation.at), tz)}`);
    }
  });

  it('names the escalation\'s team and time, and every responder action', () => {
    const all = events(dir);
    for (const e of all.filter((x) => x.type === 'escalation')) {
      expect(mdSection(md, 'Escalation')).toContain(`**${e.data.to}**`);
      expect(mdSection(md, 'Escalation')).toContain(hms(Date.parse(e.at), tz));
      // The outage is counted from the first alert here: the span since then is said once.
      const since = formatDuration(Date.parse(e.at) - outageStartMs(dir));
      expect(mdSection(md, 'Escalation')).toContain(`(${since} after the first alert, when the outage began).`);
    }
    const actions = mdSection(md, 'Actions taken');
    for (const e of all.filter((x) => x.type === 'action')) expect(actions).toContain(`${hms(Date.parse(e.at), tz)} — **${e.data.action}**`);
  });

  it('details the diagnosis: what grows, per snapshot, the retainer path and the location', () => {
    const diagnosis = readJson(dir, 'diagnosis.json');
    const top = [...diagnosis.leaks].sort((a: any, b: any) => b.score - a.score)[0];
    const section = mdSection(md, 'Root cause and resolution in detail');
    expect(section).toContain(`**${top.name}**`);
    for (const n of top.growth.perSnapshot) expect(section).toContain(`+${count(n)}`);
    expect(section).toContain(`${top.location.file}:${top.location.line}`);
    for (const step of top.retainerPath) if (step.edge) expect(section).toContain(step.edge);
    // Counted as the diagnosis counted them, and its summary's `names` as code, not as escaped backticks.
    expect(section).toContain(`${top.counts.map(count).join(' → ')} ${top.countsOf === 'entries' ? 'entries' : 'objects'} over`);
    expect(section).not.toContain('\\`');
    expect(section).toContain(`New entries, for example: ${top.examples.map((x: string) => `\`${x}\``).join(', ')}.`);
    // Where the holder is kept, in a developer's words: V8's `context` edge is a variable.
    const a = /^[AEIOU]/i.test(top.holder.nodeName) ? 'an' : 'a';
    if (top.holder.edgeType === 'context' && !top.library) expect(section).toContain(`Held by: \`${top.holder.name}\` (${a} ${top.holder.nodeName}, kept in a variable).`);
    expect(section).not.toContain('context edge');
    // The summary's root cause in the same numbers, as gains between snapshots.
    const gains = top.growth.perSnapshot.map(count);
    const unit = top.countsOf === 'entries' ? 'entries' : 'objects';
    expect(mdSection(md, 'Issue Summary')).toContain(`The heap diagnosis found ${top.name} gaining ${gains.slice(0, -1).join(', ')} and ${gains.at(-1)} ${unit} from one snapshot to the next`);
  });

  it('quotes the leaky and the fixed code from the scenario\'s file, not retyped', () => {
    const file: string = readJson(dir, 'settings.json').scenario.leak.file;
    const source = fs.existsSync(path.join(REPO_ROOT, file)) ? fs.readFileSync(path.join(REPO_ROOT, file), 'utf8') : '';
    const region = (variant: string) => new RegExp(`// region: ${variant}\\n([\\s\\S]*?)\\n// endregion`).exec(source)?.[1];
    const leaky = region('leaky');
    const fixed = region('fixed');
    if (leaky && fixed) {
      const section = mdSection(md, 'Root cause and resolution in detail');
      expect(section).toContain(`\`\`\`ts\n${leaky}\n\`\`\``);
      expect(section).toContain(`\`\`\`ts\n${fixed}\n\`\`\``);
      expect(html).toContain('<div class="code-pair">');
    } else {
      expect(result.missing).toContain(`source regions: ${file}`);
    }
  });

  it('reports the verification\'s numbers from the verify event', () => {
    const verify = events(dir).filter((e) => e.type === 'verify').at(-1)!;
    const section = mdSection(md, 'Root cause and resolution in detail');
    expect(section).toContain(`| Requests / failed | ${count(verify.data.requests as number)} / ${count(verify.data.failed as number)} |`);
    expect(section).toContain(`| Window | ${verify.data.seconds} s`);
    // The resolution quotes the verify event's summary, which gives the counts: once, not twice.
    expect(mdSection(md, 'Resolution').split(`${count(verify.data.requests as number)} requests`)).toHaveLength(2);
  });

  it('derives corrective tasks with owners and priorities from the run', () => {
    const settings = readJson(dir, 'settings.json');
    const section = mdSection(md, 'Corrective and preventative measures');
    const tasks = section.split('\n').filter((l) => l.startsWith('- [ ] '));
    expect(tasks.length).toBeGreaterThan(3);
    for (const task of tasks) expect(task).toMatch(/^- \[ \] \*\*P[123]\*\* .+ Owner: .+\.$/);
    expect(section).toContain(`\`npm run verify -- --scenario ${settings.scenario.name}\``);
    expect(section).toContain(`Bound \`${settings.scenario.leak.identifier}\` in \`${settings.scenario.leak.file}\``);
    const escalation = events(dir).find((e) => e.type === 'escalation')!;
    expect(section).toContain(`Owner: ${escalation.data.to}.`);
  });

  it('states the error budget against the SLO, with its method', () => {
    const settings = readJson(dir, 'settings.json');
    const budgetMinutes = ((1 - settings.slo.availabilityTarget) * 30 * 24 * 60).toFixed(1);
    const section = mdSection(md, 'Metrics');
    expect(section).toContain(`${budgetMinutes} min`);
    expect(section).toContain('Error budget method:');
  });

  it('writes an HTML page with no script and no external resource', () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(\s*['"]?https?:/i);
    expect(html).not.toMatch(/\s(src|href)=["'](https?:|\/\/)/i);
    expect(html.match(/<svg/g)?.length).toBe(result.chartFiles.length);
  });
});
