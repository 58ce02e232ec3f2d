import { TypeMismatchError, UnsupportedError } from '../errors.js';
import { bitmapBytes, getBit, markNull, sliceBitmap, takeBits } from './bitmap.js';
import type { Indices } from './column.js';
import { NullableColumn } from './nullable.js';
import { buildStringDictionary, type StringDictionary } from './string-dictionary.js';
import type { ScalarDType } from './types.js';
import { Utf8Writer } from './utf8-writer.js';

/** The JavaScript value of a scalar cell. */
export type ScalarValue = number | bigint | boolean | string | Date;

/** Storage of the values buffer, by dtype (bool and string are bytes: bits and UTF-8). */
export type ScalarValues = Float64Array | Float32Array | Int32Array | BigInt64Array | Uint8Array;

export interface ScalarBuffers {
  /** Fixed-width values; bit-packed for bool; UTF-8 bytes for string. */
  values: ScalarValues;
  /** For strings: `length + 1` offsets into `values`. */
  offsets?: Int32Array | null;
  /** Validity bitmap (1 = valid), or null when no value is null. */
  validity?: Uint8Array | null;
}

/** Milliseconds in a day: a `date` cell is stored as days since the epoch. */
export const DAY_MS = 86_400_000;
const utf8Decoder = new TextDecoder();

/** Numeric dtypes whose values are plain JavaScript numbers. */
export const NUMBER_DTYPES: ReadonlySet<ScalarDType> = new Set(['float64', 'float32', 'int32', 'uint8']);

export type { StringDictionary } from './string-dictionary.js';

/**
 * A column of scalars (numbers, integers, booleans, strings, dates, timestamps) with nulls,
 * stored in Apache Arrow's memory layout so it converts to and from Arrow without copying.
 */
export class ScalarColumn<T extends ScalarValue = ScalarValue> extends NullableColumn<T> {
  readonly type: { readonly kind: 'scalar'; readonly dtype: ScalarDType };
  readonly values: ScalarValues;
  readonly offsets: Int32Array | null;
  readonly validity: Uint8Array | null;
  private dict: StringDictionary | null = null;

  constructor(
    readonly dtype: ScalarDType,
    readonly length: number,
    buffers: ScalarBuffers,
  ) {
    super();
    this.type = { kind: 'scalar', dtype };
    this.values = buffers.values;
    this.offsets = buffers.offsets ?? null;
    this.validity = buffers.validity ?? null;
    checkBuffers(dtype, length, this.values, this.offsets);
  }

  getUnchecked(i: number): T | null {
    if (this.validity !== null && !getBit(this.validity, i)) return null;
    const v = this.values;
    switch (this.dtype) {
      case 'bool':
        return getBit(v as Uint8Array, i) as T;
      case 'string':
        return decodeUtf8(v as Uint8Array, this.offsets![i], this.offsets![i + 1]) as T;
      case 'date':
        return new Date((v as Int32Array)[i] * DAY_MS) as T;
      case 'timestamp':
        return new Date(Number((v as BigInt64Array)[i])) as T;
      default:
        return v[i] as T;
    }
  }

  /**
   * The value at `i` as a number, for ordering and arithmetic: booleans as 0/1, dates as days,
   * timestamps as milliseconds, int64 converted (exact below 2^53). Not for strings.
   */
  numberAt(i: number): number {
    const v = this.values;
    switch (this.dtype) {
      case 'bool':
        return getBit(v as Uint8Array, i) ? 1 : 0;
      case 'int64':
      case 'timestamp':
        return Number((v as BigInt64Array)[i]);
      case 'string':
        throw new TypeMismatchError('a string column has no numeric value; use get() or dictionary()');
      default:
        return (v as Float64Array)[i];
    }
  }

  /** Whether values are numbers (or number-like: bool, date, timestamp, int64) rather than strings. */
  get isNumeric(): boolean {
    return this.dtype !== 'string';
  }

  /**
   * Dictionary encoding of a string column, built once and cached: the sorted distinct values
   * (code-point order) and a code per row. Sorting, grouping and joining on strings use this.
   */
  dictionary(): StringDictionary {
    if (this.dtype !== 'string')
      throw new TypeMismatchError(`dictionary() needs a string column, not ${this.dtype}`);
    this.dict ??= buildStringDictionary(
      this.values as Uint8Array,
      this.offsets!,
      this.nullCount === 0 ? null : this.validity,
      this.length,
    );
    return this.dict;
  }

  override slice(start = 0, end = this.length): ScalarColumn<T> {
    const [s, e] = this.sliceRange(start, end);
    const n = e - s;
    const validity = this.validity ? sliceBitmap(this.validity, s, n) : null;
    if (this.dtype === 'string') {
      // Offsets need not start at 0 (Arrow allows it), so the bytes are shared.
      return new ScalarColumn(this.dtype, n, {
        values: this.values,
        offsets: this.offsets!.subarray(s, e + 1),
        validity,
      });
    }
    const values =
      this.dtype === 'bool' ? sliceBitmap(this.values as Uint8Array, s, n) : this.values.subarray(s, e);
    return new ScalarColumn(this.dtype, n, { values, validity });
  }

