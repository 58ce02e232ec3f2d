/**
 * An executor that runs batches on a pool of Web Workers: parallel `map` and `embed` in a browser
 * (a page or a worker). Like the worker-thread pool (src/node/exec), functions are named, never
 * sent as code: by module and export, where the module is a URL the worker can import, or a name
 * registered in the worker with `registerFunctionModule`. The workers run a module script that
 * calls {@link answerBatchRequests}; the global `Worker` is used only when a thread starts.
 *
 * @example
 * // web-map-worker.ts (bundled by the app):
 * //   import 'tessera/core'; registerFunctionModule('app:fns', fns); answerBatchRequests();
 * const pool = new WebWorkerExecutor({
 *   worker: () => new Worker(new URL('./web-map-worker.ts', import.meta.url), { type: 'module' }),
 * });
 * const out = await df.map({ module: 'app:fns', export: 'score' }, { executor: pool, batched: true });
 * await pool.close();
 */
import { InvalidArgumentError, UnsupportedError, WorkerCrashedError } from '../errors.js';
import { type ThreadEvents, type ThreadHandle, ThreadPoolExecutor } from './thread-pool.js';
import type { WorkerReply } from './worker-protocol.js';

/** The parts of a browser's `Worker` the pool uses (typed here: the core compiles without DOM types). */
export interface WebWorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  terminate(): void;
  addEventListener(
    type: 'message' | 'error' | 'messageerror',
    listener: (event: WebWorkerEvent) => void,
  ): void;
}

/** What the pool reads of a worker's events: a message's data, an error's message. */
export interface WebWorkerEvent {
  data?: unknown;
  message?: string;
  preventDefault?(): void;
}

type Transferable = ArrayBuffer;

export interface WebWorkerExecutorOptions {
  /**
   * The workers' script: the URL of a module script that calls `answerBatchRequests()`, or a
   * function that starts such a worker (what a bundler needs to see to bundle it:
   * `() => new Worker(new URL('./w.ts', import.meta.url), { type: 'module' })`).
   */
  worker: string | URL | (() => WebWorkerLike);
  /** Number of workers (default: `navigator.hardwareConcurrency`, else 2). */
  size?: number;
}

/** Runs batches on `size` Web Workers, started on first use and kept for later runs. */
export class WebWorkerExecutor extends ThreadPoolExecutor {
  constructor(options: WebWorkerExecutorOptions) {
    const start = workerStarter(options.worker);
    super('web-worker', options.size ?? defaultSize(), (events) => startWebWorker(start, events));
  }
}

function defaultSize(): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.max(1, nav?.hardwareConcurrency ?? 2);
}

function workerStarter(worker: WebWorkerExecutorOptions['worker']): () => WebWorkerLike {
  if (typeof worker === 'function') return worker;
  if (typeof worker !== 'string' && !(worker instanceof URL))
    throw new InvalidArgumentError(
      'a WebWorkerExecutor needs { worker }: the URL of its module script, or a function that starts one',
    );
  return () => {
    const Worker = (globalThis as { Worker?: new (url: string | URL, o: object) => WebWorkerLike }).Worker;
    if (Worker === undefined)
      throw new UnsupportedError(
        'Web Workers are not available here (no global Worker); in Node use WorkerPoolExecutor',
      );
    return new Worker(worker, { type: 'module' });
  };
}

/**
 * One Web Worker. A browser does not end a worker whose code threw outside a request (as Node
 * does): any such error, a script that fails to load, or a reply that cannot be read, counts as a
 * crash, and the worker is stopped so that the pool starts a fresh one.
 */
function startWebWorker(start: () => WebWorkerLike, events: ThreadEvents): ThreadHandle {
  const worker = start();
  return listenToWebWorker(worker, {
    reply: (message) => events.reply(message as WorkerReply),
    crash: (detail) => {
      worker.terminate();
      events.crash(new WorkerCrashedError(null, `a Web Worker failed while computing this batch: ${detail}`));
    },
  });
}

/**
 * `worker`'s replies and failures reported to `events`: an error its code threw outside a request
 * or a script that failed to load (the browser's default report of it prevented), or a reply that
 * cannot be read, is a crash, said in words. Gives the worker as a handle to post to and stop.
 */
export function listenToWebWorker(
  worker: WebWorkerLike,
  events: { reply(message: unknown): void; crash(detail: string): void },
): { post(message: unknown, transfer: ArrayBuffer[]): void; terminate(): void } {
  worker.addEventListener('message', (event) => events.reply(event.data));
  worker.addEventListener('error', (event) => {
    event.preventDefault?.();
    events.crash(event.message || 'its script failed to load or threw');
  });
  worker.addEventListener('messageerror', () => events.crash('its reply could not be read'));
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    terminate: () => {
      worker.terminate();
    },
  };
}
