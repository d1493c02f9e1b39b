import { parseHeader, type SnapshotHeader } from './snapshot-header.ts';
import { EdgeSink, LocationSink, NodeSink, SectionError, type NumberSink, type ParsedEdges } from './section-sinks.ts';
import { fastEdgeRecords, fastNodeRecords } from './snapshot-fast-records.ts';

/**
 * A push tokenizer for the fixed layout V8 writes: a small `snapshot` header (parsed with
 * JSON.parse once it is complete), then top-level keys whose number arrays go straight into
 * typed arrays, and the `strings` array (always last) kept as raw bytes for lazy decoding.
 * It never holds the whole file as one JS string, so it has no ~512 MB string limit.
 * Every problem is reported by throwing SectionError with a short reason.
 */
const enum S { Header, Sep, KeyOpen, Key, Colon, Value, Numbers, Skip, SkipScalar, Strings, Done, Paused }

const MAX_HEADER = 16 * 1024 * 1024;

export interface TokenizedSnapshot {
  header: SnapshotHeader;
  nodes: NodeSink;
  edges: EdgeSink;
  locations: LocationSink | null;
  /** The raw bytes from the `strings` array's `[` to the end of the file. */
  strings: Buffer;
}

export interface TokenizerOptions {
  /**
   * Called as each top-level key's value starts; true pauses there (see `paused`), so that a
   * section can be parsed elsewhere (a helper thread parses `edges`, see edge-helper.ts).
   */
  pauseAt?: (key: string) => boolean;
}

export class SnapshotTokenizer {
  private state = S.Header;
  private resumed = false;
  private edgeArrays: ParsedEdges | null = null;
  /** Absolute file offset just after the last number section's closing bracket. */
  sectionEnd = 0;
  private headerParts: Buffer[] = [];
  private headerBytes = 0;
  private depth = 0;
  private inStr = false;
  private esc = false;
  private key = '';
  private header: SnapshotHeader | null = null;
  private nodes: NodeSink | null = null;
  private edges: EdgeSink | null = null;
  private locations: LocationSink | null = null;
  private sink: NumberSink | null = null;
  private acc = 0;
  private digits = 0;
  private gap = false;
  private afterComma = false;
  private str: Buffer = Buffer.alloc(0);
  /** Bytes pushed so far, and where the current chunk starts: sizes the strings buffer. */
  private pushed = 0;
  private chunkStart = 0;
  private strLen = 0;

  constructor(
    private readonly file: string,
    /** Bounds the header's counts and sizes the strings buffer (the rest of the file). */
    private readonly fileSize: number,
    private readonly opts: TokenizerOptions = {},
  ) {}

  /**
   * Tokenizes the next bytes of the file: all of them, unless it pauses at the first byte of a
   * paused key's value (`paused`; go on from `offset`).
   */
  push(chunk: Buffer): void {
    this.chunkStart = this.pushed;
    let i = 0;
    while (i < chunk.length) {
      switch (this.state) {
        case S.Paused: this.pushed = this.chunkStart + i; return;
        case S.Header: i = this.scanHeader(chunk, i); break;
        case S.Numbers: i = this.scanNumbers(chunk, i); break;
        case S.Strings: this.appendStrings(chunk, i); i = chunk.length; break;
        case S.Skip: i = this.scanSkip(chunk, i); break;
        default: i = this.step(chunk[i], i);
      }
    }
    this.pushed = this.chunkStart + chunk.length;
  }

  /** The key whose value the tokenizer paused at, or null; the file offset is `offset`. */
  get paused(): string | null {
    return this.state === S.Paused ? this.key : null;
  }

  get headerInfo(): SnapshotHeader | null {
    return this.header;
  }

  /** File offset of the next byte to push. */
  get offset(): number {
    return this.pushed;
  }

  /** The `edges` section once its closing bracket has been read, else null. */
  get edgesDone(): EdgeSink | null {
    return this.edges && this.sink !== this.edges ? this.edges : null;
  }

