import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TinyServer {
  readonly url: string;
  readonly port: number;
  /** Requests that reached the handler, with when they arrived. */
  readonly arrivals: { at: number; user: string; method: string; path: string }[];
  close(): Promise<void>;
}

/**
 * A node:http server on 127.0.0.1, port 0. The handler gets the body already read; a handler that
 * returns without ending the response leaves the request hanging (closed on close()).
 */
export async function startTinyServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse, user: string) => void = (_req, res) => res.end('ok'),
): Promise<TinyServer> {
  const arrivals: TinyServer['arrivals'] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const user = String(req.headers['x-user-id'] ?? '');
      arrivals.push({ at: Date.now(), user, method: req.method ?? '', path: req.url ?? '' });
      handler(req, res, user);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    arrivals,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A loopback port with nothing listening on it: connections to it are refused. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
