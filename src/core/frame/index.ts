export type {
  AggregateResult,
  AggregateSpec,
  AggregateSpecEntry,
  CustomReducer,
  ReducerName,
  SumOptions,
  VarianceOptions,
} from './aggregate.js';
export { type Batch, type BatchArray, type BatchOptions, batchOrder } from './batches.js';
export type { ConcatOptions } from './concat.js';
export { type BatchVectors, type EmbedOptions, embedColumn, encodeBatch } from './embed.js';
export type { CompareOp, Predicate } from './filter.js';
export type { FilterOptions } from './filter-batches.js';
export type { FormatOptions } from './format.js';
export { type ColumnInput, DataFrame, type Field, type Row } from './frame.js';
export type { GroupRows } from './group-rows.js';
export { type Group, GroupBy, type GroupByOptions } from './groupby.js';
export type { MapFn, MapFunction, MapOptions } from './map.js';
export type { MergeOptions } from './merge.js';
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
export {
  type FrameWriter,
  type LockOptions,
  registerFrameWriter,
  type WriteOptions,
  type WriteResult,
} from './writer.js';
