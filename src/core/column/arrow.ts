import * as arrow from 'apache-arrow';
import { TypeMismatchError } from '../errors.js';
import { sliceBitmap } from './bitmap.js';
import type { Column } from './column.js';
import { concatColumns } from './concat.js';
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
 * FixedSizeList of numbers → tensor); chunked vectors of those types are joined with one copy per
 * buffer; other types are converted value by value.
 */
export function columnFromArrow(vector: arrow.Vector, field?: arrow.Field): Column {
  const kind = field?.metadata.get(KIND_KEY);
  if (kind === 'object') {
    return new ObjectColumn(
      Array.from(vector as Iterable<string | null>, (s) => (s === null ? null : JSON.parse(s))),
    );
  }
  if (vector.data.length > 1) return columnFromChunks(vector, field);
  const data = vector.data.length === 1 ? vector.data[0] : emptyData(vector);
  const type = data.type as arrow.DataType;
  const dtype = scalarDType(type);
  const validity = arrowValidity(data);
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
  const tensor = tensorFromArrow(data, field);
  if (tensor !== null) return tensor;
  // Everything else (other integer widths, lists, structs, ...) goes through JavaScript values.
  return column(Array.from(vector as Iterable<unknown>, toPlain));
}

/**
 * The validity bitmap of Arrow data, starting at its first row, or null when no row is null.
 * Arrow JS slices values and offsets along with the data; bitmaps (validity, bools) keep a bit offset.
 */
export function arrowValidity(data: arrow.Data): Uint8Array | null {
  return data.nullCount > 0 && data.nullBitmap
    ? sliceBitmap(data.nullBitmap, data.offset, data.length)
    : null;
}

/**
 * A FixedSizeList of numbers as a tensor column sharing the child's values, or null when the data
 * is not one (another type, a bool child, or a null inside a valid row; readers such as Parquet may
 * mark the child slots of null rows null too, which is fine). The row shape comes from the field
 * metadata when it holds the list size, else it is `[size]`.
 */
export function tensorFromArrow(data: arrow.Data, field?: arrow.Field): TensorColumn | null {
  const type = data.type as arrow.DataType;
  if (!arrow.DataType.isFixedSizeList(type)) return null;
  const child = data.children[0];
  const values = child.values as unknown;
  if (tensorDTypeOf(values) === null || arrow.DataType.isBool(child.type)) return null;
  const size = (type as arrow.FixedSizeList).listSize;
  const n = data.length;
  for (let i = 0; child.nullCount > 0 && i < n; i++)
    if (data.getValid(i)) for (let k = 0; k < size; k++) if (!child.getValid(i * size + k)) return null;
  const shapeText = field?.metadata.get(SHAPE_KEY);
  let shape = [size];
  if (shapeText !== undefined) {
    const parsed: unknown = JSON.parse(shapeText);
    if (
      Array.isArray(parsed) &&
      parsed.every((d) => Number.isInteger(d) && d >= 0) &&
      parsed.reduce((a: number, b: number) => a * b, 1) === size
    )
      shape = parsed as number[];
  }
  return new TensorColumn((values as TensorArray).subarray(0, n * size), shape, n, arrowValidity(data));
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

/** The Tessera dtype stored as Arrow `type`, or null when no scalar dtype is stored that way. */
export function scalarDType(type: arrow.DataType): ScalarDType | null {
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

/**
 * A chunked vector (several record batches): each chunk becomes a column sharing its buffers, and
 * the columns are joined with one bulk copy per buffer (`concatColumns`). Appending value by value
 * to an Arrow builder instead took seconds at 1M rows. When some chunk is no tensor (a null inside
 * a row), and for types converted through JavaScript values, the values of the whole vector go
 * through inference at once, so every chunk ends up the same kind.
 */
function columnFromChunks(vector: arrow.Vector, field?: arrow.Field): Column {
  const chunks = vector.data as arrow.Data[];
  if (scalarDType(vector.type as arrow.DataType) !== null)
    return concatColumns(
      chunks.map((data) => columnFromArrow(arrow.makeVector(data), field)),
      { name: field?.name },
    );
  const tensors = chunks.map((data) => tensorFromArrow(data, field));
  if (tensors.every((t) => t !== null))
    return concatColumns(tensors as TensorColumn[], { name: field?.name });
  return column(Array.from(vector as Iterable<unknown>, toPlain));
}

/** Zero chunks: empty data of the vector's type. */
function emptyData(vector: arrow.Vector): arrow.Data {
  return arrow.makeBuilder({ type: vector.type }).finish().flush();
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
