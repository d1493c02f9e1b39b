import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from '../../analysis/diagnose.ts';
import { renderText } from '../../analysis/render-text.ts';
import { SourceFiles } from '../../analysis/source-files.ts';
import { originalIdentifiers } from '../../analysis/source-maps.ts';
import { TraceMap } from '@jridgewell/trace-mapping';
import { REPO } from './fixtures.ts';
import { CHILD_TIMEOUT_MS } from '../helpers/lane-bounds.ts';

/**
 * Apps ship compiled: `tsc` output with a `.js.map` beside it or inline, or one minified bundle.
 * The location a developer needs is in the TypeScript they edit, and a minifier's names are
 * not the ones they grep for; the source map the compiled file names gives both.
 */
const run = promisify(execFile);
const SOURCE = fileURLToPath(new URL('../fixtures/analysis/compiled-app/quote-cache.ts', import.meta.url));
const APP = fileURLToPath(new URL('../fixtures/analysis/compiled-app/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'leak-lab-maps-'));
const src = join(dir, 'src', 'quote-cache.ts');
const declLine = readFileSync(SOURCE, 'utf8').split('\n').findIndex((l) => l.startsWith('const quotesBySku')) + 1;
const setLine = readFileSync(SOURCE, 'utf8').split('\n').findIndex((l) => l.includes('quotesBySku.set(')) + 1;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tsc = (outDir: string, mapFlag: string, entry = src) =>
  run(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '--outDir', join(dir, outDir), mapFlag, '--module', 'commonjs', '--target', 'es2022',
    '--types', 'node', '--typeRoots', join(REPO, 'node_modules/@types'), entry], { timeout: CHILD_TIMEOUT_MS });

beforeAll(async () => {
  mkdirSync(join(dir, 'src'));
  cpSync(SOURCE, src);
  for (const f of ['job-state.ts', 'job-runner.ts', 'audit-log.ts']) cpSync(join(APP, f), join(dir, 'src', f));
  await Promise.all([
    tsc('dist-map', '--sourceMap'),
    tsc('dist-jobs', '--sourceMap', join(dir, 'src', 'job-runner.ts')),
    tsc('dist-inline', '--inlineSourceMap'),
    build({ entryPoints: [src], bundle: true, platform: 'node', minify: true, sourcemap: true, outfile: join(dir, 'dist-min', 'quote-cache.js'), logLevel: 'silent' }),
    build({ entryPoints: [join(dir, 'src', 'job-runner.ts')], bundle: true, platform: 'node', minify: true, sourcemap: true, outfile: join(dir, 'dist-jobs-min', 'job-runner.js'), logLevel: 'silent' }),
    build({ entryPoints: [join(dir, 'src', 'audit-log.ts')], bundle: true, platform: 'node', minify: true, sourcemap: true, outfile: join(dir, 'dist-audit-min', 'audit-log.js'), logLevel: 'silent' }),
  ]);
  // A package that ships its compiled code and maps but not the sources they name.
  cpSync(join(dir, 'dist-map'), join(dir, 'shipped', 'dist'), { recursive: true });
});

async function diagnoseBuild(outDir: string, main = 'quote-cache.js') {
  const out = join(dir, `${outDir.replace(/\//g, '-')}-snapshots`);
  mkdirSync(out);
  await run(process.execPath, ['--expose-gc', '--max-old-space-size=256', join(dir, outDir, main), out], { timeout: CHILD_TIMEOUT_MS });
  return diagnose({ snapshots: [0, 1, 2].map((i) => join(out, `s${i}.heapsnapshot`)) });
}

describe('locations in compiled code, through source maps', () => {
  it.each([
    ['dist-map', 'a .js.map file beside it (tsc --sourceMap)'],
    ['dist-inline', 'an inline data: map (tsc --inlineSourceMap)'],
  ])('%s: the holder is located in the TypeScript source, with %s', async (outDir) => {
    const top = (await diagnoseBuild(outDir)).leaks[0];
    expect(top.name).toBe('quotesBySku');
    expect(top.location).toMatchObject({ file: src, line: declLine, generated: { file: join(dir, outDir, 'quote-cache.js') } });
    expect(top.location?.generated?.line).not.toBe(declLine);
    // Where it is added to, in the same TypeScript: nothing there takes out of it.
    expect(top.writes).toEqual({ adds: [{ file: src, line: setLine, column: 5, call: 'quotesBySku.set' }], removes: [], searched: [src] });
  });

  it('a minified bundle: the holder gets the name the source map gives its declaration, and the source location', async () => {
    const report = await diagnoseBuild('dist-min');
    const top = report.leaks[0];
    // The heap only knows the minifier's one-letter name; the map gives it back on the path too.
    expect(readFileSync(join(dir, 'dist-min', 'quote-cache.js'), 'utf8')).not.toMatch(/\bquotesBySku\b/);
    expect(top.retainerPath.at(-1)).toMatchObject({ edge: 'quotesBySku', edgeType: 'context', node: 'Map' });
    expect(top).toMatchObject({ name: 'quotesBySku', holder: { name: 'quotesBySku' }, location: { file: src, line: declLine, name: 'quotesBySku' } });
    expect(top.location?.generated).toMatchObject({ file: join(dir, 'dist-min', 'quote-cache.js'), line: 1 });
    expect(top.writes?.adds).toEqual([{ file: src, line: setLine, column: 5, call: 'quotesBySku.set' }]);
    expect(renderText(report)).toContain(`location: ${src}:${declLine}:7  (compiled: ${join(dir, 'dist-min', 'quote-cache.js')}:1:`);
  });

  it("state one module exports and a batch script imports and adds to: named by the script's import, not Node's `process.mainModule`, and located at its declaration, in TypeScript", async () => {
    const top = (await diagnoseBuild('dist-jobs', 'job-runner.js')).leaks[0];
    const lineIn = (file: string, text: string) => readFileSync(join(APP, file), 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;
    const runner = join(dir, 'src', 'job-runner.ts');
    // Compiled, the import is `const job_state_js_1 = require(...)`, a variable of a module scope
    // that only the running frame keeps; Node's loader reaches the exports first. The field of
    // those exports is made where job-state.ts declares it, which its map gives back.
    expect(top).toMatchObject({ name: 'pendingJobs', kind: 'map', location: { file: join(dir, 'src', 'job-state.ts'), line: lineIn('job-state.ts', 'export const pendingJobs') } });
    expect(top.library).toBeUndefined();
    expect(top.retainerPath.map((p) => p.edge)).toEqual(['', 'job_state_js_1', 'pendingJobs']);
    // The compiled runner says `job_state_1.pendingJobs.set(...)`; its map gives back the TypeScript line.
    expect(top.writes?.adds).toEqual([{ file: runner, line: lineIn('job-runner.ts', 'pendingJobs.set('), column: expect.any(Number), call: 'pendingJobs.set' }]);
    expect(top.writes?.removes).toEqual([{ file: runner, line: lineIn('job-runner.ts', 'pendingJobs.delete('), column: expect.any(Number), call: 'pendingJobs.delete' }]);
  });

  it("a minified bundle of two modules: the state one declares is added to in the other, read in that module's own file through the map", async () => {
    const top = (await diagnoseBuild('dist-jobs-min', 'job-runner.js')).leaks[0];
    const lineIn = (file: string, text: string) => readFileSync(join(APP, file), 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;
    const runner = join(dir, 'src', 'job-runner.ts');
    expect(top).toMatchObject({ name: 'pendingJobs', kind: 'map', location: { file: join(dir, 'src', 'job-state.ts'), line: lineIn('job-state.ts', 'export const pendingJobs') } });
    // The bundle calls it by a minifier's letter; job-runner.ts, which the map names, by its own name.
    expect(top.writes?.adds).toEqual([{ file: runner, line: lineIn('job-runner.ts', 'pendingJobs.set('), column: expect.any(Number), call: 'pendingJobs.set' }]);
    expect(top.writes?.removes).toEqual([{ file: runner, line: lineIn('job-runner.ts', 'pendingJobs.delete('), column: expect.any(Number), call: 'pendingJobs.delete' }]);
  });

  it("a minified bundle's retainer path: the variable and the class of the instance that holds the leak under their own names", async () => {
    const bundle = readFileSync(join(dir, 'dist-audit-min', 'audit-log.js'), 'utf8').split('//# sourceMappingURL=')[0];
    expect(bundle).not.toMatch(/\b(?:audit|AuditStore)\b/);
    const top = (await diagnoseBuild('dist-audit-min', 'audit-log.js')).leaks[0];
    expect(top).toMatchObject({ name: 'pending', kind: 'array' });
    expect(top.retainerPath.map((p) => [p.edge, p.node])).toEqual([['', '(module scope)'], ['audit', 'AuditStore'], ['pending', 'Array']]);
  });

  it('a letter the minifier gave to several variables keeps its letter: no variable is called by another one\'s name', () => {
    const file = join(dir, 'dist-audit-min', 'audit-log.js');
    const text = readFileSync(file, 'utf8');
    const names = originalIdentifiers(new TraceMap(readFileSync(`${file}.map`, 'utf8')), text);
    const shared = [...names].filter(([, given]) => given.size > 1);
    // handle()'s parameter and a loop's variable, say: esbuild reuses letters across scopes.
    expect(shared.length).toBeGreaterThan(0);
    const files = new SourceFiles();
    for (const [letter] of shared) expect(files.originalIdentifier(file, letter)).toBeNull();
    const [, variable, cls] = /([\w$]+)=new ([\w$]+)/.exec(text)!;
    expect([files.originalIdentifier(file, variable!), files.originalIdentifier(file, cls!)]).toEqual(['audit', 'AuditStore']);
    // Unminified, a name is its own: nothing to give back.
    expect(files.originalIdentifier(join(dir, 'dist-map', 'quote-cache.js'), 'quotesBySku')).toBeNull();
  });

  it('a map whose sources are not there: the compiled file is what there is to open', async () => {
    const top = (await diagnoseBuild('shipped/dist')).leaks[0];
    expect(top.name).toBe('quotesBySku');
    expect(top.location).toEqual({ file: join(dir, 'shipped', 'dist', 'quote-cache.js'), line: expect.any(Number), column: 7 });
  });
});
