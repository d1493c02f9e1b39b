import { labError } from '../lab/errors.ts';

/** The only hosts the lab ever sends traffic to: the app is a leak on purpose and lives on this machine. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Parses a target URL and refuses anything that is not http(s) on a loopback host.
 * WHATWG URL parsing normalises spellings such as `127.1` or `0x7f000001` before the check.
 */
export function assertLoopbackUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw labError('LAB_ERR_BAD_OPTION', `not a URL: ${JSON.stringify(raw)}`, cause);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw labError('LAB_ERR_BAD_OPTION', `only http(s) targets are allowed, got ${url.protocol}`);
  }
  if (!LOOPBACK_HOSTS.has(url.hostname.toLowerCase())) {
    throw labError('LAB_ERR_BAD_OPTION', `refusing to target ${url.host}: only 127.0.0.1, localhost and [::1] are allowed`);
  }
  return url;
}
