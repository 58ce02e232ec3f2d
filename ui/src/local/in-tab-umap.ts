/**
 * A 2-D UMAP layout for the in-tab worker, computed in a Web Worker of its own (umap-worker.ts,
 * started from the in-tab worker: a nested worker), as the server computes it in a worker thread
 * (src/node/server/umap-layout.ts): the in-tab worker keeps answering the table meanwhile. Both
 * drive their thread with core's umapInThread and run core's seeded run, so the same bytes.
 */
import { UnsupportedError, WorkerCrashedError } from '../../../src/core/errors.js';
import { listenToWebWorker, type WebWorkerLike } from '../../../src/core/exec/web-worker-pool.js';
import {
  type UmapThread,
  type UmapThreadEvents,
  umapInThread,
} from '../../../src/core/layout/umap-in-thread.js';
import type { UmapReply } from '../../../src/core/layout/umap-run.js';

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
  return umapInThread(startUmapWorker, data, rows, dims, { onProgress, signal });
}

/** A fresh UMAP worker (one per layout: cancelling one ends it), its replies and failures reported. */
function startUmapWorker(events: UmapThreadEvents): UmapThread {
  if (typeof Worker === 'undefined')
    throw new UnsupportedError('the tab computes UMAP in a Web Worker, and there is no global Worker here');
  const worker: WebWorkerLike = new Worker(new URL('./umap-worker.ts', import.meta.url), {
    type: 'module',
    name: 'tessera-umap',
  });
  return listenToWebWorker(worker, {
    reply: (message) => events.reply(message as UmapReply),
    crash: (detail) => events.crash(new WorkerCrashedError(null, `the UMAP worker failed: ${detail}`)),
  });
}
