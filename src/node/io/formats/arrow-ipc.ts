/**
 * Arrow IPC import and export, file (`.arrow`, Feather v2) and stream (`.arrows`) formats. Reading
 * wraps the file's buffers without copying where the column types match Tessera's (Float64/32,
 * Int32/64, Uint8, Bool, Utf8, DateDay, TimestampMillisecond, FixedSizeList → tensor); other
 * types are converted (see {@link arrowTableToFrame}). Writing uses `df.toArrow()`, so tensor
 * columns become FixedSizeList and object columns JSON text, both marked so they read back as such.
 *
 * @example
 * const flights = await readArrow('flights.arrow', { columns: ['delay', 'distance'] });
 * await writeArrow(df, 'out.arrows', { format: 'stream' });
 */
import type { FileHandle } from 'node:fs/promises';
import * as arrow from 'apache-arrow';
import { columnFromArrow, KIND_KEY, tensorFromArrow } from '../../../core/column/arrow.js';
import type { Column } from '../../../core/column/column.js';
import { concatColumns } from '../../../core/column/concat.js';
import { ObjectColumn } from '../../../core/column/object.js';
import { DAY_MS, ScalarColumn } from '../../../core/column/scalar.js';
import { ColumnNotFoundError, ParseError, TesseraError } from '../../../core/errors.js';
import { DataFrame } from '../../../core/frame/frame.js';
import { offsetsProblem } from '../../../core/io/arrow-ipc-layout.js';
import { type CheckedMessage, checkedMessages, checkedTable } from './arrow-ipc-check.js';
import { openInput, readAt, readInput, writeChunks } from './file.js';

/** Options of {@link readArrow}. */
export interface ArrowReadOptions {
  /** Only these columns, in this order. */
  columns?: readonly string[];
}

/** Options of {@link writeArrow}. */
export interface ArrowWriteOptions {
  /** `file` (random access, default) or `stream`. */
  format?: 'file' | 'stream';
}

/** The Arrow IPC file or stream at `path` (the format is detected) as a frame. */
export async function readArrow(path: string, options: ArrowReadOptions = {}): Promise<DataFrame> {
  return parseArrow(await readInput(path), { ...options, file: path });
}

/** Arrow IPC bytes (file or stream format) as a frame, sharing the bytes where types allow. */
export function parseArrow(bytes: Uint8Array, options: ArrowReadOptions & { file?: string } = {}): DataFrame {
  const file = options.file ?? '<arrow bytes>';
  return guarded(file, () => {
    if (bytes.length < 8)
      throw new ParseError(file, null, 'expected Arrow IPC data, found fewer than 8 bytes');
    const table = checkedTable(bytes, file);
    return arrowTableToFrame(table, options.columns, file);
  });
}

/**
 * Record batches of the Arrow IPC stream or file at `path`, one frame each, read as the file is
 * streamed (memory holds one batch). The file's structure is checked as {@link readArrow} checks
 * it, before the first batch, so a damaged file is a ParseError, never a hang.
 */
export async function* readArrowBatches(
  path: string,
  options: ArrowReadOptions = {},
): AsyncGenerator<DataFrame> {
  const handle = await openInput(path);
  try {
    let messages: readonly CheckedMessage[];
    try {
      messages = await checkedMessages(handle, path);
    } catch (e) {
      throw asParseError(path, e);
    }
    let reader: arrow.AsyncRecordBatchStreamReader;
    try {
      reader = (await arrow.RecordBatchReader.from(
        messageBytes(handle, messages),
      )) as arrow.AsyncRecordBatchStreamReader;
    } catch (e) {
      throw asParseError(path, e);
    }
    const it = reader[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<arrow.RecordBatch>;
      try {
        next = await it.next();
      } catch (e) {
        throw asParseError(path, e);
      }
      if (next.done) break;
      const batch = next.value;
      yield guarded(path, () => arrowTableToFrame(new arrow.Table(batch), options.columns, path));
    }
  } finally {
    await handle.close();
  }
}

/** The checked messages, as one Arrow IPC stream read piece by piece (one message in memory). */
async function* messageBytes(
  handle: FileHandle,
  messages: readonly CheckedMessage[],
): AsyncGenerator<Uint8Array> {
  for (const m of messages) {
    const bytes = new Uint8Array(8 + m.headerLength + m.bodyLength);
    const view = new DataView(bytes.buffer);
    view.setInt32(0, -1, true);
    view.setInt32(4, m.headerLength, true);
    if (m.bytes) bytes.set(m.bytes, 8);
    else await readAt(handle, bytes.subarray(8), m.header);
    yield bytes;
  }
  yield new Uint8Array(8).fill(0xff, 0, 4); // end-of-stream marker
}

/** Write `df` as Arrow IPC (file format unless `format: 'stream'`). */
export async function writeArrow(
  df: DataFrame,
  path: string,
  options: ArrowWriteOptions = {},
): Promise<void> {
  await writeChunks(path, [formatArrow(df, options)]);
}

/** `df` as Arrow IPC bytes. */
export function formatArrow(df: DataFrame, options: ArrowWriteOptions = {}): Uint8Array {
  return arrow.tableToIPC(df.toArrow(), options.format ?? 'file');
}

