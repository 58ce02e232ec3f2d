import type { DataFrame } from './frame.js';

export interface ConcatOptions {
  /** 'rows' (default): stack frames with the same columns; 'columns': put frames of equal length side by side. */
  axis?: 'rows' | 'columns';
}

export function concat(frames: readonly DataFrame[], options: ConcatOptions): DataFrame {
  throw new Error(`TODO concat ${frames.length} ${String(options)}`);
}
