import { Column } from '../column/column.js';
import { NUMBER_DTYPES, ScalarColumn } from '../column/scalar.js';
import { LengthMismatchError, TypeMismatchError } from '../errors.js';
import { type CompareOp, compareMask, maskRows } from './column-masks.js';
import type { DataFrame, Row } from './frame.js';

/** A row predicate: `(row, i) => boolean`; the row holds null cells as `null`. */
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
 * from their typed array, so this is the fast way to filter large frames. `test` is never called
 * with a null: rows whose value is null never pass.
 */
export function filterColumn(df: DataFrame, name: string, test: (value: never) => boolean): DataFrame {
  const col = df.column(name);
  const keep = new Int32Array(df.length);
  let n = 0;
  // `pass === true` first keeps the check for a Promise off the common path.
  const passes = (pass: unknown, i: number): boolean =>
    pass === true || (!!pass && notThenable(pass, `the test of column "${name}"`, i));
  if (col instanceof ScalarColumn && NUMBER_DTYPES.has(col.dtype)) {
    const values = col.values as Float64Array;
    const pass = test as (v: number) => unknown;
    if (col.validity === null) {
      for (let i = 0; i < values.length && i < df.length; i++) if (passes(pass(values[i]), i)) keep[n++] = i;
    } else {
      for (let i = 0; i < df.length; i++) if (!col.isNull(i) && passes(pass(values[i]), i)) keep[n++] = i;
    }
  } else {
    const pass = test as (v: unknown) => unknown;
    for (let i = 0; i < df.length; i++) {
      const v = col.getUnchecked(i);
      if (v !== null && passes(pass(v), i)) keep[n++] = i;
    }
  }
  return df.takeValid(keep.subarray(0, n));
}

export type { CompareOp } from './column-masks.js';

/**
 * Rows where `column op value` holds. On numeric columns this is one tight loop per operator over
 * the typed array (no callback per row), the fastest filter there is; strings compare on their
 * UTF-8 bytes, by code point. Dates and timestamps compare by time. Nulls never pass; NaN
 * compares as in IEEE 754.
 */
export function filterCompare(df: DataFrame, name: string, op: CompareOp, value: unknown): DataFrame {
  return df.takeValid(maskRows(compareMask(df.column(name), op, value, name)));
}

/** Rows where the predicate holds, or where a mask is true. */
export function filterFrame(
  df: DataFrame,
  predicate: Predicate | ArrayLike<boolean | null> | Column,
): DataFrame {
  if (typeof predicate !== 'function') return df.takeValid(maskToIndices(predicate, df.length));
  const keep = new Int32Array(df.length);
  let n = 0;
  for (let i = 0; i < df.length; i++) {
    const pass: unknown = predicate(df.row(i), i);
    if (pass === true || (!!pass && notThenable(pass, 'the filter predicate', i))) keep[n++] = i;
  }
  return df.takeValid(keep.subarray(0, n));
}

/**
 * True for a truthy result that is not a Promise; raises for a Promise, which is truthy: kept as a
 * pass, an async predicate would silently keep every row.
 */
function notThenable(pass: unknown, what: string, i: number): boolean {
  if (
    (typeof pass === 'object' || typeof pass === 'function') &&
    typeof (pass as { then?: unknown }).then === 'function'
  )
    throw new TypeMismatchError(
      `${what} returned a Promise for row ${i}; filter is synchronous: run an async predicate with ` +
        'await df.filterAsync(predicate, options)',
    );
  return true;
}
