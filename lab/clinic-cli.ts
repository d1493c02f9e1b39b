import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findScenario } from '../leak-scenarios/index.ts';
import { trackChild } from './child-registry.ts';
import { runCli, userPath } from './cli-main.ts';
import { APP_DEFAULTS } from './defaults.ts';
import { labError } from './errors.ts';
import { makeDirs } from './make-dirs.ts';
import { REPO_ROOT } from './repo-root.ts';

const TOOLS = ['doctor', 'heapprofiler'] as const;
/**
 * Clinic's autocannon repeats one URL with no user header, so a leak keyed by user and URL
 * (unbounded-response-cache) hardly grows under it; a session per request does.
 */
const CLINIC_DEFAULT_SCENARIO = 'session-memory-store';

const HELP = `Usage: npm run clinic -- [--scenario NAME] [--tool doctor|heapprofiler] [--seconds N] [--out DIR]

Runs the app with a scenario's leaky build under Clinic.js, loaded by clinic's own autocannon,
and writes clinic's HTML report into a run folder: a second opinion beside npm run diagnose.
Clinic.js is no longer maintained upstream; nothing else in the lab depends on it.

Options:
  --scenario NAME  the leak                         [${CLINIC_DEFAULT_SCENARIO}]
  --variant V      leaky | fixed                    [leaky]
  --tool T         doctor | heapprofiler            [doctor]
  --seconds N      how long clinic's load runs      [20]
  --out DIR        where the report goes            [runs/<time>-<scenario>-clinic-<tool>/]
  -h, --help       this text`;

await runCli('clinic', async () => {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: CLINIC_DEFAULT_SCENARIO },
      variant: { type: 'string', default: 'leaky' },
      tool: { type: 'string', default: 'doctor' },
      seconds: { type: 'string', default: '20' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const scenario = findScenario(values.scenario);
  if (!TOOLS.includes(values.tool as (typeof TOOLS)[number])) throw labError('LAB_ERR_BAD_OPTION', `--tool must be ${TOOLS.join(' or ')}, got "${values.tool}"`);
  if (values.variant !== 'leaky' && values.variant !== 'fixed') throw labError('LAB_ERR_BAD_OPTION', `--variant must be leaky or fixed, got "${values.variant}"`);
  const seconds = Number(values.seconds);
  if (!Number.isInteger(seconds) || seconds < 1) throw labError('LAB_ERR_BAD_OPTION', `--seconds must be a whole number above 0, got "${values.seconds}"`);
  const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const dest = values.out === undefined ? path.resolve('runs', `${stamp}-${scenario.name}-clinic-${values.tool}`) : userPath(values.out);
  try {
    makeDirs(dest);
  } catch (err) {
    throw labError('LAB_ERR_OUTPUT_DIR', `cannot write ${dest}: ${(err as Error).message}`);
  }

  const args = [
    values.tool,
    '--dest',
    dest,
    '--autocannon',
    '[',
    '-c',
    '10',
    '-d',
    String(seconds),
    '/api/search?q=lamp',
    ']',
    '--',
    process.execPath,
    `--max-old-space-size=${APP_DEFAULTS.heapCapMb}`,
    '--import',
    'tsx',
    path.join(REPO_ROOT, 'app/server.ts'),
    '--port',
    '0',
    '--scenario',
    scenario.name,
    '--variant',
    values.variant,
  ];
  process.stderr.write(`clinic ${values.tool}: ${scenario.name} (${values.variant}) for ${seconds} s; report in ${dest}\n`);
  // Without NO_INSIGHT, clinic asks for usage-statistics consent and, with no terminal, exits 0 having done nothing.
  const child = spawn(path.join(REPO_ROOT, 'node_modules/.bin/clinic'), args, { cwd: REPO_ROOT, env: { ...process.env, NO_INSIGHT: '1' }, stdio: ['ignore', 2, 2] });
  trackChild(child);
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', (err) => reject(labError('LAB_ERR_APP_START', `cannot run clinic: ${err.message}`)));
    child.once('exit', (c, signal) => resolve(signal ? 128 + (signal === 'SIGINT' ? 2 : 15) : c));
  });
  const report = readdirSync(dest).find((f) => f.endsWith('.html'));
  if (!report) throw labError('LAB_ERR_APP_START', `clinic exited ${code} without writing a report in ${dest}`);
  process.stdout.write(`${path.join(dest, report)}\n`);
  return code ?? 1;
});
