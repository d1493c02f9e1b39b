import { open, type FileHandle } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import type { SnapshotHeader } from './snapshot-header.ts';
import type { ParsedEdges } from './section-sinks.ts';
import { isWs, SnapshotTokenizer } from './snapshot-tokenizer.ts';

/**
 * The helper thread of edge-helper.ts. For each file it reads the header, finds the `edges`
 * array with a native byte search over the nodes (digits only: the first `"edges"` after them
 * is the key), picks a record boundary past the main thread's share of the numbers, claims the
 * edges from there to the end unless the main thread got to the edges first, parses them with
 * the same tokenizer and checks, and copies them to the tail of the main thread's shared
 * arrays. Anything odd (another layout, a bad byte, a read error) ends in `declined` or
 * `failed`: the main thread then parses those edges itself and reports the problem its way.
 */
export type EdgeJobRequest =
  | {
      type: 'job';
      id: number;
      file: string;
      /** 0 open, -1 the main thread parses all edges, > 0 the file offset this thread parses from. */
      claim: BigInt64Array;
    }
  /** The main thread reached `from` inside the edges (`into`: its shared arrays), or never will (null). */
  | { type: 'arrays'; id: number; into: ParsedEdges | null };

/** `claimed` comes as soon as this thread took its part, then `tail` or `failed`; or only `declined`. */
export type EdgeJobReply =
  | { id: number; type: 'claimed' }
  | { id: number; type: 'tail'; count: number; end: number }
  | { id: number; type: 'declined' | 'failed' };

const CHUNK = 4 * 1024 * 1024;
const KEY = Buffer.from('"edges"');
/**
 * The main thread's share of the number bytes. More than half: this thread first searches
 * for the edges and then copies its records over, and edge records cost more per byte.
 */
const MAIN_SHARE = 0.58;
/** Bytes of edge records sampled to guess where the array ends. */
const SAMPLE = 1024 * 1024;

const port = parentPort;
const arrays = new Map<number, (into: ParsedEdges | null) => void>();
const arraysFor = (id: number) => new Promise<ParsedEdges | null>((resolve) => arrays.set(id, resolve));
let queue = Promise.resolve();
port?.on('message', (msg: EdgeJobRequest) => {
  if (msg.type === 'arrays') {
    arrays.get(msg.id)?.(msg.into);
    arrays.delete(msg.id);
    return;
  }
  // One job at a time, in order.
  const into = arraysFor(msg.id);
  queue = queue.then(() => run(msg, into));
});

async function run(job: Extract<EdgeJobRequest, { type: 'job' }>, into: Promise<ParsedEdges | null>): Promise<void> {
  let reply: EdgeJobReply = { id: job.id, type: 'declined' };
  let handle: FileHandle | undefined;
  try {
    handle = await open(job.file, 'r');
    reply = await parseTail(handle, job, into);
  } catch {
    // Past the claim the main thread must go on by itself; before it, it never waits.
    reply = { id: job.id, type: Atomics.load(job.claim, 0) > 0n ? 'failed' : 'declined' };
  } finally {
    await handle?.close().catch(() => {});
  }
  // Whatever the main thread sends for this job from now on is moot.
  arrays.delete(job.id);
  port?.postMessage(reply);
}

