import { parseArgs } from 'node:util';
import { SCENARIOS } from '../leak-scenarios/index.ts';
import { runCli } from './cli-main.ts';

const HELP = `Usage: npm run scenarios -- [--json]

Lists the leak scenarios: what the developer meant to do, and where the leak lives.
Switch one on with PUT /admin/chaos, or check one with npm run verify -- --scenario NAME.

Options:
  --json      print an array of objects (name, title, story, file, identifier, rootCause, fix, routes, noisy)
  -h, --help  this text`;

interface ScenarioListing {
  name: string;
  title: string;
  story: string;
  file: string;
  identifier: string;
  rootCause: string;
  fix: string;
  routes: string[];
  noisy: boolean;
}

function listScenarios(): ScenarioListing[] {
  return SCENARIOS.map((s) => ({
    name: s.name,
    title: s.title,
    story: s.story,
    file: s.leak.file,
    identifier: s.leak.identifier,
    rootCause: s.rootCause,
    fix: s.fix,
    routes: [...s.routes],
    noisy: s.noisy ?? false,
  }));
}

await runCli('scenarios', async () => {
  const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const list = listScenarios();
  if (values.json) {
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return 0;
  }
  const blocks = list.map((s) =>
    [`${s.name}${s.noisy ? '  (noisy)' : ''}: ${s.title}`, `  story: ${s.story}`, `  leak:  ${s.identifier} in ${s.file}`, `  hooks: ${s.routes.join(', ')}`].join('\n'),
  );
  process.stdout.write(`${blocks.join('\n\n')}\n\n${list.length} scenarios; npm run verify -- --scenario NAME --variant leaky|fixed checks one.\n`);
  return 0;
});
