import type { DataFrame } from './frame.js';

export interface MergeOptions {
  how?: 'inner' | 'left' | 'right' | 'outer';
  /** Key column(s) with the same name on both sides. */
  on?: string | string[];
  leftOn?: string | string[];
  rightOn?: string | string[];
  /** Suffixes for non-key columns present on both sides (default ['_x', '_y']). */
  suffixes?: [string, string];
}

export function merge(left: DataFrame, right: DataFrame, options: MergeOptions): DataFrame {
  throw new Error(`TODO merge ${left.length} ${right.length} ${String(options)}`);
}
