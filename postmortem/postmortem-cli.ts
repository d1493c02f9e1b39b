import path from 'node:path';
import { parseArgs } from 'node:util';
import { runCli, userPath } from '../lab/cli-main.ts';
import { writePostmortem } from './write-postmortem.ts';

const NAME = 'postmortem';

/** Every flag, once: the table drives parsing and --help. */
const FLAGS = {
  run: { type: 'string', default: 'runs/latest', description: 'the run folder to write about' },
  json: { type: 'boolean', default: false, description: 'print the result as JSON on stdout (paths, missing, warnings)' },
  help: { type: 'boolean', short: 'h', default: false, description: 'show this help' },
} as const;

function usage(): string {
  const lines = Object.entries(FLAGS).map(([name, flag]) => {
    const value = flag.type === 'string' ? ` <${name === 'run' ? 'dir' : 'value'}>` : '';
    const def = flag.type === 'string' ? ` (default: ${flag.default})` : '';
    return `  --${name}${value}`.padEnd(22) + `${flag.description}${def}`;
  });
  return [
    `Usage: npm run ${NAME} -- [--run DIR] [--json]`,
    '',
    'Writes postmortem.md, postmortem.html and chart-*.svg into a run folder, from its recorded files.',
    'Progress and warnings go to stderr; the written paths go to stdout.',
    '',
    ...lines,
    '',
    'Exit codes: 0 written (even from a partial run), 2 not a run folder or a bad option.',
  ].join('\n');
}

runCli(NAME, async () => {
  const { values } = parseArgs({ options: FLAGS, strict: true, allowPositionals: false });
  if (values.help) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  // The default is the lab's own folder; a folder the user names is taken from where they typed it.
  const runDir = values.run === FLAGS.run.default ? path.resolve(values.run) : userPath(values.run);
  const result = await writePostmortem(runDir, {
    onProgress: (message) => process.stderr.write(`${NAME}: ${message}\n`),
    onWarning: (message) => process.stderr.write(`${NAME}: warning: ${message}\n`),
  });
  if (result.missing.length > 0) process.stderr.write(`${NAME}: the run lacks: ${result.missing.join('; ')}\n`);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    process.stdout.write([result.markdownFile, result.htmlFile, ...result.chartFiles].join('\n') + '\n');
  }
  return 0;
});
