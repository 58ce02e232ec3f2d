export type { BatchRunOptions } from './batch-run.js';
export {
  type BatchPlan,
  type Executor,
  InlineExecutor,
  inline,
  type Progress,
  type RemoteBatches,
  type RunOptions,
} from './executor.js';
export { type EncoderRef, type FunctionRef, isFunctionRef, registerFunctionModule } from './function-ref.js';
export {
  registerTensorSink,
  type TensorOutput,
  type TensorSink,
  type TensorSinkOpener,
} from './output-sink.js';
export {
  type ProgressDisplay,
  type ProgressDisplayFactory,
  type ProgressOptions,
  RunProgressEvent,
  registerProgressDisplay,
} from './progress.js';
export { answerBatchRequests } from './web-worker-entry.js';
export {
  WebWorkerExecutor,
  type WebWorkerExecutorOptions,
  type WebWorkerLike,
} from './web-worker-pool.js';
