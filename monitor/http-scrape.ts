import http from 'node:http';
import https from 'node:https';
import { MONITOR_DEFAULTS } from './monitor-defaults.ts';

/**
 * GETs a URL's body as text within a hard deadline covering connect, headers and body. A fresh
 * connection each time (no agent), so a scrape never leaves a keep-alive socket behind.
 * Rejects on a non-200 answer, a body over maxBytes, or the deadline.
 */
export function fetchText(url: URL, timeoutMs: number, maxBytes: number = MONITOR_DEFAULTS.scrapeMaxBytes): Promise<string> {
  return new Promise((resolve, reject) => {
    const get = url.protocol === 'https:' ? https.get : http.get;
    const req = get(url, { agent: false, headers: { accept: 'text/plain' } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        fail(new Error(`HTTP ${res.statusCode}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          fail(new Error(`body over ${maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve(Buffer.concat(chunks).toString('utf8'));
      });
      res.on('error', fail);
    });
    const timer = setTimeout(() => fail(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    req.on('error', fail);

    function fail(err: Error): void {
      clearTimeout(timer);
      req.destroy();
      reject(err);
    }
  });
}
