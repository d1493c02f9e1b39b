import { open } from 'node:fs/promises';
import { labError, isLabError } from '../lab/errors.ts';
import { resolveTypeCodes, type HeapSnapshot } from './heap-snapshot.ts';
import type { SnapshotHeader } from './snapshot-header.ts';
import { SectionError } from './section-sinks.ts';
import { SnapshotTokenizer, type TokenizedSnapshot } from './snapshot-tokenizer.ts';
import { indexStrings } from './strings-section.ts';
import { validateSnapshot } from './validate-snapshot.ts';
import { fixUpEdges } from './edge-fixups.ts';
import type { EdgeHelper, EdgeJob } from './edge-helper.ts';

const CHUNK = 4 * 1024 * 1024;

export interface ReadOptions {
  onProgress?: (fraction: number) => void;
  /** A helper thread that parses the tail of the number arrays meanwhile (see edge-helper.ts). */
  edges?: EdgeHelper | null;
  /** Start parsing only once the helper has claimed its part or declined (a split every time: for tests). */
  awaitHelper?: boolean;
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
  let job: EdgeJob | null = null;
  try {
    const size = (await handle.stat()).size;
    if (size === 0) throw new SectionError('the file is empty');
    let tokenizer: SnapshotTokenizer;
    job = opts.edges?.begin(file, () => (tokenizer.headerInfo as SnapshotHeader).edgeCount) ?? null;
    tokenizer = new SnapshotTokenizer(file, size, job ? { pauseAt: (key) => key === 'edges' } : {});
    if (job && opts.awaitHelper) await job.decided;
    // Two buffers: the next chunk is read from disk while this one is tokenized.
    const bufs = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
    let turn = 0;
    let pos = 0;
    /** Where the helper thread's part of the edges starts, while this thread parses the part before it. */
    let stopAt = -1;
    pending = readChunk(handle, bufs[turn], pos, file);
    let lastReport = 0;
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) break;
      const buf = bufs[turn];
      turn ^= 1;
      const chunk = buf.subarray(0, stopAt >= 0 ? Math.min(bytesRead, stopAt - pos) : bytesRead);
      pos += chunk.length;
      pending = readChunk(handle, bufs[turn], pos, file);
      tokenizer.push(chunk);
      let moved = false;
      if (job && tokenizer.paused === 'edges') {
        const claim = job.claim();
        tokenizer.resumeEdges(claim === -1 ? undefined : claim.into);
        if (claim !== -1) stopAt = claim.from;
        moved = true;
      } else if (job && stopAt >= 0 && (pos === stopAt || tokenizer.edgesDone)) {
        // At the helper's part, or the edges ended before it, or the helper's start is not a
        // record start here (newlines that do not end records): then the helper writes nothing.
        if (pos === stopAt && tokenizer.atEdgeRecord) {
          const tail = await job.tail();
          if (tail) tokenizer.finishEdges(tail.count, tail.end);
        } else job.drop();
        stopAt = -1;
        moved = true;
      }
      if (moved) {
        // Go on from where the tokenizer is: the read in flight is moot.
        await pending;
        pos = tokenizer.offset;
        pending = readChunk(handle, bufs[turn], pos, file);
      }
      if (opts.onProgress && pos - lastReport >= size / 10) {
        lastReport = pos;
        opts.onProgress(Math.min(1, pos / size));
      }
    }
    return assemble(file, tokenizer.end());
  } catch (err) {
    if (isLabError(err)) throw err;
    if (err instanceof SectionError) throw labError('LAB_ERR_SNAPSHOT_FILE', `${file} is not a usable heap snapshot: ${err.message}`);
    if (err instanceof RangeError) throw labError('LAB_ERR_SNAPSHOT_FILE', `${file} is not a usable heap snapshot: ${err.message}`, err);
    throw err;
  } finally {
    // Whatever happened, the helper is not left waiting for this file.
    job?.drop();
    // A read still in flight when tokenizing failed: its outcome no longer matters.
    pending?.catch(() => {});
    await handle.close();
  }
}

async function readChunk(handle: Awaited<ReturnType<typeof open>>, buf: Buffer, pos: number, file: string) {
  try {
    return await handle.read(buf, 0, buf.length, pos);
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
  fixUpEdges(snapshot);
  return snapshot;
}
