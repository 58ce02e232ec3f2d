import { TesseraError } from '../errors.js';

/** Progress of a long run, for a terminal bar or the app. */
export interface Progress {
  done: number;
  total: number;
}

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/**
 * Runs the batches of a `map`. `runBatches` computes batch 0..count-1 with `run` and returns
 * the results in batch order. Inline runs them here one after another; worker-thread and
 * distributed executors (src/node/exec) run them elsewhere.
 */
export interface Executor {
  readonly name: string;
  runBatches<R>(count: number, run: (batch: number) => R | Promise<R>, options?: RunOptions): Promise<R[]>;
}

export class AbortedError extends TesseraError {}

/** Runs every batch in this thread, in order: the default executor. */
export class InlineExecutor implements Executor {
  readonly name = 'inline';

  async runBatches<R>(
    count: number,
    run: (batch: number) => R | Promise<R>,
    options: RunOptions = {},
  ): Promise<R[]> {
    const out: R[] = new Array(count);
    for (let b = 0; b < count; b++) {
      if (options.signal?.aborted) throw new AbortedError(`cancelled after ${b} of ${count} batches`);
      out[b] = await run(b);
      options.onProgress?.({ done: b + 1, total: count });
    }
    return out;
  }
}

export const inline = new InlineExecutor();
