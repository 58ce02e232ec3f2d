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
        'tensor data must be a Float32Array, Float64Array, Int32Array or Uint8Array',
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
      else out.set(this.data.subarray(j * size, (j + 1) * size), i * size);
    }
    const validity = this.validity !== null || missing ? takeBits(this.validity, indices) : null;
    return new TensorColumn(out, this.shape, n, validity);
  }

  format(i: number): string {
    if (this.isNull(i)) return 'null';
    return `<tensor ${this.shape.join('×') || 'scalar'}>`;
  }

  /** Stack equal-shape rows (arrays or typed arrays; null for a null row) into one column. */
  static fromRows(
    rows: ArrayLike<ArrayLike<number> | null | undefined>,
    dtype: TensorDType = 'float32',
    shape?: readonly number[],
  ): TensorColumn {
    const n = rows.length;
    const first = Array.prototype.find.call(rows, (r) => r !== null && r !== undefined) as
      | ArrayLike<number>
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
      data.set(flat, i * size);
    }
    return new TensorColumn(data, rowShape, n, validity);
  }
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

function flatten(value: ArrayLike<unknown>): ArrayLike<number> {
  if (ArrayBuffer.isView(value)) return value as unknown as ArrayLike<number>;
  const first = value[0];
  if (first === undefined || typeof first === 'number') return value as ArrayLike<number>;
  const out: number[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'number') out.push(v);
    else for (const x of Array.from(v as ArrayLike<unknown>)) walk(x);
  };
  walk(value);
  return out;
}
