/**
 * CSV import and export (RFC 4180: quoted fields with embedded delimiters, line breaks and doubled
 * quotes; LF or CRLF line ends).
 *
 * Reading streams the file in chunks of `batchBytes`, so files larger than memory can be read batch
 * by batch with {@link readCsvBatches}; memory is bounded by one chunk and its columns. Column types
 * are inferred from the data:
 * - every non-null field an integer numeral (`[+-]digits`: `007` is 7, `+5` is 5, `-0` is 0, as
 *   pandas reads them) → `int32` when int32 holds every value, else `int64` (exact, as bigints);
 *   nulls are held in the validity mask, so an integer column with nulls stays an integer column
 *   (pandas makes it float64). {@link readCsvBatches} streams integers as `int64`, since a later
 *   batch may hold larger ones than the first;
 * - every non-null field a number (`1.5`, `1.0`, `1e3`, `NaN`, `Infinity`) → `float64`. An integer
 *   numeral in it that float64 would round (beyond 2^53, like `9007199254740993`) is a
 *   {@link ParseError} naming the line and column: pass `types: { col: 'float64' }` to round it, or
 *   `'string'` to keep the text. A numeral beyond the type's range, like `1.8e309`, is a
 *   ParseError, not Infinity;
 * - `true`/`false` (any case) → `bool`; `YYYY-MM-DD` → `date`; ISO date-times → `timestamp` (UTC
 *   unless the text has an offset); anything else → `string`; a column with only nulls → `string`.
 * {@link readCsv} infers over the whole file: when a later batch does not fit a column's type, the
 * type widens (date → timestamp; mixed kinds → string) and, where earlier rows would otherwise lose
 * their text (a number read back as a string), the file is read a second time with the final types.
 * {@link readCsvBatches} streams, so it keeps the types of the first batch: a later field that does
 * not fit is a {@link ParseError} naming the line. Pass `types` to choose a column's type.
 *
 * Null tokens (default `''`, `NA`, `N/A`, `null`, `NULL`) are nulls only when unquoted: `""` is an
 * empty string. Object and tensor columns are written as JSON text and read back with
 * `types: { col: 'object' }` or a tensor type.
 *
 * @example
 * const df = await readCsv('flights.csv', { types: { code: 'string' } });
 * for await (const batch of readCsvBatches('huge.csv')) total += batch.length;
 * await writeCsv(df, 'out.csv');
 */
import type { Column } from '../../../core/column/column.js';
import { type ColumnTypeHint, column, normalizeTypeHint } from '../../../core/column/infer.js';
import { ScalarColumn } from '../../../core/column/scalar.js';
import { TensorColumn } from '../../../core/column/tensor.js';
import type { ScalarDType } from '../../../core/column/types.js';
import { ColumnNotFoundError, InvalidArgumentError, ParseError } from '../../../core/errors.js';
import { DataFrame } from '../../../core/frame/frame.js';
import { ownValue } from '../../../core/frame/records.js';
import {
  type Batch,
  batchRows,
  type CsvColumnPlan,
  convertColumn,
  fieldText,
  inferDType,
  inferDTypeOrNull,
  nullLengthMask,
  widenDType,
} from './csv-convert.js';
import { countLineFeeds, FieldTable, lineAt, type ScanContext, scanRecords } from './csv-scan.js';
import { openInput, writeChunks } from './file.js';
import {
  checkUtf8,
  concatBytes,
  type TextEncodingName,
  textEncoding,
  Utf8Transcoder,
} from './text-encoding.js';

/** Options of {@link readCsv} and {@link readCsvBatches}. */
export interface CsvReadOptions {
  /** Field separator, one ASCII character (default `,`). */
  delimiter?: string;
  /** Quote character, one ASCII character (default `"`). */
  quote?: string;
  /** Whether the first record holds the column names (default true). */
  header?: boolean;
  /** Column names to use (default: the header, or `column_0`, `column_1`, ... without one). */
  names?: readonly string[];
  /** Only these columns, in this order. */
  columns?: readonly string[];
  /** Unquoted fields read as null (default `['', 'NA', 'N/A', 'null', 'NULL']`). */
  nullValues?: readonly string[];
  /** Types by column name: a scalar dtype, `'object'` or a tensor type (JSON cells). */
  types?: Record<string, ColumnTypeHint>;
  /** Bytes read per batch (default 8 MiB). */
  batchBytes?: number;
  /** Longest record allowed, in bytes (default 64 MiB); a longer one is a ParseError. */
  maxRecordBytes?: number;
  /**
   * Text encoding of the bytes (default `'utf-8'`; a UTF-16 byte-order mark selects UTF-16). Bytes
   * invalid in it are a ParseError naming the line, never replaced silently.
   */
  encoding?: TextEncodingName;
}

