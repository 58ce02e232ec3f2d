/**
 * An executor that runs batches on a pool of worker threads: parallel `map`, `filter`, `update`
 * and `embed` on one machine. Functions are named by module and export (a closure cannot move to
 * another thread); each worker imports the module itself. Batches travel as typed arrays in the
 * transfer list (moved, not copied), results come back the same way and are put in row order.
 *
 * @example
 * const pool = new WorkerPoolExecutor();            // availableParallelism() threads
 * const out = await df.map({ module: new URL('./fns.js', import.meta.url), export: 'score' }, {
 *   batched: true, executor: pool, inputs: ['text'],
 * });
 * await pool.close();
 */
import { availableParallelism } from 'node:os';
import { WorkerCrashedError } from '../../core/errors.js';
import { type ThreadEvents, type ThreadHandle, ThreadPoolExecutor } from '../../core/exec/thread-pool.js';
import type { WorkerReply } from '../../core/exec/worker-protocol.js';
import { moduleBeside, startModuleWorker } from './module-worker.js';

export interface WorkerPoolOptions {
  /** Number of worker threads (default: `os.availableParallelism()`). */
  size?: number;
  /** Heap limit of each worker, in MiB (default: Node's). */
  maxHeapMb?: number;
}

/** The worker's code: compiled `.js` beside this file, or the `.ts` source under tsx or vitest. */
const ENTRY = moduleBeside(import.meta.url, 'worker-entry');

/** Runs batches on `size` worker threads, started on first use and kept for later runs. */
export class WorkerPoolExecutor extends ThreadPoolExecutor {
  constructor(options: WorkerPoolOptions = {}) {
    super('worker-pool', options.size ?? availableParallelism(), (events) => startThread(options, events));
  }
}

/** One worker thread running worker-entry, its messages and its death reported to the pool. */
function startThread(options: WorkerPoolOptions, events: ThreadEvents): ThreadHandle {
  const worker = startModuleWorker(
    ENTRY,
    options.maxHeapMb ? { resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb } } : {},
  );
  worker.on('message', (m: WorkerReply) => events.reply(m));
  worker.on('error', (e: unknown) => {
    const detail = e instanceof Error ? e.message : String(e);
    events.crash(
      new WorkerCrashedError(null, `a worker thread failed while computing this batch: ${detail}`, {
        cause: e,
      }),
    );
  });
  worker.on('exit', (code) =>
    events.crash(
      new WorkerCrashedError(code, `a worker thread exited (code ${code}) while computing this batch`),
    ),
  );
  return {
    post: (request, transfer) => worker.postMessage(request, transfer),
    terminate: () => worker.terminate(),
    // An idle pool does not keep the process alive.
    busy: (busy) => (busy ? worker.ref() : worker.unref()),
  };
}
