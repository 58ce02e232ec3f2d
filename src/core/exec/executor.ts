import {
  AbortedError,
  BatchFailedError,
  InvalidArgumentError,
  isAboutInput,
  isRetryable,
  RowsFailedError,
  UnsupportedError,
} from '../errors.js';
import type { BatchTask } from './batch-task.js';
import { intervalYield } from './event-loop-yield.js';

/** Progress of a long run, for a terminal bar or the app: rows done of all rows, and the rate so far. */
export interface Progress {
  done: number;
  total: number;
  rowsPerSecond: number;
}

/**
 * How another thread or process computes the batches of a plan: a registered task, and one
 * message per batch. Everything here is structured-cloneable; buffers in `transfer` move, not copy.
 */
export interface RemoteBatches<R> {
  /** The task (see `registerBatchTask`) whose runner computes a batch there, built once per worker. */
  task: BatchTask;
  /** The message for batch `b`, and the buffers it owns that move with it. */
  send(b: number): Promise<{ data: unknown; transfer: ArrayBuffer[] }>;
  /** The result of batch `b` from the runner's reply. */
  receive(reply: unknown, b: number): R;
}

/** The batches of one run: how many, which rows each covers, and how to compute one. */
export interface BatchPlan<R> {
  count: number;
  /** Rows `[start, end)` of batch `b`, for progress and error messages. */
  rows(b: number): [number, number];
  /** Compute batch `b` in this thread. */
  run(b: number): Promise<R>;
  /** How to compute a batch elsewhere; absent when the function can only run in this thread. */
  remote?: RemoteBatches<R>;
}

export interface RunOptions<R = unknown> {
  /** Cancels the run: no new batch starts, running ones are stopped where the executor can. */
  signal?: AbortSignal;
  /** Times a failed batch is retried before the run fails with a {@link BatchFailedError} (default 2). */
  retries?: number;
  /** Called when a batch is done (in any order). */
  onBatchDone?: (b: number) => void;
  /**
   * Receives each result in batch order, as soon as it and all before it are done (awaited before
   * the next). When given, results are not kept and `runBatches` returns an empty array: this is
   * how outputs stream to disk.
   */
  onResult?: (b: number, result: R) => void | Promise<void>;
}

/**
 * Runs the batches of a `map`, `filter`, `update` or `embed` and returns the results in batch
 * order. Inline runs them here one after another; the worker-thread executor (src/node/exec)
 * and later a distributed queue run them elsewhere.
 */
export interface Executor {
  readonly name: string;
  runBatches<R>(plan: BatchPlan<R>, options?: RunOptions<R>): Promise<R[]>;
}

/** The plan's remote part, for executors that run batches in other threads or processes. */
export function requireRemote<R>(plan: BatchPlan<R>, executor: string): RemoteBatches<R> {
  if (plan.remote === undefined)
    throw new UnsupportedError(
      `the ${executor} executor runs functions in other threads, which cannot receive a closure: ` +
        "name the function by module and export instead, e.g. { module: new URL('./fns.js', import.meta.url), export: 'score' }",
    );
  return plan.remote;
}

/**
 * The error a cancelled run rejects with. Its `cause` is the signal's reason: what the caller passed
 * to `abort(reason)`, or the DOMException "AbortError" that `abort()` gives.
 */
export function abortedError(signal: AbortSignal | undefined, detail: string): AbortedError {
  if (signal === undefined) return new AbortedError(detail);
  const reason: unknown = signal.reason;
  const said = reason instanceof Error ? reason.message : String(reason);
  return new AbortedError(`${detail}: ${said}`, { cause: reason });
}

/** The number of retries, checked. */
export function retriesOf(options: { retries?: number }): number {
  const retries = options.retries ?? 2;
  if (!Number.isInteger(retries) || retries < 0)
    throw new InvalidArgumentError(`retries must be a non-negative integer, got ${retries}`);
  return retries;
}

/**
 * What a failed attempt at batch `b` means: 'retry' (another attempt may succeed), or the error
 * to end the run with. A failure that retries did not cure, or one about the input at some rows
 * (which no retry cures), becomes a {@link BatchFailedError} naming the rows; any other Tessera
 * error (a wrong output shape, a cancelled run) ends the run unchanged.
 */
export function batchFailure<R>(
  plan: BatchPlan<R>,
  b: number,
  attempt: number,
  retries: number,
  e: unknown,
): 'retry' | Error {
  const retryable = isRetryable(e);
  if (retryable && attempt <= retries) return 'retry';
  if (!retryable && !isAboutInput(e)) return e as Error;
  const [start, end] = plan.rows(b);
  // Rows located in the batch are counted from its first row; the user knows the frame's rows.
  if (e instanceof RowsFailedError)
    return new BatchFailedError(
      start,
      end,
      attempt,
      e.cause,
      e.rows.map((r) => start + r),
    );
  return new BatchFailedError(start, end, attempt, e);
}

/**
 * Runs every batch in this thread, in order: the default executor. Between batches it yields to the
 * event loop whenever ~10 ms have passed, so a CPU-bound run does not freeze timers, I/O or a
 * browser page, and an abort fired from a timer stops it at the next batch.
 */
export class InlineExecutor implements Executor {
  readonly name = 'inline';

  async runBatches<R>(plan: BatchPlan<R>, options: RunOptions<R> = {}): Promise<R[]> {
    const retries = retriesOf(options);
    const { signal } = options;
    const yielded = intervalYield();
    const out: R[] = [];
    for (let b = 0; b < plan.count; b++) {
      const pause = yielded();
      if (pause !== undefined) await pause;
      if (signal?.aborted) throw abortedError(signal, `cancelled after ${b} of ${plan.count} batches`);
      let result: R | undefined;
      for (let attempt = 1; ; attempt++) {
        try {
          result = await plan.run(b);
          break;
        } catch (e) {
          const failure = batchFailure(plan, b, attempt, retries, e);
          if (failure !== 'retry') throw failure;
          if (signal?.aborted) throw abortedError(signal, `cancelled after ${b} of ${plan.count} batches`);
        }
      }
      options.onBatchDone?.(b);
      if (options.onResult) await options.onResult(b, result as R);
      else out.push(result as R);
    }
    return out;
  }
}

export const inline = new InlineExecutor();
