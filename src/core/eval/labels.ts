/**
 * Reading labels (true classes, predicted classes, regression targets) from columns or arrays, and
 * encoding class labels as integer codes over one shared, ordered class list.
 */
import { Column, rowRange } from '../column/column.js';
import { compareStrings } from '../column/compare.js';
import { ScalarColumn } from '../column/scalar.js';
import { formatType } from '../column/types.js';
import { InvalidArgumentError, LengthMismatchError, TypeMismatchError } from '../errors.js';
import { hasNegative, keptStringCodes } from './column-reads.js';

/** A class label: an integer, a string or a boolean. */
export type Label = number | string | boolean;

/**
 * Labels, one per row: a scalar column, or an array or typed array of integers, strings or
 * booleans. Nulls (and `undefined`) mark missing labels; rows with a missing value are left out
 * of every metric.
 */
export type LabelsInput = Column | ArrayLike<Label | bigint | null | undefined>;

/** Numbers, one per row (regression targets and predictions): a numeric scalar column or an array. */
export type NumbersInput = Column | ArrayLike<number | null | undefined>;

/** Class labels encoded as codes into one ordered class list. */
export interface EncodedLabels {
  /** The classes, in code order. */
  classes: Label[];
  /** Per kept row, the code of its label. */
  codes: Int32Array[];
  /** Positions (in the inputs) of the rows that were kept: those with no missing value. */
  rows: Int32Array;
}

/** The values of a labels input as a plain array (null for missing); bigints become numbers. */
export function labelValues(input: LabelsInput, what = 'labels'): (Label | null)[] {
  if (input instanceof Column) {
    if (!(input instanceof ScalarColumn))
      throw new TypeMismatchError(
        `${what} must be a scalar column (integers, strings or booleans), not ${formatType(input.type)}`,
      );
    if (input.dtype === 'date' || input.dtype === 'timestamp')
      throw new TypeMismatchError(`${what} must be integers, strings or booleans, not ${input.dtype}`);
    const out = new Array<Label | null>(input.length);
    for (let i = 0; i < input.length; i++) {
      const v = input.getUnchecked(i);
      out[i] = typeof v === 'bigint' ? Number(v) : (v as Label | null);
    }
    return out;
  }
  const out = new Array<Label | null>(input.length);
  for (let i = 0; i < input.length; i++) {
    const v = input[i];
    if (v === null || v === undefined) out[i] = null;
    else if (typeof v === 'bigint') out[i] = Number(v);
    else if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out[i] = v;
    else
      throw new TypeMismatchError(
        `${what}[${i}] is ${typeof v}; labels must be integers, strings or booleans (or null)`,
      );
  }
  return out;
}

/** The numbers of a numeric input as a Float64Array, NaN for missing. */
export function numberValues(input: NumbersInput, what = 'values'): Float64Array {
  if (input instanceof Column) {
    if (!(input instanceof ScalarColumn) || input.dtype === 'string')
      throw new TypeMismatchError(`${what} must be a numeric scalar column, not ${formatType(input.type)}`);
    const out = new Float64Array(input.length);
    for (let i = 0; i < input.length; i++) out[i] = input.isNull(i) ? Number.NaN : input.numberAt(i);
    return out;
  }
  const out = new Float64Array(input.length);
  for (let i = 0; i < input.length; i++) {
    const v = input[i];
    if (v === null || v === undefined) out[i] = Number.NaN;
    else if (typeof v === 'number') out[i] = v;
    else throw new TypeMismatchError(`${what}[${i}] is ${typeof v}; expected a number (or null)`);
  }
  return out;
}

/**
 * Orders classes: numbers ascending, strings by code point, false before true. Mixing kinds is an
 * error, since `1` and `"1"` would silently be two classes.
 */
export function sortClasses(values: Iterable<Label>): Label[] {
  const list = [...new Set(values)];
  const kinds = new Set(list.map((v) => typeof v));
  if (kinds.size > 1)
    throw new TypeMismatchError(
      `labels mix ${[...kinds].join(' and ')} values; convert them to one kind (e.g. all strings) first`,
    );
  if (kinds.has('string')) return (list as string[]).sort(compareStrings);
  if (kinds.has('boolean')) return (list as boolean[]).sort((a, b) => Number(a) - Number(b));
  return (list as number[]).sort((a, b) => a - b);
}

/** A map from class label to code; throws on duplicate classes. */
export function classIndex(classes: readonly Label[]): Map<Label, number> {
  const index = new Map<Label, number>();
  for (const c of classes) {
    if (index.has(c)) throw new InvalidArgumentError(`class ${JSON.stringify(c)} is listed twice in classes`);
    index.set(c, index.size);
  }
  return index;
}

