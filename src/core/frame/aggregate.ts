import type { DataFrame } from './frame.js';

/** Built-in reducers. */
export type ReducerName =
  | 'count'
  | 'sum'
  | 'mean'
  | 'min'
  | 'max'
  | 'std'
  | 'var'
  | 'median'
  | 'first'
  | 'last'
  | 'nunique';

/** A custom reducer: gets the non-null values of one group and returns one value. */
export type CustomReducer = (values: unknown[]) => unknown;

/** `{ output: [column, reducer] }`. */
export type AggregateSpec = Record<string, readonly [string, ReducerName | CustomReducer]>;

export type AggregateResult = Record<string, unknown>;

export function aggregate(df: DataFrame, spec: AggregateSpec): AggregateResult {
  throw new Error(`TODO aggregate ${df.length} ${String(spec)}`);
}
