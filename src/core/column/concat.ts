import { InvalidArgumentError, TypeMismatchError } from '../errors.js';
import { bitmapBytes } from './bitmap.js';
import type { Column } from './column.js';
import { DeferredColumn, type DeferredOptions } from './deferred.js';
import { ObjectColumn } from './object.js';
import { allocateFixed, DAY_MS, ScalarColumn } from './scalar.js';
import { TensorColumn } from './tensor.js';
import { type ColumnType, formatType, type ScalarDType, TENSOR_ARRAYS, type TensorDType } from './types.js';

export interface ConcatColumnsOptions {
  /** Column name, used in error messages. */
  name?: string;
  /**
   * Also allow the lossy promotion int64 + float32/float64 → float64 (exact only below 2^53).
   * Off by default: `concatColumns` promotes only where no value can change.
   */
  lossy?: boolean;
}

/**
 * The dtype that holds values of both scalar dtypes without loss, or `null` when there is none.
 *
 * uint8 → int32 → float64, uint8 → float32 → float64, int32 + float32 → float64 (float32 cannot hold
 * every int32), uint8/int32 → int64, date → timestamp (days become milliseconds). Strings and booleans
 * join only themselves; int64 with a float has no lossless common type (`lossy` gives float64).
 */
export function promoteScalarDType(a: ScalarDType, b: ScalarDType, lossy = false): ScalarDType | null {
  if (a === b) return a;
  const has = (t: ScalarDType) => a === t || b === t;
  const small = (t: ScalarDType) => t === 'uint8' || t === 'int32';
  const float = (t: ScalarDType) => t === 'float32' || t === 'float64';
  if ((small(a) || float(a)) && (small(b) || float(b))) {
    if (has('float64')) return 'float64';
    if (has('float32')) return has('int32') ? 'float64' : 'float32';
    return 'int32';
  }
  if (has('int64') && (small(a) || small(b))) return 'int64';
  if (has('int64') && (float(a) || float(b))) return lossy ? 'float64' : null;
  if (has('date') && has('timestamp')) return 'timestamp';
  return null;
}

/** The tensor dtype that holds both without loss (same lattice as scalars), or null: int64 with a float. */
export function promoteTensorDType(a: TensorDType, b: TensorDType): TensorDType | null {
  return promoteScalarDType(a, b) as TensorDType | null;
}

/**
 * One column with the rows of `columns`, one after the other. All must be of the same kind:
 * scalar dtypes are promoted where lossless ({@link promoteScalarDType}); tensor columns need equal
 * row shapes (dtypes promoted the same way); object columns concatenate their values; deferred
 * columns give a deferred column that reads each row from the part it came from (through that
 * part's cache, staying lazy; the function name and parameters of the parts are not kept).
 * Nulls are preserved. A single column is returned as it is.
 */
export function concatColumns(columns: readonly Column[], options: ConcatColumnsOptions = {}): Column {
  const label = options.name === undefined ? 'columns' : `column "${options.name}"`;
  if (columns.length === 0) throw new InvalidArgumentError('concatColumns needs at least one column');
  const kind = columns[0].kind;
  for (const c of columns)
    if (c.kind !== kind)
      throw new TypeMismatchError(
        `cannot concatenate ${label}: a ${formatType(columns[0].type)} column with a ${formatType(c.type)} column; all parts must be of the same kind`,
      );
  if (columns.length === 1) return columns[0];
  switch (kind) {
    case 'scalar': {
      const parts = columns as readonly ScalarColumn[];
      let dtype: ScalarDType = parts[0].dtype;
      for (const c of parts) {
        const next = promoteScalarDType(dtype, c.dtype, options.lossy);
        if (next === null)
          throw new TypeMismatchError(
            `cannot concatenate ${label}: ${dtype} with ${c.dtype} has no lossless common type` +
              (dtype === 'string' || c.dtype === 'string' ? '; strings join only strings' : ''),
          );
        dtype = next;
      }
      return concatScalar(parts, dtype);
    }
    case 'tensor': {
      const parts = columns as readonly TensorColumn[];
      const shape = parts[0].shape;
      let dtype = parts[0].dtype;
      for (const c of parts) {
        if (c.shape.length !== shape.length || c.shape.some((d, k) => d !== shape[k]))
          throw new TypeMismatchError(
            `cannot concatenate ${label}: tensor rows of shape [${shape.join(', ')}] with rows of shape [${c.shape.join(', ')}]; row shapes must be equal`,
          );
        const next = promoteTensorDType(dtype, c.dtype);
        if (next === null)
          throw new TypeMismatchError(
            `cannot concatenate ${label}: ${dtype} tensors with ${c.dtype} tensors have no lossless common type`,
          );
        dtype = next;
      }
      return concatTensor(parts, dtype);
    }
    case 'object': {
      const total = totalLength(columns);
      const out = new Array<unknown>(total);
      let pos = 0;
      for (const c of columns as readonly ObjectColumn[]) {
        const v = c.values;
        for (let i = 0; i < c.length; i++) out[pos + i] = v[i] ?? null;
        pos += c.length;
      }
      return new ObjectColumn(out);
    }
    case 'deferred':
      return concatDeferred(columns as readonly DeferredColumn[]);
  }
}

