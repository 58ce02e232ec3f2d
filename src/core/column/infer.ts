import { TypeMismatchError } from '../errors.js';
import { Column } from './column.js';
import { ObjectColumn } from './object.js';
import { ScalarColumn } from './scalar.js';
import { shapeOf, TensorColumn, type TensorRow, tensorDTypeOf } from './tensor.js';
import { type ColumnType, SCALAR_DTYPES, type ScalarDType, type TensorDType } from './types.js';

/** What `column()` accepts as an explicit type: a full ColumnType, a scalar dtype, or a kind. */
export type ColumnTypeHint =
  | ScalarDType
  | 'tensor'
  | 'object'
  | { kind: 'scalar'; dtype: ScalarDType }
  | { kind: 'tensor'; dtype?: TensorDType; shape?: readonly number[] }
  | { kind: 'object' };

/**
 * Build a column from values, inferring its kind: numbers, strings, booleans, bigints and Dates
 * become scalar columns (a typed array is used as it is, without copying); equal-shape number
 * arrays or typed arrays become a tensor column (float32 unless the rows are typed arrays of
 * another dtype; bigint rows or BigInt64Arrays give int64, exact beyond 2^53); anything else
 * becomes an object column. Rows that mix numbers and bigints are refused (TypeMismatchError):
 * pass `{ kind: 'tensor', dtype: 'int64' }` to take integer numbers as int64. Pass `type` to choose
 * explicitly.
 */
export function column(values: Column | ArrayLike<unknown>, type?: ColumnTypeHint | ColumnType): Column {
  if (values instanceof Column) return values;
  const hint = normalizeTypeHint(type);
  if (hint?.kind === 'object') return new ObjectColumn(Array.from(values));
  if (hint?.kind === 'tensor')
    return TensorColumn.fromRows(
      values as ArrayLike<TensorRow>,
      hint.dtype ?? (leavesOfFirstRow(values) === 'bigint' ? 'int64' : 'float32'),
      hint.shape,
    );
  if (hint?.kind === 'scalar') {
    const typed = typedScalarDType(values);
    if (typed === hint.dtype) return fromTypedArray(values as never, typed);
    return ScalarColumn.from(values, hint.dtype);
  }
  const typed = typedScalarDType(values);
  if (typed !== null) return fromTypedArray(values as never, typed);
  if (ArrayBuffer.isView(values))
    return ScalarColumn.from(Array.from(values as unknown as ArrayLike<number>), 'float64');
  return ScalarColumn.fromInferred(values) ?? inferTensorOrObject(values);
}

/** A type hint in its object form (`'int32'` → `{ kind: 'scalar', dtype: 'int32' }`), checked. */
export function normalizeTypeHint(
  type: ColumnTypeHint | ColumnType | undefined,
): Exclude<ColumnTypeHint, string> | undefined {
  if (type === undefined) return undefined;
  const hint =
    typeof type === 'string'
      ? type === 'tensor' || type === 'object'
        ? { kind: type }
        : { kind: 'scalar' as const, dtype: type }
      : type;
  if (hint.kind === 'scalar' && !(SCALAR_DTYPES as readonly string[]).includes(hint.dtype))
    throw new TypeMismatchError(`unknown column type "${hint.dtype}"`);
  if (hint.kind === 'deferred')
    throw new TypeMismatchError('build deferred columns with DataFrame.defer or new DeferredColumn');
  return hint as Exclude<ColumnTypeHint, string>;
}

/** The scalar dtype whose storage is this typed array (so it can be used as it is), or null. */
function typedScalarDType(values: ArrayLike<unknown>): ScalarDType | null {
  return tensorDTypeOf(values) ?? (values instanceof BigInt64Array ? 'int64' : null);
}

function fromTypedArray(
  values: Float64Array | Float32Array | Int32Array | Uint8Array | BigInt64Array,
  dtype: ScalarDType,
) {
  return new ScalarColumn(dtype, values.length, { values });
}

function inferTensorOrObject(values: ArrayLike<unknown>): Column {
  let shape: number[] | null = null;
  let dtype: TensorDType = 'float32';
  let leaves: Leaves | null = null;
  let rows = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    const kind = leavesOf(v);
    if (kind === null) return new ObjectColumn(Array.from(values));
    if (kind === 'mixed' || (leaves !== null && kind !== leaves)) throw mixedError(i);
    const s = shapeOf(v as ArrayLike<unknown>);
    if (shape === null) {
      shape = s;
      leaves = kind;
      dtype = tensorDTypeOf(v) ?? (kind === 'bigint' ? 'int64' : 'float32');
    } else if (s.length !== shape.length || s.some((d, k) => d !== shape![k])) {
      return new ObjectColumn(Array.from(values));
    }
    rows++;
  }
  if (shape === null || rows === 0) return new ObjectColumn(Array.from(values));
  return TensorColumn.fromRows(values as ArrayLike<TensorRow>, dtype, shape);
}

/** What a tensor row's elements are; `mixed` (numbers and bigints) has no lossless tensor dtype. */
type Leaves = 'number' | 'bigint' | 'mixed';

/**
 * The elements of a typed array, or of a (nested) array whose leaves are all numbers or bigints;
 * null for anything else (it is not a tensor row).
 */
function leavesOf(v: unknown): Leaves | null {
  if (ArrayBuffer.isView(v)) {
    if (v instanceof DataView || v instanceof BigUint64Array) return null;
    return v instanceof BigInt64Array ? 'bigint' : 'number';
  }
  if (!Array.isArray(v) || v.length === 0) return null;
  let out: Leaves | null = null;
  for (const x of v) {
    const kind = typeof x === 'number' ? 'number' : typeof x === 'bigint' ? 'bigint' : leavesOf(x);
    if (kind === null) return null;
    out = out === null || out === kind ? kind : 'mixed';
  }
  return out;
}

function leavesOfFirstRow(values: ArrayLike<unknown>): Leaves | null {
  const first = Array.prototype.find.call(values, (r) => r !== null && r !== undefined);
  return first === undefined ? null : leavesOf(first);
}

function mixedError(row: number): TypeMismatchError {
  return new TypeMismatchError(
    `tensor rows: row ${row} mixes numbers and bigints (or differs from the rows before it); ` +
      "use bigints throughout for int64, or pass { kind: 'tensor', dtype: 'int64' } to take integer numbers as int64",
  );
}
