import * as arrow from 'apache-arrow';
import { TypeMismatchError } from '../errors.js';
import { sliceBitmap } from './bitmap.js';
import type { Column } from './column.js';
import { DeferredColumn } from './deferred.js';
import { column } from './infer.js';
import { ObjectColumn } from './object.js';
import { ScalarColumn, type ScalarValues } from './scalar.js';
import { TensorColumn, tensorDTypeOf } from './tensor.js';
import type { ScalarDType, TensorArray } from './types.js';

/** Field metadata keys that let a round trip through Arrow restore Tessera's column kinds. */
export const KIND_KEY = 'tessera.kind';
export const SHAPE_KEY = 'tessera.shape';

/**
 * A Tessera column from an Arrow vector. Single-chunk vectors of the matching types are wrapped
 * without copying (Float64/32, Int32/64, Uint8, Bool, Utf8, DateDay, TimestampMillisecond,
 * FixedSizeList of numbers → tensor); other types are converted value by value.
 */
export function columnFromArrow(vector: arrow.Vector, field?: arrow.Field): Column {
  const kind = field?.metadata.get(KIND_KEY);
  if (kind === 'object') {
    return new ObjectColumn(
      Array.from(vector as Iterable<string | null>, (s) => (s === null ? null : JSON.parse(s))),
    );
  }
  const data = vector.data.length === 1 ? vector.data[0] : concatData(vector);
  const type = data.type as arrow.DataType;
  const dtype = scalarDType(type);
  // Arrow JS slices values and offsets along with the data; bitmaps (validity, bools) keep a bit offset.
  const validity =
    data.nullCount > 0 && data.nullBitmap ? sliceBitmap(data.nullBitmap, data.offset, data.length) : null;
  if (dtype !== null) {
    if (dtype === 'string') {
      const offsets = (data.valueOffsets as Int32Array).subarray(0, data.length + 1);
      return new ScalarColumn(dtype, data.length, { values: data.values as Uint8Array, offsets, validity });
    }
    const values =
      dtype === 'bool'
        ? sliceBitmap(data.values as Uint8Array, data.offset, data.length)
        : (data.values as ScalarValues).subarray(0, data.length);
    return new ScalarColumn(dtype, data.length, { values, validity });
  }
  if (arrow.DataType.isFixedSizeList(type)) {
    const child = data.children[0];
    if (child.nullCount === 0 && tensorDTypeOf(child.values) !== null) {
      const size = (type as arrow.FixedSizeList).listSize;
      const shapeText = field?.metadata.get(SHAPE_KEY);
      const shape = shapeText ? (JSON.parse(shapeText) as number[]) : [size];
      const values = (child.values as TensorArray).subarray(0, data.length * size);
      return new TensorColumn(values, shape, data.length, validity);
    }
  }
  // Everything else (other integer widths, lists, structs, ...) goes through JavaScript values.
  return column(Array.from(vector as Iterable<unknown>, toPlain));
}

/**
 * An Arrow vector for a column, sharing its buffers. Object columns become Utf8 JSON (marked in
 * the field metadata), tensor columns FixedSizeList; deferred columns are materialised first.
 */
export function columnToArrow(col: Column): arrow.Vector {
  return arrow.makeVector(columnToArrowData(col));
}

/** An Arrow field (name, type, kind metadata) for a column. */
export function arrowField(name: string, col: Column, data: arrow.Data): arrow.Field {
  const metadata = new Map<string, string>();
  if (col.kind === 'object') metadata.set(KIND_KEY, 'object');
  if (col instanceof TensorColumn) {
    metadata.set(KIND_KEY, 'tensor');
    metadata.set(SHAPE_KEY, JSON.stringify(col.shape));
  }
  return new arrow.Field(name, data.type, true, metadata);
}

export function columnToArrowData(col: Column): arrow.Data {
  if (col instanceof DeferredColumn) return columnToArrowData(col.materializeSync());
  if (col instanceof ScalarColumn) {
    const type = arrowType(col.dtype);
    const props = {
      type,
      length: col.length,
      nullCount: col.nullCount,
      nullBitmap: col.validity ?? undefined,
    };
    if (col.dtype === 'string') {
      return arrow.makeData({
        ...props,
        type: type as arrow.Utf8,
        data: col.values as Uint8Array,
        valueOffsets: col.offsets!,
      });
    }
    return arrow.makeData({ ...props, data: col.values } as never);
  }
  if (col instanceof TensorColumn) {
    const childType = arrowType(col.dtype) as arrow.Float32;
    const child = arrow.makeData({
      type: childType,
      length: col.data.length,
      data: col.data as Float32Array,
    });
    const type = new arrow.FixedSizeList(col.rowSize, new arrow.Field('item', childType, false));
    return arrow.makeData({
      type,
      length: col.length,
      nullCount: col.nullCount,
      nullBitmap: col.validity ?? undefined,
      child,
    });
  }
  if (col instanceof ObjectColumn) {
    const json = col.toArray().map((v) => (v === null ? null : JSON.stringify(v)));
    return columnToArrowData(ScalarColumn.from(json, 'string'));
  }
  throw new TypeMismatchError(`cannot convert a ${col.kind} column to Arrow`);
}

function arrowType(dtype: ScalarDType): arrow.DataType {
  switch (dtype) {
    case 'float64':
      return new arrow.Float64();
    case 'float32':
      return new arrow.Float32();
    case 'int32':
      return new arrow.Int32();
    case 'int64':
      return new arrow.Int64();
    case 'uint8':
      return new arrow.Uint8();
    case 'bool':
      return new arrow.Bool();
    case 'string':
      return new arrow.Utf8();
    case 'date':
      return new arrow.DateDay();
    case 'timestamp':
      return new arrow.TimestampMillisecond();
  }
}

function scalarDType(type: arrow.DataType): ScalarDType | null {
  if (arrow.DataType.isFloat(type)) {
    if (type.precision === arrow.Precision.DOUBLE) return 'float64';
    if (type.precision === arrow.Precision.SINGLE) return 'float32';
    return null;
  }
  if (arrow.DataType.isInt(type)) {
    if (type.isSigned && type.bitWidth === 32) return 'int32';
    if (type.isSigned && type.bitWidth === 64) return 'int64';
    if (!type.isSigned && type.bitWidth === 8) return 'uint8';
    return null;
  }
  if (arrow.DataType.isBool(type)) return 'bool';
  if (arrow.DataType.isUtf8(type)) return 'string';
  if (arrow.DataType.isDate(type) && type.unit === arrow.DateUnit.DAY) return 'date';
  if (arrow.DataType.isTimestamp(type) && type.unit === arrow.TimeUnit.MILLISECOND && !type.timezone)
    return 'timestamp';
  return null;
}

/** Several chunks: one contiguous copy (unavoidable), built with Arrow's own builder. */
function concatData(vector: arrow.Vector): arrow.Data {
  const builder = arrow.makeBuilder({ type: vector.type, nullValues: [null, undefined] });
  for (const v of vector) builder.append(v);
  return builder.finish().flush();
}

function toPlain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (
    typeof v === 'object' &&
    v !== null &&
    'toJSON' in v &&
    typeof (v as { toJSON: unknown }).toJSON === 'function'
  )
    return (v as { toJSON(): unknown }).toJSON();
  return v;
}
