import { labError } from '../lab/errors.ts';

/** Where each field we need sits in the flat `nodes`/`edges`/`locations` arrays, from the meta. */
export interface SnapshotHeader {
  nodeCount: number;
  edgeCount: number;
  nodeFieldCount: number;
  edgeFieldCount: number;
  locationFieldCount: number;
  /** Role of each node field: see NODE_ROLES; -1 for fields we skip. */
  nodeRoles: Int8Array;
  edgeRoles: Int8Array;
  locationRoles: Int8Array;
  nodeTypes: string[];
  edgeTypes: string[];
}

export const NODE_ROLES = ['type', 'name', 'id', 'self_size', 'edge_count'] as const;
export const EDGE_ROLES = ['type', 'name_or_index', 'to_node'] as const;
export const LOCATION_ROLES = ['object_index', 'script_id', 'line', 'column'] as const;

// V8 snapshots have a few million nodes; far past that the header is lying or corrupt.
const MAX_COUNT = 2 ** 31;

export function parseHeader(file: string, json: string): SnapshotHeader {
  const bad = (why: string) => labError('LAB_ERR_SNAPSHOT_FILE', `${file} is not a V8 heap snapshot: ${why}`);
  let root: unknown;
  try {
    root = JSON.parse(json);
  } catch {
    throw bad('its "snapshot" header is not valid JSON');
  }
  const snap = (root as { snapshot?: unknown } | null)?.snapshot as Record<string, unknown> | undefined;
  if (!snap || typeof snap !== 'object') throw bad('no "snapshot" header');
  const meta = snap.meta as Record<string, unknown> | undefined;
  if (!meta || typeof meta !== 'object') throw bad('no "meta" in the header');
  const nodeCount = snap.node_count;
  const edgeCount = snap.edge_count;
  if (!isCount(nodeCount) || !isCount(edgeCount) || nodeCount < 1) throw bad('bad node_count or edge_count');
  const nodeFields = stringList(meta.node_fields);
  const edgeFields = stringList(meta.edge_fields);
  const locationFields = stringList(meta.location_fields) ?? [...LOCATION_ROLES];
  if (!nodeFields || !edgeFields) throw bad('meta lacks node_fields or edge_fields');
  const nodeTypes = stringList((meta.node_types as unknown[] | undefined)?.[nodeFields.indexOf('type')]);
  const edgeTypes = stringList((meta.edge_types as unknown[] | undefined)?.[edgeFields.indexOf('type')]);
  if (!nodeTypes || !edgeTypes) throw bad('meta lacks node_types or edge_types');
  const nodeRoles = roles(nodeFields, NODE_ROLES);
  const edgeRoles = roles(edgeFields, EDGE_ROLES);
  const locationRoles = roles(locationFields, LOCATION_ROLES);
  if (!nodeRoles || !edgeRoles || !locationRoles) throw bad('meta lacks a required node, edge or location field');
  return {
    nodeCount,
    edgeCount,
    nodeFieldCount: nodeFields.length,
    edgeFieldCount: edgeFields.length,
    locationFieldCount: locationFields.length,
    nodeRoles,
    edgeRoles,
    locationRoles,
    nodeTypes,
    edgeTypes,
  };
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < MAX_COUNT;
}

function stringList(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
}

function roles(fields: string[], wanted: readonly string[]): Int8Array | undefined {
  const out = new Int8Array(fields.length).fill(-1);
  for (let r = 0; r < wanted.length; r++) {
    const at = fields.indexOf(wanted[r]);
    if (at < 0) return undefined;
    out[at] = r;
  }
  return out;
}
