// The code a WebWorkerExecutor's workers run: call answerBatchRequests() in the worker's module
// script, after importing what registers its tasks (tessera/core, or core/frame/frame.js) and any
// function modules it names by registered name.
import { batchAnswerer } from './batch-answer.js';
import type { WorkerRequest } from './worker-protocol.js';

interface WorkerScope {
  onmessage: ((event: { data: WorkerRequest }) => void) | null;
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
}

/** Answer the batch requests of a {@link WebWorkerExecutor} in this Web Worker. */
export function answerBatchRequests(): void {
  const scope = globalThis as unknown as WorkerScope;
  const answer = batchAnswerer();
  scope.onmessage = async (event) => {
    const { reply, transfer } = await answer(event.data);
    scope.postMessage(reply, transfer);
  };
}
