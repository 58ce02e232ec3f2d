/**
 * A 2-D UMAP layout (umap-js) computed in a worker thread, so the server keeps answering while it
 * runs: the rows go over as one transferred array, progress comes back per few epochs, and
 * aborting terminates the thread. Seeded, so the same rows give the same layout.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { AbortedError, WorkerCrashedError } from '../../core/errors.js';
import { mulberry32 } from '../../core/mulberry32.js';

/** Options of {@link umapLayout}. */
export interface UmapLayoutOptions {
  /** Called with the epochs done and the epochs in all. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /** Neighbours per point (default 15, fewer for tiny inputs). */
  neighbors?: number;
  seed?: number;
}

// Plain JavaScript run with `eval`: no TypeScript loader needed in the thread. The generator is
// core's mulberry32, by its source text, as the in-tab layout uses it.
const UMAP_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { UMAP } = require(workerData.module);
const { rows, dims, neighbors, seed } = workerData;
const data = new Float64Array(workerData.data);
const random = (${mulberry32.toString()})(seed);
const vectors = [];
for (let i = 0; i < rows; i++) vectors.push(Array.from(data.subarray(i * dims, (i + 1) * dims)));
const umap = new UMAP({ nComponents: 2, nNeighbors: neighbors, random });
const epochs = umap.initializeFit(vectors);
const every = Math.max(1, Math.floor(epochs / 20));
for (let e = 0; e < epochs; e++) {
  umap.step();
  if ((e + 1) % every === 0) parentPort.postMessage({ progress: e + 1, total: epochs });
}
const out = new Float32Array(rows * 2);
umap.getEmbedding().forEach((p, i) => { out[2 * i] = p[0]; out[2 * i + 1] = p[1]; });
parentPort.postMessage({ result: out.buffer }, [out.buffer]);
`;

/** The rows of `data` (`[rows, dims]`) laid out in 2-D by UMAP: `x, y` interleaved, in row order. */
export function umapLayout(
  data: ArrayLike<number>,
  rows: number,
  dims: number,
  options: UmapLayoutOptions = {},
): Promise<Float32Array> {
  if (rows < 3) return Promise.resolve(new Float32Array(rows * 2)); // nothing to lay out
  const copy = Float64Array.from(data as ArrayLike<number>);
  const neighbors = Math.max(2, Math.min(options.neighbors ?? 15, rows - 1));
  const worker = new Worker(UMAP_WORKER, {
    eval: true,
    workerData: {
      module: createRequire(import.meta.url).resolve('umap-js'),
      data: copy.buffer,
      rows,
      dims,
      neighbors,
      seed: options.seed ?? 1,
    },
    transferList: [copy.buffer],
  });
  return new Promise<Float32Array>((resolve, reject) => {
    const abort = () => {
      void worker.terminate();
      reject(new AbortedError('the UMAP layout was cancelled'));
    };
    if (options.signal?.aborted) return abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    const settle = () => options.signal?.removeEventListener('abort', abort);
    worker.on('message', (m: { progress?: number; total?: number; result?: ArrayBuffer }) => {
      if (m.result !== undefined) {
        settle();
        resolve(new Float32Array(m.result));
        void worker.terminate();
      } else if (m.progress !== undefined) options.onProgress?.(m.progress, m.total ?? m.progress);
    });
    worker.on('error', (e) => {
      settle();
      reject(
        new WorkerCrashedError(null, `the UMAP worker failed: ${e instanceof Error ? e.message : String(e)}`),
      );
    });
    worker.on('exit', (code) => {
      settle();
      reject(
        new WorkerCrashedError(code, `the UMAP worker exited (code ${code}) before its layout was done`),
      );
    });
  });
}
