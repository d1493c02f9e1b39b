import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lab/repo-root.ts';
import { CHILD_TIMEOUT_MS } from '../helpers/lane-bounds.ts';
import { cleanupRunCopies, copyRun } from './run-fixture.ts';

const CLI = path.join(REPO_ROOT, 'postmortem/postmortem-cli.ts');

function cli(...args: string[]) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS });
  if (res.error) throw res.error;
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('postmortem CLI', () => {
  afterAll(cleanupRunCopies);

  it('writes the report, prints the paths on stdout and the progress on stderr', () => {
    const dir = copyRun();
    const { code, stdout, stderr } = cli('--run', dir);
    expect(code).toBe(0);
    const paths = stdout.trim().split('\n');
    expect(paths.slice(0, 2)).toEqual([path.join(dir, 'postmortem.md'), path.join(dir, 'postmortem.html')]);
    for (const p of paths) expect(fs.existsSync(p)).toBe(true);
    expect(stderr).toContain('postmortem: reading');
  });

  it('--json prints only the result as JSON; a corrupt line is a warning with its number, exit 0', () => {
    const dir = copyRun();
    fs.appendFileSync(path.join(dir, 'timeline.jsonl'), 'not json\n');
    const lineNumber = fs.readFileSync(path.join(dir, 'timeline.jsonl'), 'utf8').trimEnd().split('\n').length;
    const { code, stdout, stderr } = cli('--run', dir, '--json');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.htmlFile).toBe(path.join(dir, 'postmortem.html'));
    expect(result.warnings).toEqual([expect.stringContaining(`timeline.jsonl line ${lineNumber}`)]);
    expect(stderr).toContain(`postmortem: warning: timeline.jsonl line ${lineNumber}: not valid JSON`);
  });

  it('a folder that is not a run exits 2 with one line', () => {
    const dir = copyRun();
    fs.rmSync(path.join(dir, 'settings.json'));
    const { code, stdout, stderr } = cli('--run', dir);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n').filter((l) => !l.startsWith('postmortem: reading'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^postmortem: .*settings\.json.*\(LAB_ERR_RUN_FILES\)$/);
  });

  it('--help exits 0; an unknown flag exits 2', () => {
    const help = cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--run <dir>');
    expect(help.stdout).toContain('runs/latest');
    const bad = cli('--bogus');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('(try --help)');
  });
});
