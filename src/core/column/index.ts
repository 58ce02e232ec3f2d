export { arrowField, columnFromArrow, columnToArrow, columnToArrowData } from './arrow.js';
export { Column, type Indices } from './column.js';
export { compareStrings } from './compare.js';
export {
  type BatchFn,
  DeferredColumn,
  type DeferredFn,
  type DeferredOptions,
  type RowFn,
} from './deferred.js';
export { type ColumnTypeHint, column } from './infer.js';
export { ObjectColumn } from './object.js';
export { ScalarColumn, type ScalarValue, type StringDictionary } from './scalar.js';
export { TensorColumn } from './tensor.js';
export * from './types.js';
