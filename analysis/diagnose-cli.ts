import { constants } from 'node:fs';
import { access, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runCli, userPath } from '../lab/cli-main.ts';
import { labError } from '../lab/errors.ts';
import { diagnose, renderMarkdown, renderText } from './diagnose.ts';
import { latestSnapshots } from './snapshot-files.ts';

const USAGE = `Usage: diagnose [options] [SNAPSHOT...]

Diffs heap snapshots of one process (oldest first) and names what grows. Gzipped
snapshots are read as they are; relative paths are taken from where you typed them.

  (no snapshots)              use runs/latest/snapshots/*.heapsnapshot, in time order
  DIR                         use DIR/*.heapsnapshot (and .heapsnapshot.gz), in time order
  --baseline B --target T --final F
                              memlab-style series (--target may be left out)
  --snapshots S1 S2 ... Sn    n >= 2 snapshots, oldest first (bare paths work too)
  --json FILE                 write the report as JSON ('-' = stdout, and nothing else there)
  --markdown FILE             write a postmortem section in Markdown
  --max-leaks N               report at most N suspects (default 10)
  --parallel                  read the earlier snapshots two at a time, on two cores, then
                              the last one alone: about 15% faster on big snapshots, the
                              same peak memory (default: two earlier snapshots or more,
                              of 256 MB or more in all; below, the worker costs more)
  --single-thread             one thread only (by default a helper thread parses the last
                              ~40% of each snapshot's numbers when they average 64 MB or
                              more, and big series are read as --parallel does)
  --quiet                     no progress on stderr
  -h, --help                  show this help

Exit status: 0 when the analysis ran (leak or not), 2 for bad input.
`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      baseline: { type: 'string' },
      target: { type: 'string' },
      final: { type: 'string' },
      snapshots: { type: 'string', multiple: true },
      json: { type: 'string' },
      markdown: { type: 'string' },
      'max-leaks': { type: 'string' },
      parallel: { type: 'boolean' },
      'single-thread': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const listed = [...(values.snapshots ?? []), ...positionals].map(userPath);
  const memlab = [values.baseline, values.target, values.final].map((x) => (x === undefined ? x : userPath(x)));
  let snapshots: string[];
  if (memlab.some((x) => x !== undefined)) {
    if (listed.length > 0) throw labError('LAB_ERR_BAD_OPTION', 'use either --baseline/--target/--final or --snapshots, not both');
    if (!values.baseline || !values.final) throw labError('LAB_ERR_BAD_OPTION', '--baseline and --final are both needed (--target is optional)');
    snapshots = memlab.filter((x): x is string => x !== undefined);
  } else if (listed.length === 1 && (await isDirectory(listed[0]))) {
    snapshots = await latestSnapshots(listed[0]);
  } else if (listed.length > 0) {
    snapshots = listed;
  } else {
    snapshots = await latestSnapshots('runs/latest/snapshots');
  }
  const maxLeaks = values['max-leaks'] === undefined ? 10 : Number(values['max-leaks']);
  if (!Number.isInteger(maxLeaks) || maxLeaks < 1) throw labError('LAB_ERR_BAD_OPTION', `--max-leaks must be a positive integer, not "${values['max-leaks']}"`);
  if (values.markdown === '-' && values.json === '-') throw labError('LAB_ERR_BAD_OPTION', 'only one of --json and --markdown can write to stdout');
  const progress = values.quiet ? undefined : throttled((msg) => process.stderr.write(`diagnose: ${msg}\n`));
  if (values.parallel && values['single-thread']) throw labError('LAB_ERR_BAD_OPTION', 'use either --parallel or --single-thread, not both');
  // Before the analysis, which can take minutes on big snapshots: its report is not lost to a bad path.
  for (const out of [values.json, values.markdown]) if (out && out !== '-') await checkWritable(userPath(out));
  const report = await diagnose({ snapshots, maxLeaks, onProgress: progress, parallel: values.parallel || undefined, parseHelper: values['single-thread'] ? false : undefined });
  const json = `${JSON.stringify({ verdict: report.verdict, leaks: report.leaks, snapshots: report.snapshots, elapsedMs: report.elapsedMs }, null, 2)}\n`;
  // The readable report goes out first: a file that still cannot be written does not take it with it.
  if (values.json !== '-' && values.markdown !== '-') process.stdout.write(renderText(report));
  if (values.json === '-') process.stdout.write(json);
  else if (values.json) await writeOut(userPath(values.json), json);
  if (values.markdown === '-') process.stdout.write(renderMarkdown(report));
  else if (values.markdown) await writeOut(userPath(values.markdown), renderMarkdown(report));
  return 0;
}

/** Percent updates are many; keep one per file per 25%, and every other message. */
function throttled(write: (msg: string) => void): (msg: string) => void {
  return (msg) => {
    const pct = /: (\d+)%$/.exec(msg);
    if (!pct || Number(pct[1]) % 25 < 10) write(msg);
  };
}

async function isDirectory(p: string): Promise<boolean> {
  return stat(p).then((st) => st.isDirectory(), () => false);
}

async function checkWritable(file: string): Promise<void> {
  const problem = await stat(file).then(
    (st) => (st.isDirectory() ? 'it is a folder' : access(file, constants.W_OK).then(() => null, () => 'it is not writable')),
    () => access(path.dirname(file), constants.W_OK).then(() => null, () => `its folder ${path.dirname(file)} does not exist or is not writable`),
  );
  if (problem) throw labError('LAB_ERR_OUTPUT_DIR', `cannot write ${file}: ${problem}`);
}

async function writeOut(file: string, text: string): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (err) {
    throw labError('LAB_ERR_OUTPUT_DIR', `cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, err);
  }
}

await runCli('diagnose', main);
