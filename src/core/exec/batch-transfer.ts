// Batches and results as messages between threads. Typed arrays travel in the transfer list:
// their buffers move to the other thread (and are detached here) instead of being copied.
// Strings, objects and the rest go by structured clone.
import type { Column } from '../column/column.js';
import { DeferredColumn } from '../column/deferred.js';
import { column } from '../column/infer.js';
import { ObjectColumn } from '../column/object.js';
import { ScalarColumn, type ScalarValues } from '../column/scalar.js';
import { TensorColumn } from '../column/tensor.js';
import type { ColumnType, ScalarDType, TensorArray } from '../column/types.js';
import type { DataFrame } from '../frame/frame.js';
import { createFrame } from '../frame/frame-factory.js';
import { batchValues } from './batch-values.js';

/** A column as a message. */
export type EncodedColumn =
  | {
      kind: 'scalar';
      dtype: ScalarDType;
      length: number;
      values: ScalarValues;
      offsets: Int32Array | null;
      validity: Uint8Array | null;
    }
  | { kind: 'tensor'; data: TensorArray; shape: number[]; length: number; validity: Uint8Array | null }
  | { kind: 'values'; type: ColumnType | null; values: unknown[] };

/** A frame as a message: column names and columns, in order. */
export interface EncodedFrame {
  names: string[];
  columns: EncodedColumn[];
  length: number;
}

/** Values (one output of one batch) as a message. */
export type EncodedValues =
  | { kind: 'typed'; data: TypedArray }
  | { kind: 'rows'; data: TypedArray; rowLength: number; nulls: number[]; length: number }
  | { kind: 'clone'; values: unknown[] };

type TypedArray =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | BigInt64Array
  | BigUint64Array;

/** Collects the buffers a message can move: each once, only whole ones, never shared memory. */
export class TransferList {
  readonly buffers: ArrayBuffer[] = [];
  private readonly seen = new Set<ArrayBufferLike>();

  /**
   * Move `view`'s buffer if the view spans all of it; otherwise copy out just the view (structured
   * clone would copy the whole underlying buffer) and move the copy.
   */
  own<T extends TypedArray>(view: T): T {
    const buffer = view.buffer;
    if (typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer) return view;
    if (view.byteOffset !== 0 || view.byteLength !== buffer.byteLength || this.seen.has(buffer)) {
      const copy = (view as unknown as { slice(): T }).slice();
      this.add(copy.buffer as ArrayBuffer);
      return copy;
    }
    this.add(buffer as ArrayBuffer);
    return view;
  }

  private add(buffer: ArrayBuffer) {
    this.seen.add(buffer);
    if (buffer.byteLength > 0) this.buffers.push(buffer);
  }
}

/**
 * A frame as a message. The frame's buffers move with it, so encode only a frame whose columns
 * are its own: a batch gathered from a larger frame (`df.slice(...)` gathers fresh copies),
 * never a frame the caller still uses. Deferred columns are computed here first.
 */
export async function encodeFrame(df: DataFrame, transfer: TransferList): Promise<EncodedFrame> {
  const names = df.columnNames;
  const columns: EncodedColumn[] = [];
  for (const name of names) columns.push(await encodeColumn(df.column(name), transfer));
  return { names, columns, length: df.length };
}

async function encodeColumn(c: Column, transfer: TransferList): Promise<EncodedColumn> {
  // Computed here through batchValues, so a row whose media file fails is named in the error.
  const col = c instanceof DeferredColumn ? column(await batchValues(c), c.options.output) : c;
  if (col instanceof ScalarColumn)
    return {
      kind: 'scalar',
      dtype: col.dtype,
      length: col.length,
      values: transfer.own(col.values),
      offsets: col.offsets && transfer.own(col.offsets),
      validity: col.validity && transfer.own(col.validity),
    };
  if (col instanceof TensorColumn)
    return {
      kind: 'tensor',
      data: transfer.own(col.data),
      shape: [...col.shape],
      length: col.length,
      validity: col.validity && transfer.own(col.validity),
    };
  return {
    kind: 'values',
    type: col instanceof ObjectColumn || col.type.kind === 'deferred' ? null : col.type,
    values: col.toArray(),
  };
}

/** The frame a message holds (its arrays are used as they are, not copied). */
export function decodeFrame(message: EncodedFrame): DataFrame {
  const cols = new Map<string, Column>();
  message.names.forEach((name, k) => {
    cols.set(name, decodeColumn(message.columns[k]));
  });
  return createFrame(cols);
}

function decodeColumn(c: EncodedColumn): Column {
  switch (c.kind) {
    case 'scalar':
      return new ScalarColumn(c.dtype, c.length, {
        values: c.values,
        offsets: c.offsets,
        validity: c.validity,
      });
    case 'tensor':
      return new TensorColumn(c.data, c.shape, c.length, c.validity);
    case 'values':
      return c.type === null ? new ObjectColumn(c.values) : column(c.values, c.type as never);
  }
}

/**
 * Values as a message: a typed array moves; rows that are typed arrays of one type and length
 * (per-row tensors) are packed into one array that moves; anything else is cloned.
 */
export function encodeValues(values: ArrayLike<unknown>, transfer: TransferList): EncodedValues {
  if (ArrayBuffer.isView(values) && !(values instanceof DataView))
    return { kind: 'typed', data: transfer.own(values as unknown as TypedArray) };
  const packed = packRows(values, transfer);
  if (packed) return packed;
  return { kind: 'clone', values: Array.from(values) };
}

function packRows(values: ArrayLike<unknown>, transfer: TransferList): EncodedValues | null {
  let ctor: (new (n: number) => TypedArray) | null = null;
  let rowLength = -1;
  const nulls: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      nulls.push(i);
      continue;
    }
    if (!ArrayBuffer.isView(v) || v instanceof DataView) return null;
    const row = v as TypedArray & { length: number };
    if (ctor === null) {
      ctor = row.constructor as new (n: number) => TypedArray;
      rowLength = row.length;
    } else if (row.constructor !== ctor || row.length !== rowLength) return null;
  }
  if (ctor === null) return null;
  const data = new ctor(values.length * rowLength) as TypedArray & {
    set(a: ArrayLike<number>, at: number): void;
  };
  for (let i = 0; i < values.length; i++) {
    const row = values[i];
    if (row !== null && row !== undefined) data.set(row as ArrayLike<number>, i * rowLength); // nulls stay zero
  }
  return { kind: 'rows', data: transfer.own(data), rowLength, nulls, length: values.length };
}

/** The values a message holds; packed rows come back as views of one array. */
export function decodeValues(message: EncodedValues): ArrayLike<unknown> {
  switch (message.kind) {
    case 'typed':
      return message.data;
    case 'clone':
      return message.values;
    case 'rows': {
      const out = new Array<unknown>(message.length);
      const data = message.data as TypedArray & { subarray(a: number, b: number): TypedArray };
      for (let i = 0; i < message.length; i++)
        out[i] = data.subarray(i * message.rowLength, (i + 1) * message.rowLength);
      for (const i of message.nulls) out[i] = null;
      return out;
    }
  }
}
