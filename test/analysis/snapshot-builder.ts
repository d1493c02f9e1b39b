import { writeFileSync } from 'node:fs';

/**
 * Builds tiny but valid V8 .heapsnapshot files (same meta and layout as Node 20 writes) so
 * tests can state a graph and know its dominators, retained sizes and paths by hand.
 */
const NODE_TYPES = ['hidden', 'array', 'string', 'object', 'code', 'closure', 'regexp', 'number', 'native', 'synthetic', 'concatenated string', 'sliced string', 'symbol', 'bigint', 'object shape', 'wasm object'];
const EDGE_TYPES = ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'];
const NODE_FIELDS = ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'];

export type NodeType = 'hidden' | 'array' | 'string' | 'object' | 'code' | 'closure' | 'number' | 'native' | 'synthetic' | 'concatenated string';
export type EdgeType = 'context' | 'element' | 'property' | 'internal' | 'hidden' | 'shortcut' | 'weak';

interface BNode { type: NodeType; name: string; id: number; size: number; edges: { type: EdgeType; name: string | number; to: number }[] }

export class SnapshotBuilder {
  private readonly nodes: BNode[] = [];
  private readonly locations: number[][] = [];
  private nextId = 1;
  readonly root: number;
  readonly gcRoots: number;

  constructor(firstId = 1) {
    this.nextId = firstId;
    this.root = this.node('synthetic', '', 0, 1);
    this.gcRoots = this.node('synthetic', '(GC roots)', 0, 3);
    this.edge(this.root, 'element', 1, this.gcRoots);
  }

  /** Adds a node; ids default to the next odd number, as V8 gives heap objects. */
  node(type: NodeType, name: string, size: number, id?: number): number {
    if (id === undefined) {
      if (this.nextId % 2 === 0) this.nextId++;
      while (this.nodes.some((n) => n.id === this.nextId)) this.nextId += 2;
      id = this.nextId;
      this.nextId += 2;
    }
    this.nodes.push({ type, name, id, size, edges: [] });
    return this.nodes.length - 1;
  }

  edge(from: number, type: EdgeType, name: string | number, to: number): this {
    this.nodes[from].edges.push({ type, name, to });
    return this;
  }

  /** Links `nodes` in a ring as Node's lists are: each to the next by `_idleNext` and back by `_idlePrev`, the last to the first. */
  ring(nodes: readonly number[]): this {
    const n = nodes.length;
    nodes.forEach((x, i) => this.edge(x, 'property', '_idleNext', nodes[(i + 1) % n]).edge(x, 'property', '_idlePrev', nodes[(i + n - 1) % n]));
    return this;
  }

  location(node: number, scriptId: number, line: number, column: number): this {
    this.locations.push([node, scriptId, line, column]);
    return this;
  }

  idOf(node: number): number {
    return this.nodes[node].id;
  }

  toJSON(): string {
    const strings: string[] = [];
    const index = new Map<string, number>();
    const str = (s: string) => {
      let i = index.get(s);
      if (i === undefined) {
        i = strings.length;
        strings.push(s);
        index.set(s, i);
      }
      return i;
    };
    str('');
    const nf = NODE_FIELDS.length;
    const nodes: number[] = [];
    const edges: number[] = [];
    for (const n of this.nodes) {
      nodes.push(NODE_TYPES.indexOf(n.type), str(n.name), n.id, n.size, n.edges.length, 0, 0);
      for (const e of n.edges) {
        const byIndex = e.type === 'element' || e.type === 'hidden';
        edges.push(EDGE_TYPES.indexOf(e.type), byIndex ? Number(e.name) : str(String(e.name)), e.to * nf);
      }
    }
    const meta = {
      node_fields: NODE_FIELDS,
      node_types: [NODE_TYPES, 'string', 'number', 'number', 'number', 'number', 'number'],
      edge_fields: ['type', 'name_or_index', 'to_node'],
      edge_types: [EDGE_TYPES, 'string_or_number', 'node'],
      trace_function_info_fields: ['function_id', 'name', 'script_name', 'script_id', 'line', 'column'],
      trace_node_fields: ['id', 'function_info_index', 'count', 'size', 'children'],
      sample_fields: ['timestamp_us', 'last_assigned_id'],
      location_fields: ['object_index', 'script_id', 'line', 'column'],
    };
    const head = JSON.stringify({ meta, node_count: this.nodes.length, edge_count: edges.length / 3, trace_function_count: 0 });
    const locs = this.locations.map(([n, s, l, c]) => [n * nf, s, l, c].join(',')).join(',\n');
    return (
      `{"snapshot":${head},\n"nodes":[${rows(nodes, nf)}],\n"edges":[${rows(edges, 3)}],\n` +
      `"trace_function_infos":[],\n"trace_tree":[],\n"samples":[],\n"locations":[${locs}],\n` +
      `"strings":[${strings.map((s) => JSON.stringify(s)).join(',\n')}]}`
    );
  }

  write(file: string): string {
    writeFileSync(file, this.toJSON());
    return file;
  }
}

/** V8 puts one node or edge per line, with the comma leading the next line. */
function rows(values: number[], width: number): string {
  const out: string[] = [];
  for (let i = 0; i < values.length; i += width) out.push(values.slice(i, i + width).join(','));
  return out.join('\n,');
}
