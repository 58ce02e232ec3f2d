import type { DataFrame } from './frame.js';

export interface SampleOptions {
  /** Number of rows (give this or `fraction`). */
  n?: number;
  /** Share of rows, 0..1 (or more with replacement). */
  fraction?: number;
  /** Seed for a reproducible sample. */
  seed?: number;
  /** Sample with replacement (default false). */
  replace?: boolean;
  /** Row weights: a numeric column name or an array (need not sum to 1). */
  weights?: string | ArrayLike<number>;
}

export function sample(df: DataFrame, options: SampleOptions): DataFrame {
  throw new Error(`TODO sample ${df.length} ${String(options)}`);
}

export function shuffle(df: DataFrame, seed?: number): DataFrame {
  throw new Error(`TODO shuffle ${df.length} ${seed}`);
}
