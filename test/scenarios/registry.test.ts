import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lab/repo-root.ts';
import { SCENARIOS } from '../../leak-scenarios/index.ts';
import { VARIANTS } from '../../leak-scenarios/scenario.ts';

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const ROUTES = ['GET /api/products/:id', 'GET /api/search', 'GET /api/cart', 'POST /api/cart/items', 'POST /api/checkout'];

describe('scenario registry', () => {
  it('has at least nine scenarios with unique kebab-case names', () => {
    const names = SCENARIOS.map((s) => s.name);
    expect(names.length).toBeGreaterThanOrEqual(9);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(KEBAB);
  });

  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s: every field is filled in and the leak is where it says', (name, s) => {
    for (const field of [s.title, s.story, s.rootCause, s.fix, s.leak.file, s.leak.identifier]) expect(field.trim().length).toBeGreaterThan(0);
    // Two or three sentences each, as a postmortem quotes them.
    for (const text of [s.rootCause, s.fix]) expect(text.split(/(?<=[.!?])\s+(?=[A-Z`'"])/).length, text).toBeGreaterThanOrEqual(2);
    expect(s.story).not.toMatch(/\n/);
    expect(s.routes.length).toBeGreaterThan(0);
    for (const route of s.routes) expect(ROUTES).toContain(route);
    // One file per scenario, named after it.
    expect(s.leak.file).toBe(`leak-scenarios/${name}.ts`);
    const file = path.join(REPO_ROOT, s.leak.file);
    expect(existsSync(file)).toBe(true);
    const source = readFileSync(file, 'utf8');
    expect(source).toMatch(new RegExp(`\\b${s.leak.identifier}\\b`));
    const lines = source.split('\n').map((l) => l.trim());
    for (const marker of ['// region: leaky', '// region: fixed']) {
      expect(lines.filter((l) => l === marker), marker).toHaveLength(1);
    }
    expect(lines.filter((l) => l === '// endregion')).toHaveLength(2);
    // The leaking identifier shows in the leaky region, which is what a postmortem quotes.
    const leaky = source.slice(source.indexOf('// region: leaky'), source.indexOf('// endregion', source.indexOf('// region: leaky')));
    expect(leaky).toMatch(new RegExp(`\\b${s.leak.identifier}\\b`));
  });

  it('registers every scenario file in leak-scenarios/, and only those', () => {
    const files = readdirSync(path.join(REPO_ROOT, 'leak-scenarios'))
      .filter((f) => f.endsWith('.ts') && f !== 'scenario.ts' && f !== 'index.ts')
      .map((f) => `leak-scenarios/${f}`)
      .sort();
    expect(files).toEqual(SCENARIOS.map((s) => s.leak.file).sort());
  });

  it('marks the noisy case, whose leak is the small one and not the big cache', () => {
    const noisy = SCENARIOS.filter((s) => s.noisy);
    expect(noisy.length).toBeGreaterThanOrEqual(1);
  });

  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s: each build creates a router and disposes cleanly twice', (_name, s) => {
    for (const variant of VARIANTS) {
      const instance = s.create(variant);
      expect(typeof instance.router).toBe('function');
      instance.dispose();
      instance.dispose();
    }
  });
});
