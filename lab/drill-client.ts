import { parseArgs } from 'node:util';
import { assertLoopbackUrl } from '../load/loopback-url.ts';
import { labError } from './errors.ts';
import type { PublicEvent } from './drill-public.ts';

export const ACT_HELP = `Usage: npm run drill -- act --url URL [--token T] ACTION [ARG]

Acts on a running drill, like the dashboard's buttons. URL is the dashboard URL the drill
printed; the token comes from --token, from the URL's #token=..., or from LEAK_LAB_DRILL_TOKEN.

Actions:
  status              clock, app, alerts, snapshots, what is in progress
  scenarios           the scenario list (names and stories)
  timeline            the timeline so far
  ack                 acknowledge the page
  restart             restart the app (same build, fresh process)
  raise [MB]          raise the heap limit (default: one step up)
  snapshot            take a heap snapshot of the current process
  diagnose            diagnose the snapshots of the current process (at least 2)
  name SCENARIO       name the suspected leak (recorded, right or wrong)
  fix SCENARIO        deploy the fix for SCENARIO and verify it under load

Options:
  --url URL     the dashboard (loopback only)
  --token T     the drill's token
  --no-wait     return as soon as a long action is accepted
  --json        print the API's answers as JSON
  -h, --help    this text

Exit codes: 0 done, 1 refused (wrong token, not now, too fast), 2 bad input, 3 drill unreachable.`;

const ALIASES: Record<string, string> = {
  ack: 'acknowledge',
  acknowledge: 'acknowledge',
  restart: 'restart',
  raise: 'raise-heap-limit',
  'raise-heap-limit': 'raise-heap-limit',
  snapshot: 'take-snapshot',
  'take-snapshot': 'take-snapshot',
  diagnose: 'diagnose',
  name: 'name-suspect',
  'name-suspect': 'name-suspect',
  fix: 'deploy-fix',
  'deploy-fix': 'deploy-fix',
};

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

interface StateView {
  clock: { elapsedSeconds: number; remainingSeconds: number };
  desk: null | {
    ended: boolean;
    busy: { what: string } | null;
    diagnosing: boolean;
    app: { pid: number | null; up: boolean; heapCapMb: number };
    snapshotsOfCurrentProcess: number;
    suspectsNamed: string[];
  };
  alerts: { rule: string; severity: string }[];
  timelineLength: number;
  ended: boolean;
}

