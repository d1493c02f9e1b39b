import { open } from 'node:fs/promises';
import { labError, isLabError } from '../lab/errors.ts';
import { resolveTypeCodes, type HeapSnapshot } from './heap-snapshot.ts';
import { SectionError } from './section-sinks.ts';
import { SnapshotTokenizer, type TokenizedSnapshot } from './snapshot-tokenizer.ts';
import { indexStrings } from './strings-section.ts';
import { validateSnapshot } from './validate-snapshot.ts';

const CHUNK = 4 * 1024 * 1024;

export interface ReadOptions {
  onProgress?: (fraction: number) => void;
}

/** Streams a .heapsnapshot file into typed arrays; every failure is LAB_ERR_SNAPSHOT_FILE. */
export async function readSnapshot(file: string, opts: ReadOptions = {}): Promise<HeapSnapshot> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : `cannot be opened (${code ?? 'error'})`;
    throw labError('LAB_ERR_SNAPSHOT_FILE', `heap snapshot ${file} ${why}`, err);
  }
  let pending: ReturnType<typeof readChunk> | undefined;
  try {
    const size = (await handle.stat()).size;
    if (size === 0) throw new SectionError('the file is empty');
    const tokenizer = new SnapshotTokenizer(file, size);
    // Two buffers: the next chunk is read from disk while this one is tokenized.
    const bufs = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
    let turn = 0;
    pending = readChunk(handle, bufs[turn], file);
    let done = 0;
    let lastReport = 0;
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) break;
      const buf = bufs[turn];
      turn ^= 1;
      pending = readChunk(handle, bufs[turn], file);
      tokenizer.push(buf.subarray(0, bytesRead));
      done += bytesRead;
      if (opts.onProgress && done - lastReport >= size / 10) {
        lastReport = done;
        opts.onProgress(Math.min(1, done / size));
      }
    }
    return assemble(file, tokenizer.end());
  } catch (err) {
    if (isLabError(err)) throw err;
    if (err instanceof SectionError) throw labError('LAB_ERR_SNAPSHOT_FILE', `${file} is not a usable heap snapshot: ${err.message}`);
    if (err instanceof RangeError) throw labError('LAB_ERR_SNAPSHOT_FILE', `${file} is not a usable heap snapshot: ${err.message}`, err);
    throw err;
  } finally {
    // A read still in flight when tokenizing failed: its outcome no longer matters.
    pending?.catch(() => {});
    await handle.close();
  }
}

async function readChunk(handle: Awaited<ReturnType<typeof open>>, buf: Buffer, file: string) {
  try {
    return await handle.read(buf, 0, buf.length, null);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw labError('LAB_ERR_SNAPSHOT_FILE', `heap snapshot ${file} cannot be read (${code ?? 'error'})`, err);
  }
}

function assemble(file: string, t: TokenizedSnapshot): HeapSnapshot {
  const strings = indexStrings(t.strings);
  const h = t.header;
  const firstEdge = new Uint32Array(h.nodeCount + 1);
  let sum = 0;
  for (let i = 0; i < h.nodeCount; i++) {
    firstEdge[i] = sum;
    sum += t.nodes.edgeCount[i];
  }
  if (sum !== h.edgeCount) throw new SectionError(`node edge counts add up to ${sum}, not edge_count ${h.edgeCount}`);
  firstEdge[h.nodeCount] = sum;
  const loc = t.locations;
  const snapshot: HeapSnapshot = {
    file,
    nodeCount: h.nodeCount,
    edgeCount: h.edgeCount,
    nodeTypeNames: h.nodeTypes,
    edgeTypeNames: h.edgeTypes,
    nodeType: t.nodes.type,
    nodeName: t.nodes.name,
    nodeId: t.nodes.id,
    selfSize: t.nodes.selfSize,
    firstEdge,
    edgeType: t.edges.type,
    edgeName: t.edges.name,
    edgeTo: t.edges.to,
    strings,
    locations: {
      count: loc?.count ?? 0,
      node: loc ? loc.node.subarray(0, loc.count) : new Uint32Array(0),
      scriptId: loc ? loc.scriptId.subarray(0, loc.count) : new Uint32Array(0),
      line: loc ? loc.line.subarray(0, loc.count) : new Uint32Array(0),
      column: loc ? loc.column.subarray(0, loc.count) : new Uint32Array(0),
    },
    types: resolveTypeCodes(h.nodeTypes, h.edgeTypes),
  };
  validateSnapshot(snapshot);
  return snapshot;
}
