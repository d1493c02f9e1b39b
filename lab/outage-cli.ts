import { parseArgs } from 'node:util';
import { runCli, userPath } from './cli-main.ts';
import { OUTAGE_PROFILES, type OutageProfileName } from './defaults.ts';
import { abortOnSignals } from './abort-on-signals.ts';
import { LiveStatus, statusLine } from './live-status.ts';
import { DEFAULT_SCENARIO, resolveOutageOptions } from './outage-options.ts';
import { runOutage, type OutageResult } from './outage-run.ts';
import { scenarioNames } from '../leak-scenarios/index.ts';
import { labError } from './errors.ts';
import { startOutageDashboard } from './outage-dashboard.ts';

const HELP = `Usage: npm run outage -- [options]

Reproduces a memory-leak incident end to end, for real: deploys the app with a leak switched
on under a heap cap, drives traffic at it, alerts, takes heap snapshots, plays the responders'
restart and heap raise, lets the outage happen, diagnoses the snapshots, deploys the fix,
verifies it under the same load and writes a postmortem from the run's own timeline.

Options:
  --scenario NAME   leak to play                    [${DEFAULT_SCENARIO}]
                    (${scenarioNames().join(', ')})
  --profile P       default (about 3 minutes) or short (tests, CI)   [default]
  --tz ZONE         IANA time zone of every rendered time            [machine's zone]
  --out DIR         run folder                      [runs/<start time>-<scenario>/]
  --seed N          traffic seed                    [42]
  --rate N          requests per second             [profile's]
  --users N         distinct users in the traffic   [1000]
  --no-postmortem   skip writing the postmortem
  --dashboard       serve the live dashboard on 127.0.0.1 (URL printed)
  --dashboard-port N  its port                       [any free one]
  --json            print the result as JSON on stdout
  -h, --help        this text

Exit codes: 0 resolved, 1 not resolved, 2 bad input, 3 the lab could not run the app, 130 Ctrl-C.`;

await runCli('outage', async () => {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string' },
      profile: { type: 'string' },
      tz: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      rate: { type: 'string' },
      users: { type: 'string' },
      'no-postmortem': { type: 'boolean' },
      dashboard: { type: 'boolean' },
      'dashboard-port': { type: 'string', default: '0' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const opts = resolveOutageOptions({
    scenario: values.scenario,
    profile: values.profile as OutageProfileName | undefined,
    tz: values.tz,
    out: values.out === undefined ? undefined : userPath(values.out),
    seed: num(values.seed),
    rate: num(values.rate),
    users: num(values.users),
    postmortem: !values['no-postmortem'],
  });
  const dashboardPort = Number(values['dashboard-port']);
  if (!Number.isInteger(dashboardPort) || dashboardPort < 0 || dashboardPort > 65535) throw labError('LAB_ERR_BAD_OPTION', `--dashboard-port must be 0..65535, got "${values['dashboard-port']}"`);
  const dashboard = values.dashboard ? await startOutageDashboard(opts, dashboardPort) : null;
  const live = new LiveStatus();
  if (dashboard) live.event(`live dashboard: ${dashboard.dashboard.openUrl}`);
  const signals = abortOnSignals((signal) => live.event(`${signal}: stopping the app and the load, writing what the run has...`));
  const started = Date.now();
  let result: OutageResult;
  try {
    result = await runOutage(opts, {
      signal: signals.signal,
      onSession: (session) => {
        live.event(`leak-lab outage: scenario ${opts.scenario}, profile ${opts.profile} (${OUTAGE_PROFILES[opts.profile].heapCapMb} MB heap cap), times in ${opts.tz}; files in ${session.folder.dir}`);
        dashboard?.attach(session);
      },
      progress: (line) => live.event(line),
      tick: (incident) =>
        live.update(
          statusLine({
            elapsedSeconds: Math.round((Date.now() - started) / 1000),
            phase: incident.phase,
            sample: incident.lastSample,
            heapCapMb: incident.heapCapMb,
            load: incident.lastLoad,
            activeAlerts: [...incident.activeAlerts.keys()],
          }),
        ),
    });
  } finally {
    live.end();
    await dashboard?.close();
  }
  printHeadline(result);
  process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : `${result.runDir}\n`);
  return signals.exitCode() ?? (result.outcome === 'resolved' ? 0 : 1);
});

function num(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

function printHeadline(r: OutageResult): void {
  const lines = [
    `outcome: ${r.outcome} in ${r.runSeconds} s`,
    `detection: ${r.detectionSeconds === null ? 'none' : `${r.detectionSeconds} s after the leaky deploy`}`,
    `users affected: ${r.users.percent.toFixed(1)}% (${r.users.affected.toLocaleString('en-US')} of ${r.users.users.toLocaleString('en-US')})`,
    `diagnosis: ${r.diagnosis?.topSuspect ? `${r.diagnosis.topSuspect.holder || r.diagnosis.topSuspect.name} (${r.diagnosis.correct ? 'right' : 'wrong'})` : 'none'}`,
    `verification: ${r.verify ? `${r.verify.verdict}, ${r.verify.failed} failed, ${r.verify.alertsFired} alerts` : 'not run'}`,
    `files: ${r.runDir}${r.postmortem.length ? `\npostmortem: ${r.postmortem.join(', ')}` : ''}`,
  ];
  process.stderr.write(`\n${lines.join('\n')}\n`);
}
