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
export { LazyColumn, type LazySource, resolveColumn } from './lazy.js';
export { LazyCell } from './lazy-cell.js';
export { ObjectColumn } from './object.js';
export {
  expandParams,
  expandTemplate,
  type FunctionContext,
  type FunctionFactory,
  type FunctionParams,
  type FunctionSpec,
  instantiateFunction,
  type RegisteredFunction,
  registeredColumn,
  registeredFunction,
  registeredFunctionNames,
  registerFunction,
  type TemplateEnv,
  unregisterFunction,
} from './registry.js';
export { ScalarColumn, type ScalarValue, type StringDictionary } from './scalar.js';
export { TensorColumn } from './tensor.js';
export * from './types.js';
