// The part every batched operation (map, filter, update, embed) shares: split rows into batches,
// run them on the chosen executor with progress reporting, and keep or stream the results in order.
import { InvalidArgumentError } from '../errors.js';
import type { DataFrame } from '../frame/frame.js';
import { type EncodedFrame, encodeFrame, TransferList } from './batch-transfer.js';
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
export function batchRows(b: number, batchSize: number, total: number): [number, number] {
  const start = b * batchSize;
  return [start, Math.min(total, start + batchSize)];
}

/**
 * The `send` of a remote plan that ships each batch's rows of `frame` as a message. The slice
 * gathers fresh copies of the batch's rows, so its buffers can move to the worker.
 */
export function frameBatchSender(
  frame: DataFrame,
  batchSize: number,
): (b: number) => Promise<{ data: EncodedFrame; transfer: ArrayBuffer[] }> {
  return async (b) => {
    const [start, end] = batchRows(b, batchSize, frame.length);
    const transfer = new TransferList();
    const data = await encodeFrame(frame.slice(start, end), transfer);
    return { data, transfer: transfer.buffers };
  };
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
