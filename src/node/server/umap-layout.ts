/**
 * A 2-D UMAP layout computed in a worker thread (umap-worker.ts), so the server keeps answering
 * while it runs: the rows go over as one transferred array, progress comes back per few epochs, and
 * aborting terminates the thread. The run is core's (core/layout/umap-run.ts), the tab's too:
 * seeded, so the same rows give the same layout.
 */
import { WorkerCrashedError } from '../../core/errors.js';
import {
  type UmapInThreadOptions,
  type UmapThread,
  type UmapThreadEvents,
  umapInThread,
} from '../../core/layout/umap-in-thread.js';
import type { UmapReply } from '../../core/layout/umap-run.js';
import { moduleBeside, startModuleWorker } from '../exec/module-worker.js';

/** The thread's code: compiled `.js` beside this file, or the `.ts` source under tsx or vitest. */
const ENTRY = moduleBeside(import.meta.url, 'umap-worker');

/**
 * The rows of `data` (`[rows, dims]`) laid out in 2-D by UMAP: `x, y` interleaved, in row order.
 * `data` is handed to the thread (it is empty here afterwards) when it spans its whole buffer.
 */
export function umapLayout(
  data: Float64Array,
  rows: number,
  dims: number,
  options: UmapInThreadOptions = {},
): Promise<Float32Array> {
  return umapInThread(startUmapThread, data, rows, dims, options);
}

/** A worker thread running umap-worker.ts, its replies and its death reported to the caller. */
function startUmapThread(events: UmapThreadEvents): UmapThread {
  const worker = startModuleWorker(ENTRY);
  worker.on('message', (m: UmapReply) => events.reply(m));
  worker.on('error', (e: unknown) =>
    events.crash(
      new WorkerCrashedError(null, `the UMAP worker failed: ${e instanceof Error ? e.message : String(e)}`, {
        cause: e,
      }),
    ),
  );
  worker.on('exit', (code) =>
    events.crash(
      new WorkerCrashedError(code, `the UMAP worker exited (code ${code}) before its layout was done`),
    ),
  );
  return {
    post: (request, transfer) => worker.postMessage(request, transfer),
    terminate: () => worker.terminate(),
  };
}
