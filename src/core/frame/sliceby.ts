import type { DataFrame } from './frame.js';

export interface SliceByResult {
  /** One view per boolean column: the rows where it is true. */
  slices: Map<string, DataFrame>;
}

export function sliceby(df: DataFrame, columns: readonly string[]): SliceByResult {
  throw new Error(`TODO sliceby ${df.length} ${columns.join()}`);
}
