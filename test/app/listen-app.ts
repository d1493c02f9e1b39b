import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp, type AppOptions, type LeakLabApp } from '../../app/create-app.ts';

export interface ListeningApp extends LeakLabApp {
  url: string;
  server: Server;
  stop(): Promise<void>;
}

/** The app on 127.0.0.1 and a port the OS picks, as every test server should listen. */
export async function listenApp(options: AppOptions = {}): Promise<ListeningApp> {
  const lab = createApp({ warn: () => {}, ...options });
  const server = lab.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    ...lab,
    url: `http://127.0.0.1:${port}`,
    server,
    async stop() {
      lab.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
