/**
 * Asking a thread of its own for a UMAP layout (umap-run.ts), so the caller keeps answering while
 * it runs: the server starts a worker thread, the tab a Web Worker, and both drive it here. The
 * rows go over as one transferred buffer, progress comes back every few epochs, and cancelling
 * stops the thread at once.
 */
import { AbortedError, type WorkerCrashedError } from '../errors.js';
import { deserializeError } from '../exec/worker-protocol.js';
import { MIN_UMAP_ROWS, type UmapReply, type UmapRequest } from './umap-run.js';

/** A started UMAP thread, as {@link umapInThread} drives it. */
export interface UmapThread {
  post(request: UmapRequest, transfer: ArrayBuffer[]): void;
  /** Stop the thread now. */
  terminate(): unknown;
}

/** What a UMAP thread tells its caller: a reply, or that it crashed or stopped. */
export interface UmapThreadEvents {
  reply(message: UmapReply): void;
  crash(error: WorkerCrashedError): void;
}

/** Options of {@link umapInThread}. */
export interface UmapInThreadOptions {
  /** Called with the epochs done and the epochs in all. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /** Neighbours per point (default 15, fewer for tiny inputs). */
  neighbors?: number;
  /** The generator's seed (default 1). */
  seed?: number;
}

/**
 * The rows of `data` (`[rows, dims]`) laid out in 2-D by a thread `start` starts (one per layout):
 * `x, y` interleaved, in row order. An array that spans its whole buffer is handed over
 * (transferred: it is empty here afterwards), others are copied.
 */
export function umapInThread(
  start: (events: UmapThreadEvents) => UmapThread,
  data: Float64Array,
  rows: number,
  dims: number,
  options: UmapInThreadOptions = {},
): Promise<Float32Array> {
  if (rows < MIN_UMAP_ROWS) return Promise.resolve(new Float32Array(rows * 2)); // nothing to lay out
  const { signal, onProgress } = options;
  const cancelled = () => new AbortedError('the UMAP layout was cancelled');
  if (signal?.aborted) return Promise.reject(cancelled());
  return new Promise<Float32Array>((resolve, reject) => {
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', abort);
      thread.terminate();
      finish();
    };
    const abort = () => settle(() => reject(cancelled()));
    const thread = start({
      reply: (reply) => {
        if (reply.kind === 'progress') {
          if (!settled) onProgress?.(reply.done, reply.total);
        } else if (reply.kind === 'done') settle(() => resolve(new Float32Array(reply.xy)));
        else settle(() => reject(deserializeError(reply.error)));
      },
      crash: (error) => settle(() => reject(error)),
    });
    signal?.addEventListener('abort', abort, { once: true });
    const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
    const buffer = whole && data.buffer instanceof ArrayBuffer ? data.buffer : data.slice().buffer;
    const request: UmapRequest = { data: buffer, rows, dims };
    if (options.neighbors !== undefined) request.neighbors = options.neighbors;
    if (options.seed !== undefined) request.seed = options.seed;
    thread.post(request, [buffer]);
  });
}
