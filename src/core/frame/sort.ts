import type { DataFrame } from './frame.js';

/** One sort key: a column name, or a column with its own direction and null placement. */
export type SortKey = string | { column: string; descending?: boolean; nulls?: 'first' | 'last' };
export type SortBy = SortKey | readonly SortKey[];

export interface SortOptions {
  /** Default direction for keys that do not set their own (default false). */
  descending?: boolean;
  /** Where nulls go, for keys that do not set their own (default 'last'). */
  nulls?: 'first' | 'last';
}

/** The stable order of rows (positions 0..length-1) that sorts `df` by `by`. */
export function sortIndices(df: DataFrame, by: SortBy, options: SortOptions): Int32Array {
  throw new Error(`TODO sortIndices ${df.length} ${String(by)} ${String(options)}`);
}
