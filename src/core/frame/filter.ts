import { Column } from '../column/column.js';
import { NUMBER_DTYPES, ScalarColumn } from '../column/scalar.js';
import { LengthMismatchError, TypeMismatchError } from '../errors.js';
import type { DataFrame, Row } from './frame.js';

/** A row predicate: `(row, i) => boolean`. */
export type Predicate = (row: Row, i: number) => boolean;

/** Positions where a boolean mask is true (null counts as false). */
export function maskToIndices(mask: ArrayLike<boolean | null> | Column, length: number): Int32Array {
  if (mask.length !== length)
    throw new LengthMismatchError(`the mask has ${mask.length} entries but the frame has ${length} rows`);
  const out = new Int32Array(length);
  let n = 0;
  if (mask instanceof Column) {
    if (!(mask instanceof ScalarColumn) || mask.dtype !== 'bool')
      throw new TypeMismatchError(
        `a mask must be a bool column, not ${mask.kind} ${'dtype' in mask ? mask.dtype : ''}`,
      );
    for (let i = 0; i < length; i++) if (mask.getUnchecked(i) === true) out[n++] = i;
  } else {
    for (let i = 0; i < length; i++) {
      const v = mask[i];
      if (v !== true && v !== false && v !== null && v !== undefined)
        throw new TypeMismatchError(`mask entry ${i} is ${typeof v}; a mask holds booleans`);
      if (v === true) out[n++] = i;
    }
  }
  return out.subarray(0, n);
}

/**
 * Rows where `test(value)` holds for the values of one column. Numeric columns are read straight
 * from their typed array, so this is the fast way to filter large frames. Null values never pass.
 */
export function filterColumn(df: DataFrame, name: string, test: (value: never) => boolean): DataFrame {
  const col = df.column(name);
  const keep = new Int32Array(df.length);
  let n = 0;
  if (col instanceof ScalarColumn && NUMBER_DTYPES.has(col.dtype)) {
    const values = col.values as Float64Array;
    const pass = test as (v: number) => boolean;
    if (col.validity === null) {
      for (let i = 0; i < values.length && i < df.length; i++) if (pass(values[i])) keep[n++] = i;
    } else {
      for (let i = 0; i < df.length; i++) if (!col.isNull(i) && pass(values[i])) keep[n++] = i;
    }
  } else {
    const pass = test as (v: unknown) => boolean;
    for (let i = 0; i < df.length; i++) {
      const v = col.getUnchecked(i);
      if (v !== null && pass(v)) keep[n++] = i;
    }
  }
  return df.takeValid(keep.subarray(0, n));
}

/** Rows where the predicate holds, or where a mask is true. */
export function filterFrame(
  df: DataFrame,
  predicate: Predicate | ArrayLike<boolean | null> | Column,
): DataFrame {
  if (typeof predicate !== 'function') return df.takeValid(maskToIndices(predicate, df.length));
  const keep = new Int32Array(df.length);
  let n = 0;
  for (let i = 0; i < df.length; i++) if (predicate(df.row(i), i)) keep[n++] = i;
  return df.takeValid(keep.subarray(0, n));
}
