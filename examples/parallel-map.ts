/**
 * Run map, filter, update and embed on a pool of worker threads, with a progress bar, a way to
 * cancel, and the embeddings streamed to an `.npy` file (numpy reads it) instead of memory.
 *
 *   npx tsx examples/parallel-map.ts [--rows 200000] [--out DIR]
 *
 * Functions that run in workers are named by module and export (examples/parallel-map-fns.ts);
 * the same names also run inline. Each worker builds its own encoder from `{ module, export, args }`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AbortedError, DataFrame, type Progress, Random, WorkerPoolExecutor } from '../src/index.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const rows = Number(option('rows', '200000'));
const out = option('out', mkdtempSync(join(tmpdir(), 'tessera-parallel-')));
const fns = new URL('./parallel-map-fns.ts', import.meta.url);

// Synthetic reviews: a few words each from a small vocabulary.
const words = [
  'good',
  'bad',
  'great',
  'awful',
  'food',
  'service',
  'love',
  'hate',
  'the',
  'was',
  'fine',
  'poor',
];
const rng = new Random(7);
const text = Array.from({ length: rows }, () =>
  Array.from({ length: 2 + (rng.nextUint32() % 8) }, () => words[rng.nextUint32() % words.length]).join(' '),
);
const df = new DataFrame({ id: Int32Array.from({ length: rows }, (_, i) => i), text });

const pool = new WorkerPoolExecutor(); // one thread per core
try {
  // update: map whose outputs become columns. A bar shows on a terminal; events go to onProgress.
  let last = { done: 0, total: rows, rowsPerSecond: 0 } as Progress;
  const scored = await df.update(
    { module: fns, export: 'sentiment' },
    { batched: true, batchSize: 5000, outputs: 'sentiment', executor: pool, onProgress: (p) => (last = p) },
  );
  console.log(`scored ${scored.length} rows (${Math.round(last.rowsPerSecond)} rows/s)`);

  // filter with a predicate that runs in the workers.
  const long = await df.filter({ module: fns, export: 'isLong' }, { executor: pool, batchSize: 5000 });
  console.log(`${long.length} reviews of 5 words or more`);

  // embed: each worker builds its own TrigramEncoder(64); vectors stream to disk in row order.
  const path = join(out, 'vectors.npy');
  const vectors = await df.embed(
    'text',
    { module: fns, export: 'TrigramEncoder', args: [64] },
    { executor: pool, batchSize: 2000, output: { path, overwrite: true } },
  );
  console.log(
    `${vectors.length} vectors of 64 in ${path} (np.load reads it); row 0:`,
    (vectors.get(0) as Float32Array).slice(0, 4),
  );

  // Cancel a run: it stops the threads computing it and rejects with AbortedError.
  const controller = new AbortController();
  const run = df.map(
    { module: fns, export: 'sentiment' },
    { batched: true, batchSize: 1000, executor: pool, signal: controller.signal },
  );
  setTimeout(() => controller.abort(), 5);
  await run.catch((e) => console.log(e instanceof AbortedError ? 'cancelled' : e));
} finally {
  await pool.close();
}