function totalLength(columns: readonly Column[]): number {
  let n = 0;
  for (const c of columns) n += c.length;
  return n;
}

// ---- bitmaps ----

/** Copy `length` bits of `src` (from bit 0) into `out` at bit `pos`; `out` must be zero there. */
function copyBits(src: Uint8Array, out: Uint8Array, pos: number, length: number): void {
  const fullBytes = length >> 3;
  const tail = length & 7;
  const shift = pos & 7;
  let o = pos >> 3;
  if (shift === 0) {
    out.set(src.subarray(0, fullBytes), o);
    if (tail) out[o + fullBytes] |= src[fullBytes] & ((1 << tail) - 1);
    return;
  }
  // Unaligned: each source byte spans two output bytes.
  for (let b = 0; b < fullBytes; b++, o++) {
    const v = src[b];
    out[o] |= (v << shift) & 0xff;
    out[o + 1] |= v >> (8 - shift);
  }
  if (tail) {
    const v = src[fullBytes] & ((1 << tail) - 1);
    out[o] |= (v << shift) & 0xff;
    if (shift + tail > 8) out[o + 1] |= v >> (8 - shift);
  }
}

/** Set bits `[pos, pos + length)` of `out`. */
function setBits(out: Uint8Array, pos: number, length: number): void {
  let i = pos;
  const end = pos + length;
  for (; i < end && (i & 7) !== 0; i++) out[i >> 3] |= 1 << (i & 7);
  const fullEnd = end & ~7;
  if (i < fullEnd) {
    out.fill(0xff, i >> 3, fullEnd >> 3);
    i = fullEnd;
  }
  for (; i < end; i++) out[i >> 3] |= 1 << (i & 7);
}

/** Concatenate bitmaps; a null bitmap stands for all bits `missing`. */
function concatBitmaps(
  parts: readonly { bits: Uint8Array | null; length: number }[],
  total: number,
  missing: boolean,
): Uint8Array {
  const out = new Uint8Array(bitmapBytes(total));
  let pos = 0;
  for (const { bits, length } of parts) {
    if (bits !== null) copyBits(bits, out, pos, length);
    else if (missing) setBits(out, pos, length);
    pos += length;
  }
  return out;
}

/** The validity of the concatenated parts, or null when no part has a null. */
function concatValidity(
  parts: readonly { validity: Uint8Array | null; length: number }[],
  total: number,
): Uint8Array | null {
  if (parts.every((c) => c.validity === null)) return null;
  return concatBitmaps(
    parts.map((c) => ({ bits: c.validity, length: c.length })),
    total,
    true,
  );
}

// ---- scalar ----

