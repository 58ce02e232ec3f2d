import { LengthMismatchError, TypeMismatchError } from '../errors.js';
import { markNull, sliceBitmap, takeBits } from './bitmap.js';
import type { Indices } from './column.js';
import { NullableColumn } from './nullable.js';
import { TENSOR_ARRAYS, type TensorArray, type TensorDType } from './types.js';

/**
 * One fixed-shape n-d array per row (embeddings, logits, masks), all rows in one contiguous typed
 * array of shape `[length, ...shape]`, row-major. A row is a view (`subarray`) of that array, not a copy.
 */
export class TensorColumn<A extends TensorArray = TensorArray> extends NullableColumn<A> {
  readonly type: { readonly kind: 'tensor'; readonly dtype: TensorDType; readonly shape: readonly number[] };
  /** Number of elements in one row (the product of `shape`). */
  readonly rowSize: number;

  constructor(
    readonly data: A,
    shape: readonly number[],
    readonly length: number = inferLength(data, shape),
    readonly validity: Uint8Array | null = null,
  ) {
    super();
    const dtype = tensorDTypeOf(data);
    if (dtype === null)
      throw new TypeMismatchError(
        'tensor data must be a Float32Array, Float64Array, Int32Array, BigInt64Array or Uint8Array',
      );
    for (const d of shape)
      if (!Number.isInteger(d) || d < 0)
        throw new TypeMismatchError(`bad tensor row shape [${shape.join(', ')}]`);
    this.rowSize = shape.reduce((a, b) => a * b, 1);
    if (data.length !== this.length * this.rowSize)
      throw new LengthMismatchError(
        `tensor data holds ${data.length} elements, but ${this.length} rows of shape [${shape.join(', ')}] need ${this.length * this.rowSize}`,
      );
    this.type = { kind: 'tensor', dtype, shape: Object.freeze([...shape]) };
  }

  get dtype(): TensorDType {
    return this.type.dtype;
  }

  /** Per-row shape. */
  get shape(): readonly number[] {
    return this.type.shape;
  }

  getUnchecked(i: number): A | null {
    if (this.isNull(i)) return null;
    return this.data.subarray(i * this.rowSize, (i + 1) * this.rowSize) as A;
  }

  override slice(start = 0, end = this.length): TensorColumn<A> {
    const [s, e] = this.sliceRange(start, end);
    const data = this.data.subarray(s * this.rowSize, e * this.rowSize) as A;
    return new TensorColumn(
      data,
      this.shape,
      e - s,
      this.validity ? sliceBitmap(this.validity, s, e - s) : null,
    );
  }

  take(indices: Indices): TensorColumn<A> {
    const n = indices.length;
    const size = this.rowSize;
    const out = new (this.data.constructor as new (n: number) => A)(n * size);
    let missing = false;
    for (let i = 0; i < n; i++) {
      const j = indices[i];
      if (j < 0) {
        missing = true;
        continue;
      }
      if (size < 32) for (let k = 0; k < size; k++) out[i * size + k] = this.data[j * size + k];
      // `out` has this column's own element type, so `set` copies without conversion.
      else (out as Float64Array).set(this.data.subarray(j * size, (j + 1) * size) as Float64Array, i * size);
    }
    const validity = this.validity !== null || missing ? takeBits(this.validity, indices) : null;
    return new TensorColumn(out, this.shape, n, validity);
  }

  format(i: number): string {
    if (this.isNull(i)) return 'null';
    return `<tensor ${this.shape.join('×') || 'scalar'}>`;
  }

  /**
   * Stack equal-shape rows (arrays or typed arrays; null for a null row) into one column. An int64
   * column takes bigints and exact integer numbers; the other dtypes take numbers, never bigints.
   */
  static fromRows(
    rows: ArrayLike<TensorRow | null | undefined>,
    dtype: TensorDType = 'float32',
    shape?: readonly number[],
  ): TensorColumn {
    const n = rows.length;
    const first = Array.prototype.find.call(rows, (r) => r !== null && r !== undefined) as
      | TensorRow
      | undefined;
    const rowShape = shape ?? (first ? shapeOf(first) : [0]);
    const size = rowShape.reduce((a, b) => a * b, 1);
    const data = new TENSOR_ARRAYS[dtype](n * size);
    let validity: Uint8Array | null = null;
    for (let i = 0; i < n; i++) {
      const r = rows[i];
      if (r === null || r === undefined) {
        validity = markNull(validity, n, i);
        continue;
      }
      const flat = flatten(r);
      if (flat.length !== size)
        throw new LengthMismatchError(
          `tensor row ${i} has ${flat.length} elements; rows must all have shape [${rowShape.join(', ')}] (${size} elements)`,
        );
      if (data instanceof BigInt64Array) setInt64Row(data, flat, i * size, i);
      else setNumberRow(data, flat, i * size, i, dtype);
    }
    return new TensorColumn(data, rowShape, n, validity);
  }
}