  /**
   * Parses the paused `edges` section here, into `into` when given (shared memory another
   * thread writes the section's tail into, see edge-helper.ts); push again from `offset`.
   */
  resumeEdges(into?: ParsedEdges): void {
    this.edgeArrays = into ?? null;
    this.state = S.Value;
    this.resumed = true;
  }

  /** Whether the tokenizer is inside the `edges` array, at the start of a record. */
  get atEdgeRecord(): boolean {
    const e = this.edges;
    return this.state === S.Numbers && this.sink === e && e !== null && e.field === 0 && this.digits === 0 && !this.gap;
  }

  /**
   * The rest of the `edges` section, `tailCount` records up to its closing bracket (the next
   * byte to push is at `end`), was parsed elsewhere into the shared arrays: this thread must
   * be at a record start with exactly the records before them.
   */
  finishEdges(tailCount: number, end: number): void {
    const e = this.edges;
    const h = this.header as SnapshotHeader;
    if (!this.atEdgeRecord || !e) throw new SectionError('the edges section does not split at a record');
    if (e.index + tailCount !== h.edgeCount) throw new SectionError(`edges holds ${e.index + tailCount} of ${h.edgeCount} edges`);
    e.index = h.edgeCount;
    this.state = S.Sep;
    this.sink = null;
    this.pushed = end;
    this.sectionEnd = end;
  }

  /**
   * Starts in the middle of the `edges` array, at the record at file offset `at`: the helper
   * thread parses a tail of the section this way. Its records count from 0, and its section
   * ends at the closing bracket without the edge_count check (`edgesDone`).
   */
  jumpIntoEdges(at: number): void {
    const h = this.header;
    if (!h) throw new SectionError('no header yet');
    this.key = 'edges';
    this.edges = new EdgeSink(h);
    this.edges.partial = true;
    this.startNumbers(this.edges, true);
    this.pushed = at;
  }

  private startNumbers(sink: NumberSink, afterComma: boolean): void {
    this.sink = sink;
    this.acc = 0;
    this.digits = 0;
    this.gap = false;
    this.afterComma = afterComma;
    this.state = S.Numbers;
  }

  end(): TokenizedSnapshot {
    if (this.state === S.Header) {
      throw new SectionError(this.headerBytes === 0 && this.depth === 0 ? 'the file is empty' : 'no complete "snapshot" header');
    }
    if (this.state !== S.Strings && this.state !== S.Done) throw new SectionError('the file ends early (truncated)');
    if (!this.header || !this.nodes || !this.edges) throw new SectionError('no "nodes" or "edges" section');
    if (this.state !== S.Strings) throw new SectionError('no "strings" section');
    return {
      header: this.header,
      nodes: this.nodes,
      edges: this.edges,
      locations: this.locations,
      strings: this.str.subarray(0, this.strLen),
    };
  }

  private scanHeader(chunk: Buffer, from: number): number {
    for (let i = from; i < chunk.length; i++) {
      const c = chunk[i];
      if (this.inStr) {
        if (this.esc) this.esc = false;
        else if (c === 0x5c) this.esc = true;
        else if (c === 0x22) this.inStr = false;
        continue;
      }
      if (c === 0x22) {
        if (this.depth === 0) throw new SectionError('not a JSON object');
        this.inStr = true;
      } else if (c === 0x7b || c === 0x5b) {
        if (this.depth === 0 && c !== 0x7b) throw new SectionError('not a JSON object');
        this.depth++;
      } else if (c === 0x7d || c === 0x5d) {
        // Depth back to 1 closes the first top-level value: the "snapshot" header.
        if (--this.depth === 1) {
          this.headerParts.push(chunk.subarray(from, i + 1));
          const text = Buffer.concat(this.headerParts).toString('utf8') + '}';
          this.headerParts = [];
          this.startSections(text);
          return i + 1;
        }
        if (this.depth < 1) throw new SectionError('not a JSON object');
      } else if (this.depth === 0 && !isWs(c)) throw new SectionError('not a JSON object');
    }
    this.headerBytes += chunk.length - from;
    if (this.headerBytes > MAX_HEADER) throw new SectionError('no "snapshot" header at its start');
    // Copied: the reader reuses its chunk buffer.
    this.headerParts.push(Buffer.from(chunk.subarray(from)));
    return chunk.length;
  }

