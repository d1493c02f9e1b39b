import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Timeline } from '../../lab/timeline.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'leak-lab-timeline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('timeline', () => {
  it('has every event on disk, one JSON line each, the moment it is recorded', () => {
    const file = path.join(dir, 'timeline.jsonl');
    const timeline = new Timeline(file, 'Africa/Nairobi');
    const seen: string[] = [];
    timeline.onEvent((e) => seen.push(e.type));
    timeline.record('deploy', 'lab', 'Deployed.', { pid: 1 }, new Date('2026-11-25T10:00:00Z'));
    // Read before close: a crash right now must lose nothing.
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
    timeline.record('alert', 'monitor', 'Heap high.', { value: 0.9 }, new Date('2026-11-25T10:00:42Z'));
    timeline.close();
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { at: '2026-11-25T13:00:00.000+03:00', type: 'deploy', source: 'lab', summary: 'Deployed.', data: { pid: 1 } },
      { at: '2026-11-25T13:00:42.000+03:00', type: 'alert', source: 'monitor', summary: 'Heap high.', data: { value: 0.9 } },
    ]);
    expect(seen).toEqual(['deploy', 'alert']);
  });
});
