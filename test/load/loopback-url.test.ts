import { describe, expect, it } from 'vitest';
import { isLabError } from '../../lab/errors.ts';
import { assertLoopbackUrl } from '../../load/loopback-url.ts';
import { startLoad } from '../../load/load-run.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isLabError(err) ? err.code : 'not a LabError';
  }
  return undefined;
}

describe('assertLoopbackUrl', () => {
  it.each(['http://127.0.0.1:3000', 'http://localhost:1', 'http://[::1]:8080/x', 'http://127.1:3000'])('accepts %s', (url) => {
    expect(() => assertLoopbackUrl(url)).not.toThrow();
  });

  it.each(['http://10.0.0.5:3000', 'http://192.168.1.1', 'http://example.com', 'http://127.0.0.2:3000', 'http://user@8.8.8.8', 'ftp://127.0.0.1', 'not a url'])(
    'refuses %s with LAB_ERR_BAD_OPTION',
    (url) => {
      expect(codeOf(() => assertLoopbackUrl(url))).toBe('LAB_ERR_BAD_OPTION');
    },
  );
});

describe('startLoad target checks', () => {
  it('refuses a non-loopback URL before sending anything', () => {
    expect(codeOf(() => startLoad({ url: 'http://93.184.216.34:80' }))).toBe('LAB_ERR_BAD_OPTION');
  });

  it('refuses a non-loopback retarget and keeps the old target', async () => {
    const load = startLoad({ url: 'http://127.0.0.1:9', overallRate: 1, connections: 1 });
    try {
      expect(codeOf(() => load.retarget('http://10.1.2.3:3000'))).toBe('LAB_ERR_BAD_OPTION');
      expect(load.url()).toBe('http://127.0.0.1:9');
    } finally {
      await load.stop({ drainMs: 0 });
    }
  });

  it('refuses bad numbers with a coded error', () => {
    expect(codeOf(() => startLoad({ url: 'http://127.0.0.1:9', overallRate: 0 }))).toBe('LAB_ERR_BAD_OPTION');
    expect(codeOf(() => startLoad({ url: 'http://127.0.0.1:9', timeoutSeconds: 0.5 }))).toBe('LAB_ERR_BAD_OPTION');
    expect(codeOf(() => startLoad({ url: 'http://127.0.0.1:9', connections: 2.5 }))).toBe('LAB_ERR_BAD_OPTION');
  });
});
