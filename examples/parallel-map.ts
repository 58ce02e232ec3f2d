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
import { pathToFileURL } from 'node:url';
import {
  AbortedError,
  type Column,
  DataFrame,
  type Progress,
  Random,
  WorkerPoolExecutor,
} from '../src/index.js';

export interface ParallelMapOptions {
  rows?: number;
  /** Directory for vectors.npy (default: a new temporary one). */
  out?: string;
  print?: boolean;
}

export interface ParallelMapResult {
  reviews: DataFrame;
  scored: DataFrame;
  long: DataFrame;
  vectors: Column;
  path: string;
  cancelled: boolean;
}

const fns = new URL('./parallel-map-fns.ts', import.meta.url);
const WORDS = [
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

export async function main(options: ParallelMapOptions = {}): Promise<ParallelMapResult> {
  const rows = options.rows ?? 200_000;
  const out = options.out ?? mkdtempSync(join(tmpdir(), 'tessera-parallel-'));
  const log = options.print === false ? () => {} : console.log;

  // Synthetic reviews: a few words each from a small vocabulary.
  const rng = new Random(7);
  const text = Array.from({ length: rows }, () =>
    Array.from({ length: 2 + (rng.nextUint32() % 8) }, () => WORDS[rng.nextUint32() % WORDS.length]).join(
      ' ',
    ),
  );
  const reviews = new DataFrame({ id: Int32Array.from({ length: rows }, (_, i) => i), text });

  const pool = new WorkerPoolExecutor(); // one thread per core
  try {
    // update: map whose outputs become columns. A bar shows on a terminal; events go to onProgress.
    let last = { done: 0, total: rows, rowsPerSecond: 0 } as Progress;
    const scored = await reviews.update(
      { module: fns, export: 'sentiment' },
      { batched: true, batchSize: 5000, outputs: 'sentiment', executor: pool, onProgress: (p) => (last = p) },
    );
    log(`scored ${scored.length} rows (${Math.round(last.rowsPerSecond)} rows/s)`);

    // filterAsync: a predicate that runs in the workers.
    const long = await reviews.filterAsync(
      { module: fns, export: 'isLong' },
      { executor: pool, batchSize: 5000 },
    );
    log(`${long.length} reviews of 5 words or more`);

    // embed: each worker builds its own TrigramEncoder(64); vectors stream to disk in row order.
    const path = join(out, 'vectors.npy');
    const vectors = await reviews.embed(
      'text',
      { module: fns, export: 'TrigramEncoder', args: [64] },
      { executor: pool, batchSize: 2000, output: { path, overwrite: true } },
    );
    log(`${vectors.length} vectors of 64 in ${path} (np.load reads it)`);

    // Cancel a run: it stops the threads computing it and rejects with AbortedError.
    const controller = new AbortController();
    const run = reviews.map(
      { module: fns, export: 'sentiment' },
      { batched: true, batchSize: 100, executor: pool, signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 5);
    const cancelled = await run.then(
      () => false,
      (e) => e instanceof AbortedError,
    );
    log(cancelled ? 'cancelled' : 'finished before it could be cancelled');
    return { reviews, scored, long, vectors, path, cancelled };
  } finally {
    await pool.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const rows = option('rows');
  await main({ ...(rows ? { rows: Number(rows) } : {}), ...(option('out') ? { out: option('out') } : {}) });
}