/**
 * A frame from an Arrow table, with conversions for types that Parquet and other writers produce:
 * LargeUtf8 → string (offsets narrowed), Timestamp in s/µs/ns or with a time zone → timestamp (ms),
 * Int8/16, Uint16/32 → int32 or float64; everything else as `columnFromArrow` does it.
 */
export function arrowTableToFrame(
  table: arrow.Table,
  columns: readonly string[] | undefined,
  file: string,
): DataFrame {
  const names = table.schema.fields.map((f) => f.name);
  const wanted = columns ?? names;
  const cols = new Map<string, Column>();
  for (const name of wanted) {
    const index = names.indexOf(name);
    if (index < 0) throw new ColumnNotFoundError(name, names);
    const field = table.schema.fields[index];
    const vector = table.getChildAt(index)!;
    let col: Column;
    try {
      // Chunk by chunk (each wrapped without copying where it can), then one concatenation.
      for (const d of vector.data) {
        const problem = offsetsProblem(d);
        if (problem) throw new ParseError(file, null, `column "${name}" ${problem}`);
      }
      const parts = vector.data.map((d) => chunkColumn(arrow.makeVector(d), field));
      col =
        parts.length === 1
          ? parts[0]
          : parts.length === 0
            ? chunkColumn(vector, field)
            : concatColumns(parts);
    } catch (e) {
      // The file's data does not fit its own schema (a tensor's shape, a buffer's size): bad data.
      if (e instanceof ParseError) throw e;
      throw new ParseError(file, null, `column "${name}" cannot be read: ${(e as Error).message}`);
    }
    if (col.length !== table.numRows)
      throw new ParseError(file, null, `column "${name}" has ${col.length} rows, the table ${table.numRows}`);
    cols.set(name, col);
  }
  return new DataFrame(cols);
}

function chunkColumn(vector: arrow.Vector, field: arrow.Field): Column {
  const kind = field.metadata.get(KIND_KEY);
  const type = vector.type as arrow.DataType;
  if (vector.length === 0 && (arrow.DataType.isUtf8(type) || arrow.DataType.isLargeUtf8(type)))
    return kind === 'object' ? new ObjectColumn([]) : ScalarColumn.from([], 'string');
  if (kind === 'object') return columnFromArrow(vector, field);
  const tensor = vector.data.length === 1 ? tensorFromArrow(vector.data[0], field) : null;
  return tensor ?? convertedColumn(vector) ?? columnFromArrow(vector, field);
}

function convertedColumn(vector: arrow.Vector): Column | null {
  const type = vector.type as arrow.DataType;
  if (arrow.DataType.isLargeUtf8(type)) {
    const values: (string | null)[] = vector.toArray() as never;
    return ScalarColumn.from(Array.from(values), 'string');
  }
  if (arrow.DataType.isTimestamp(type) && (type.unit !== arrow.TimeUnit.MILLISECOND || type.timezone)) {
    const div = [1000n, 1n, 1000n, 1000000n][type.unit] ?? 1n;
    const mul = type.unit === arrow.TimeUnit.SECOND ? 1000n : 1n;
    const n = vector.length;
    const out = new BigInt64Array(n);
    const valid = new Array<boolean>(n);
    let any = false;
    let offset = 0;
    for (const data of vector.data) {
      const raw = data.values as BigInt64Array | Int32Array;
      for (let i = 0; i < data.length; i++) {
        const ok = data.getValid(i);
        valid[offset + i] = ok;
        if (!ok) {
          any = true;
          continue;
        }
        const v = BigInt(raw[i]);
        out[offset + i] = type.unit === arrow.TimeUnit.SECOND ? v * mul : floorDiv(v, div);
      }
      offset += data.length;
    }
    const col = new ScalarColumn('timestamp', n, { values: out });
    return any ? col.take(valid.map((ok, i) => (ok ? i : -1))) : col;
  }
  if (arrow.DataType.isDate(type) && type.unit === arrow.DateUnit.MILLISECOND) {
    const values = Array.from(vector as Iterable<number | Date | null>, (v) =>
      v === null ? null : Math.floor((v instanceof Date ? v.getTime() : v) / DAY_MS),
    );
    return ScalarColumn.from(values, 'date');
  }
  if (arrow.DataType.isInt(type)) {
    // Int8, Int16, Uint16 fit int32; Uint32 fits float64 (Int32, Int64, Uint8 are wrapped as they are).
    if (type.bitWidth < 32 && !(type.bitWidth === 8 && !type.isSigned))
      return ScalarColumn.from(Array.from(vector as Iterable<number | null>), 'int32');
    if (!type.isSigned && type.bitWidth === 32)
      return ScalarColumn.from(Array.from(vector as Iterable<number | null>), 'float64');
  }
  if (arrow.DataType.isDictionary(type) && arrow.DataType.isUtf8((type as arrow.Dictionary).dictionary))
    return ScalarColumn.from(Array.from(vector as Iterable<string | null>), 'string');
  return null;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

/** Run `fn`, turning any error that is not already Tessera's into a ParseError for `file`. */
export function guarded<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw asParseError(file, e);
  }
}

export function asParseError(file: string, e: unknown): TesseraError {
  if (e instanceof TesseraError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new ParseError(file, null, `not valid Arrow IPC data (${message.slice(0, 200)})`);
}
