import { SectionError } from './section-sinks.ts';
import { StringTable } from './string-table.ts';

/**
 * Indexes the raw `strings` array: finds each string's byte range (memchr-speed indexOf for
 * the closing quote) without decoding, then checks the file closes properly after it.
 */
export function indexStrings(raw: Buffer): StringTable {
  let starts: Uint32Array<ArrayBuffer> = new Uint32Array(4096);
  let ends: Uint32Array<ArrayBuffer> = new Uint32Array(4096);
  let count = 0;
  let p = skipWs(raw, 0);
  if (raw[p] !== 0x5b) throw new SectionError('"strings" is not an array');
  p = skipWs(raw, p + 1);
  if (raw[p] === 0x5d) p++;
  else {
    for (;;) {
      if (p >= raw.length) throw new SectionError('the file ends early (truncated) inside "strings"');
      if (raw[p] !== 0x22) throw new SectionError('"strings" holds a non-string');
      const start = p + 1;
      const end = closingQuote(raw, start);
      if (count === starts.length) {
        starts = grow(starts);
        ends = grow(ends);
      }
      starts[count] = start;
      ends[count] = end;
      count++;
      p = skipWs(raw, end + 1);
      if (raw[p] === 0x2c) p = skipWs(raw, p + 1);
      else if (raw[p] === 0x5d) {
        p++;
        break;
      } else if (p >= raw.length) throw new SectionError('the file ends early (truncated) inside "strings"');
      else throw new SectionError('malformed "strings" array');
    }
  }
  p = skipWs(raw, p);
  if (raw[p] !== 0x7d) throw new SectionError(p >= raw.length ? 'the file ends early (truncated)' : 'data after "strings"');
  p = skipWs(raw, p + 1);
  if (p < raw.length) throw new SectionError('data after the end of the snapshot');
  return new StringTable(raw, starts.subarray(0, count), ends.subarray(0, count), count);
}

function closingQuote(raw: Buffer, from: number): number {
  let at = raw.indexOf(0x22, from);
  for (;;) {
    if (at < 0) throw new SectionError('the file ends early (truncated) inside a string');
    // A quote preceded by an odd run of backslashes is escaped.
    let slashes = 0;
    for (let k = at - 1; k >= from && raw[k] === 0x5c; k--) slashes++;
    if ((slashes & 1) === 0) return at;
    at = raw.indexOf(0x22, at + 1);
  }
}

function skipWs(raw: Buffer, p: number): number {
  while (p < raw.length) {
    const c = raw[p];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    p++;
  }
  return p;
}

function grow(a: Uint32Array): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(a.length * 2);
  b.set(a);
  return b;
}
