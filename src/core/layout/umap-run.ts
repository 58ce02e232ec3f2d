/**
 * The app's UMAP layout (umap-js), the one run both the server's worker thread
 * (src/node/server/umap-worker.ts) and the tab's UMAP Web Worker (ui/src/local/umap-worker.ts)
 * compute, and the messages that carry it: the thread gets the rows, posts progress every few
 * epochs, then the layout or the error. Seeded with core's mulberry32, so the same rows give the
 * same bytes on the server and in the tab wherever Math.exp, Math.log and Math.pow round alike
 * (Node 20's V8 and Chromium 156's differ in the last bit for some arguments, and UMAP's epochs
 * amplify that).
 */
import { UMAP } from 'umap-js';
import { type SerializedError, serializeError } from '../exec/worker-protocol.js';
import { mulberry32 } from '../mulberry32.js';

/** Fewest rows UMAP lays out; fewer are all put at the origin without running it. */
export const MIN_UMAP_ROWS = 3;

/** What the thread is asked: float64 rows `[rows, dims]` (a buffer transferred to it). */
export interface UmapRequest {
  data: ArrayBuffer;
  rows: number;
  dims: number;
  /** Neighbours per point (default 15, fewer for tiny inputs). */
  neighbors?: number;
  /** The generator's seed (default 1). */
  seed?: number;
}

/** What the thread posts: progress (epochs done and in all), then `x, y` per row as float32, or the error. */
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
    const xy = umapRun(new Float64Array(request.data), request, (done, total) =>
      post({ kind: 'progress', done, total }, []),
    );
    post({ kind: 'done', xy: xy.buffer as ArrayBuffer }, [xy.buffer as ArrayBuffer]);
  } catch (e) {
    post({ kind: 'failed', error: serializeError(e) }, []);
  }
}

/**
 * The rows of `data` (`[rows, dims]`, at least {@link MIN_UMAP_ROWS}) laid out in 2-D: `x, y`
 * interleaved, in row order; `onProgress` is called every twentieth of the epochs.
 */
function umapRun(
  data: Float64Array,
  { rows, dims, neighbors = 15, seed = 1 }: Omit<UmapRequest, 'data'>,
  onProgress: (done: number, total: number) => void,
): Float32Array {
  const vectors: number[][] = [];
  for (let i = 0; i < rows; i++) vectors.push(Array.from(data.subarray(i * dims, (i + 1) * dims)));
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.max(2, Math.min(neighbors, rows - 1)),
    random: mulberry32(seed),
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
