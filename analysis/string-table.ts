/**
 * The snapshot's `strings` section kept as raw JSON bytes plus offsets, decoded on demand.
 * Real snapshots hold millions of strings (and whole script sources); decoding all of them
 * up front costs time and memory that the analysis never uses, so only looked-up ones are.
 */
export class StringTable {
  readonly count: number;
  private readonly raw: Buffer;
  private readonly starts: Uint32Array;
  private readonly ends: Uint32Array;
  private readonly cache: (string | undefined)[];

  constructor(raw: Buffer, starts: Uint32Array, ends: Uint32Array, count: number) {
    this.raw = raw;
    this.starts = starts;
    this.ends = ends;
    this.count = count;
    this.cache = new Array(count);
  }

  get(index: number): string {
    const hit = this.cache[index];
    if (hit !== undefined) return hit;
    if (index < 0 || index >= this.count) return '';
    const s = decodeJsonString(this.raw, this.starts[index], this.ends[index]);
    this.cache[index] = s;
    return s;
  }

  /** Byte length of the encoded string, without decoding it (cheap size checks on huge sources). */
  encodedLength(index: number): number {
    return index >= 0 && index < this.count ? this.ends[index] - this.starts[index] : 0;
  }

  /**
   * Index of the string equal to `s`, or -1. V8 writes each distinct string once and escapes
   * everything outside printable ASCII, so a plain ASCII needle can be searched as raw bytes.
   */
  indexOf(s: string): number {
    if (!plainAscii(s)) return this.slowIndexOf(s);
    const needle = Buffer.from(`"${s}"`, 'latin1');
    let from = 0;
    for (;;) {
      const at = this.raw.indexOf(needle, from);
      if (at < 0) return -1;
      const idx = this.indexAt(at + 1);
      if (idx >= 0 && this.ends[idx] === at + needle.length - 1) return idx;
      from = at + 1;
    }
  }

  /**
   * indexOf for many names at once, in one pass over the strings: a byte search of the whole
   * section per name costs more once there are dozens of names (the analysis's known strings).
   */
  indexOfAll(names: readonly string[]): Int32Array {
    const out = new Int32Array(names.length).fill(-1);
    const needles = names.map((n) => Buffer.from(n, 'latin1'));
    let maxLength = 0;
    for (const n of names) if (plainAscii(n)) maxLength = Math.max(maxLength, n.length);
    const byLength: number[][] = Array.from({ length: maxLength + 1 }, () => []);
    let left = 0;
    names.forEach((n, i) => {
      if (!plainAscii(n)) out[i] = this.slowIndexOf(n);
      else {
        byLength[n.length].push(i);
        left++;
      }
    });
    const { raw, starts, ends } = this;
    for (let idx = 0; idx < this.count && left > 0; idx++) {
      const start = starts[idx];
      const length = ends[idx] - start;
      if (length > maxLength) continue;
      for (const i of byLength[length]) {
        const needle = needles[i];
        if (out[i] >= 0 || (length > 0 && raw[start] !== needle[0])) continue;
        if (raw.compare(needle, 0, length, start, start + length) === 0) {
          out[i] = idx;
          left--;
        }
      }
    }
    return out;
  }

  /** A 32-bit hash of the first bytes of a string plus its length: enough to tell objects apart. */
  hashOf(index: number): number {
    if (index < 0 || index >= this.count) return 0;
    const start = this.starts[index];
    const end = Math.min(this.ends[index], start + 48);
    let h = 0x811c9dc5 ^ (this.ends[index] - start);
    for (let i = start; i < end; i++) h = Math.imul(h ^ this.raw[i], 0x01000193);
    return h >>> 0;
  }

  /** Marks (1) the strings whose JSON-encoded bytes contain `needle` (plain ASCII), found in one scan of the raw section. */
  markContaining(needle: Buffer): Uint8Array {
    const marks = new Uint8Array(this.count);
    for (let at = this.raw.indexOf(needle); at >= 0; ) {
      const idx = this.indexContaining(at);
      if (idx < 0) break;
      marks[idx] = 1;
      at = this.raw.indexOf(needle, this.ends[idx]);
    }
    return marks;
  }

  /** Parses a string holding a non-negative decimal integer (edge names like "12"), else -1. */
  asIndex(index: number): number {
    if (index < 0 || index >= this.count) return -1;
    const start = this.starts[index];
    const end = this.ends[index];
    if (end === start || end - start > 15) return -1;
    let v = 0;
    for (let i = start; i < end; i++) {
      const c = this.raw[i] - 48;
      if (c < 0 || c > 9) return -1;
      v = v * 10 + c;
    }
    return v;
  }

  private indexAt(byteOffset: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.starts[mid];
      if (v === byteOffset) return mid;
      if (v < byteOffset) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Index of the string whose bytes span `byteOffset`, or -1. */
  private indexContaining(byteOffset: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid] <= byteOffset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found >= 0 && byteOffset < this.ends[found] ? found : -1;
  }

  private slowIndexOf(s: string): number {
    for (let i = 0; i < this.count; i++) if (this.get(i) === s) return i;
    return -1;
  }
}

function decodeJsonString(raw: Buffer, start: number, end: number): string {
  // Bounded search: an unbounded indexOf would scan the rest of the section for every string.
  if (raw.subarray(start, end).indexOf(0x5c) < 0) return raw.toString('utf8', start, end);
  try {
    return JSON.parse(`"${raw.toString('utf8', start, end)}"`) as string;
  } catch {
    // A malformed escape in one string should not sink the whole analysis: keep the raw text.
    return raw.toString('utf8', start, end);
  }
}

/** Printable ASCII with no quote or backslash: V8 writes such a string's bytes as they are. */
function plainAscii(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s) && !/["\\]/.test(s);
}
