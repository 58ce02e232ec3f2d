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
import { AbortedError, InvalidArgumentError, WorkerCrashedError } from '../../core/errors.js';
import {
  abortedError,
  type BatchPlan,
  batchFailure,
  type Executor,
  type RunOptions,
  requireRemote,
  retriesOf,
} from '../../core/exec/executor.js';
import { deserializeError, type WorkerReply, type WorkerRequest } from './protocol.js';

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

let nextRequestId = 1;

/** One worker thread, computing at most one batch at a time. */
class PoolWorker {
  readonly worker: Worker;
  dead = false;
  private pending: { id: number; resolve(reply: unknown): void; reject(e: unknown): void } | null = null;

  constructor(
    options: WorkerPoolOptions,
    private readonly onDeath: (w: PoolWorker) => void,
  ) {
    this.worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { entry: ENTRY, tsx: tsxApi() },
      ...(options.maxHeapMb ? { resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb } } : {}),
    });
    // An idle pool does not keep the process alive.
    this.worker.unref();
    this.worker.on('message', (m: WorkerReply) => {
      const p = this.pending;
      if (p === null || m.id !== p.id) return;
      this.pending = null;
      this.worker.unref();
      if (m.ok) p.resolve(m.reply);
      else p.reject(deserializeError(m.error));
    });
    this.worker.on('error', (e: unknown) => {
      const detail = e instanceof Error ? e.message : String(e);
      this.die(
        new WorkerCrashedError(null, `a worker thread failed while computing this batch: ${detail}`, {
          cause: e,
        }),
      );
    });
    this.worker.on('exit', (code) =>
      this.die(
        new WorkerCrashedError(code, `a worker thread exited (code ${code}) while computing this batch`),
      ),
    );
  }

  call(request: Omit<WorkerRequest, 'id'>, transfer: ArrayBuffer[]): Promise<unknown> {
    if (this.dead) return Promise.reject(new WorkerCrashedError(null, 'this worker thread has stopped'));
    const id = nextRequestId++;
    return new Promise((resolve, reject) => {
      this.pending = { id, resolve, reject };
      this.worker.ref();
      this.worker.postMessage({ ...request, id } satisfies WorkerRequest, transfer);
    });
  }

  /** Stop the thread now (a batch it computes is abandoned). */
  terminate(): Promise<number> {
    this.die(new AbortedError('the worker thread was stopped'));
    return this.worker.terminate();
  }

  private die(error: unknown) {
    const first = !this.dead;
    this.dead = true;
    const p = this.pending;
    this.pending = null;
    p?.reject(error);
    if (first) this.onDeath(this);
  }
}

/** Runs batches on `size` worker threads, started on first use and kept for later runs. */
export class WorkerPoolExecutor implements Executor {
  readonly name = 'worker-pool';
  readonly size: number;
  private readonly all = new Set<PoolWorker>();
  private readonly idle: PoolWorker[] = [];
  /** Runs waiting for a thread; `wanted` turns false when the run has failed or been cancelled. */
  private readonly waiters: { wanted: () => boolean; resolve: (w: PoolWorker | null) => void }[] = [];
  /** How to cancel each run in progress (for `close`). */
  private readonly running = new Set<(reason: unknown) => void>();

  constructor(private readonly options: WorkerPoolOptions = {}) {
    const size = options.size ?? availableParallelism();
    if (!Number.isInteger(size) || size < 1)
      throw new InvalidArgumentError(`a worker pool needs a positive whole number of threads, got ${size}`);
    this.size = size;
  }

  /** Worker threads running now (started lazily; stopped ones are replaced on demand). */
  get threads(): number {
    return this.all.size;
  }

