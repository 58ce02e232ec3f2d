/**
 * A 2-D UMAP layout for the in-tab worker, computed in a Web Worker of its own (umap-worker.ts,
 * started from the in-tab worker: a nested worker), as the server computes it in a worker thread
 * (src/node/server/umap-layout.ts): the in-tab worker keeps answering the table meanwhile. The
 * rows go over as one transferred buffer, progress comes back every few epochs, and cancelling
 * stops the worker. The same seeded run as the server's (umap-run.ts), so the same bytes.
 */
import { AbortedError, UnsupportedError, WorkerCrashedError } from '../../../src/core/errors.js';
import type { WebWorkerEvent, WebWorkerLike } from '../../../src/core/exec/web-worker-pool.js';
import { deserializeError } from '../../../src/core/exec/worker-protocol.js';
import type { UmapReply, UmapRequest } from './umap-run.js';

/**
 * The rows of `data` (`[rows, dims]`) laid out in 2-D: `x, y` interleaved, in row order. An array
 * that spans its whole buffer is handed to the worker (transferred: it is empty here afterwards).
 */
export function umapInTab(
  data: Float64Array,
  rows: number,
  dims: number,
  onProgress: (done: number, total: number) => void,
  signal: AbortSignal,
): Promise<Float32Array> {
  if (rows < 3) return Promise.resolve(new Float32Array(rows * 2)); // nothing to lay out
  const cancelled = () => new AbortedError('the UMAP layout was cancelled');
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<Float32Array>((resolve, reject) => {
    const worker = startUmapWorker();
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', abort);
      worker.terminate();
      finish();
    };
    const abort = () => settle(() => reject(cancelled()));
    const crash = (detail: string) =>
      settle(() => reject(new WorkerCrashedError(null, `the UMAP worker failed: ${detail}`)));
    signal.addEventListener('abort', abort, { once: true });
    worker.addEventListener('message', (event: WebWorkerEvent) => {
      const reply = event.data as UmapReply;
      if (reply.kind === 'progress') {
        if (!settled) onProgress(reply.done, reply.total);
      } else if (reply.kind === 'done') settle(() => resolve(new Float32Array(reply.xy)));
      else settle(() => reject(deserializeError(reply.error)));
    });
    worker.addEventListener('error', (event: WebWorkerEvent) => {
      event.preventDefault?.();
      crash(event.message || 'its script failed to load or threw');
    });
    worker.addEventListener('messageerror', () => crash('its reply could not be read'));
    const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
    const buffer = whole && data.buffer instanceof ArrayBuffer ? data.buffer : data.slice().buffer;
    const request: UmapRequest = { data: buffer, rows, dims };
    worker.postMessage(request, [buffer]);
  });
}

/** A fresh UMAP worker (one per layout: cancelling one ends it). */
function startUmapWorker(): WebWorkerLike {
  if (typeof Worker === 'undefined')
    throw new UnsupportedError('the tab computes UMAP in a Web Worker, and there is no global Worker here');
  return new Worker(new URL('./umap-worker.ts', import.meta.url), { type: 'module', name: 'tessera-umap' });
}