const DEFAULT_NULLS = ['', 'NA', 'N/A', 'null', 'NULL'];
const encoder = new TextEncoder();

function singleByte(value: string | undefined, fallback: string, what: string): number {
  const v = value ?? fallback;
  if (v.length !== 1 || v.charCodeAt(0) > 127 || v === '\n' || v === '\r')
    throw new InvalidArgumentError(
      `${what} must be one ASCII character other than a line break, not ${JSON.stringify(v)}`,
    );
  return v.charCodeAt(0);
}

/**
 * Incremental CSV parser: feed it chunks of bytes, get frames of the complete records so far.
 * Used by {@link readCsvBatches} (file chunks) and {@link parseCsv} (one buffer).
 */
export class CsvParser {
  private readonly delimiter: number;
  private readonly quote: number;
  private readonly nullTokens: Uint8Array[];
  private readonly maxRecordBytes: number;
  private readonly table = new FieldTable();
  private readonly ctx: ScanContext;
  private pending: Uint8Array = new Uint8Array(0);
  private names: string[] | null = null;
  /** Per output column: its field index and plan (fixed by the first batch). */
  private plans: { name: string; field: number; plan: CsvColumnPlan }[] | null = null;
  private started = false;
  /** Frames produced so far. */
  batches = 0;
  /**
   * Widening mode only: per column name, the type of the values seen so far (absent: only nulls),
   * and whether a widening changed the type of non-null values already returned (see {@link readCsv}).
   */
  readonly seenTypes = new Map<string, ScalarDType>();
  lossyWidening = false;

  /**
   * @param widen infer each batch's types and widen across batches instead of keeping the first
   *   batch's types (frames then may differ in type; {@link readCsv} reconciles them).
   * @param inferredTypes types inferred by an earlier pass over the file, used as inferred ones
   *   (an inferred float64 still refuses integers it would round, a type the user gives does not).
   */
  constructor(
    readonly file: string,
    private readonly options: CsvReadOptions = {},
    private readonly widen = false,
    private readonly inferredTypes?: ReadonlyMap<string, ScalarDType>,
  ) {
    this.delimiter = singleByte(options.delimiter, ',', 'delimiter');
    this.quote = singleByte(options.quote, '"', 'quote');
    if (this.delimiter === this.quote)
      throw new InvalidArgumentError('the delimiter and the quote must differ');
    this.nullTokens = (options.nullValues ?? DEFAULT_NULLS).map((t) => encoder.encode(t));
    this.maxRecordBytes = options.maxRecordBytes ?? 64 * 2 ** 20;
    this.ctx = { file, baseLine: 1, columns: -1 };
  }

  /** Add bytes; returns a frame of the records completed by them, or null if none. */
  push(chunk: Uint8Array): DataFrame | null {
    return this.parse(chunk, false);
  }

  /** The end of the input: returns a frame of the last records, or null if none. */
  finish(): DataFrame | null {
    const out = this.parse(new Uint8Array(0), true);
    if (out === null && this.batches === 0) {
      // No data rows: an empty frame with the header's columns (as strings unless typed).
      this.batches++;
      return this.emptyFrame();
    }
    return out;
  }

  private parse(chunk: Uint8Array, eof: boolean): DataFrame | null {
    let buf: Uint8Array;
    if (this.pending.length === 0) buf = chunk;
    else if (chunk.length === 0) buf = this.pending;
    else {
      buf = new Uint8Array(this.pending.length + chunk.length);
      buf.set(this.pending);
      buf.set(chunk, this.pending.length);
    }
    let pos = 0;
    if (!this.started) {
      if (buf.length < 3 && !eof) {
        this.pending = buf;
        return null;
      }
      this.started = true;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3; // UTF-8 byte-order mark
    }
    this.table.reset();
    const end = scanRecords(buf, pos, eof, this.delimiter, this.quote, this.table, this.ctx);
    // Complete records end at a line feed, so no character is split at `end`.
    checkUtf8(buf.subarray(pos, end), this.file, this.ctx.baseLine);
    const rest = buf.length - end;
    if (!eof && rest > this.maxRecordBytes)
      throw new ParseError(
        this.file,
        lineAt(buf, end, this.ctx.baseLine),
        `a record is longer than ${this.maxRecordBytes} bytes (maxRecordBytes); is a quote left open?`,
      );
    const batch: Batch = {
      buf,
      table: this.table,
      firstRecord: 0,
      columns: this.ctx.columns,
      file: this.file,
      baseLine: this.ctx.baseLine,
      nullTokens: this.nullTokens,
      nullLengths: nullLengthMask(this.nullTokens),
      quote: this.quote,
    };
    if (this.names === null && this.table.records > 0) this.readNames(batch);
    let frame: DataFrame | null = null;
    if (batchRows(batch) > 0) frame = this.build(batch);
    this.ctx.baseLine += countLineFeeds(buf, end);
    // Copy the unfinished record so the big chunk it came from can be freed.
    this.pending = rest === 0 ? new Uint8Array(0) : buf.slice(end);
    if (frame) this.batches++;
    return frame;
  }