/** The labels as an Int32Array when they are integers with no missing value (typed arrays, int32 or uint8 columns); else null. */
export function intLabels(input: LabelsInput): Int32Array | null {
  if (input instanceof Int32Array) return input;
  if (input instanceof Uint8Array) return Int32Array.from(input);
  if (input instanceof ScalarColumn && input.nullCount === 0) {
    if (input.dtype === 'int32') return input.values as Int32Array;
    if (input.dtype === 'uint8') return Int32Array.from(input.values as Uint8Array);
  }
  return null;
}

/** The sorted distinct values of integer arrays. */
function distinctInts(arrays: readonly Int32Array[]): number[] {
  let min = 0;
  let max = -1;
  for (const a of arrays)
    for (let i = 0; i < a.length; i++) {
      if (max < min) min = max = a[i];
      else if (a[i] < min) min = a[i];
      else if (a[i] > max) max = a[i];
    }
  if (max < min) return [];
  if (max - min > 1 << 22) return sortClasses(arrays.flatMap((a) => Array.from(a))) as number[];
  const seen = new Uint8Array(max - min + 1);
  for (const a of arrays) for (let i = 0; i < a.length; i++) seen[a[i] - min] = 1;
  const out: number[] = [];
  for (let v = 0; v < seen.length; v++) if (seen[v]) out.push(v + min);
  return out;
}

/**
 * {@link encodeLabels} of label inputs, read with {@link labelValues}; integer inputs without
 * nulls over small non-negative classes take a typed-array path that never boxes a value.
 */
export function encodeLabelInputs(
  inputs: readonly LabelsInput[],
  classes: readonly Label[] | undefined,
  names: readonly string[],
): EncodedLabels {
  const ints = inputs.map(intLabels);
  if (ints.every((a) => a !== null)) {
    const arrays = ints as Int32Array[];
    const n = commonLength(arrays, names);
    const list = classes !== undefined ? [...classes] : distinctInts(arrays);
    const table = smallIntTable(list);
    if (table !== null) {
      classIndex(list); // rejects duplicate classes
      const codes = arrays.map((a, j) => {
        const out = new Int32Array(n);
        for (let i = 0; i < n; i++) {
          const v = a[i];
          const c = v >= 0 && v < table.length ? table[v] : -1;
          if (c < 0)
            throw new InvalidArgumentError(
              `${names[j]} has the value ${v} at row ${i}, which is not one of the classes (${list.join(', ')})`,
            );
          out[i] = c;
        }
        return out;
      });
      return { classes: list, codes, rows: rowRange(0, n) };
    }
  }
  if (inputs.every(isStringColumn)) return encodeStringColumns(inputs as ScalarColumn[], classes, names);
  return encodeLabels(
    inputs.map((x, j) => labelValues(x, names[j])),
    classes,
    names,
  );
}

function isStringColumn(input: LabelsInput): boolean {
  return input instanceof ScalarColumn && input.dtype === 'string';
}

/**
 * {@link encodeLabels} of string columns through their dictionaries (built once per column and
 * cached): a class code per distinct string, not a lookup per row. Same classes, codes, rows and
 * errors as reading every value.
 */
function encodeStringColumns(
  columns: readonly ScalarColumn[],
  classes: readonly Label[] | undefined,
  names: readonly string[],
): EncodedLabels {
  const n = commonLength(
    columns.map((c) => ({ length: c.length })),
    names,
  );
  const dicts = columns.map((c) => c.dictionary());
  let kept = n;
  // A null is a negative code; columns without nulls have none to look for.
  const present = columns.some((c) => c.nullCount > 0) ? new Uint8Array(n).fill(1) : null;
  for (let j = 0; j < dicts.length; j++) {
    if (present === null || columns[j].nullCount === 0) continue;
    const codes = dicts[j].codes;
    for (let i = 0; i < n; i++)
      if (codes[i] < 0 && present[i] === 1) {
        present[i] = 0;
        kept--;
      }
  }
  const rows = kept === n ? rowRange(0, n) : new Int32Array(kept);
  if (present !== null && kept !== n) for (let i = 0, r = 0; i < n; i++) if (present[i]) rows[r++] = i;
  let list: Label[];
  if (classes !== undefined) list = [...classes];
  else {
    const seen = new Set<string>();
    for (const d of dicts) {
      const used = new Uint8Array(d.dictionary.length);
      if (rows.length === n) for (let i = 0; i < n; i++) used[d.codes[i]] = 1;
      else for (let r = 0; r < rows.length; r++) used[d.codes[rows[r]]] = 1;
      d.dictionary.forEach((v, c) => {
        if (used[c]) seen.add(v);
      });
    }
    list = sortClasses(seen);
  }
  const index = classIndex(list);
  const codes = dicts.map((d, j) => {
    if (rows.length === n) {
      // Every row (no nulls): the column's kept codes under these classes, unless one is not a class.
      const kept = keptStringCodes(columns[j], list, index);
      if (!hasNegative(kept)) return kept;
    }
    const table = Int32Array.from(d.dictionary, (v) => index.get(v) ?? -1);
    const out = new Int32Array(rows.length);
    const all = rows.length === n;
    for (let r = 0; r < rows.length; r++) {
      const c = table[d.codes[all ? r : rows[r]]];
      if (c < 0)
        throw new InvalidArgumentError(
          `${names[j]} has the value ${JSON.stringify(d.dictionary[d.codes[rows[r]]])} at row ${rows[r]}, which is not one of the classes ` +
            `(${list.map((x) => JSON.stringify(x)).join(', ')})`,
        );
      out[r] = c;
    }
    return out;
  });
  return { classes: list, codes, rows };
}

