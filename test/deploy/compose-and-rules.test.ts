import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lab/repo-root.ts';

/** Debian's docker-compose and promtool: .ci/run installs them; a developer without them is told why this is skipped. */
function has(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
}

const RULES = path.join(REPO_ROOT, 'deploy/prometheus');

describe.skipIf(!has('docker-compose') && !process.env.CI)('docker-compose.yml', () => {
  it('is a valid compose file with the app, load, monitor and the prometheus profile', () => {
    execFileSync('docker-compose', ['config', '-q'], { cwd: REPO_ROOT, stdio: 'pipe' });
    const services = execFileSync('docker-compose', ['--profile', 'prometheus', 'config', '--services'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim().split('\n');
    expect(services.sort()).toEqual(['alertmanager', 'app', 'load', 'monitor', 'prometheus']);
  });
});

describe.skipIf(!has('promtool') && !process.env.CI)('Prometheus alert rules', () => {
  it('pass promtool check rules', () => {
    const out = execFileSync('promtool', ['check', 'rules', 'alert-rules.yml'], { cwd: RULES, encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS: 4 rules found/);
  });

  it('pass their rule unit tests (a leak fires, a healthy sawtooth does not, errors fire)', () => {
    const result = spawnSync('promtool', ['test', 'rules', 'alert-rules.test.yml'], { cwd: RULES, encoding: 'utf8' });
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });
});
