// The scheduling every pool of threads shares (worker threads in Node, Web Workers in a browser):
// lanes that take batches, retries, streaming in order with bounded memory, cancellation that stops
// the threads computing a run's batches, and threads replaced when they die. What a thread is, is
// given by the subclass as a way to start one (see ThreadStarter); nothing here needs Node.
import { AbortedError, InvalidArgumentError, WorkerCrashedError } from '../errors.js';
import {
  abortedError,
  type BatchPlan,
  batchFailure,
  type Executor,
  type RunOptions,
  requireRemote,
  retriesOf,
} from './executor.js';
import { deserializeError, type WorkerReply, type WorkerRequest } from './worker-protocol.js';

/** A started thread, as the pool drives it. */
export interface ThreadHandle {
  post(request: WorkerRequest, transfer: ArrayBuffer[]): void;
  /** Stop the thread now. */
  terminate(): unknown;
  /** Whether the thread computes a batch now (Node lets an idle thread not keep the process alive). */
  busy?(busy: boolean): void;
}

/** What a thread tells the pool: a reply, or that it has crashed or stopped. */
export interface ThreadEvents {
  reply(message: WorkerReply): void;
  crash(error: WorkerCrashedError): void;
}

/** Starts one thread that answers {@link WorkerRequest}s (its entry calls `answerBatchRequests`). */
export type ThreadStarter = (events: ThreadEvents) => ThreadHandle;

let nextRequestId = 1;

/** One thread of a pool, computing at most one batch at a time. */
class PoolThread {
  dead = false;
  private readonly handle: ThreadHandle;
  private pending: { id: number; resolve(reply: unknown): void; reject(e: unknown): void } | null = null;

  constructor(
    start: ThreadStarter,
    private readonly onDeath: (t: PoolThread) => void,
  ) {
    this.handle = start({
      reply: (m) => {
        const p = this.pending;
        if (p === null || m.id !== p.id) return;
        this.pending = null;
        this.handle.busy?.(false);
        if (m.ok) p.resolve(m.reply);
        else p.reject(deserializeError(m.error));
      },
      crash: (error) => this.die(error),
    });
    this.handle.busy?.(false);
  }

  call(request: Omit<WorkerRequest, 'id'>, transfer: ArrayBuffer[]): Promise<unknown> {
    if (this.dead) return Promise.reject(new WorkerCrashedError(null, 'this thread has stopped'));
    const id = nextRequestId++;
    return new Promise((resolve, reject) => {
      this.pending = { id, resolve, reject };
      this.handle.busy?.(true);
      this.handle.post({ ...request, id } satisfies WorkerRequest, transfer);
    });
  }

  /** Stop the thread now (a batch it computes is abandoned). */
  async terminate(): Promise<void> {
    this.die(new AbortedError('the thread was stopped'));
    await this.handle.terminate();
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

/** The number of threads, checked. */
function checkedSize(size: number): number {
  if (!Number.isInteger(size) || size < 1)
    throw new InvalidArgumentError(`a pool needs a positive whole number of threads, got ${size}`);
  return size;
}

/** Runs batches on `size` threads, started on first use and kept for later runs. */
export class ThreadPoolExecutor implements Executor {
  readonly size: number;
  private readonly all = new Set<PoolThread>();
  private readonly idle: PoolThread[] = [];
  /** Runs waiting for a thread; `wanted` turns false when the run has failed or been cancelled. */
  private readonly waiters: { wanted: () => boolean; resolve: (t: PoolThread | null) => void }[] = [];
  /** How to cancel each run in progress (for `close`). */
  private readonly running = new Set<(reason: unknown) => void>();

  constructor(
    readonly name: string,
    size: number,
    private readonly start: ThreadStarter,
  ) {
    this.size = checkedSize(size);
  }

  /** Threads running now (started lazily; stopped ones are replaced on demand). */
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
    const active = new Set<PoolThread>();
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
      for (const t of active) void t.terminate();
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
        let thread: PoolThread | null = null;
        try {
          const { data, transfer } = await remote.send(b);
          if (failure !== null) return;
          thread = await this.acquire(() => failure === null);
          if (thread === null) return;
          active.add(thread);
          if (failure !== null) return;
          const reply = await thread.call({ task: remote.task, data }, transfer);
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
          if (thread !== null) {
            active.delete(thread);
            this.release(thread);
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
   * Stop every thread; runs in progress fail with an {@link AbortedError}. The pool can still be
   * used afterwards: it starts new threads when needed.
   */
  async close(): Promise<void> {
    for (const cancel of [...this.running]) cancel(new AbortedError(`the ${this.name} executor was closed`));
    const threads = [...this.all];
    this.idle.length = 0;
    await Promise.all(threads.map((t) => t.terminate()));
  }

  /** A thread for a run, or null once the run no longer wants one (it failed while waiting). */
  private acquire(wanted: () => boolean): Promise<PoolThread | null> {
    const idle = this.idle.pop();
    if (idle !== undefined) return Promise.resolve(idle);
    if (this.all.size < this.size) return Promise.resolve(this.spawn());
    return new Promise((resolve) => this.waiters.push({ wanted, resolve }));
  }

  /** The first waiter whose run still wants a thread; waiters of failed runs are let go with null. */
  private nextWaiter(): ((t: PoolThread) => void) | undefined {
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

  private release(t: PoolThread) {
    if (t.dead) {
      // A stopped thread is replaced only for a run still waiting: a cancelled run starts none.
      if (this.all.size < this.size) this.nextWaiter()?.(this.spawn());
      return;
    }
    const waiter = this.nextWaiter();
    if (waiter) waiter(t);
    else this.idle.push(t);
  }

  private spawn(): PoolThread {
    const t = new PoolThread(this.start, (dead) => {
      this.all.delete(dead);
      const i = this.idle.indexOf(dead);
      if (i >= 0) this.idle.splice(i, 1);
    });
    this.all.add(t);
    return t;
  }
}
