import { mkdtempSync, openSync, readSync, closeSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSnapshotWriter } from '../../app/heap-snapshots.ts';
import { listenApp, type ListeningApp } from './listen-app.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'leak-lab-snap-'));
const TOKEN = 'snapshot-token';
let lab: ListeningApp;
beforeAll(async () => {
  lab = await listenApp({ adminToken: TOKEN, snapshotDir: dir });
});
afterAll(async () => {
  await lab.stop();
  rmSync(dir, { recursive: true, force: true });
});

function head(file: string, bytes = 200): string {
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(bytes);
  readSync(fd, buf, 0, bytes, 0);
  closeSync(fd);
  return buf.toString('utf8');
}

describe('heap snapshots on demand', () => {
  it('writes <label>-<pid>-<time>.heapsnapshot with mode 0600 through the admin API', async () => {
    const res = await fetch(`${lab.url}/admin/snapshots`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'baseline' }),
    });
    expect(res.status).toBe(201);
    const { file, engine, bytes } = (await res.json()) as { file: string; engine: string; bytes: number };
    expect(path.dirname(file)).toBe(dir);
    expect(path.basename(file)).toMatch(new RegExp(`^baseline-${process.pid}-\\d{4}-\\d\\d-\\d\\dT[\\d-]+Z\\.heapsnapshot$`));
    expect(engine).toBe('heapdump');
    const st = statSync(file);
    expect(st.mode & 0o777).toBe(0o600);
    expect(st.size).toBe(bytes);
    expect(head(file)).toMatch(/^\{"snapshot":\{"meta":\{"node_fields":\["type","name","id","self_size","edge_count"/);
  });

  it('rejects labels that could escape the folder', async () => {
    const res = await fetch(`${lab.url}/admin/snapshots`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ label: '../../etc/x' }),
    });
    expect(res.status).toBe(400);
  });

  it('falls back to v8.writeHeapSnapshot when the addon is unavailable, and says so once', async () => {
    const notices: string[] = [];
    process.env.LEAK_LAB_NO_HEAPDUMP = '1';
    try {
      const writer = createSnapshotWriter(dir, (line) => notices.push(line));
      expect(writer.engine).toBe('v8');
      const file = await writer.write('fallback');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(head(file)).toMatch(/^\{"snapshot":\{"meta":/);
      await writer.write('fallback');
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(/v8\.writeHeapSnapshot/);
    } finally {
      delete process.env.LEAK_LAB_NO_HEAPDUMP;
    }
  });
});