  private readNames(batch: Batch): void {
    const ncols = batch.columns;
    const given = this.options.names;
    let names: string[];
    if (this.options.header ?? true) {
      names = Array.from({ length: ncols }, (_, c) => fieldText(batch, c));
      batch.firstRecord = 1;
    } else names = Array.from({ length: ncols }, (_, c) => `column_${c}`);
    if (given !== undefined) {
      if (given.length !== ncols)
        throw new ParseError(this.file, 1, `expected ${given.length} columns (as in names), found ${ncols}`);
      names = [...given];
    }
    // Empty and repeated names get a suffix so every column has its own name.
    const seen = new Set<string>();
    this.names = names.map((raw, c) => {
      let name = raw === '' ? `column_${c}` : raw;
      for (let k = 1; seen.has(name); k++) name = `${raw}_${k}`;
      seen.add(name);
      return name;
    });
  }

  private selected(): { name: string; field: number }[] {
    const names = this.names!;
    if (this.options.columns === undefined) return names.map((name, field) => ({ name, field }));
    return this.options.columns.map((name) => {
      const field = names.indexOf(name);
      if (field < 0) throw new ColumnNotFoundError(name, names);
      return { name, field };
    });
  }

  private planOf(name: string, inferred: () => ScalarDType): CsvColumnPlan {
    const hint = normalizeTypeHint(ownValue(this.options.types, name));
    if (hint === undefined) return { kind: 'scalar', dtype: this.inferredTypes?.get(name) ?? inferred() };
    if (hint.kind === 'scalar') return { kind: 'scalar', dtype: hint.dtype, given: true };
    return { kind: 'json', hint };
  }

  private build(batch: Batch): DataFrame {
    if (this.widen) return this.buildWidening(batch);
    if (this.plans === null)
      this.plans = this.selected().map(({ name, field }) => ({
        name,
        field,
        // Later batches may hold larger integers than the first: stream them as int64.
        plan: this.planOf(name, () => {
          const dtype = inferDType(batch, field);
          return dtype === 'int32' ? 'int64' : dtype;
        }),
      }));
    const cols = new Map<string, Column>();
    for (const { name, field, plan } of this.plans) cols.set(name, convertColumn(batch, field, name, plan));
    return new DataFrame(cols);
  }

  private buildWidening(batch: Batch): DataFrame {
    const cols = new Map<string, Column>();
    for (const { name, field } of this.selected()) {
      let plan: CsvColumnPlan;
      if (ownValue(this.options.types, name) !== undefined) plan = this.planOf(name, () => 'string');
      else {
        const seen = this.seenTypes.get(name);
        const here = inferDTypeOrNull(batch, field);
        let dtype = seen ?? here ?? 'string';
        if (here !== null && seen !== undefined && here !== seen) {
          dtype = widenDType(seen, here);
          // Earlier non-null values took a type they cannot be recast from exactly (to string: their
          // text is lost; int64 to float64: whether they round must be checked on their text).
          // Concatenation recasts date to timestamp and int32 to int64 or float64 exactly.
          if (dtype !== seen && !losslessWidening(seen, dtype)) this.lossyWidening = true;
        }
        if (here !== null) this.seenTypes.set(name, dtype);
        plan = { kind: 'scalar', dtype };
      }
      cols.set(name, convertColumn(batch, field, name, plan));
    }
    return new DataFrame(cols);
  }

  private emptyFrame(): DataFrame {
    if (this.names === null) return new DataFrame();
    const cols = new Map<string, Column>();
    for (const { name } of this.selected()) {
      const plan = this.planOf(name, () => 'string');
      cols.set(name, plan.kind === 'scalar' ? ScalarColumn.from([], plan.dtype) : column([], plan.hint));
    }
    return new DataFrame(cols);
  }
}

