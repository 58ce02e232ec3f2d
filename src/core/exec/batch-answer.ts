// The thread side of a pool (a Node worker thread or a Web Worker): build a batch runner per task,
// once, then compute each batch request and reply with its buffers in the transfer list, or with
// the error it failed with, serialised so that its class survives the crossing.
import { type BatchRunner, type BatchTask, createBatchRunner } from './batch-task.js';
import { serializeError, type WorkerReply, type WorkerRequest } from './worker-protocol.js';

/** Called before a task's runner is first built (Node registers tsx there for `.ts` modules). */
export type BeforeTask = (task: BatchTask) => Promise<void>;

/** Answers batch requests; runners are cached per task (its kind and setup). */
export function batchAnswerer(
  beforeTask?: BeforeTask,
): (request: WorkerRequest) => Promise<{ reply: WorkerReply; transfer: ArrayBuffer[] }> {
  const runners = new Map<string, Promise<BatchRunner>>();
  const runnerFor = (task: BatchTask): Promise<BatchRunner> => {
    const key = `${task.kind}\0${JSON.stringify(task.setup)}`;
    let runner = runners.get(key);
    if (runner === undefined) {
      runner = (async () => {
        await beforeTask?.(task);
        return createBatchRunner(task);
      })();
      runners.set(key, runner);
      // A runner that failed to build is built again for the next batch (a retry may succeed).
      runner.catch(() => runners.delete(key));
    }
    return runner;
  };
  return async (request) => {
    try {
      const runner = await runnerFor(request.task);
      const out = await runner(request.data);
      return { reply: { id: request.id, ok: true, reply: out.reply }, transfer: out.transfer };
    } catch (e) {
      return { reply: { id: request.id, ok: false, error: serializeError(e) }, transfer: [] };
    }
  };
}