function concatScalar(parts: readonly ScalarColumn[], dtype: ScalarDType): ScalarColumn {
  const total = totalLength(parts);
  const validity = concatValidity(parts, total);
  if (dtype === 'bool') {
    const values = concatBitmaps(
      parts.map((c) => ({ bits: c.values as Uint8Array, length: c.length })),
      total,
      false,
    );
    return new ScalarColumn('bool', total, { values, validity });
  }
  if (dtype === 'string') {
    let bytes = 0;
    for (const c of parts) bytes += c.offsets![c.length] - c.offsets![0];
    const data = new Uint8Array(bytes);
    const offsets = new Int32Array(total + 1);
    let pos = 0;
    let at = 0;
    for (const c of parts) {
      const off = c.offsets!;
      const base = off[0];
      data.set((c.values as Uint8Array).subarray(base, off[c.length]), at);
      const shift = at - base;
      for (let i = 1; i <= c.length; i++) offsets[pos + i] = off[i] + shift;
      pos += c.length;
      at += off[c.length] - base;
    }
    return new ScalarColumn('string', total, { values: data, offsets, validity });
  }
  const out = allocateFixed(dtype, total);
  let pos = 0;
  for (const c of parts) {
    const src = c.values.subarray(0, c.length);
    const wide = out instanceof BigInt64Array;
    if (wide === src instanceof BigInt64Array) {
      // Same family (number ↔ number or bigint ↔ bigint): TypedArray.set converts element types.
      (out as Float64Array).set(src as Float64Array, pos);
    } else if (wide) {
      const o = out as BigInt64Array;
      const scale = c.dtype === 'date' ? DAY_MS : 1;
      for (let i = 0; i < src.length; i++) o[pos + i] = BigInt((src as Int32Array)[i] * scale);
    } else {
      // int64 → float64 (only with the `lossy` option).
      const o = out as Float64Array;
      for (let i = 0; i < src.length; i++) o[pos + i] = Number((src as BigInt64Array)[i]);
    }
    pos += c.length;
  }
  return new ScalarColumn(dtype, total, { values: out, validity });
}

// ---- tensor ----

function concatTensor(parts: readonly TensorColumn[], dtype: TensorDType): TensorColumn {
  const total = totalLength(parts);
  const size = parts[0].rowSize;
  const data = new TENSOR_ARRAYS[dtype](total * size);
  let pos = 0;
  for (const c of parts) {
    const at = pos * size;
    if (data instanceof BigInt64Array && !(c.data instanceof BigInt64Array))
      for (let k = 0; k < c.data.length; k++) data[at + k] = BigInt(c.data[k]); // int32/uint8: exact
    else (data as Float64Array).set(c.data as Float64Array, at);
    pos += c.length;
  }
  return new TensorColumn(data, parts[0].shape, total, concatValidity(parts, total));
}

// ---- deferred ----

const ASYNC_PREFIX = 'this deferred column is asynchronous';

function concatDeferred(parts: readonly DeferredColumn[]): DeferredColumn {
  const total = totalLength(parts);
  const starts = new Int32Array(parts.length + 1);
  for (let p = 0; p < parts.length; p++) starts[p + 1] = starts[p] + parts[p].length;
  const positions = new Int32Array(total);
  for (let i = 0; i < total; i++) positions[i] = i;
  const isAsync = new Uint8Array(parts.length);

  const fn = (rows: unknown[]): unknown[] | Promise<unknown[]> => {
    const out = new Array<unknown>(rows.length);
    const locals: number[][] = parts.map(() => []);
    const slots: number[][] = parts.map(() => []);
    for (let k = 0; k < rows.length; k++) {
      const r = rows[k] as number;
      let lo = 0;
      let hi = parts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= r) lo = mid;
        else hi = mid - 1;
      }
      locals[lo].push(r - starts[lo]);
      slots[lo].push(k);
    }
    const pending: Promise<void>[] = [];
    for (let p = 0; p < parts.length; p++) {
      if (locals[p].length === 0) continue;
      const put = (values: unknown[]) => {
        for (let k = 0; k < values.length; k++) out[slots[p][k]] = values[k];
      };
      if (!isAsync[p]) {
        try {
          put(parts[p].loadSync(locals[p]));
          continue;
        } catch (e) {
          if (!(e instanceof TypeMismatchError && e.message.startsWith(ASYNC_PREFIX))) throw e;
          isAsync[p] = 1;
        }
      }
      pending.push(parts[p].load(locals[p]).then(put));
    }
    return pending.length ? Promise.all(pending).then(() => out) : out;
  };

  const first = parts[0].options;
  const same = <K extends keyof DeferredOptions>(key: K) =>
    parts.every((c) => JSON.stringify(c.options[key]) === JSON.stringify(first[key]));
  const options: DeferredOptions = {
    batched: true,
    batchSize: Math.max(...parts.map((c) => c.options.batchSize ?? 256)),
    // Rows are cached by the parts; a second cache here would only hold copies.
    maxCachedRows: 0,
    length: total,
  };
  if (first.media !== undefined && same('media')) options.media = first.media;
  if (first.output !== undefined && same('output')) options.output = first.output as ColumnType;
  return new DeferredColumn(fn, [new ScalarColumn('int32', total, { values: positions })], options);
}