/**
 * Per row of a labels input, the code of its label in `classes`: -1 where it is missing, -2 where it
 * is not one of the classes (string columns go through their cached dictionary, and their codes are
 * kept per column: read them, never write them).
 */
export function labelCodes(input: LabelsInput, classes: readonly Label[], what = 'labels'): Int32Array {
  const index = classIndex(classes);
  if (isStringColumn(input)) return keptStringCodes(input as ScalarColumn, classes, index);
  const out = new Int32Array(input.length);
  const values = labelValues(input, what);
  for (let i = 0; i < out.length; i++) {
    const v = values[i];
    out[i] = v === null ? -1 : (index.get(v) ?? -2);
  }
  return out;
}

/** The length of every input (0 for none); a {@link LengthMismatchError} names the first that differs. */
function commonLength(inputs: readonly ArrayLike<unknown>[], names: readonly string[]): number {
  const n = inputs[0]?.length ?? 0;
  inputs.forEach((values, j) => {
    if (values.length !== n)
      throw new LengthMismatchError(`${names[j]} has ${values.length} rows but ${names[0]} has ${n}`);
  });
  return n;
}

/** Class code by value when every class is an integer in [0, 65536): -1 for other values; else null. */
function smallIntTable(classes: readonly Label[]): Int32Array | null {
  let max = -1;
  for (const c of classes) {
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c >= 65536) return null;
    if (c > max) max = c;
  }
  const table = new Int32Array(max + 1).fill(-1);
  classes.forEach((c, i) => {
    table[c as number] = i;
  });
  return table;
}

/**
 * Encode several label arrays of equal length (e.g. truth and prediction) over one class list:
 * `classes` when given (a label outside it is an error), else the sorted union of the values.
 * Rows where any input is missing are left out.
 */
export function encodeLabels(
  inputs: readonly (Label | null)[][],
  classes?: readonly Label[],
  names: readonly string[] = inputs.map((_, i) => `labels ${i}`),
): EncodedLabels {
  const n = commonLength(inputs, names);
  let missing = 0;
  for (const values of inputs) for (let i = 0; i < n; i++) if (values[i] === null) missing++;
  let rows: Int32Array;
  if (missing === 0) rows = rowRange(0, n);
  else {
    const kept: number[] = [];
    for (let i = 0; i < n; i++) {
      let present = true;
      for (const values of inputs) if (values[i] === null) present = false;
      if (present) kept.push(i);
    }
    rows = Int32Array.from(kept);
  }
  let list: Label[];
  if (classes !== undefined) list = [...classes];
  else {
    const seen = new Set<Label>();
    for (const values of inputs) for (const i of rows) seen.add(values[i] as Label);
    list = sortClasses(seen);
  }
  const index = classIndex(list);
  // Small non-negative integer classes (the common case) are looked up in a table, not a Map.
  const table = smallIntTable(list);
  const codes = inputs.map((values, j) => {
    const out = new Int32Array(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const v = values[rows[r]] as Label;
      let c: number | undefined;
      if (table !== null && typeof v === 'number')
        c = v >= 0 && v < table.length && v % 1 === 0 ? table[v] : -1;
      else c = index.get(v);
      if (c === undefined || c < 0)
        throw new InvalidArgumentError(
          `${names[j]} has the value ${JSON.stringify(v)} at row ${rows[r]}, which is not one of the classes ` +
            `(${list.map((x) => JSON.stringify(x)).join(', ')})`,
        );
      out[r] = c;
    }
    return out;
  });
  return { classes: list, codes, rows };
}