  take(indices: Indices): ScalarColumn<T> {
    const n = indices.length;
    let anyMissing = false;
    for (let i = 0; i < n; i++) {
      if (indices[i] < 0) {
        anyMissing = true;
        break;
      }
    }
    const validity = this.validity !== null || anyMissing ? takeBits(this.validity, indices) : null;
    if (this.dtype === 'bool') {
      return new ScalarColumn(this.dtype, n, {
        values: takeBits(this.values as Uint8Array, indices, false),
        validity,
      });
    }
    if (this.dtype === 'string') return this.takeStrings(indices, validity);
    const src = this.values;
    const out = new (src.constructor as new (n: number) => ScalarValues)(n);
    if (anyMissing) {
      for (let i = 0; i < n; i++) {
        const j = indices[i];
        if (j >= 0) out[i] = src[j];
      }
    } else if (indices instanceof Int32Array) {
      gatherFixed(src, indices, out);
    } else {
      for (let i = 0; i < n; i++) out[i] = src[indices[i]];
    }
    return new ScalarColumn(this.dtype, n, { values: out, validity });
  }

  private takeStrings(indices: Indices, validity: Uint8Array | null): ScalarColumn<T> {
    const n = indices.length;
    const srcOffsets = this.offsets!;
    const src = this.values as Uint8Array;
    // One random read of the source offsets per row: remember where each string starts so the
    // copy pass touches only the bytes (random reads, not arithmetic, dominate large gathers).
    const starts = new Int32Array(n);
    const offsets = new Int32Array(n + 1);
    let bytes = 0;
    for (let i = 0; i < n; i++) {
      const j = indices[i];
      if (j >= 0) {
        const a = srcOffsets[j];
        starts[i] = a;
        bytes += srcOffsets[j + 1] - a;
      }
      offsets[i + 1] = bytes;
    }
    const data = new Uint8Array(bytes);
    for (let i = 0; i < n; i++) {
      const o = offsets[i];
      const len = offsets[i + 1] - o;
      const a = starts[i];
      if (len < 16) for (let k = 0; k < len; k++) data[o + k] = src[a + k];
      else data.set(src.subarray(a, a + len), o);
    }
    return new ScalarColumn(this.dtype, n, { values: data, offsets, validity });
  }

  format(i: number): string {
    const v = this.getUnchecked(i);
    if (v === null) return 'null';
    switch (this.dtype) {
      case 'string':
        return JSON.stringify(v);
      case 'date':
        return (v as Date).toISOString().slice(0, 10);
      case 'timestamp':
        return (v as Date).toISOString();
      case 'float64':
      case 'float32':
        return formatNumber(v as number);
      default:
        return String(v);
    }
  }

  /**
   * Build from JavaScript values when every non-null value has one scalar type (number → float64,
   * string, boolean → bool, bigint → int64, Date → timestamp); otherwise (or all null) `null`.
   */
  static fromInferred(values: ArrayLike<unknown>): ScalarColumn | null {
    let dtype: ScalarDType | null = null;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null || v === undefined) continue;
      const t = scalarDTypeOf(v);
      if (t === null || (dtype !== null && t !== dtype)) return null;
      dtype = t;
    }
    return dtype === null ? null : ScalarColumn.from(values, dtype);
  }

  /** Build from JavaScript values (null/undefined are nulls), converting to `dtype`. */
  static from<V extends ScalarValue = ScalarValue>(
    values: ArrayLike<unknown>,
    dtype: ScalarDType,
  ): ScalarColumn<V> {
    const n = values.length;
    let validity: Uint8Array | null = null;
    if (dtype === 'string') {
      const offsets = new Int32Array(n + 1);
      const bytes = new Utf8Writer(n * 8);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v === null || v === undefined) validity = markNull(validity, n, i);
        else if (typeof v !== 'string')
          throw new TypeMismatchError(`row ${i}: expected a string, got ${describe(v)}`);
        else bytes.write(v);
        if (bytes.length > 0x7fffffff)
          throw new UnsupportedError(
            `a string column holds over 2 GiB of text (at row ${i}); split it into frames`,
          );
        offsets[i + 1] = bytes.length;
      }
      return new ScalarColumn(dtype, n, { values: bytes.finish(), offsets, validity });
    }
    if (dtype === 'bool') {
      const bits = new Uint8Array(bitmapBytes(n));
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v === null || v === undefined) validity = markNull(validity, n, i);
        else if (typeof v !== 'boolean')
          throw new TypeMismatchError(`row ${i}: expected a boolean, got ${describe(v)}`);
        else if (v) bits[i >> 3] |= 1 << (i & 7);
      }
      return new ScalarColumn(dtype, n, { values: bits, validity });
    }
    const out = allocateFixed(dtype, n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === null || v === undefined) {
        validity = markNull(validity, n, i);
        continue;
      }
      out[i] = toStorage(v, dtype, i) as never;
    }
    return new ScalarColumn(dtype, n, { values: out, validity });
  }
}

