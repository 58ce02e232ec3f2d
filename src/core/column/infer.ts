import { TypeMismatchError } from '../errors.js';
import { Column } from './column.js';
import { ObjectColumn } from './object.js';
import { ScalarColumn } from './scalar.js';
import { shapeOf, TensorColumn, tensorDTypeOf } from './tensor.js';
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
 * another dtype); anything else becomes an object column. Pass `type` to choose explicitly.
 */
export function column(values: Column | ArrayLike<unknown>, type?: ColumnTypeHint | ColumnType): Column {
  if (values instanceof Column) return values;
  const hint = normalizeTypeHint(type);
  if (hint?.kind === 'object') return new ObjectColumn(Array.from(values));
  if (hint?.kind === 'tensor')
    return TensorColumn.fromRows(values as ArrayLike<ArrayLike<number>>, hint.dtype ?? 'float32', hint.shape);
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
  let rows = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    if (!isNumberArray(v)) return new ObjectColumn(Array.from(values));
    const s = shapeOf(v as ArrayLike<unknown>);
    if (shape === null) {
      shape = s;
      dtype = tensorDTypeOf(v) ?? 'float32';
    } else if (s.length !== shape.length || s.some((d, k) => d !== shape![k])) {
      return new ObjectColumn(Array.from(values));
    }
    rows++;
  }
  if (shape === null || rows === 0) return new ObjectColumn(Array.from(values));
  return TensorColumn.fromRows(values as ArrayLike<ArrayLike<number>>, dtype, shape);
}

/** A typed array, or a (nested) array whose leaves are all numbers. */
function isNumberArray(v: unknown): boolean {
  if (ArrayBuffer.isView(v))
    return !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array);
  if (!Array.isArray(v) || v.length === 0) return false;
  if (typeof v[0] === 'number') return v.every((x) => typeof x === 'number');
  return v.every((x) => isNumberArray(x));
}
