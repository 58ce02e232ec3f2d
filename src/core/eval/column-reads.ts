/**
 * What evaluation reads from a column that does not depend on the request, kept per column while
 * the column lives (columns are immutable, so a column object always reads the same): the class
 * codes of a string column under a class list, and a tensor column's scores as float64. The app's
 * slices panel evaluates the same columns on every change of the panel; reading them again would
 * copy and encode a million rows each time. Callers only read what these return.
 */
import type { ScalarColumn } from '../column/scalar.js';
import type { TensorColumn } from '../column/tensor.js';
import type { Label } from './labels.js';

/** Per string column, its codes under the last class list asked for. */
const STRING_CODES = new WeakMap<ScalarColumn, { key: string; codes: Int32Array }>();

/**
 * Per row of a string column, the index of its value in `classes` (`index`, the classes' index):
 * -1 where it is null, -2 where it is not one of the classes.
 */
export function keptStringCodes(
  column: ScalarColumn,
  classes: readonly Label[],
  index: ReadonlyMap<Label, number>,
): Int32Array {
  const key = JSON.stringify(classes);
  const kept = STRING_CODES.get(column);
  if (kept !== undefined && kept.key === key) return kept.codes;
  const d = column.dictionary();
  const table = Int32Array.from(d.dictionary, (v) => index.get(v) ?? -2);
  const codes = new Int32Array(column.length);
  let negative = false;
  for (let i = 0; i < codes.length; i++) {
    codes[i] = d.codes[i] < 0 ? -1 : table[d.codes[i]];
    if (codes[i] < 0) negative = true;
  }
  STRING_CODES.set(column, { key, codes });
  ANY_NEGATIVE.set(codes, negative);
  return codes;
}

/** Per kept codes, whether any is negative. */
const ANY_NEGATIVE = new WeakMap<Int32Array, boolean>();

/** Whether any code is negative (a missing value, or one not among the classes); kept codes know. */
export function hasNegative(codes: Int32Array): boolean {
  const known = ANY_NEGATIVE.get(codes);
  if (known !== undefined) return known;
  for (let i = 0; i < codes.length; i++) if (codes[i] < 0) return true;
  return false;
}

/** Per numeric tensor column, its values as float64. */
const SCORES = new WeakMap<TensorColumn, Float64Array>();

/** Whether `values` are a column's kept values (never written, so what is derived from them may be kept too). */
export function isKeptValues(values: Float64Array): boolean {
  return KEPT.has(values);
}

const KEPT = new WeakSet<Float64Array>();

/** A tensor column's values (numbers, not bigints) as float64, row-major. */
export function keptFloat64Values(column: TensorColumn): Float64Array {
  let data = SCORES.get(column);
  if (data === undefined) {
    data = Float64Array.from(column.data as ArrayLike<number>);
    SCORES.set(column, data);
    KEPT.add(data);
  }
  return data;
}
