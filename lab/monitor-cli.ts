import { parseArgs } from 'node:util';
import { startMonitor } from '../monitor/start-monitor.ts';
import { assertLoopbackUrl } from '../load/loopback-url.ts';
import { abortOnSignals } from './abort-on-signals.ts';
import { runCli } from './cli-main.ts';
import { SLO_DEFAULTS } from './defaults.ts';
import { labError } from './errors.ts';
import { waitOrAbort } from './wait-or-abort.ts';

const HELP = `Usage: npx tsx lab/monitor-cli.ts --url URL --heap-cap-mb N [options]

Watches an app on loopback: pidusage (RSS, CPU) and its /metrics every second, with the lab's
alert rules (the monitor service of docker-compose.yml). Samples and alerts go to stderr.

Options:
  --url URL          the app (loopback only)                          [required]
  --pid N            its process id (default: the pid /healthz reports)
  --heap-cap-mb N    the app's --max-old-space-size                   [required]
  --rss-limit-mb N   kill the app when its RSS passes this (watchdog; off by default)
  --seconds N        how long                                         [60]
  --json             print the alerts as JSON on stdout
  -h, --help         this text`;

await runCli('monitor', async () => {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      pid: { type: 'string' },
      'heap-cap-mb': { type: 'string' },
      'rss-limit-mb': { type: 'string' },
      seconds: { type: 'string', default: '60' },
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
  const url = assertLoopbackUrl(values.url).origin;
  const heapCapMb = Number(values['heap-cap-mb']);
  if (!(heapCapMb > 0)) throw labError('LAB_ERR_BAD_OPTION', `--heap-cap-mb must be above 0, got "${values['heap-cap-mb'] ?? ''}"`);
  const seconds = Number(values.seconds);
  if (!(seconds > 0)) throw labError('LAB_ERR_BAD_OPTION', `--seconds must be above 0, got "${values.seconds}"`);
  const pid = values.pid ? Number(values.pid) : await pidOf(url);
  const rssLimitMb = values['rss-limit-mb'] ? Number(values['rss-limit-mb']) : null;

  const signals = abortOnSignals();
  const monitor = startMonitor({
    target: { pid, url },
    heapCapBytes: heapCapMb * 2 ** 20,
    latencySloMs: SLO_DEFAULTS.latencyP99Ms,
    errorRateBound: SLO_DEFAULTS.errorRate,
    watchdog: rssLimitMb ? { rssLimitBytes: rssLimitMb * 2 ** 20 } : undefined,
    onSample: (s) =>
      process.stderr.write(
        s.up ? `${new Date(s.t).toISOString().slice(11, 19)} rss ${mb(s.rssBytes)} heap ${mb(s.heapUsedBytes)}/${heapCapMb} MB cpu ${s.cpuPercent.toFixed(0)}%\n` : `${new Date(s.t).toISOString().slice(11, 19)} down: ${s.reason}\n`,
      ),
    onAlert: (a) => process.stderr.write(`ALERT ${a.state} ${a.rule}: ${a.summary}\n`),
  });
  await waitOrAbort(seconds, signals.signal);
  const report = await monitor.stop();
  process.stdout.write(values.json ? `${JSON.stringify(report.alerts, null, 2)}\n` : `${report.samples} samples, ${report.alerts.filter((a) => a.state === 'firing').length} alerts fired\n`);
  return signals.exitCode() ?? 0;
});

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MB`;
}

async function pidOf(url: string): Promise<number> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(3000) });
    const { pid } = (await res.json()) as { pid: number };
    return pid;
  } catch (err) {
    throw labError('LAB_ERR_APP_START', `cannot read the app's pid from ${url}/healthz: ${(err as Error).message}`);
  }
}