/**
 * `out[i] = src[indices[i]]`, through one copy of the loop per array type: a single loop shared by
 * all types makes its element accesses polymorphic, which V8 runs several times slower.
 */
function gatherFixed(src: ScalarValues, indices: Int32Array, out: ScalarValues): void {
  if (src instanceof Float64Array) gatherF64(src, indices, out as Float64Array);
  else if (src instanceof Int32Array) gatherI32(src, indices, out as Int32Array);
  else if (src instanceof Float32Array) gatherF32(src, indices, out as Float32Array);
  else if (src instanceof BigInt64Array) gatherI64(src, indices, out as BigInt64Array);
  else gatherU8(src, indices, out as Uint8Array);
}

function gatherF64(src: Float64Array, indices: Int32Array, out: Float64Array): void {
  for (let i = 0; i < indices.length; i++) out[i] = src[indices[i]];
}
function gatherF32(src: Float32Array, indices: Int32Array, out: Float32Array): void {
  for (let i = 0; i < indices.length; i++) out[i] = src[indices[i]];
}
function gatherI32(src: Int32Array, indices: Int32Array, out: Int32Array): void {
  for (let i = 0; i < indices.length; i++) out[i] = src[indices[i]];
}
function gatherI64(src: BigInt64Array, indices: Int32Array, out: BigInt64Array): void {
  for (let i = 0; i < indices.length; i++) out[i] = src[indices[i]];
}
function gatherU8(src: Uint8Array, indices: Int32Array, out: Uint8Array): void {
  for (let i = 0; i < indices.length; i++) out[i] = src[indices[i]];
}

function scalarDTypeOf(v: unknown): ScalarDType | null {
  switch (typeof v) {
    case 'number':
      return 'float64';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int64';
    default:
      return v instanceof Date ? 'timestamp' : null;
  }
}

/** A zeroed values buffer for a fixed-width dtype. */
export function allocateFixed(dtype: ScalarDType, n: number): ScalarValues {
  switch (dtype) {
    case 'float64':
      return new Float64Array(n);
    case 'float32':
      return new Float32Array(n);
    case 'int32':
    case 'date':
      return new Int32Array(n);
    case 'uint8':
      return new Uint8Array(n);
    case 'int64':
    case 'timestamp':
      return new BigInt64Array(n);
    default:
      throw new TypeMismatchError(`no fixed-width storage for ${dtype}`);
  }
}

function toStorage(v: unknown, dtype: ScalarDType, row: number): number | bigint {
  const fail = (): never => {
    throw new TypeMismatchError(`row ${row}: cannot store ${describe(v)} in a ${dtype} column`);
  };
  switch (dtype) {
    case 'float64':
    case 'float32':
      if (typeof v === 'number') return v;
      if (typeof v === 'bigint') return Number(v);
      return fail();
    case 'int32':
    case 'uint8': {
      const x = typeof v === 'bigint' ? Number(v) : v;
      if (typeof x !== 'number' || !Number.isInteger(x)) return fail();
      const [lo, hi] = dtype === 'int32' ? [-(2 ** 31), 2 ** 31 - 1] : [0, 255];
      if ((x as number) < lo || (x as number) > hi) return fail();
      return x as number;
    }
    case 'int64': {
      const x = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : fail();
      // A BigInt64Array would wrap a value past ±2^63 silently into another value.
      return BigInt.asIntN(64, x) === x ? x : fail();
    }
    case 'date':
      // An invalid Date (NaN time) is not a day; it would be stored as day 0.
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? fail() : Math.floor(v.getTime() / DAY_MS);
      // Days are stored as int32.
      if (typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31) return v;
      return fail();
    case 'timestamp': {
      const t = v instanceof Date ? v.getTime() : v;
      const x =
        typeof t === 'bigint'
          ? t
          : typeof t === 'number' && Number.isFinite(t)
            ? BigInt(Math.round(t))
            : fail();
      return BigInt.asIntN(64, x) === x ? x : fail();
    }
    default:
      return fail();
  }
}

function checkBuffers(dtype: ScalarDType, length: number, values: ScalarValues, offsets: Int32Array | null) {
  if (dtype === 'string') {
    if (!offsets || offsets.length !== length + 1)
      throw new TypeMismatchError(`a string column of length ${length} needs ${length + 1} offsets`);
  } else if (dtype === 'bool') {
    if (values.length * 8 < length) throw new TypeMismatchError(`bool bitmap too short for length ${length}`);
  } else if (values.length < length) {
    throw new TypeMismatchError(`values buffer holds ${values.length} items, fewer than length ${length}`);
  }
}

function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  // Short ASCII strings are far faster to build by hand than through TextDecoder.
  if (end - start <= 24) {
    let s = '';
    for (let k = start; k < end; k++) {
      const c = bytes[k];
      if (c >= 0x80) return utf8Decoder.decode(bytes.subarray(start, end));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return utf8Decoder.decode(bytes.subarray(start, end));
}

export function formatNumber(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e15)) return v.toExponential(4);
  return String(Number(v.toPrecision(6)));
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return 'a Date';
  return `${typeof v} ${String(v).slice(0, 40)}`;
}
