import { timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import { DrillActionError, scenarioCatalog, type ActionReply } from '../lab/drill-actions.ts';
import { labError } from '../lab/errors.ts';
import type { LiveFeed } from './live-feed.ts';

const PUBLIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');

/** The charting library, served from node_modules: the dashboard never loads anything from the internet. */
export function uplotDir(): string {
  try {
    return path.dirname(createRequire(import.meta.url).resolve('uplot'));
  } catch (err) {
    throw labError('LAB_ERR_BAD_OPTION', 'the dashboard needs the uplot package: run "npm install" (uplot is a dependency)', err);
  }
}

export interface DashboardOptions {
  /** Only ever loopback. */
  host?: '127.0.0.1';
  /** 0 picks a free port. */
  port: number;
  /** Every API and event-stream request must carry it as `Authorization: Bearer <token>`. */
  token: string;
  feed: LiveFeed;
  act: (kind: string, body: unknown) => ActionReply;
}

export interface Dashboard {
  url: string;
  /** The URL to open: it carries the token once; the page keeps it in sessionStorage and drops it from the address bar. */
  openUrl: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The drill's live dashboard: a static page, uPlot from node_modules, and a small API behind
 * a bearer token. Loopback only (bound to 127.0.0.1, Host header checked against DNS
 * rebinding); without the token every API call is a 401 and changes nothing.
 */
export async function startDashboard(opts: DashboardOptions): Promise<Dashboard> {
  const vendor = uplotDir();
  const app = express();
  let port = 0;
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use((req: Request, res: Response, next: NextFunction) => {
    res.set({
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    });
    const host = req.get('host') ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      res.status(403).json({ error: 'the dashboard answers on 127.0.0.1 and localhost only' });
      return;
    }
    next();
  });

  app.get('/vendor/uPlot.iife.min.js', (_req, res) => res.sendFile(path.join(vendor, 'uPlot.iife.min.js')));
  app.get('/vendor/uPlot.min.css', (_req, res) => res.sendFile(path.join(vendor, 'uPlot.min.css')));
  app.use(express.static(PUBLIC_DIR, { index: 'index.html', dotfiles: 'ignore', etag: false, lastModified: false, redirect: false }));

  const api = express.Router();
  api.use(bearer(opts.token));
  api.use(express.json({ limit: '2kb' }));

  api.get('/state', (_req, res) => {
    res.json(opts.feed.status());
  });
  api.get('/scenarios', (_req, res) => {
    res.json(scenarioCatalog());
  });
  api.get('/timeline', (req, res) => {
    const from = Number(req.query.from ?? 0);
    res.json(opts.feed.events(Number.isInteger(from) && from >= 0 ? from : 0));
  });
  api.get('/events', (req, res) => {
    opts.feed.subscribe(res);
  });
  api.post('/actions/:kind', (req, res) => {
    try {
      const reply = opts.act(String(req.params.kind), req.body);
      res.status(reply.done ? 200 : 202).json(reply);
      opts.feed.changed();
    } catch (err) {
      if (!(err instanceof DrillActionError)) throw err;
      if (err.status === 429) res.set('retry-after', String(err.extra.retryAfterSeconds ?? 1));
      res.status(err.status).json({ error: err.message, ...err.extra });
    }
  });
  api.use((_req, res) => {
    res.status(404).json({ error: 'no such API route' });
  });
  app.use('/api', api);

  app.use((_req, res) => {
    res.status(404).type('text/plain').send('not found');
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.parse.failed') res.status(400).json({ error: 'the request body is not valid JSON' });
    else if (e.type === 'entity.too.large') res.status(413).json({ error: 'the request body is too large' });
    else res.status(500).json({ error: `the drill could not do that: ${e.message ?? String(err)}` });
  });

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(opts.port, opts.host ?? '127.0.0.1');
    s.once('listening', () => resolve(s));
    s.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? labError('LAB_ERR_PORT_BUSY', `port ${opts.port} is in use; pick another --port or leave it out for a free one`, err) : err),
    );
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  opts.feed.start();
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    openUrl: `${url}#token=${opts.token}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        opts.feed.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function bearer(token: string) {
  const expected = Buffer.from(token);
  return (req: Request, res: Response, next: NextFunction): void => {
    const match = /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(req.get('authorization') ?? '');
    const given = Buffer.from(match?.[1] ?? '');
    // Constant-time compare, so the token cannot be guessed byte by byte from response times.
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      next();
      return;
    }
    res.status(401).set('www-authenticate', 'Bearer').json({ error: 'missing or wrong drill token: use the URL npm run drill printed' });
  };
}