async function parseTail(handle: FileHandle, job: Extract<EdgeJobRequest, { type: 'job' }>, into: Promise<ParsedEdges | null>): Promise<EdgeJobReply> {
  const declined: EdgeJobReply = { id: job.id, type: 'declined' };
  const size = (await handle.stat()).size;
  const t = new SnapshotTokenizer(job.file, size, { pauseAt: () => true });
  const buf = Buffer.allocUnsafe(CHUNK);
  // The header, up to the first section's value.
  while (t.paused === null) {
    const { bytesRead } = await handle.read(buf, 0, CHUNK, t.offset);
    if (bytesRead === 0) return declined;
    t.push(buf.subarray(0, bytesRead));
  }
  const nodesAt = t.offset;
  if (t.paused !== 'nodes' || Atomics.load(job.claim, 0) !== 0n) return declined;
  const h = t.headerInfo as SnapshotHeader;
  // The search starts a little short of where the nodes' own sample says they end; the key
  // can only be missed if the guess overshot, and then the search starts over at the nodes.
  const guess = await nodesEndGuess(handle, buf, nodesAt, h.nodeCount);
  let edgesAt = guess > nodesAt ? await findEdges(handle, buf, guess) : -1;
  if (edgesAt < 0) edgesAt = await findEdges(handle, buf, nodesAt);
  if (edgesAt < 0) return declined;
  const from = await splitPoint(handle, buf, nodesAt, edgesAt, h.edgeCount);
  if (from < 0 || Atomics.compareExchange(job.claim, 0, 0n, BigInt(from)) !== 0n) return declined;
  port?.postMessage({ id: job.id, type: 'claimed' } satisfies EdgeJobReply);
  t.jumpIntoEdges(from);
  while (t.edgesDone === null) {
    const { bytesRead } = await handle.read(buf, 0, CHUNK, t.offset);
    if (bytesRead === 0) throw new Error('the edges run to the end of the file');
    t.push(buf.subarray(0, bytesRead));
    if (t.paused !== null && t.edgesDone === null) throw new Error('not an edges record');
  }
  const tail = t.edgesDone;
  const count = tail.index;
  // Written only once the main thread has stopped at `from`, inside the same edges array.
  const shared = await into;
  if (!shared) return declined;
  const at = shared.type.length - count;
  if (at < 0) throw new Error('more edges than edge_count');
  shared.type.set(tail.type.subarray(0, count), at);
  shared.name.set(tail.name.subarray(0, count), at);
  shared.to.set(tail.to.subarray(0, count), at);
  return { id: job.id, type: 'tail', count, end: t.sectionEnd };
}

/** Records per byte in a sample of an array's first records (V8 ends each record with a newline), or 0. */
async function recordsPerByte(handle: FileHandle, buf: Buffer, at: number): Promise<number> {
  const { bytesRead } = await handle.read(buf, 0, SAMPLE, at);
  const sample = buf.subarray(0, bytesRead);
  let records = 0;
  for (let i = sample.indexOf(0x0a); i >= 0; i = sample.indexOf(0x0a, i + 1)) records++;
  return records < 16 ? 0 : records / bytesRead;
}

/** 90% of the way to where the nodes would end at the sampled record length (later ids are longer), or -1. */
async function nodesEndGuess(handle: FileHandle, buf: Buffer, nodesAt: number, nodeCount: number): Promise<number> {
  const rate = await recordsPerByte(handle, buf, nodesAt);
  return rate > 0 ? Math.floor(nodesAt + (0.9 * nodeCount) / rate) : -1;
}

/** File offset of the `[` that opens the edges array, or -1. */
async function findEdges(handle: FileHandle, buf: Buffer, from: number): Promise<number> {
  let pos = from;
  for (;;) {
    const { bytesRead } = await handle.read(buf, 0, CHUNK, pos);
    if (bytesRead < KEY.length) return -1;
    const at = buf.subarray(0, bytesRead).indexOf(KEY);
    if (at >= 0) {
      // `"edges"`, optional whitespace, `:`, optional whitespace, `[`.
      const { bytesRead: n } = await handle.read(buf, 0, 256, pos + at + KEY.length);
      let i = 0;
      while (i < n && isWs(buf[i])) i++;
      if (buf[i] !== 0x3a) return -1;
      i++;
      while (i < n && isWs(buf[i])) i++;
      return buf[i] === 0x5b ? pos + at + KEY.length + i : -1;
    }
    // The key may straddle this read's end.
    pos += bytesRead - (KEY.length - 1);
  }
}

/**
 * Where this thread starts: the first record (after V8's `\n,` record separator) past the
 * main thread's share of the nodes and edges together, the edges' end guessed from a sample of their
 * records. Never before the first edge; -1 without record separators.
 */
async function splitPoint(handle: FileHandle, buf: Buffer, nodesAt: number, edgesAt: number, edgeCount: number): Promise<number> {
  const rate = await recordsPerByte(handle, buf, edgesAt);
  if (rate === 0) return -1;
  const edgesEnd = edgesAt + edgeCount / rate;
  const middle = Math.max(edgesAt + 1, Math.floor(nodesAt + (edgesEnd - nodesAt) * MAIN_SHARE));
  if (middle === edgesAt + 1) return middle;
  const { bytesRead: n } = await handle.read(buf, 0, 4096, middle);
  const at = buf.subarray(0, n).indexOf('\n,');
  return at < 0 ? -1 : middle + at + 2;
}
