/**
 * A 2-D UMAP layout (umap-js) in the in-tab worker, which is already off the page's thread: the
 * epochs run in steps that yield to the worker's event loop, so row windows and cancellations are
 * answered meanwhile. Seeded with the same generator (core's mulberry32) and options as the server's
 * worker thread (src/node/server/umap-layout.ts), so the same rows give the same layout in the tab
 * and on the server.
 */
import { UMAP } from 'umap-js';
import { AbortedError } from '../../../src/core/errors.js';
import { intervalYield } from '../../../src/core/exec/event-loop-yield.js';
import { mulberry32 } from '../../../src/core/mulberry32.js';

/** The rows of `data` (`[rows, dims]`) laid out in 2-D: `x, y` interleaved, in row order. */
export async function umapInTab(
  data: Float64Array,
  rows: number,
  dims: number,
  onProgress: (done: number, total: number) => void,
  signal: AbortSignal,
): Promise<Float32Array> {
  if (rows < 3) return new Float32Array(rows * 2); // nothing to lay out
  const vectors: number[][] = [];
  for (let i = 0; i < rows; i++) vectors.push(Array.from(data.subarray(i * dims, (i + 1) * dims)));
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.max(2, Math.min(15, rows - 1)),
    random: mulberry32(1),
  });
  const yielder = intervalYield();
  const epochs = umap.initializeFit(vectors);
  const every = Math.max(1, Math.floor(epochs / 20));
  for (let e = 0; e < epochs; e++) {
    umap.step();
    if ((e + 1) % every === 0) onProgress(e + 1, epochs);
    await yielder();
    if (signal.aborted) throw new AbortedError('the UMAP layout was cancelled');
  }
  const out = new Float32Array(rows * 2);
  umap.getEmbedding().forEach((p, i) => {
    out[2 * i] = p[0];
    out[2 * i + 1] = p[1];
  });
  return out;
}
