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
import { ScalarColumn } from '../../../core/column/scalar.js';
import { TensorColumn } from '../../../core/column/tensor.js';
import { DataFrame } from '../../../core/frame/frame.js';
import {
  CsvParser,
  type CsvReadOptions,
  DEFAULT_NULLS,
  joinWidened,
  singleByte,
} from '../../../core/io/csv-parse.js';
import { textEncoding, Utf8Transcoder } from '../../../core/io/text-encoding.js';
import { openInput, writeChunks } from './file.js';

export { CsvParser, type CsvReadOptions, parseCsv } from '../../../core/io/csv-parse.js';

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
