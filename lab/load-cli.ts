import { parseArgs } from 'node:util';
import { startLoad } from '../load/load-run.ts';
import { abortOnSignals } from './abort-on-signals.ts';
import { runCli } from './cli-main.ts';
import { LOAD_DEFAULTS } from './defaults.ts';
import { labError } from './errors.ts';
import { waitOrAbort } from './wait-or-abort.ts';

const HELP = `Usage: npx tsx lab/load-cli.ts --url URL [options]

Drives the shop's traffic mix at an app on loopback (the load service of docker-compose.yml).

Options:
  --url URL      the app (127.0.0.1, localhost or [::1] only)    [required]
  --seconds N    how long                                         [60]
  --rate N       requests per second                              [${LOAD_DEFAULTS.rate}]
  --users N      distinct users                                   [${LOAD_DEFAULTS.users}]
  --seed N       traffic seed                                     [${LOAD_DEFAULTS.seed}]
  --json         print the totals as JSON on stdout
  -h, --help     this text`;

await runCli('load', async () => {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      seconds: { type: 'string', default: '60' },
      rate: { type: 'string', default: String(LOAD_DEFAULTS.rate) },
      users: { type: 'string', default: String(LOAD_DEFAULTS.users) },
      seed: { type: 'string', default: String(LOAD_DEFAULTS.seed) },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (!values.url) throw labError('LAB_ERR_BAD_OPTION', '--url is required');
  const [seconds, rate, users, seed] = [values.seconds, values.rate, values.users, values.seed].map(Number) as [number, number, number, number];
  if (!(seconds > 0)) throw labError('LAB_ERR_BAD_OPTION', `--seconds must be above 0, got "${values.seconds}"`);
  const signals = abortOnSignals();
  const load = startLoad({
    url: values.url,
    overallRate: rate,
    users,
    seed,
    onSecond: (s) => process.stderr.write(`${new Date(s.t).toISOString().slice(11, 19)} ${s.requests} req  ${s.failed} failed  p99 ${s.latencyP99Ms?.toFixed(0) ?? '-'} ms\n`),
  });
  await waitOrAbort(seconds, signals.signal);
  const totals = await load.stop();
  const outcomes = load.userOutcomes();
  process.stdout.write(
    values.json
      ? `${JSON.stringify({ ...totals, users: outcomes.users, affectedUsers: outcomes.affected }, null, 2)}\n`
      : `${totals.requests} requests, ${totals.failed} failed; ${outcomes.affected} of ${outcomes.users} users saw a failure\n`,
  );
  return signals.exitCode() ?? 0;
});
