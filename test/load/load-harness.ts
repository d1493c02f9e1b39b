import { afterEach } from 'vitest';
import type { LoadHandle } from '../../load/load-types.ts';
import type { TinyServer } from './tiny-server.ts';

/** The load under test and the servers it hits, stopped and closed after each test whatever happened. */
export function useLoadHarness(): { load: LoadHandle | null; servers: TinyServer[] } {
  const h: { load: LoadHandle | null; servers: TinyServer[] } = { load: null, servers: [] };
  afterEach(async () => {
    await h.load?.stop({ drainMs: 0 });
    h.load = null;
    await Promise.all(h.servers.map((s) => s.close()));
    h.servers = [];
  });
  return h;
}
