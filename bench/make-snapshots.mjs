// Builds a realistic service heap of a chosen size and writes three heap snapshots of this one
// process: baseline, target, final. Usage:
//   node --expose-gc --max-old-space-size=N bench/make-snapshots.mjs OUTDIR TARGET_MB
// Noise (the bulk of the heap, none of it growing):
//   - productCatalog: an array of product records with tags and descriptions, loaded once;
//   - pageCache: a bounded cache of rendered pages that churns completely between snapshots;
//   - i18nStrings: a table of long strings;
//   - per-request scratch garbage (collected before each snapshot).
// The leak: inflightByRequestId, a module-level Map keyed by request id that is written on every
// request and never deleted from. It grows by about 4% of the heap between snapshots.
// Prints one JSON line on stdout: the files and the counts.
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';

const [outDir, targetMbArg] = process.argv.slice(2);
const targetMb = Number(targetMbArg);
if (!outDir || !(targetMb > 0) || typeof globalThis.gc !== 'function') {
  console.error('usage: node --expose-gc bench/make-snapshots.mjs OUTDIR TARGET_MB');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

// Calibrated on Node 20: an empty process's snapshot is about 4 MB, and one "unit" of the heap
// below adds 0.45-0.52 KB of snapshot file (less in big heaps); the baseline, the smallest of the
// three, comes out at about TARGET_MB or a little over.
const UNITS = Math.round((Math.max(1, targetMb - 4) * 1024) / 0.45);
const CATALOG_SIZE = Math.round(UNITS * 0.35);
const CACHE_MAX = Math.round(UNITS * 0.14);
const STRING_COUNT = Math.round(UNITS * 0.02);
const LEAK_PER_PHASE = Math.max(200, Math.round(UNITS * 0.045));

let seed = 20240601;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const pick = (list) => list[Math.floor(rand() * list.length)];
const WORDS = ['lamp', 'kettle', 'chair', 'watch', 'tent', 'keyboard', 'bottle', 'speaker', 'desk', 'mug', 'cable', 'jacket'];
const COLORS = ['black', 'white', 'sage', 'oak', 'steel', 'sand', 'navy'];
const words = (n) => Array.from({ length: n }, () => pick(WORDS)).join(' ');

const productCatalog = [];
for (let i = 0; i < CATALOG_SIZE; i++) {
  productCatalog.push({
    id: i + 1,
    sku: `SKU-${String(i + 1).padStart(7, '0')}`,
    name: `${pick(COLORS)} ${words(2)} #${i}`,
    priceCents: 500 + Math.floor(rand() * 50_000),
    tags: [pick(WORDS), pick(COLORS), `batch-${i % 97}`],
    stock: { warehouse: `wh-${i % 13}`, units: Math.floor(rand() * 400) },
  });
}

const i18nStrings = Array.from({ length: STRING_COUNT }, (_, i) => `msg.${i}: ${words(40 + (i % 60))}`);

// A healthy cache: bounded, first-in first-out, and every entry of one phase is gone two phases later.
const pageCache = new Map();
function cachePut(key, product) {
  pageCache.set(key, {
    key,
    html: `<article data-sku="${product.sku}"><h1>${product.name}</h1><p>${words(20)}</p></article>`,
    headers: { etag: `W/"${key.length}-${Math.floor(rand() * 1e9).toString(16)}"`, 'cache-control': 'max-age=60' },
    renderedAt: Date.now(),
  });
  while (pageCache.size > CACHE_MAX) pageCache.delete(pageCache.keys().next().value);
}

// region: leak
const inflightByRequestId = new Map();
// endregion

let nextRequest = 0;
function handleRequest() {
  const id = `req-${(nextRequest++).toString(36)}`;
  const product = productCatalog[Math.floor(rand() * productCatalog.length)];
  cachePut(`${id}:/products/${product.id}`, product);
  const scratch = Array.from({ length: 8 }, (_, j) => ({ j, line: `${id} step ${j}` }));
  // The bug: the entry is meant to be deleted when the upstream quote answers; it never is.
  inflightByRequestId.set(id, { id, productId: product.id, user: `user-${Math.floor(rand() * 5000)}`, startedAt: Date.now(), trace: scratch.slice(0, 2) });
  return scratch.length;
}

function serve(requests) {
  for (let i = 0; i < requests; i++) handleRequest();
}

const files = [];
// Warm-up: the cache is full (and has turned over once) before the baseline.
serve(Math.round(CACHE_MAX * 1.2) - 1);
inflightByRequestId.clear();
const requestsPerPhase = Math.max(LEAK_PER_PHASE, Math.round(CACHE_MAX * 1.2));
const leakEvery = requestsPerPhase / LEAK_PER_PHASE;
for (const [i, label] of ['baseline', 'target', 'final'].entries()) {
  if (i > 0) {
    // Every request writes the map; only a share of them (the ones whose quote "times out") stays leaked.
    let kept = 0;
    for (let r = 0; r < requestsPerPhase; r++) {
      handleRequest();
      if (r + 1 >= (kept + 1) * leakEvery) kept++;
      else inflightByRequestId.delete(`req-${(nextRequest - 1).toString(36)}`);
    }
  }
  globalThis.gc();
  globalThis.gc();
  const file = join(outDir, `${label}.heapsnapshot`);
  writeHeapSnapshot(file);
  files.push({ label, file, bytes: statSync(file).size });
  process.stderr.write(`make-snapshots: ${label} ${Math.round(statSync(file).size / 1048576)} MB, leak ${inflightByRequestId.size} entries\n`);
}
const meta = { identifier: 'inflightByRequestId', targetMb, files, leakEntries: inflightByRequestId.size, cacheEntries: pageCache.size, catalog: productCatalog.length };
writeFileSync(join(outDir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(meta)}\n`);