/** One row as `fromRows` takes it: numbers or bigints (nested arrays are flattened too), or a typed array. */
export type TensorRow = ArrayLike<number | bigint>;

/** Copy a row into an int64 tensor: bigints in the int64 range and safe integers, exactly. */
function setInt64Row(data: BigInt64Array, flat: ArrayLike<unknown>, at: number, row: number) {
  if (flat instanceof BigInt64Array) {
    data.set(flat, at);
    return;
  }
  for (let k = 0; k < flat.length; k++) {
    const v = flat[k];
    if (typeof v === 'bigint' && BigInt.asIntN(64, v) === v) data[at + k] = v;
    else if (typeof v === 'number' && Number.isSafeInteger(v)) data[at + k] = BigInt(v);
    else
      throw new TypeMismatchError(
        `tensor row ${row} holds ${describeValue(v)}; an int64 tensor holds bigints from -(2n ** 63n) to 2n ** 63n - 1n, or integer numbers up to 2^53`,
      );
  }
}

/** Copy a row into a number tensor; bigints are refused (they need dtype int64, not a float). */
function setNumberRow(
  data: Exclude<TensorArray, BigInt64Array>,
  flat: ArrayLike<unknown>,
  at: number,
  row: number,
  dtype: TensorDType,
) {
  if (!(flat instanceof BigInt64Array || flat instanceof BigUint64Array))
    try {
      data.set(flat as ArrayLike<number>, at);
      return;
    } catch (e) {
      // A bigint among numbers: `set` refuses to convert it (TypeError), and so do we, by name.
      if (!(e instanceof TypeError)) throw e;
    }
  throw new TypeMismatchError(
    `tensor row ${row} holds bigints, but the column's dtype is ${dtype}; ` +
      "pass dtype 'int64' to keep them exact (e.g. column(rows, { kind: 'tensor', dtype: 'int64' }))",
  );
}

function describeValue(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n, outside the int64 range`;
  if (typeof v === 'number') return `${v}, not an integer number up to 2^53`;
  return `a ${v === null ? 'null' : typeof v} value`;
}

function inferLength(data: TensorArray, shape: readonly number[]): number {
  const size = shape.reduce((a, b) => a * b, 1);
  return size === 0 ? 0 : Math.floor(data.length / size);
}

/** The tensor dtype of a typed array, or null when it is not one a tensor column can hold. */
export function tensorDTypeOf(values: unknown): TensorDType | null {
  if (values instanceof Float32Array) return 'float32';
  if (values instanceof Float64Array) return 'float64';
  if (values instanceof Int32Array) return 'int32';
  if (values instanceof BigInt64Array) return 'int64';
  if (values instanceof Uint8Array) return 'uint8';
  return null;
}

/** Shape of a (possibly nested) number array, e.g. [[1,2],[3,4]] → [2, 2]. */
export function shapeOf(value: ArrayLike<unknown>): number[] {
  const shape: number[] = [];
  let v: unknown = value;
  while (v !== null && typeof v === 'object' && 'length' in (v as object)) {
    const arr = v as ArrayLike<unknown>;
    shape.push(arr.length);
    if (ArrayBuffer.isView(arr) || arr.length === 0) break;
    v = arr[0];
  }
  return shape;
}

function flatten(value: ArrayLike<unknown>): ArrayLike<unknown> {
  if (ArrayBuffer.isView(value)) return value;
  const first = value[0];
  if (first === undefined || typeof first === 'number' || typeof first === 'bigint') return value;
  const out: unknown[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'number' || typeof v === 'bigint') out.push(v);
    else for (const x of Array.from(v as ArrayLike<unknown>)) walk(x);
  };
  walk(value);
  return out;
}
