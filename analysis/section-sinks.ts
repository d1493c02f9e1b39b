import type { SnapshotHeader } from './snapshot-header.ts';
import { arena } from './typed-arena.ts';

/** Receives the numbers of one array section, one at a time, straight into typed arrays. */
export interface NumberSink {
  put(v: number): void;
  /** Called at the closing bracket; returns a problem description or null. */
  finish(): string | null;
}

/** Thrown by sinks on impossible values; the tokenizer turns it into a LabError naming the file. */
export class SectionError extends Error {}

const U32_MAX = 0xffffffff;

export class NodeSink implements NumberSink {
  readonly type: Uint8Array;
  readonly name: Uint32Array;
  readonly id: Uint32Array;
  readonly selfSize: Uint32Array;
  readonly edgeCount: Uint32Array;
  /** Position of the next number; the fast record path (snapshot-fast-records.ts) reads and writes these too. */
  field = 0;
  ordinal = 0;

  constructor(private readonly h: SnapshotHeader) {
    const n = h.nodeCount;
    [this.type, this.name, this.id, this.selfSize, this.edgeCount] = arena([['u8', n], ['u32', n], ['u32', n], ['u32', n], ['u32', n]] as const);
  }

  put(v: number): void {
    const o = this.ordinal;
    if (o >= this.h.nodeCount) throw new SectionError('more nodes than node_count');
    const role = this.h.nodeRoles[this.field];
    if (role >= 0) {
      if (v > U32_MAX) throw new SectionError(`node field value ${v} out of range`);
      if (role === 0) {
        if (v >= this.h.nodeTypes.length) throw new SectionError(`unknown node type ${v}`);
        this.type[o] = v;
      } else if (role === 1) this.name[o] = v;
      else if (role === 2) this.id[o] = v;
      else if (role === 3) this.selfSize[o] = v;
      else this.edgeCount[o] = v;
    }
    if (++this.field === this.h.nodeFieldCount) {
      this.field = 0;
      this.ordinal++;
    }
  }


  finish(): string | null {
    if (this.field !== 0 || this.ordinal !== this.h.nodeCount) {
      return `nodes holds ${this.ordinal} of ${this.h.nodeCount} nodes`;
    }
    return null;
  }
}

/** Arrays for an `edges` section (edge_count long), and the record its writing starts at. */
export interface ParsedEdges {
  type: Uint8Array;
  name: Uint32Array;
  to: Uint32Array;
  count: number;
}

export function edgeArrays(edgeCount: number, shared = false): ParsedEdges {
  const [type, name, to] = arena([['u8', edgeCount], ['u32', edgeCount], ['u32', edgeCount]] as const, shared);
  return { type, name, to, count: 0 };
}

export class EdgeSink implements NumberSink {
  readonly type: Uint8Array;
  readonly name: Uint32Array;
  readonly to: Uint32Array;
  field = 0;
  index = 0;
  /** A tail of the section parsed by a helper thread: any count is fine (see finishEdges). */
  partial = false;
  private readonly nodeSpan: number;
  // Copied out of the header: one property load each in the per-number path.
  private readonly roles: Int8Array;
  private readonly nf: number;
  private readonly ef: number;
  private readonly edgeTotal: number;

  /** `into`: arrays to write into (shared with a helper thread), from record `count` on. */
  constructor(
    private readonly h: SnapshotHeader,
    into: ParsedEdges = edgeArrays(h.edgeCount),
  ) {
    ({ type: this.type, name: this.name, to: this.to, count: this.index } = into);
    this.nodeSpan = h.nodeCount * h.nodeFieldCount;
    this.roles = h.edgeRoles;
    this.nf = h.nodeFieldCount;
    this.ef = h.edgeFieldCount;
    this.edgeTotal = h.edgeCount;
  }

  put(v: number): void {
    const i = this.index;
    if (i >= this.edgeTotal) throw new SectionError('more edges than edge_count');
    const role = this.roles[this.field];
    if (role === 0) {
      if (v >= this.h.edgeTypes.length) throw new SectionError(`unknown edge type ${v}`);
      this.type[i] = v;
    } else if (role === 1) {
      if (v > U32_MAX) throw new SectionError(`edge name ${v} out of range`);
      this.name[i] = v;
    } else if (role === 2) {
      // to_node is an offset into `nodes`, so it must land on a node's first field.
      const ordinal = v / this.nf;
      if (v >= this.nodeSpan || ordinal !== Math.floor(ordinal)) throw new SectionError(`edge to_node ${v} is not a node`);
      this.to[i] = ordinal;
    }
    if (++this.field === this.ef) {
      this.field = 0;
      this.index++;
    }
  }


  finish(): string | null {
    if (this.field !== 0 || (!this.partial && this.index !== this.h.edgeCount)) return `edges holds ${this.index} of ${this.h.edgeCount} edges`;
    return null;
  }
}

/** Locations have no count in the header, so these arrays grow. */
export class LocationSink implements NumberSink {
  node = new Uint32Array(1024);
  scriptId = new Uint32Array(1024);
  line = new Uint32Array(1024);
  column = new Uint32Array(1024);
  count = 0;
  private field = 0;

  constructor(private readonly h: SnapshotHeader) {}

  put(v: number): void {
    if (this.count === this.node.length) this.grow();
    const role = this.h.locationRoles[this.field];
    const i = this.count;
    if (v > U32_MAX) throw new SectionError(`location value ${v} out of range`);
    if (role === 0) {
      if (v >= this.h.nodeCount * this.h.nodeFieldCount || v % this.h.nodeFieldCount !== 0) {
        throw new SectionError(`location object_index ${v} is not a node`);
      }
      this.node[i] = v / this.h.nodeFieldCount;
    } else if (role === 1) this.scriptId[i] = v;
    else if (role === 2) this.line[i] = v;
    else if (role === 3) this.column[i] = v;
    if (++this.field === this.h.locationFieldCount) {
      this.field = 0;
      this.count++;
    }
  }


  finish(): string | null {
    return this.field === 0 ? null : 'locations ends inside a record';
  }

  private grow(): void {
    const g = (a: Uint32Array) => {
      const b = new Uint32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.node = g(this.node);
    this.scriptId = g(this.scriptId);
    this.line = g(this.line);
    this.column = g(this.column);
  }
}
