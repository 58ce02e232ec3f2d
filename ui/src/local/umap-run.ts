/**
 * The tab's UMAP layout (umap-js) as its UMAP worker (umap-worker.ts) computes it, and the
 * messages that carry it: the worker gets the rows, posts progress every few epochs, then the
 * layout or the error. Seeded with the same generator and options as the server's worker thread
 * (src/node/server/umap-layout.ts), so the same rows give the same bytes in the tab and on the server
 * wherever Math.exp, Math.log and Math.pow round as the server's do (Node 20's V8 and Chromium 156's
 * differ in the last bit for some arguments, and UMAP's epochs amplify that).
 */
import { UMAP } from 'umap-js';
import { type SerializedError, serializeError } from '../../../src/core/exec/worker-protocol.js';
import { mulberry32 } from '../../../src/core/mulberry32.js';

/** What the worker is asked: float64 rows `[rows, dims]` (a buffer transferred to it). */
export interface UmapRequest {
  data: ArrayBuffer;
  rows: number;
  dims: number;
}

/** What the worker posts: progress (epochs done and in all), then `x, y` per row as float32, or the error. */
export type UmapReply =
  | { kind: 'progress'; done: number; total: number }
  | { kind: 'done'; xy: ArrayBuffer }
  | { kind: 'failed'; error: SerializedError };

/** Compute the layout `request` asks for, posting its progress and then its result or error. */
export function answerUmapRequest(
  request: UmapRequest,
  post: (reply: UmapReply, transfer: ArrayBuffer[]) => void,
): void {
  try {
    const xy = umapLayoutOf(new Float64Array(request.data), request.rows, request.dims, (done, total) =>
      post({ kind: 'progress', done, total }, []),
    );
    post({ kind: 'done', xy: xy.buffer as ArrayBuffer }, [xy.buffer as ArrayBuffer]);
  } catch (e) {
    post({ kind: 'failed', error: serializeError(e) }, []);
  }
}

/** The rows of `data` (`[rows, dims]`, at least 3) laid out in 2-D: `x, y` interleaved, in row order. */
function umapLayoutOf(
  data: Float64Array,
  rows: number,
  dims: number,
  onProgress: (done: number, total: number) => void,
): Float32Array {
  const vectors: number[][] = [];
  for (let i = 0; i < rows; i++) vectors.push(Array.from(data.subarray(i * dims, (i + 1) * dims)));
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.max(2, Math.min(15, rows - 1)),
    random: mulberry32(1),
  });
  const epochs = umap.initializeFit(vectors);
  const every = Math.max(1, Math.floor(epochs / 20));
  for (let e = 0; e < epochs; e++) {
    umap.step();
    if ((e + 1) % every === 0) onProgress(e + 1, epochs);
  }
  const out = new Float32Array(rows * 2);
  umap.getEmbedding().forEach((p, i) => {
    out[2 * i] = p[0];
    out[2 * i + 1] = p[1];
  });
  return out;
}
