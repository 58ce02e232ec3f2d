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
import * as arrow from 'apache-arrow';
import { ByteBuffer } from 'flatbuffers';
import { columnFromArrow, KIND_KEY, tensorFromArrow } from '../../../core/column/arrow.js';
import type { Column } from '../../../core/column/column.js';
import { concatColumns } from '../../../core/column/concat.js';
import { ObjectColumn } from '../../../core/column/object.js';
import { DAY_MS, ScalarColumn } from '../../../core/column/scalar.js';
import { ColumnNotFoundError, ParseError, TesseraError } from '../../../core/errors.js';
import { DataFrame } from '../../../core/frame/frame.js';
import { openInput, readInput, writeChunks } from './file.js';

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
 * streamed (memory holds one batch).
 */
export async function* readArrowBatches(
  path: string,
  options: ArrowReadOptions = {},
): AsyncGenerator<DataFrame> {
  const handle = await openInput(path);
  try {
    let reader: Awaited<ReturnType<typeof openReader>>;
    try {
      reader = await openReader(handle);
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

async function openReader(handle: Awaited<ReturnType<typeof openInput>>) {
  const reader = await arrow.RecordBatchReader.from(handle.createReadStream({ autoClose: false }));
  return reader.open();
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
    // Chunk by chunk (each wrapped without copying where it can), then one concatenation.
    const parts = vector.data.map((d) => chunkColumn(arrow.makeVector(d), field));
    const col =
      parts.length === 1 ? parts[0] : parts.length === 0 ? chunkColumn(vector, field) : concatColumns(parts);
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

/**
 * Arrow JS decodes message headers with `flatbuffers`, trusting the length of every vector in
 * them: a corrupt length (up to 2^31) makes it build arrays of that size, which hangs the
 * process. A vector cannot hold more entries than the buffer has bytes, so longer ones are
 * rejected here (this changes nothing for valid data).
 */
const vectorLength = ByteBuffer.prototype.__vector_len;
if (!(vectorLength as { checked?: boolean }).checked) {
  const checked = function (this: ByteBuffer, offset: number): number {
    const n = vectorLength.call(this, offset);
    if (!(n >= 0 && n <= this.capacity()))
      throw new RangeError(`a flatbuffer vector of ${n} entries is longer than its buffer`);
    return n;
  };
  (checked as { checked?: boolean }).checked = true;
  ByteBuffer.prototype.__vector_len = checked;
}

const ARROW_MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"

/**
 * An Arrow table from IPC bytes (file or stream format), after checking every message's framing,
 * body size and row counts against the bytes there are, and that a file's footer points at those
 * messages. Arrow JS trusts these numbers, and corrupt ones can make it loop for ever or allocate
 * without bound; checked first, they cannot.
 */
export function checkedTable(bytes: Uint8Array, file: string): arrow.Table {
  const n = bytes.length;
  const isFile = ARROW_MAGIC.every((m, k) => bytes[k] === m);
  if (!isFile) {
    const { end } = scanMessages(bytes, 0, n, true, file);
    return arrow.tableFromIPC(bytes.subarray(0, end));
  }
  if (n < 18 || !ARROW_MAGIC.every((m, k) => bytes[n - 6 + k] === m))
    throw new ParseError(
      file,
      null,
      'not a valid Arrow IPC file: it does not end with "ARROW1" (truncated?)',
    );
  const footerLength = new DataView(bytes.buffer, bytes.byteOffset, n).getInt32(n - 10, true);
  const footerStart = n - 10 - footerLength;
  if (footerLength <= 0 || footerStart < 8)
    throw new ParseError(file, null, `not a valid Arrow IPC file: bad footer length ${footerLength}`);
  const { starts } = scanMessages(bytes, 8, footerStart, false, file);
  const reader = arrow.RecordBatchReader.from(bytes);
  reader.open();
  const footer = reader.footer;
  if (footer === null) throw new ParseError(file, null, 'not a valid Arrow IPC file: no footer');
  for (const block of [...footer.recordBatches(), ...footer.dictionaryBatches()])
    if (!starts.has(Number(block.offset)))
      throw new ParseError(
        file,
        null,
        `not a valid Arrow IPC file: the footer points at byte ${block.offset}, where no message starts`,
      );
  return new arrow.Table(reader.readAll());
}

/**
 * Check the messages in `bytes[start, limit)` up to an end-of-stream marker (or `limit`); returns
 * where each message starts and where the checked part ends.
 */
function scanMessages(
  bytes: Uint8Array,
  start: number,
  limit: number,
  stream: boolean,
  file: string,
): { starts: Set<number>; end: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const starts = new Set<number>();
  let pos = start;
  let messages = 0;
  const bad = (what: string) =>
    new ParseError(file, null, `not valid Arrow IPC data: message ${messages} at byte ${pos} ${what}`);
  for (;;) {
    if (pos === limit) return { starts, end: pos }; // a stream may end without a marker
    if (pos + 4 > limit) throw bad('is cut off');
    let len = view.getInt32(pos, true);
    let header = pos + 4;
    if (len === -1) {
      if (pos + 8 > limit) throw bad('is cut off');
      len = view.getInt32(pos + 4, true);
      header = pos + 8;
    }
    if (len === 0) return { starts, end: header }; // end-of-stream marker
    if (len < 0 || header + len > limit)
      throw bad(`has a header of ${len} bytes, beyond the end of the data`);
    let message: arrow.Message;
    try {
      message = arrow.Message.decode(bytes.subarray(header, header + len));
    } catch (e) {
      throw bad(`has a header that cannot be decoded (${(e as Error).message})`);
    }
    const body = Number(message.bodyLength);
    if (!Number.isSafeInteger(body) || body < 0 || header + len + body > limit)
      throw bad(`has a body of ${message.bodyLength} bytes, beyond the end of the data`);
    if (stream && messages === 0 && !message.isSchema()) throw bad('is not a schema');
    if (message.isRecordBatch() || message.isDictionaryBatch()) {
      const batch = message.isRecordBatch() ? message.header() : message.header().data;
      // Every row takes at least a bit of some buffer; allow slack for all-null and empty columns.
      const maxRows = Math.max(4096, body * 8);
      const rows = Number(batch.length);
      if (!Number.isSafeInteger(rows) || rows < 0 || rows > maxRows) throw bad(`claims ${batch.length} rows`);
      for (const node of batch.nodes) {
        const count = Number(node.length);
        const nulls = Number(node.nullCount);
        if (!(count >= 0 && count <= maxRows && nulls >= 0 && nulls <= count))
          throw bad(`has a column of ${node.length} rows`);
      }
      for (const b of batch.buffers) {
        const off = Number(b.offset);
        const blen = Number(b.length);
        if (!(off >= 0 && blen >= 0 && off + blen <= body)) throw bad('has a buffer outside its body');
      }
    } else if (!message.isSchema()) throw bad(`has an unknown kind (${message.headerType})`);
    starts.add(pos);
    pos = header + len + body;
    messages++;
  }
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