function losslessWidening(from: ScalarDType, to: ScalarDType): boolean {
  return (
    (from === 'date' && to === 'timestamp') || (from === 'int32' && (to === 'int64' || to === 'float64'))
  );
}

/**
 * The CSV file at `path` as a stream of frames, one per chunk of about `batchBytes` bytes, all with
 * the same columns and types (inferred from the first batch). Memory holds one batch at a time.
 */
export function readCsvBatches(path: string, options: CsvReadOptions = {}): AsyncGenerator<DataFrame> {
  return parseFileBatches(new CsvParser(path, options), path, options);
}

async function* parseFileBatches(
  parser: CsvParser,
  path: string,
  options: CsvReadOptions,
): AsyncGenerator<DataFrame> {
  const size = Math.max(1024, options.batchBytes ?? 8 * 2 ** 20);
  const text = new Utf8Transcoder(path, textEncoding(options.encoding));
  const handle = await openInput(path);
  try {
    for (;;) {
      // A fresh buffer per chunk: string columns copy out of it, so it is freed after the batch.
      const chunk = new Uint8Array(size);
      const { bytesRead } = await handle.read(chunk, 0, size, null);
      if (bytesRead === 0) break;
      const frame = parser.push(text.push(bytesRead === size ? chunk : chunk.subarray(0, bytesRead)));
      if (frame) yield frame;
    }
    const tail = text.finish();
    const before = tail.length > 0 ? parser.push(tail) : null;
    if (before) yield before;
    const last = parser.finish();
    if (last) yield last;
  } finally {
    await handle.close();
  }
}

/**
 * The whole CSV file at `path` as one frame, with types inferred over all of it (read in batches,
 * then concatenated; see the module notes on widening).
 */
export async function readCsv(path: string, options: CsvReadOptions = {}): Promise<DataFrame> {
  const parser = new CsvParser(path, options, true);
  const frames: DataFrame[] = [];
  for await (const f of parseFileBatches(parser, path, options)) frames.push(f);
  if (!parser.lossyWidening) return joinWidened(frames, parser.seenTypes);
  // Read again with the final types, so every field is converted from its own text.
  const again = new CsvParser(path, options, false, parser.seenTypes);
  const parts: DataFrame[] = [];
  for await (const f of parseFileBatches(again, path, options)) parts.push(f);
  return parts.length === 1 ? parts[0] : DataFrame.concat(parts);
}

/** Frames of a widening parse as one frame (concatenation recasts int32 and dates exactly). */
function joinWidened(frames: DataFrame[], seenTypes: ReadonlyMap<string, ScalarDType>): DataFrame {
  if (frames.length === 1) return frames[0];
  // Columns that were all null in a batch took a placeholder type: give them the final one.
  const aligned = frames.map((f) => {
    let out = f;
    for (const [name, dtype] of seenTypes) {
      const c = f.column(name);
      if (c.kind === 'scalar' && (c as ScalarColumn).dtype !== dtype && c.nullCount === c.length)
        out = out.withColumn(name, ScalarColumn.from(new Array(c.length).fill(null), dtype));
    }
    return out;
  });
  return DataFrame.concat(aligned);
}

/** CSV text or bytes already in memory as a frame. `file` names the input in errors. */
export function parseCsv(
  input: string | Uint8Array,
  options: CsvReadOptions & { file?: string } = {},
): DataFrame {
  const file = options.file ?? '<csv text>';
  let bytes: Uint8Array;
  if (typeof input === 'string') bytes = encoder.encode(input);
  else {
    const text = new Utf8Transcoder(file, textEncoding(options.encoding));
    bytes = concatBytes(text.push(input), text.finish());
  }
  // A last record without a line end comes as a second batch: infer over both, as readCsv does.
  const parse = (parser: CsvParser) =>
    [parser.push(bytes), parser.finish()].filter((f): f is DataFrame => f !== null);
  const parser = new CsvParser(file, options, true);
  const frames = parse(parser);
  if (!parser.lossyWidening) return joinWidened(frames, parser.seenTypes);
  const parts = parse(new CsvParser(file, options, false, parser.seenTypes));
  return parts.length === 1 ? parts[0] : DataFrame.concat(parts);
}

// ---- writing ----