  private startSections(text: string): void {
    const h = parseHeader(this.file, text);
    // Every number takes at least two bytes ("0,"), so a header claiming more than the file
    // can hold is corrupt; checking now avoids allocating arrays for billions of nodes.
    const minBytes = 2 * (h.nodeCount * h.nodeFieldCount + h.edgeCount * h.edgeFieldCount);
    if (minBytes > this.fileSize) throw new SectionError('node_count/edge_count are larger than the file can hold');
    this.header = h;
    this.state = S.Sep;
  }

  /** One byte of the small key/separator grammar between sections. */
  private step(c: number, i: number): number {
    switch (this.state) {
      case S.Sep:
        if (c === 0x2c) this.state = S.KeyOpen;
        else if (c === 0x7d) this.state = S.Done;
        else if (!isWs(c)) throw new SectionError('unexpected data between sections');
        return i + 1;
      case S.KeyOpen:
        if (c === 0x22) {
          this.key = '';
          this.state = S.Key;
        } else if (!isWs(c)) throw new SectionError('expected a key');
        return i + 1;
      case S.Key:
        if (c === 0x22) this.state = S.Colon;
        else if (c === 0x5c || this.key.length > 64) throw new SectionError('bad key');
        else this.key += String.fromCharCode(c);
        return i + 1;
      case S.Colon:
        if (c === 0x3a) this.state = S.Value;
        else if (!isWs(c)) throw new SectionError('expected ":"');
        return i + 1;
      case S.Value:
        if (isWs(c)) return i + 1;
        if (!this.resumed && this.opts.pauseAt?.(this.key)) {
          this.state = S.Paused;
          return i;
        }
        this.resumed = false;
        return this.startValue(c, i);
      case S.SkipScalar:
        if (c === 0x2c || c === 0x7d) {
          this.state = S.Sep;
          return i;
        }
        return i + 1;
      case S.Done:
        if (!isWs(c)) throw new SectionError('data after the end of the snapshot');
        return i + 1;
      default:
        throw new SectionError('tokenizer state error');
    }
  }

  private startValue(c: number, i: number): number {
    const h = this.header as SnapshotHeader;
    const k = this.key;
    const isArray = c === 0x5b;
    if (isArray && (k === 'nodes' || k === 'edges' || k === 'locations')) {
      if (k === 'nodes') this.startNumbers((this.nodes = new NodeSink(h)), false);
      else if (k === 'edges') this.startNumbers((this.edges = new EdgeSink(h, this.edgeArrays ?? undefined)), false);
      else this.startNumbers((this.locations = new LocationSink(h)), false);
      return i + 1;
    }
    if (isArray && k === 'strings') {
      this.state = S.Strings;
      // The strings run to the end of the file, so the rest of the file is their size.
      const rest = this.fileSize - (this.chunkStart + i);
      this.str = Buffer.allocUnsafe(Math.max(64 * 1024, rest + 16));
      return i;
    }
    if (k === 'strings' || k === 'nodes' || k === 'edges') throw new SectionError(`"${k}" is not an array`);
    if (c === 0x5b || c === 0x7b || c === 0x22) {
      this.depth = 0;
      this.inStr = false;
      this.esc = false;
      this.state = S.Skip;
      return i;
    }
    this.state = S.SkipScalar;
    return i;
  }

