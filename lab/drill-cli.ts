import { parseArgs } from 'node:util';
import { abortOnSignals } from './abort-on-signals.ts';
import { runCli, userPath } from './cli-main.ts';
import { OUTAGE_PROFILES, type OutageProfileName } from './defaults.ts';
import { runAct, ACT_HELP } from './drill-client.ts';
import { DRILL_DEFAULTS, resolveDrillOptions } from './drill-options.ts';
import { runDrill } from './drill-run.ts';
import { formatScore } from './drill-score.ts';
import { labError } from './errors.ts';
import { LiveStatus, statusLine } from './live-status.ts';

const HELP = `Usage: npm run drill -- [options]
       npm run drill -- act --url URL ACTION [ARG]     (act on a running drill; see act --help)

An incident drill: one leak scenario, picked at random and not named, is deployed under a heap
cap with real traffic, monitoring and alerts. You are on call. A live dashboard (loopback only,
behind a one-time token) shows memory, heap cap, traffic, errors, p99, alerts and the timeline;
act from it or from the CLI: acknowledge, restart, raise the heap limit, take heap snapshots,
run the diagnosis, name the suspected leak, deploy a fix. The drill ends when a fix verifies
under load, or at the time limit; it is scored (score.json) and written up (postmortem) from
its own timeline.

Options:
  --seed N          repeat a drill: the same seed picks the same scenario and traffic  [random]
  --scenario NAME   instructors: play this scenario instead of a random one
  --profile P       default (${OUTAGE_PROFILES.default.heapCapMb} MB heap) or short (${OUTAGE_PROFILES.short.heapCapMb} MB heap, faster)   [default]
  --time-limit S    seconds before the drill ends without a fix           [${DRILL_DEFAULTS.timeLimitSeconds}]
  --port N          dashboard port on 127.0.0.1                            [a free one]
  --tz ZONE         IANA time zone of every rendered time                  [machine's zone]
  --out DIR         run folder                                              [runs/<start time>-drill/]
  --rate N          requests per second                                     [profile's]
  --users N         distinct users in the traffic                          [1000]
  --no-postmortem   skip writing the postmortem
  --json            print the result (score included) as JSON on stdout
  -h, --help        this text

Exit codes: 0 fix verified, 1 time limit reached, 2 bad input, 3 the lab could not run the app, 130 Ctrl-C.`;

await runCli('drill', async () => {
  const argv = process.argv.slice(2);
  if (argv[0] === 'act') return runAct(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      seed: { type: 'string' },
      scenario: { type: 'string' },
      profile: { type: 'string' },
      'time-limit': { type: 'string' },
      port: { type: 'string' },
      tz: { type: 'string' },
      out: { type: 'string' },
      rate: { type: 'string' },
      users: { type: 'string' },
      'no-postmortem': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n\n${ACT_HELP}\n`);
    return 0;
  }
  if (positionals.length > 0) throw labError('LAB_ERR_BAD_OPTION', `unexpected argument "${positionals[0]}" (the only subcommand is "act")`);
  const opts = resolveDrillOptions({
    seed: num(values.seed, '--seed'),
    scenario: values.scenario,
    profile: values.profile as OutageProfileName | undefined,
    timeLimitSeconds: num(values['time-limit'], '--time-limit'),
    port: num(values.port, '--port'),
    tz: values.tz,
    out: values.out === undefined ? undefined : userPath(values.out),
    rate: num(values.rate, '--rate'),
    users: num(values.users, '--users'),
    postmortem: !values['no-postmortem'],
  });

  const live = new LiveStatus();
  const signals = abortOnSignals((signal) => live.event(`${signal}: stopping the app and the traffic...`));
  live.event(
    `leak-lab drill: profile ${opts.profile} (${OUTAGE_PROFILES[opts.profile].heapCapMb} MB heap cap), seed ${opts.seed}, time limit ${opts.timeLimitSeconds} s, times in ${opts.tz}` +
      (opts.scenarioGiven ? ' (scenario chosen by --scenario)' : ''),
  );
  const started = Date.now();
  const result = await runDrill(opts, {
    signal: signals.signal,
    progress: (line) => live.event(line),
    ready: ({ openUrl, url, token, runDir }) => {
      live.event(`dashboard: ${openUrl}`);
      live.event(`  (open it in a browser on this machine; the token after #token= is the only key, do not share it)`);
      live.event(`cli:       npm run drill -- act --url '${url}' --token ${token} status   (or ack, restart, raise, snapshot, diagnose, name NAME, fix NAME)`);
      live.event(`run folder: ${runDir}`);
    },
    tick: (incident, desk) => {
      const s = desk.state();
      live.update(
        statusLine({
          elapsedSeconds: Math.round((Date.now() - started) / 1000),
          phase: s.busy ? s.busy.action : incident.phase,
          sample: incident.lastSample,
          heapCapMb: incident.heapCapMb,
          load: incident.lastLoad,
          activeAlerts: [...incident.activeAlerts.keys()],
        }),
      );
    },
  });
  live.end();
  process.stderr.write(`\n${formatScore(result.score).join('\n')}\nscore: ${result.scoreFile}${result.postmortem.length ? `\npostmortem: ${result.postmortem.join(', ')}` : ''}\n`);
  process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : `${result.runDir}\n`);
  return signals.exitCode() ?? (result.outcome === 'resolved' ? 0 : 1);
});

function num(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw labError('LAB_ERR_BAD_OPTION', `${flag} must be a whole number, got "${value}"`);
  return Number(value);
}
