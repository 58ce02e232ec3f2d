// What another thread runs for one batch of a map, filter, update or embed. Operations register
// their kind of task here (map.ts registers 'map', embed.ts 'embed'), so this module depends on
// none of them; a worker builds a runner once per task and calls it for every batch it receives.
import { UnsupportedError } from '../errors.js';

/** A task as a message: the registered kind, and the setup its runner is built from (structured-cloneable). */
export interface BatchTask {
  kind: string;
  setup: unknown;
}

/** Computes one batch from its message; the reply's buffers move back with it. */
export type BatchRunner = (data: unknown) => Promise<{ reply: unknown; transfer: ArrayBuffer[] }>;

/** Builds the runner of one task from its setup (once per worker). */
export type BatchRunnerFactory<S> = (setup: S) => Promise<BatchRunner>;

const factories = new Map<string, BatchRunnerFactory<never>>();

/** Make tasks of `kind` runnable in this thread (each operation registers its own when it loads). */
export function registerBatchTask<S>(kind: string, factory: BatchRunnerFactory<S>): void {
  factories.set(kind, factory as BatchRunnerFactory<never>);
}

/** The runner for `task`, from the factory registered for its kind. */
export function createBatchRunner(task: BatchTask): Promise<BatchRunner> {
  const factory = factories.get(task.kind) as BatchRunnerFactory<unknown> | undefined;
  if (factory === undefined)
    throw new UnsupportedError(
      `no batch task of kind "${task.kind}" is registered in this thread; ` +
        `registered: ${[...factories.keys()].join(', ') || 'none'}`,
    );
  return factory(task.setup);
}
