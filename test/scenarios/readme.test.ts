import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lab/repo-root.ts';
import { SCENARIOS } from '../../leak-scenarios/index.ts';

function scenariosSection(): string {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('<!-- scenarios:start -->');
  const end = readme.indexOf('<!-- scenarios:end -->');
  expect(start, 'scenarios:start marker').toBeGreaterThanOrEqual(0);
  expect(end, 'scenarios:end marker').toBeGreaterThan(start);
  return readme.slice(start, end);
}

describe('README scenarios section', () => {
  it('has a table row for every scenario, naming where its leak lives', () => {
    const section = scenariosSection();
    for (const s of SCENARIOS) {
      const row = section.split('\n').find((line) => line.startsWith(`| \`${s.name}\``));
      expect(row, `README row for ${s.name}`).toBeDefined();
      expect(row).toContain(s.leak.identifier);
      expect(row).toContain(s.leak.file);
    }
  });

  it('says how to add a scenario', () => {
    expect(scenariosSection()).toMatch(/Adding a scenario[\s\S]*leak-scenarios\/index\.ts/);
  });
});
