import type { AggregateSpec } from './aggregate.js';
import type { DataFrame } from './frame.js';

/** Rows grouped by key columns; `agg` reduces each group to one row. */
export class GroupBy {
  constructor(
    readonly frame: DataFrame,
    readonly keys: readonly string[],
  ) {}

  agg(spec: AggregateSpec): DataFrame {
    throw new Error(`TODO groupby ${String(spec)}`);
  }
}
