// The part every batched operation (map, filter, update, embed) shares: split rows into batches,
// run them on the chosen executor with progress reporting, and keep or stream the results in order.
import { InvalidArgumentError } from '../errors.js';
import type { DataFrame } from '../frame/frame.js';
import { type BatchTask, registerBatchTask } from './batch-task.js';
import {
  decodeFrame,
  decodeValues,
  type EncodedFrame,
  type EncodedValues,
  encodeFrame,
  encodeValues,
  TransferList,
} from './batch-transfer.js';
import { type BatchPlan, type Executor, inline } from './executor.js';
import { type ProgressOptions, ProgressTracker } from './progress.js';

/** Options every batched operation takes. */
export interface BatchRunOptions extends ProgressOptions {
  /** Rows per batch. */
  batchSize?: number;
  /** Where batches run (default: inline, in this thread); e.g. a `WorkerPoolExecutor`. */
  executor?: Executor;
  /** Cancels the run; it then rejects with an `AbortedError`. */
  signal?: AbortSignal;
  /** Times a failed batch is retried before the run fails with a `BatchFailedError` (default 2). */
  retries?: number;
}

/** Checked batch size, with the operation's default. */
export function batchSizeOf(options: BatchRunOptions, fallback: number): number {
  const batchSize = options.batchSize ?? fallback;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new InvalidArgumentError(`batchSize must be a positive integer, got ${batchSize}`);
  return batchSize;
}

/** Rows `[start, end)` of batch `b`. */
function batchRows(b: number, batchSize: number, total: number): [number, number] {
  const start = b * batchSize;
  return [start, Math.min(total, start + batchSize)];
}

/** Computes a batch's outputs, one array of values per output, from a frame of its rows. */
export type FrameBatchFn = (batch: DataFrame) => Promise<ArrayLike<unknown>[]>;

/**
 * The plan that computes `frame` in batches of `batchSize` rows with `compute`. With `task` (a kind
 * registered with {@link registerFrameBatchTask}, and its setup), executors that run batches in
 * other threads send each batch's rows there and get the outputs back.
 */
export function frameBatchPlan(
  frame: DataFrame,
  batchSize: number,
  compute: FrameBatchFn,
  task?: BatchTask,
): BatchPlan<ArrayLike<unknown>[]> {
  const total = frame.length;
  const batch = (b: number) => {
    const [start, end] = batchRows(b, batchSize, total);
    return frame.slice(start, end);
  };
  const plan: BatchPlan<ArrayLike<unknown>[]> = {
    count: Math.ceil(total / batchSize),
    rows: (b) => batchRows(b, batchSize, total),
    run: (b) => compute(batch(b)),
  };
  if (task !== undefined)
    plan.remote = {
      task,
      // The slice gathers fresh copies of the batch's rows, so its buffers can move to the worker.
      send: async (b) => {
        const transfer = new TransferList();
        const data = await encodeFrame(batch(b), transfer);
        return { data, transfer: transfer.buffers };
      },
      receive: (reply) => (reply as EncodedValues[]).map(decodeValues),
    };
  return plan;
}

/**
 * Make tasks of `kind` runnable in this thread as the remote side of {@link frameBatchPlan}: the
 * runner `build` makes from a task's setup gets each batch's rows as a frame, and its outputs go
 * back as one message each.
 */
export function registerFrameBatchTask<S>(kind: string, build: (setup: S) => Promise<FrameBatchFn>): void {
  registerBatchTask(kind, async (setup: S) => {
    const compute = await build(setup);
    return async (data) => {
      const outputs = await compute(decodeFrame(data as EncodedFrame));
      const transfer = new TransferList();
      const reply: EncodedValues[] = outputs.map((values) => encodeValues(values, transfer));
      return { reply, transfer: transfer.buffers };
    };
  });
}

/**
 * Run `plan` over `total` rows on the options' executor, reporting progress as `label`. With
 * `onResult`, results go there in order and are not kept.
 */
export async function runPlan<R>(
  label: string,
  total: number,
  plan: BatchPlan<R>,
  options: BatchRunOptions,
  onResult?: (b: number, result: R) => Promise<void>,
): Promise<R[]> {
  const executor = options.executor ?? inline;
  const tracker = new ProgressTracker(label, total, options);
  try {
    return await executor.runBatches(plan, {
      signal: options.signal,
      retries: options.retries,
      onBatchDone: (b) => {
        const [start, end] = plan.rows(b);
        tracker.add(end - start);
      },
      onResult,
    });
  } finally {
    tracker.finish();
  }
}