  /**
   * Number arrays. Nodes and edges in V8's exact layout take the fast record path (see
   * snapshot-fast-records.ts) at every record start; whatever it leaves (a record cut by the
   * chunk's end, other whitespace, a bad value) comes here, one number at a time through the
   * sink, which checks it. Digits are read by a tight inner loop; a comma or the closing
   * bracket emits. A number cut by a chunk boundary carries over.
   */
  private scanNumbers(chunk: Buffer, from: number): number {
    const sink = this.sink as NumberSink;
    const len = chunk.length;
    let acc = this.acc;
    let digits = this.digits;
    let gap = this.gap;
    let i = from;
    if (digits === 0 && !gap) i = this.fastRecords(chunk, i);
    while (i < len) {
      let c = chunk[i];
      if (c >= 0x30 && c <= 0x39) {
        if (gap) throw new SectionError('malformed number in a number array');
        acc = acc * 10 + (c - 0x30);
        digits++;
        i++;
        while (i < len && (c = chunk[i]) >= 0x30 && c <= 0x39) {
          acc = acc * 10 + (c - 0x30);
          digits++;
          i++;
        }
        if (digits > 15) throw new SectionError('malformed number in a number array');
        continue;
      }
      if (c === 0x2c) {
        if (digits === 0) throw new SectionError('empty element in a number array');
        sink.put(acc);
        acc = 0;
        digits = 0;
        gap = false;
        this.afterComma = true;
        i = this.fastRecords(chunk, i + 1);
        continue;
      } else if (c === 0x5d) {
        if (digits > 0) sink.put(acc);
        else if (this.afterComma) throw new SectionError('trailing comma in a number array');
        return this.closeSection(sink, i);
      } else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        if (digits > 0) gap = true;
      } else throw new SectionError(`unexpected byte 0x${c.toString(16)} in a number array`);
      i++;
    }
    this.acc = acc;
    this.digits = digits;
    this.gap = gap;
    return len;
  }

  private closeSection(sink: NumberSink, i: number): number {
    const problem = sink.finish();
    if (problem) throw new SectionError(problem);
    this.acc = 0;
    this.digits = 0;
    this.gap = false;
    this.afterComma = false;
    this.state = S.Sep;
    this.sink = null;
    this.sectionEnd = this.chunkStart + i + 1;
    return i + 1;
  }

  /** Whole records at once when a nodes or edges record starts at `i` (see snapshot-fast-records.ts). */
  private fastRecords(chunk: Buffer, i: number): number {
    const h = this.header as SnapshotHeader;
    let j = i;
    if (this.sink === this.nodes && this.nodes && this.nodes.field === 0) j = fastNodeRecords(chunk, i, this.nodes, h);
    else if (this.sink === this.edges && this.edges && this.edges.field === 0) j = fastEdgeRecords(chunk, i, this.edges, h);
    // A record the fast path took ends with its comma.
    if (j > i) this.afterComma = true;
    return j;
  }

  /** Skips a value we do not use (trace tree, samples...), strings and nesting aware. */
  private scanSkip(chunk: Buffer, from: number): number {
    for (let i = from; i < chunk.length; i++) {
      const c = chunk[i];
      if (this.inStr) {
        if (this.esc) this.esc = false;
        else if (c === 0x5c) this.esc = true;
        else if (c === 0x22) {
          this.inStr = false;
          if (this.depth === 0) {
            this.state = S.Sep;
            return i + 1;
          }
        }
        continue;
      }
      if (c === 0x22) this.inStr = true;
      else if (c === 0x5b || c === 0x7b) this.depth++;
      else if (c === 0x5d || c === 0x7d) {
        if (--this.depth === 0) {
          this.state = S.Sep;
          return i + 1;
        }
      }
    }
    return chunk.length;
  }

  private appendStrings(chunk: Buffer, from: number): void {
    const n = chunk.length - from;
    if (this.strLen + n > this.str.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.str.length * 2, this.strLen + n));
      this.str.copy(bigger, 0, 0, this.strLen);
      this.str = bigger;
    }
    chunk.copy(this.str, this.strLen, from);
    this.strLen += n;
  }
}

export function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