/** `npm run drill -- act ...`: one action against a running drill's API, then (for a long one) its outcome from the timeline. */
export async function runAct(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      'no-wait': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${ACT_HELP}\n`);
    return 0;
  }
  if (!values.url) throw labError('LAB_ERR_BAD_OPTION', '--url is required: the dashboard URL the drill printed');
  const url = assertLoopbackUrl(values.url);
  const token = values.token ?? new URLSearchParams(url.hash.slice(1)).get('token') ?? url.searchParams.get('token') ?? process.env.LEAK_LAB_DRILL_TOKEN;
  if (!token) throw labError('LAB_ERR_BAD_OPTION', 'no token: pass --token, or the URL with its #token=..., or set LEAK_LAB_DRILL_TOKEN');
  const [what, arg, ...extra] = positionals;
  if (!what) throw labError('LAB_ERR_BAD_OPTION', 'name an action (try act --help)');
  if (extra.length > 0) throw labError('LAB_ERR_BAD_OPTION', `unexpected argument "${extra[0]}"`);
  const api = new DrillApi(`${url.origin}/api`, token);
  const out = (text: string) => process.stdout.write(`${text}\n`);

  if (what === 'status') {
    const r = await api.call('GET', '/state');
    if (r.status !== 200) return refused(r);
    out(values.json ? JSON.stringify(r.body, null, 2) : describeState(r.body as unknown as StateView));
    return 0;
  }
  if (what === 'scenarios') {
    const r = await api.call('GET', '/scenarios');
    if (r.status !== 200) return refused(r);
    const list = r.body as unknown as { name: string; title: string; story: string }[];
    out(values.json ? JSON.stringify(list, null, 2) : list.map((s) => `${s.name}: ${s.title}\n  ${s.story}`).join('\n'));
    return 0;
  }
  if (what === 'timeline') {
    const r = await api.call('GET', '/timeline');
    if (r.status !== 200) return refused(r);
    const events = (r.body.events ?? []) as PublicEvent[];
    out(values.json ? JSON.stringify(events, null, 2) : events.map(eventLine).join('\n'));
    return 0;
  }

  const kind = ALIASES[what];
  if (!kind) throw labError('LAB_ERR_BAD_OPTION', `unknown action "${what}" (try act --help)`);
  const body = kind === 'name-suspect' || kind === 'deploy-fix' ? { scenario: arg } : kind === 'raise-heap-limit' && arg !== undefined ? { mb: arg } : {};
  if ((kind === 'name-suspect' || kind === 'deploy-fix') && !arg) throw labError('LAB_ERR_BAD_OPTION', `${what} needs a scenario name (see "act scenarios")`);
  const before = await api.call('GET', '/state');
  if (before.status !== 200) return refused(before);
  const from = (before.body as unknown as StateView).timelineLength;
  const r = await api.call('POST', `/actions/${kind}`, body);
  if (r.status !== 200 && r.status !== 202) return refused(r);
  out(values.json ? JSON.stringify(r.body) : String(r.body.message));
  if (r.status === 202 && !values['no-wait']) await follow(api, from, out);
  else if (!values.json) await printSince(api, from, out);
  return 0;
}

/** Prints the timeline as it grows until the action in progress is over (bounded: 10 minutes). */
async function follow(api: DrillApi, from: number, out: (s: string) => void): Promise<void> {
  const deadline = Date.now() + 600_000;
  let next = from;
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    next = await printSince(api, next, out).catch(() => next);
    const s = await api.call('GET', '/state').catch(() => null);
    if (!s || s.status !== 200) return;
    const state = s.body as unknown as StateView;
    if (state.ended || (state.desk && !state.desk.busy && !state.desk.diagnosing) || Date.now() > deadline) {
      await printSince(api, next, out).catch(() => next);
      return;
    }
  }
}

async function printSince(api: DrillApi, from: number, out: (s: string) => void): Promise<number> {
  const r = await api.call('GET', `/timeline?from=${from}`);
  const events = (r.body.events ?? []) as PublicEvent[];
  for (const e of events) out(eventLine(e));
  return from + events.length;
}

function refused(r: Reply): number {
  process.stderr.write(`drill: ${String(r.body.error ?? `answered ${r.status}`)} (HTTP ${r.status})\n`);
  return r.status === 400 ? 2 : 1;
}

function eventLine(e: PublicEvent): string {
  return `${e.at.slice(11, 19)} ${e.type.padEnd(11)} ${e.summary}`;
}

function describeState(s: StateView): string {
  const d = s.desk;
  if (!d) return 'drill starting: the app is not deployed yet';
  return [
    `drill ${s.ended ? 'over' : 'running'}: ${s.clock.elapsedSeconds} s in, ${s.clock.remainingSeconds} s left`,
    `app: ${d.app.up ? `up, pid ${d.app.pid}` : 'DOWN'}, heap cap ${d.app.heapCapMb} MB; ${d.snapshotsOfCurrentProcess} snapshot(s) of this process`,
    `alerts: ${s.alerts.length ? s.alerts.map((a) => `${a.rule} (${a.severity})`).join(', ') : 'none'}`,
    `in progress: ${[d.busy?.what, d.diagnosing ? 'a diagnosis' : null].filter(Boolean).join(', ') || 'nothing'}`,
    `suspects named: ${d.suspectsNamed.length ? d.suspectsNamed.join(', ') : 'none'}`,
  ].join('\n');
}

class DrillApi {
  constructor(
    readonly base: string,
    readonly token: string,
  ) {}

  async call(method: 'GET' | 'POST', route: string, body?: unknown): Promise<Reply> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${route}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (err) {
      throw labError('LAB_ERR_APP_DIED', `the drill at ${this.base} does not answer (${(err as Error).message}); is it still running?`, err);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { error: text.slice(0, 200) };
    }
    return { status: res.status, body: parsed as Record<string, unknown> };
  }
}
