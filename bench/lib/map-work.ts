// CPU-bound functions for bench/map.ts, named by module and export so worker threads can load them.

import type { ScalarColumn } from '../../src/core/column/scalar.js';
import type { DataFrame } from '../../src/core/frame/frame.js';

/** Steps of the logistic map per row: enough work that a batch costs milliseconds. */
export const STEPS = 20_000;

/** Per row: `STEPS` steps of x ← r·x·(1−x) from the row's `x` (in (0, 1)); returns the last x. */
export function churn(batch: DataFrame): Float64Array {
  const x = (batch.column('x') as ScalarColumn).values as Float64Array;
  const out = new Float64Array(batch.length);
  for (let i = 0; i < batch.length; i++) {
    let v = x[i];
    const r = 3.7 + 0.2 * v;
    for (let s = 0; s < STEPS; s++) v = r * v * (1 - v);
    out[i] = v;
  }
  return out;
}
