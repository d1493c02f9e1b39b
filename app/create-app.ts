import { randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { APP_DEFAULTS } from '../lab/defaults.ts';
import { createAdminRouter } from './admin-routes.ts';
import { ChaosSwitch, type ChaosMode } from './chaos-switch.ts';
import { createSnapshotWriter, type SnapshotWriter } from './heap-snapshots.ts';
import { createMetrics } from './metrics.ts';
import { createShopRouter } from './shop-routes.ts';

export interface AppOptions {
  /** Admin bearer token; a random one is made when not given. */
  adminToken?: string;
  snapshotDir?: string;
  /** Scenario switched on at start. */
  scenario?: string | null;
  mode?: ChaosMode;
  /** Where one-off notices go (heapdump fallback). */
  warn?: (line: string) => void;
}

export interface LeakLabApp {
  readonly app: express.Express;
  readonly chaos: ChaosSwitch;
  readonly snapshots: SnapshotWriter;
  readonly adminToken: string;
  /** Switches the scenario off, freeing its timers and listeners. */
  close(): void;
}

/** Builds the shop app; listening is the caller's business (app/server.ts, or tests on port 0). */
export function createApp(options: AppOptions = {}): LeakLabApp {
  const adminToken = options.adminToken ?? randomBytes(18).toString('base64url');
  const chaos = new ChaosSwitch();
  if (options.scenario && options.mode && options.mode !== 'off') chaos.set(options.scenario, options.mode);
  const snapshots = createSnapshotWriter(options.snapshotDir ?? APP_DEFAULTS.snapshotDir, options.warn);
  const metrics = createMetrics();

  const app = express();
  app.disable('x-powered-by');
  app.use(metrics.middleware);
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true, pid: process.pid, uptimeSeconds: Math.round(process.uptime()) });
  });
  app.get('/metrics', async (_req, res) => {
    res.set('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.use('/admin', createAdminRouter({ token: adminToken, chaos, snapshots }));
  app.use(chaos.middleware);
  app.use(createShopRouter());
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: number }).status ?? 500;
    res.status(status).json({ error: status >= 500 ? 'internal error' : err.message });
  });

  return { app, chaos, snapshots, adminToken, close: () => chaos.dispose() };
}