/** Options of {@link writeCsv} and {@link formatCsv}. */
export interface CsvWriteOptions {
  /** Field separator (default `,`). */
  delimiter?: string;
  /** Write the column names first (default true). */
  header?: boolean;
  /** Text for a null (default empty). Strings equal to it are quoted so they read back as text. */
  nullValue?: string;
  /** Line end (default `\n`). */
  lineEnd?: '\n' | '\r\n';
}

const ROWS_PER_CHUNK = 16_384;

/** Write `df` as CSV to `path` (replacing the file), streaming a chunk of rows at a time. */
export async function writeCsv(df: DataFrame, path: string, options: CsvWriteOptions = {}): Promise<void> {
  await writeChunks(path, csvChunks(df, options));
}

/** `df` as CSV text. */
export function formatCsv(df: DataFrame, options: CsvWriteOptions = {}): string {
  return [...csvChunks(df, options)].join('');
}

function* csvChunks(df: DataFrame, options: CsvWriteOptions): Generator<string> {
  const d = options.delimiter ?? ',';
  singleByte(d, ',', 'delimiter');
  const nl = options.lineEnd ?? '\n';
  const nullText = options.nullValue ?? '';
  const special = new RegExp(`[${d === ']' || d === '\\' || d === '^' || d === '-' ? `\\${d}` : d}"\\r\\n]`);
  const quoteText = (s: string) =>
    special.test(s) || s === nullText || DEFAULT_NULLS.includes(s) ? `"${s.replaceAll('"', '""')}"` : s;
  const names = df.columnNames;
  const cells = names.map((n) => cellWriter(df.column(n), quoteText));
  if (options.header ?? true) yield names.map(quoteText).join(d) + nl;
  for (let start = 0; start < df.length; start += ROWS_PER_CHUNK) {
    const end = Math.min(df.length, start + ROWS_PER_CHUNK);
    const lines = new Array<string>(end - start);
    for (let i = start; i < end; i++) {
      let line = '';
      for (let c = 0; c < cells.length; c++) {
        const v = cells[c](i);
        line += (c === 0 ? '' : d) + (v === null ? nullText : v);
      }
      lines[i - start] = line;
    }
    yield lines.join(nl) + nl;
  }
}

/** A function giving the CSV text of a cell (already quoted if needed), or null for a null. */
function cellWriter(col: Column, quoteText: (s: string) => string): (i: number) => string | null {
  if (col instanceof ScalarColumn) {
    switch (col.dtype) {
      case 'string':
        return (i) => {
          const v = col.getUnchecked(i) as string | null;
          return v === null ? null : quoteText(v);
        };
      case 'date':
      case 'timestamp':
        return isoCellText(col);
      default:
        return (i) => {
          const v = col.getUnchecked(i);
          return v === null ? null : Object.is(v, -0) ? '-0' : String(v);
        };
    }
  }
  return (i) => {
    const v = col.getUnchecked(i);
    if (v === null) return null;
    return quoteText(
      JSON.stringify(col instanceof TensorColumn ? nestedRow(v as ArrayLike<number | bigint>, col.shape) : v),
    );
  };
}

/**
 * A function giving the ISO text of a cell of a date (`YYYY-MM-DD`) or timestamp column, or null for
 * a null; years outside 0..9999 keep JavaScript's extended form.
 */
export function isoCellText(col: ScalarColumn): (i: number) => string | null {
  if (col.dtype === 'date')
    return (i) => (col.isNull(i) ? null : (col.getUnchecked(i) as Date).toISOString().slice(0, 10));
  return (i) => {
    if (col.isNull(i)) return null;
    const d = col.getUnchecked(i) as Date;
    return Number.isNaN(d.getTime()) ? 'null' : d.toISOString();
  };
}

/** An int64 as JSON has it: a number, or decimal text beyond 2^53 (where a number would round). */
export function jsonInt64(v: bigint): number | string {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v.toString();
}

/** A tensor row as nested arrays of its shape (for JSON; int64 elements as {@link jsonInt64} gives them). */
export function nestedRow(flat: ArrayLike<number | bigint>, shape: readonly number[]): unknown {
  if (shape.length <= 1)
    return Array.from(flat, (x: number | bigint) => (typeof x === 'bigint' ? jsonInt64(x) : x));
  const [, ...inner] = shape;
  const size = inner.reduce((a, b) => a * b, 1);
  const out: unknown[] = [];
  for (let k = 0; k < shape[0]; k++)
    out.push(nestedRow(Array.prototype.slice.call(flat, k * size, (k + 1) * size), inner));
  return out;
}
