import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { runCli } from '../lab/cli-main.ts';
import { APP_DEFAULTS, WATCHDOG_DEFAULTS } from '../lab/defaults.ts';
import { labError } from '../lab/errors.ts';
import { findScenario } from '../leak-scenarios/index.ts';
import type { ChaosMode } from './chaos-switch.ts';
import { createApp } from './create-app.ts';
import { startRssWatchdog } from './rss-watchdog.ts';

const HELP = `Usage: npm start -- [options]

Starts the leak-lab shop app on 127.0.0.1 (run it under a heap cap: npm start uses
--max-old-space-size=${APP_DEFAULTS.heapCapMb}).

Options:
  --port N            port to listen on (0 = any free one)       [${APP_DEFAULTS.port}, env LEAK_LAB_PORT]
  --scenario NAME     leak scenario switched on at start           [env LEAK_LAB_SCENARIO]
  --variant V         leaky | fixed | off                          [leaky, env LEAK_LAB_VARIANT]
  --token T           admin API bearer token (random if not given) [env LEAK_LAB_ADMIN_TOKEN]
  --snapshot-dir DIR  where heap snapshots go                      [${APP_DEFAULTS.snapshotDir}]
  --rss-limit-mb N    exit when RSS passes this                    [${WATCHDOG_DEFAULTS.rssLimitMb}]
  -h, --help          this text

SIGUSR2 writes a heap snapshot, as POST /admin/snapshots does.`;

await runCli('leak-lab app', async () => {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.LEAK_LAB_PORT ?? String(APP_DEFAULTS.port) },
      scenario: { type: 'string', default: process.env.LEAK_LAB_SCENARIO },
      variant: { type: 'string', default: process.env.LEAK_LAB_VARIANT ?? 'leaky' },
      token: { type: 'string', default: process.env.LEAK_LAB_ADMIN_TOKEN },
      'snapshot-dir': { type: 'string', default: APP_DEFAULTS.snapshotDir },
      'rss-limit-mb': { type: 'string', default: String(WATCHDOG_DEFAULTS.rssLimitMb) },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw labError('LAB_ERR_BAD_OPTION', `--port must be 0..65535, got "${values.port}"`);
  const rssLimitMb = Number(values['rss-limit-mb']);
  if (!(rssLimitMb > 0)) throw labError('LAB_ERR_BAD_OPTION', `--rss-limit-mb must be a positive number, got "${values['rss-limit-mb']}"`);
  const mode = values.variant as ChaosMode;
  if (!['leaky', 'fixed', 'off'].includes(mode)) throw labError('LAB_ERR_BAD_OPTION', `--variant must be leaky, fixed or off, got "${values.variant}"`);
  if (values.scenario) findScenario(values.scenario);

  const lab = createApp({ adminToken: values.token, snapshotDir: values['snapshot-dir'], scenario: values.scenario ?? null, mode });
  const server = lab.app.listen(port, APP_DEFAULTS.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? labError('LAB_ERR_PORT_BUSY', `port ${port} on ${APP_DEFAULTS.host} is already in use`) : err),
    );
  });
  const address = server.address() as AddressInfo;
  const heapCapMb = Math.round(v8.getHeapStatistics().heap_size_limit / 2 ** 20);
  const state = lab.chaos.state();
  process.stderr.write(
    `leak-lab app listening on http://${address.address}:${address.port} (pid ${process.pid}, heap limit ${heapCapMb} MB, ` +
      `scenario ${state.scenario ?? 'none'} ${state.mode})\n`,
  );
  if (!values.token) process.stderr.write(`admin token: ${lab.adminToken}\n`);

  startRssWatchdog(rssLimitMb, WATCHDOG_DEFAULTS.intervalMs, (rssMb) => {
    process.stderr.write(`leak-lab app: RSS ${rssMb.toFixed(0)} MB passed the ${rssLimitMb} MB watchdog limit; exiting\n`);
    process.exit(137);
  });
  process.on('SIGUSR2', () => {
    lab.snapshots.write('signal').then(
      (file) => process.stderr.write(`heap snapshot written: ${file}\n`),
      (err: Error) => process.stderr.write(`heap snapshot failed: ${err.message}\n`),
    );
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    lab.close();
    server.close();
    server.closeAllConnections();
    if (process.connected) process.disconnect();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  // Last, once every signal handler is in place: a parent that signals the moment it hears this
  // must not hit SIGUSR2's default action, which kills the process.
  process.send?.({ type: 'listening', port: address.port, pid: process.pid, heapCapMb, snapshotEngine: lab.snapshots.engine });
  return 0;
});
