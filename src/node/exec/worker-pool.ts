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
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { WorkerCrashedError } from '../../core/errors.js';
import { type ThreadEvents, type ThreadHandle, ThreadPoolExecutor } from '../../core/exec/thread-pool.js';
import type { WorkerReply } from '../../core/exec/worker-protocol.js';

export interface WorkerPoolOptions {
  /** Number of worker threads (default: `os.availableParallelism()`). */
  size?: number;
  /** Heap limit of each worker, in MiB (default: Node's). */
  maxHeapMb?: number;
}

const HERE = import.meta.url;
/** The worker's code: compiled `.js` beside this file, or the `.ts` source under tsx or vitest. */
const ENTRY = new URL(HERE.endsWith('.ts') ? './worker-entry.ts' : './worker-entry.js', HERE).href;

/**
 * A worker starts from this small script: it registers tsx first when the worker code itself is
 * TypeScript (in tests and benchmarks run from source), then imports the worker code.
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (/\\.[cm]?ts$/.test(workerData.entry)) {
    if (workerData.tsx === null) throw new Error('running worker threads from TypeScript sources needs tsx (npm i -D tsx)');
    const { register } = await import(workerData.tsx);
    register();
    globalThis[Symbol.for('tessera.tsx')] = true;
  }
  await import(workerData.entry);
})();
`;

let tsxApiUrl: string | null | undefined;

/** URL of tsx's ESM API where tsx is installed (to load `.ts` modules in workers), else null. */
function tsxApi(): string | null {
  if (tsxApiUrl !== undefined) return tsxApiUrl;
  try {
    const resolved = createRequire(HERE).resolve('tsx/esm/api');
    const esm = resolved.replace(/\.cjs$/, '.mjs');
    tsxApiUrl = pathToFileURL(existsSync(esm) ? esm : resolved).href;
  } catch {
    tsxApiUrl = null;
  }
  return tsxApiUrl;
}

/** Runs batches on `size` worker threads, started on first use and kept for later runs. */
export class WorkerPoolExecutor extends ThreadPoolExecutor {
  constructor(options: WorkerPoolOptions = {}) {
    super('worker-pool', options.size ?? availableParallelism(), (events) => startThread(options, events));
  }
}

/** One worker thread running worker-entry, its messages and its death reported to the pool. */
function startThread(options: WorkerPoolOptions, events: ThreadEvents): ThreadHandle {
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    workerData: { entry: ENTRY, tsx: tsxApi() },
    ...(options.maxHeapMb ? { resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb } } : {}),
  });
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
