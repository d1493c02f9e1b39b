import { timingSafeEqual } from 'node:crypto';
import { statSync } from 'node:fs';
import express, { type NextFunction, type Request, type Response } from 'express';
import { isLabError } from '../lab/errors.ts';
import { SCENARIOS, scenarioNames } from '../leak-scenarios/index.ts';
import type { ChaosMode, ChaosSwitch } from './chaos-switch.ts';
import { isSnapshotLabel, type SnapshotWriter } from './heap-snapshots.ts';

const MODES: readonly ChaosMode[] = ['leaky', 'fixed', 'off'];

/**
 * The admin API: the chaos switch and heap snapshots. Bearer token required; loopback peers
 * only, even though the server itself binds to 127.0.0.1, so a proxy put in front by
 * mistake still cannot reach it.
 */
export function createAdminRouter(opts: { token: string; chaos: ChaosSwitch; snapshots: SnapshotWriter }): express.Router {
  const router = express.Router();
  router.use(loopbackOnly, bearer(opts.token), express.json({ limit: '4kb' }));

  router.get('/scenarios', (_req, res) => {
    res.json(SCENARIOS.map(({ name, title, story, routes, noisy }) => ({ name, title, story, routes, noisy: noisy ?? false })));
  });

  router.get('/chaos', (_req, res) => {
    res.json(opts.chaos.state());
  });

  router.put('/chaos', (req, res) => {
    const { scenario, mode } = (req.body ?? {}) as { scenario?: unknown; mode?: unknown };
    if (typeof mode !== 'string' || !MODES.includes(mode as ChaosMode)) {
      res.status(400).json({ error: `mode must be one of ${MODES.join(', ')}` });
      return;
    }
    if (mode !== 'off' && typeof scenario !== 'string') {
      res.status(400).json({ error: 'scenario is required', valid: scenarioNames() });
      return;
    }
    try {
      res.json(opts.chaos.set(mode === 'off' ? null : (scenario as string), mode as ChaosMode));
    } catch (err) {
      if (!isLabError(err, 'LAB_ERR_UNKNOWN_SCENARIO')) throw err;
      res.status(400).json({ error: err.message, valid: scenarioNames() });
    }
  });

  // Only with --expose-gc: the leak check measures what survives a full collection, not garbage.
  router.post('/gc', (_req, res) => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) {
      res.status(501).json({ error: 'start the app with --expose-gc to force garbage collection' });
      return;
    }
    gc();
    gc();
    const { heapUsed, heapTotal, rss, external, arrayBuffers } = process.memoryUsage();
    res.json({ heapUsed, heapTotal, rss, external, arrayBuffers });
  });

  router.post('/snapshots', async (req, res) => {
    const label = typeof req.body?.label === 'string' ? req.body.label : 'manual';
    if (!isSnapshotLabel(label)) {
      res.status(400).json({ error: 'label must be 1-41 letters, digits, - or _' });
      return;
    }
    const file = await opts.snapshots.write(label);
    res.status(201).json({ file, engine: opts.snapshots.engine, bytes: statSync(file).size });
  });

  return router;
}

function loopbackOnly(req: Request, res: Response, next: NextFunction): void {
  const peer = req.socket.remoteAddress ?? '';
  if (peer === '::1' || peer.startsWith('127.') || peer.startsWith('::ffff:127.')) {
    next();
    return;
  }
  res.status(403).json({ error: 'admin API answers loopback clients only' });
}

function bearer(token: string) {
  const expected = Buffer.from(token);
  return (req: Request, res: Response, next: NextFunction): void => {
    const match = /^Bearer (.+)$/.exec(req.get('authorization') ?? '');
    const given = Buffer.from(match?.[1] ?? '');
    // Constant-time compare, so the token cannot be guessed byte by byte from response times.
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      next();
      return;
    }
    res.status(401).set('www-authenticate', 'Bearer').json({ error: 'missing or wrong admin token' });
  };
}