  async runBatches<R>(plan: BatchPlan<R>, options: RunOptions<R> = {}): Promise<R[]> {
    const remote = requireRemote(plan, this.name);
    const retries = retriesOf(options);
    const { count } = plan;
    const { signal, onResult } = options;
    if (signal?.aborted) throw abortedError(signal, `cancelled before the first of ${count} batches`);
    if (count === 0) return [];

    const results: R[] = onResult ? [] : new Array(count);
    const ready = new Map<number, R>(); // done but not yet handed to onResult
    const attempts = new Int32Array(count);
    const retry: number[] = [];
    const active = new Set<PoolWorker>();
    // When streaming, batches run at most this far ahead of the next one to hand over (bounded memory).
    const window = onResult ? 2 * this.size + 2 : count;
    let next = 0;
    let delivered = 0;
    let completed = 0;
    let failure: { error: unknown } | null = null;

    let wake: () => void = () => {};
    let changed = new Promise<void>((r) => {
      wake = r;
    });
    const notify = () => {
      const w = wake;
      changed = new Promise<void>((r) => {
        wake = r;
      });
      w();
    };
    let rejectRun: (e: unknown) => void = () => {};
    const failed = new Promise<never>((_, reject) => {
      rejectRun = reject;
    });
    // The run fails at once; batches still running finish in the background and free their threads.
    const fail = (error: unknown) => {
      if (failure === null) {
        failure = { error };
        rejectRun(error);
        this.dropAbandonedWaiters();
      }
      notify();
    };
    const cancel = (reason: unknown) => {
      // Cancelled: stop the threads computing this run's batches (the pool starts new ones later).
      for (const w of active) void w.terminate();
      fail(reason);
    };
    const onAbort = () => cancel(abortedError(signal, `cancelled after ${completed} of ${count} batches`));
    signal?.addEventListener('abort', onAbort, { once: true });
    this.running.add(cancel);

    let delivering = Promise.resolve();
    const deliver = async () => {
      while (failure === null && ready.has(delivered)) {
        const r = ready.get(delivered) as R;
        ready.delete(delivered);
        await onResult?.(delivered, r);
        delivered++;
        notify();
      }
    };
    const take = (): number | null => {
      if (retry.length > 0) return retry.shift() as number;
      if (next < count && next < delivered + window) return next++;
      return null;
    };

    const lane = async () => {
      while (failure === null && completed < count) {
        const b = take();
        if (b === null) {
          await changed;
          continue;
        }
        let worker: PoolWorker | null = null;
        try {
          const { data, transfer } = await remote.send(b);
          if (failure !== null) return;
          worker = await this.acquire(() => failure === null);
          if (worker === null) return;
          active.add(worker);
          if (failure !== null) return;
          const reply = await worker.call({ task: remote.task, data }, transfer);
          const result = remote.receive(reply, b);
          completed++;
          options.onBatchDone?.(b);
          if (onResult) {
            ready.set(b, result);
            delivering = delivering.then(deliver).catch(fail);
          } else results[b] = result;
          notify();
        } catch (e) {
          if (failure !== null) return;
          attempts[b]++;
          const outcome = batchFailure(plan, b, attempts[b], retries, e);
          if (outcome !== 'retry') return fail(outcome);
          retry.push(b);
          notify();
        } finally {
          if (worker !== null) {
            active.delete(worker);
            this.release(worker);
          }
        }
      }
    };

    try {
      const lanes = Promise.all(Array.from({ length: Math.min(this.size, count) }, lane));
      await Promise.race([lanes.then(() => delivering), failed]);
      if (failure !== null) throw (failure as { error: unknown }).error;
      return results;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.running.delete(cancel);
    }
  }

  /**
   * Stop every worker thread; runs in progress fail with an {@link AbortedError}. The pool can still
   * be used afterwards: it starts new threads when needed.
   */
  async close(): Promise<void> {
    for (const cancel of [...this.running]) cancel(new AbortedError('the worker pool was closed'));
    const workers = [...this.all];
    this.idle.length = 0;
    await Promise.all(workers.map((w) => w.terminate()));
  }

  /** A thread for a run, or null once the run no longer wants one (it failed while waiting). */
  private acquire(wanted: () => boolean): Promise<PoolWorker | null> {
    const idle = this.idle.pop();
    if (idle !== undefined) return Promise.resolve(idle);
    if (this.all.size < this.size) return Promise.resolve(this.spawn());
    return new Promise((resolve) => this.waiters.push({ wanted, resolve }));
  }

  /** The first waiter whose run still wants a thread; waiters of failed runs are let go with null. */
  private nextWaiter(): ((w: PoolWorker) => void) | undefined {
    for (let waiter = this.waiters.shift(); waiter !== undefined; waiter = this.waiters.shift()) {
      if (waiter.wanted()) return waiter.resolve;
      waiter.resolve(null);
    }
    return undefined;
  }

  /** Let go of the waiters of runs that have failed, so their lanes end now. */
  private dropAbandonedWaiters() {
    const waiting = this.waiters.splice(0);
    for (const waiter of waiting) {
      if (waiter.wanted()) this.waiters.push(waiter);
      else waiter.resolve(null);
    }
  }

  private release(w: PoolWorker) {
    if (w.dead) {
      // A stopped thread is replaced only for a run still waiting: a cancelled run starts none.
      if (this.all.size < this.size) this.nextWaiter()?.(this.spawn());
      return;
    }
    const waiter = this.nextWaiter();
    if (waiter) waiter(w);
    else this.idle.push(w);
  }

  private spawn(): PoolWorker {
    const w = new PoolWorker(this.options, (dead) => {
      this.all.delete(dead);
      const i = this.idle.indexOf(dead);
      if (i >= 0) this.idle.splice(i, 1);
    });
    this.all.add(w);
    return w;
  }
}
