export type {
  AggregateResult,
  AggregateSpec,
  AggregateSpecEntry,
  CustomReducer,
  ReducerName,
} from './aggregate.js';
export type { BatchRunOptions } from './batch-run.js';
export { type Batch, type BatchArray, type BatchOptions, batchOrder } from './batches.js';
export type { ConcatOptions } from './concat.js';
export { type EmbedOptions, embedColumn, encodeBatch } from './embed.js';
export {
  type BatchPlan,
  type Executor,
  InlineExecutor,
  inline,
  type Progress,
  type RemoteBatches,
  type RunOptions,
} from './executor.js';
export type { CompareOp, Predicate } from './filter.js';
export type { FilterOptions } from './filter-batches.js';
export type { FormatOptions } from './format.js';
export { type ColumnInput, DataFrame, type Field, type Row } from './frame.js';
export { type EncoderRef, type FunctionRef, isFunctionRef } from './function-ref.js';
export { type Group, GroupBy, type GroupRows } from './groupby.js';
export type { MapFn, MapFunction, MapOptions } from './map.js';
export type { MergeOptions } from './merge.js';
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
export type { SampleOptions } from './sample.js';
export {
  attachSavedIndex,
  type FrameSearchOptions,
  type SavedIndex,
  type SearchQuery,
  savedIndexes,
} from './search.js';
export type { SliceByResult } from './sliceby.js';
export type { SortBy, SortKey, SortOptions } from './sort.js';
export { type FrameWriter, registerFrameWriter, type WriteOptions, type WriteResult } from './writer.js';
