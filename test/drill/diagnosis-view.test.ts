import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDiagnosisView } from '../../lab/drill-diagnosis.ts';

const dir = mkdtempSync(join(tmpdir(), 'leak-lab-drill-view-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const leak = (name: string, extra: object) => ({ name, holder: { name }, location: { file: 'src/cache.ts', line: 3, column: 7 }, summary: `${name} grew`, ...extra });

describe("the drill's view of a diagnosis", () => {
  it('gives each suspect where the code adds to it and takes out, when the diagnosis found it', () => {
    const file = 'src/cache.ts';
    writeFileSync(join(dir, 'diagnosis.json'), JSON.stringify({
      verdict: 'leak',
      leaks: [
        leak('pageCache', { writes: { adds: [{ file, line: 9, column: 3, call: 'pageCache.set' }], removes: [], searched: [file] } }),
        leak('inflight', { writes: { adds: [{ file, line: 12, column: 5, call: 'inflight.set' }], removes: [{ file, line: 20, column: 5, call: 'inflight.delete' }], searched: [file] } }),
        leak('price', {}),
      ],
    }));
    const view = readDiagnosisView(dir, 4242, 3, '2026-11-28T18:00:00.000Z');
    expect(view?.suspects.map((s) => s.writes)).toEqual([
      'added at: src/cache.ts:9:3 (pageCache.set); removed at: nowhere in src/cache.ts',
      'added at: src/cache.ts:12:5 (inflight.set); removed at: src/cache.ts:20:5 (inflight.delete)',
      null,
    ]);
    expect(view?.suspects[0]).toMatchObject({ name: 'pageCache', holder: 'pageCache', location: 'src/cache.ts:3:7' });
  });
});
