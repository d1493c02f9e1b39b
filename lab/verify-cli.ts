import { parseArgs } from 'node:util';
import { findScenario } from '../leak-scenarios/index.ts';
import { VARIANTS, type Variant } from '../leak-scenarios/scenario.ts';
import { runCli } from './cli-main.ts';
import { labError, isLabError } from './errors.ts';
import { checkForLeak, LEAK_CHECK_DEFAULTS, type LeakCheckResult } from './leak-check.ts';

const HELP = `Usage: npm run verify -- --scenario NAME [options]

Starts the app with one leak scenario under a roomy heap cap, drives rounds of the traffic
mix, forces a GC after each round and decides from the trend of the retained heap.
Exit 0 when flat, 1 when leaking, 2 on bad input, 3 when the app failed, 130/143 on a signal.

Options:
  --scenario NAME   the scenario to check (npm run scenarios lists them)
  --variant V       leaky | fixed                               [fixed]
  --rounds N        measured rounds after the warm-up (>= 3)    [${LEAK_CHECK_DEFAULTS.rounds}]
  --requests N      requests of the mix per round               [${LEAK_CHECK_DEFAULTS.requestsPerRound}]
  --snapshots DIR   also keep three heap snapshots there (the baseline, the middle
                    round, the last), for npm run diagnose
  --json            print the result as JSON
  -h, --help        this text`;

const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

await runCli('verify', async () => {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string' },
      variant: { type: 'string', default: 'fixed' },
      rounds: { type: 'string', default: String(LEAK_CHECK_DEFAULTS.rounds) },
      requests: { type: 'string', default: String(LEAK_CHECK_DEFAULTS.requestsPerRound) },
      snapshots: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (!values.scenario) throw labError('LAB_ERR_BAD_OPTION', '--scenario is required (npm run scenarios lists them)');
  findScenario(values.scenario);
  if (!VARIANTS.includes(values.variant as Variant)) throw labError('LAB_ERR_BAD_OPTION', `--variant must be one of ${VARIANTS.join(', ')}, got "${values.variant}"`);

  // Stop the load and the app first, then exit with the conventional 128 + signal code.
  const controller = new AbortController();
  let caught: 'SIGINT' | 'SIGTERM' | null = null;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    if (caught) return;
    caught = signal;
    process.stderr.write(`verify: ${signal}, stopping the app\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await checkForLeak({
      scenario: values.scenario,
      variant: values.variant as Variant,
      rounds: toInt('--rounds', values.rounds),
      requestsPerRound: toInt('--requests', values.requests),
      snapshotDir: values.snapshots,
      signal: controller.signal,
      onProgress: (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : report(result));
    return result.verdict === 'flat' ? 0 : 1;
  } catch (err) {
    if (caught && isLabError(err, 'LAB_ERR_ABORTED')) {
      process.stderr.write('verify: interrupted; the app was stopped\n');
      return SIGNAL_EXIT[caught];
    }
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
});

function toInt(flag: string, raw: string): number {
  if (!/^\d+$/.test(raw)) throw labError('LAB_ERR_BAD_OPTION', `${flag} must be a whole number, got "${raw}"`);
  return Number(raw);
}

function shellWord(file: string): string {
  return /^[\w./-]+$/.test(file) ? file : `'${file.replaceAll("'", "'\\''")}'`;
}

function report(r: LeakCheckResult): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const lines = [
    `${r.scenario} (${r.variant}): ${r.verdict.toUpperCase()}`,
    `  growth: ${kb(r.bytesPer1kRequests)} per 1,000 requests (noise bound ${kb(r.noiseBoundBytesPer1k)}), grew in ${r.growingRounds} of ${r.samples.length - 1} rounds`,
    `  requests: ${r.requests} measured, errors: ${r.errors}`,
    '  samples (requests: retained heap):',
    ...r.samples.map((s) => `    ${String(s.requests).padStart(7)}: ${((s.heapUsed + s.arrayBuffers) / 2 ** 20).toFixed(2)} MB`),
  ];
  if (r.snapshots.length > 0) {
    lines.push('  heap snapshots:', ...r.snapshots.map((f) => `    ${f}`));
    if (r.verdict === 'leaking') lines.push(`  what leaks: npm run diagnose -- ${r.snapshots.map(shellWord).join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}
