import { InvalidArgumentError, TypeMismatchError } from '../errors.js';
import { isFunctionRef } from '../exec/function-ref.js';
import type { DataFrame } from './frame.js';
import { type MapFunction, type MapOptions, mapFrame } from './map.js';

/** Options of `df.filterAsync(fn, options)`: a predicate run in batches, on any executor. */
export type FilterOptions = Omit<MapOptions, 'outputs' | 'output'>;

/**
 * The rows whose predicate is true (a view), the predicate run like a `map` (per row or batched,
 * sync or async, on any executor). It returns a boolean (or 0/1) per row; null is false.
 */
export async function filterBatches(
  df: DataFrame,
  predicate: MapFunction<unknown>,
  options: FilterOptions,
): Promise<DataFrame> {
  if (typeof predicate !== 'function' && !isFunctionRef(predicate))
    throw new InvalidArgumentError(
      'filterAsync takes a predicate function or one named by module and export; a mask or a column test is df.filter(...)',
    );
  const out = await mapFrame(df, predicate, { ...options, outputs: 'keep' }, 'filter');
  const keep = out.column('keep');
  const rows = new Int32Array(df.length);
  let n = 0;
  for (let i = 0; i < df.length; i++) {
    const v = keep.getUnchecked(i);
    if (v === true || v === 1) rows[n++] = i;
    else if (v !== false && v !== 0 && v !== null)
      throw new TypeMismatchError(
        `the filter predicate returned ${typeof v} for row ${i}; it must return a boolean`,
      );
  }
  return df.takeValid(rows.subarray(0, n));
}
