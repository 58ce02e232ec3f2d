/**
 * JSON import and export: a JSON array of records (`[{...}, ...]`) and JSON lines (one record per
 * line). Records become columns, no number changed on the way (see json-numbers.ts): numbers that
 * are all integers → int32 when int32 holds them, else int64 (exact beyond 2^53; streamed batches:
 * int64), other numbers → float64 (an integer beyond 2^53 among them is a ParseError, as float64
 * would round it), strings, booleans, equal-shape number arrays → float64 tensor (int64 when they
 * hold integers beyond 2^53 and no fraction; float32 only with `types`), anything else → object
 * (whose cells hold what JSON.parse gives: numbers beyond 2^53 inside them round, as in
 * JavaScript). String columns whose every value is an ISO date (`YYYY-MM-DD`) or date-time become
 * date / timestamp columns (`dates: false` keeps them as text). Writing gives tensor cells as
 * (nested) arrays, dates as `YYYY-MM-DD`, timestamps as ISO text, int64 as exact numerals (and
 * {@link jsonRecords}, whose values are JavaScript's, as strings beyond 2^53), and NaN/±Infinity
 * as null (JSON has none).
 *
 * @example
 * const cars = await readJson('cars.json');
 * for await (const batch of readJsonLinesBatches('events.jsonl')) process(batch);
 * await writeJsonLines(df, 'out.jsonl');
 */
import type { Column } from '../../../core/column/column.js';
import { type ColumnTypeHint, normalizeTypeHint } from '../../../core/column/infer.js';
import { ScalarColumn } from '../../../core/column/scalar.js';
import { TensorColumn } from '../../../core/column/tensor.js';
import { InvalidArgumentError, ParseError, TesseraError } from '../../../core/errors.js';
import { DataFrame, type Row } from '../../../core/frame/frame.js';
import { ownValue, recordKeys, recordValues, setOwnValue } from '../../../core/frame/records.js';
import { parseDate, parseTimestamp } from '../../../core/io/csv-convert.js';
import {
  inferJsonColumn,
  type JsonSource,
  parseJsonExact,
  typedJsonColumn,
} from '../../../core/io/json-numbers.js';
import {
  checkUtf8,
  concatBytes,
  joinBytes,
  type TextEncodingName,
  textEncoding,
  Utf8Transcoder,
} from '../../../core/io/text-encoding.js';
import { DEFAULT_MAX_JSON_DEPTH, jsonTooDeepAt } from '../../../core/json-depth.js';
import { isoCellText, jsonInt64, nestedRow } from './csv.js';
import { openInput, readInput, writeChunks } from './file.js';

/** Options of the JSON readers. */
export interface JsonReadOptions {
  /** Types by column name (as for `DataFrame.fromRecords`). */
  types?: Record<string, ColumnTypeHint>;
  /** Turn string columns of ISO dates / date-times into date / timestamp columns (default true). */
  dates?: boolean;
  /** Only these columns, in this order. */
  columns?: readonly string[];
  /**
   * Deepest nesting of arrays and objects accepted, counting the enclosing array or record (default
   * 1000); deeper input is a {@link ParseError}, as values nested that deep overflow the stack.
   */
  maxDepth?: number;
  /**
   * Text encoding of the file (default `'utf-8'`; a UTF-16 byte-order mark selects UTF-16). Bytes
   * invalid in it are a ParseError naming the line, never replaced silently.
   */
  encoding?: TextEncodingName;
}

/** Options of {@link readJsonLinesBatches}. */
export interface JsonLinesBatchOptions extends JsonReadOptions {
  /** Records per batch (default 65536). */
  batchRows?: number;
}

const encoder = new TextEncoder();
const utf8 = new TextDecoder();
const LF = 10;
const CR = 13;

/** The file at `path`, a JSON array of records, as a frame. */
export async function readJson(path: string, options: JsonReadOptions = {}): Promise<DataFrame> {
  const text = new Utf8Transcoder(path, textEncoding(options.encoding));
  const bytes = concatBytes(text.push(await readInput(path)), text.finish());
  checkUtf8(bytes, path, 1);
  return parseJson(utf8.decode(bytes), { ...options, file: path });
}

/** JSON text (an array of records) as a frame. `file` names the input in errors. */
export function parseJson(text: string, options: JsonReadOptions & { file?: string } = {}): DataFrame {
  const file = options.file ?? '<json text>';
  checkDepth(text, maxDepthOf(options), file, 1);
  let parsed: ReturnType<typeof parseJsonExact>;
  try {
    parsed = parseJsonExact(text, file, 1);
  } catch (e) {
    throw e instanceof SyntaxError ? jsonSyntaxError(file, text, e, 0) : e;
  }
  const value = parsed.value;
  if (!Array.isArray(value))
    throw new ParseError(file, null, `expected a JSON array of records, found ${kindOf(value)}`);
  value.forEach((r, i) => {
    if (!isRecord(r))
      throw new ParseError(file, null, `expected a record (a JSON object) at index ${i}, found ${kindOf(r)}`);
  });
  return framesFromRecords(value as Row[], options, {
    file,
    bigintLines: parsed.bigintLines,
    firstLine: null,
  });
}

/** The JSON-lines file at `path` as one frame (all records are read before inference). */
export async function readJsonLines(path: string, options: JsonReadOptions = {}): Promise<DataFrame> {
  const records: Row[] = [];
  const lines: number[] = [];
  const bigintLines = new Map<string, number>();
  for await (const { record, line } of jsonLines(path, options, bigintLines)) {
    records.push(record);
    lines.push(line);
  }
  return framesFromRecords(records, options, {
    file: path,
    bigintLines,
    firstLine: null,
    rowLine: (r) => lines[r],
  });
}

/**
 * The JSON-lines file at `path` as a stream of frames of `batchRows` records. Columns and types come
 * from the first batch; a later record with a key the first batch lacks, or a value of another
 * type, is a {@link ParseError} (pass `types`, or read the file whole with {@link readJsonLines}).
 */
export async function* readJsonLinesBatches(
  path: string,
  options: JsonLinesBatchOptions = {},
): AsyncGenerator<DataFrame> {
  const size = Math.max(1, options.batchRows ?? 65_536);
  let schema: { names: string[]; types: Record<string, ColumnTypeHint> } | null = null;
  let records: Row[] = [];
  let lines: number[] = [];
  const bigintLines = new Map<string, number>();
  const flush = (): DataFrame => {
    let frame: DataFrame;
    const batchLines = lines;
    const source = {
      file: path,
      bigintLines,
      firstLine: lines[0] ?? null,
      rowLine: (r: number) => batchLines[r],
    };
    if (schema === null) {
      // Integers as int64: a later batch may hold larger ones than the first.
      frame = framesFromRecords(records, options, source, { wideIntegers: true });
      const types: Record<string, ColumnTypeHint> = {};
      for (const f of frame.schema)
        setOwnValue(types, f.name, f.type.kind === 'deferred' ? 'object' : (f.type as never));
      schema = { names: frame.columnNames, types };
    } else {
      const known = new Set(schema.names);
      for (let i = 0; i < records.length; i++)
        for (const k of Object.keys(records[i]))
          if (!known.has(k) && (options.columns === undefined || options.columns.includes(k)))
            throw new ParseError(
              path,
              lines[i],
              `key "${k}" is not a column of the first batch (${schema.names.join(', ')}); read the file with readJsonLines to see all keys`,
            );
      const full = records.map((r) =>
        Object.fromEntries(schema!.names.map((n) => [n, ownValue(r, n) ?? null])),
      );
      frame = framesFromRecords(full, { ...options, dates: false }, source, { earlierTypes: schema.types });
    }
    records = [];
    lines = [];
    bigintLines.clear();
    return frame;
  };
  for await (const { record, line } of jsonLines(path, options, bigintLines)) {
    records.push(record);
    lines.push(line);
    if (records.length === size) yield flush();
  }
  if (records.length > 0 || schema === null) yield flush();
}

/** Parsed records of a JSON-lines file with their line numbers (blank lines skipped). */
async function* jsonLines(
  path: string,
  options: JsonReadOptions,
  bigintLines: Map<string, number>,
): AsyncGenerator<{ record: Row; line: number }> {
  const maxDepth = maxDepthOf(options);
  let line = 0;
  for await (const bytes of byteLines(path, textEncoding(options.encoding))) {
    line++;
    const end = bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
    const text = utf8.decode(bytes.subarray(0, end));
    if (text.trim() === '') continue;
    checkDepth(text, maxDepth, path, line);
    let value: unknown;
    try {
      const parsed = parseJsonExact(text, path, line);
      value = parsed.value;
      for (const [digits, at] of parsed.bigintLines)
        if (!bigintLines.has(digits)) bigintLines.set(digits, at);
    } catch (e) {
      throw e instanceof SyntaxError ? jsonSyntaxError(path, text, e, line - 1) : e;
    }
    if (!isRecord(value))
      throw new ParseError(
        path,
        line,
        `expected a record (a JSON object) on each line, found ${kindOf(value)}`,
      );
    yield { record: value as Row, line };
  }
}

const LINE_CHUNK_BYTES = 1 << 20;

/**
 * The lines of a file as valid UTF-8 bytes (without their line feed), read a chunk at a time; bytes
 * invalid in the encoding are a ParseError naming the line.
 */
async function* byteLines(path: string, encoding: TextEncodingName): AsyncGenerator<Uint8Array> {
  const text = new Utf8Transcoder(path, encoding);
  const handle = await openInput(path);
  // The start of a line that goes on in the next chunk.
  let parts: Uint8Array[] = [];
  let line = 0;
  try {
    for (;;) {
      const chunk = new Uint8Array(LINE_CHUNK_BYTES);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      const bytes = bytesRead === 0 ? text.finish() : text.push(chunk.subarray(0, bytesRead));
      let s = 0;
      const first = bytes.indexOf(LF);
      if (first >= 0) {
        // The line that began in earlier chunks, then the whole lines of this one, checked at once.
        parts.push(bytes.subarray(0, first));
        const joined = parts.length === 1 ? parts[0] : joinBytes(parts);
        parts = [];
        checkUtf8(joined, path, ++line);
        yield joined;
        s = first + 1;
        checkUtf8(bytes.subarray(s, bytes.lastIndexOf(LF)), path, line + 1);
        for (let e = bytes.indexOf(LF, s); e >= 0; e = bytes.indexOf(LF, s)) {
          line++;
          yield bytes.subarray(s, e);
          s = e + 1;
        }
      }
      if (s < bytes.length) parts.push(bytes.subarray(s));
      if (bytesRead === 0) break;
    }
    if (parts.length > 0) {
      const last = parts.length === 1 ? parts[0] : joinBytes(parts);
      checkUtf8(last, path, ++line);
      yield last;
    }
  } finally {
    await handle.close();
  }
}

/**
 * Records → frame with inference (and ISO dates), errors as ParseError. `earlierTypes`: the types an
 * earlier batch inferred (checked as inferred ones: an integer that would round is refused);
 * `wideIntegers`: infer int64 for every integer column.
 */
function framesFromRecords(
  records: readonly Row[],
  options: JsonReadOptions,
  source: JsonSource,
  batch: { earlierTypes?: Record<string, ColumnTypeHint>; wideIntegers?: boolean } = {},
): DataFrame {
  const wanted = options.columns ?? recordKeys(records);
  const cols = new Map<string, Column>();
  for (const name of wanted) {
    const values = recordValues(records, name);
    const given = ownValue(options.types, name);
    const hint = given ?? ownValue(batch.earlierTypes, name);
    let col: Column;
    try {
      col =
        hint === undefined
          ? inferJsonColumn(name, values, source, batch.wideIntegers ?? false)
          : typedJsonColumn(name, fromJsonValues(values, hint), hint, source, given !== undefined);
    } catch (e) {
      if (e instanceof ParseError) throw e;
      if (e instanceof TesseraError)
        throw new ParseError(
          source.file,
          source.firstLine,
          `column "${name}" does not fit its type: ${e.message}`,
        );
      throw e;
    }
    if (
      hint === undefined &&
      (options.dates ?? true) &&
      col instanceof ScalarColumn &&
      col.dtype === 'string'
    )
      col = isoDates(col) ?? col;
    cols.set(name, col);
  }
  return new DataFrame(cols);
}

/** JSON values converted for an explicit type: ISO text to Date for date/timestamp, digits to bigint for int64. */
function fromJsonValues(values: unknown[], hint: ColumnTypeHint): unknown[] {
  const type = normalizeTypeHint(hint);
  const dtype = type?.kind === 'scalar' ? type.dtype : null;
  if (dtype === 'date' || dtype === 'timestamp')
    return values.map((v) => {
      if (typeof v !== 'string') return v;
      const b = encoder.encode(v);
      const ms = parseTimestamp(b, 0, b.length);
      return ms === null ? v : new Date(ms);
    });
  if (dtype === 'int64')
    return values.map((v) => (typeof v === 'string' && /^[+-]?\d+$/.test(v) ? BigInt(v) : v));
  return values;
}

/** A date or timestamp column if every value of a string column is an ISO date / date-time. */
function isoDates(col: ScalarColumn): ScalarColumn | null {
  const values = col.values as Uint8Array;
  const offsets = col.offsets!;
  let allDates = true;
  let any = false;
  const ms = new Array<Date | null>(col.length);
  for (let i = 0; i < col.length; i++) {
    if (col.isNull(i)) {
      ms[i] = null;
      continue;
    }
    const s = offsets[i];
    const e = offsets[i + 1];
    if (e - s < 10 || values[s + 4] !== 45) return null;
    const t = parseTimestamp(values, s, e);
    if (t === null) return null;
    if (parseDate(values, s, e) === null) allDates = false;
    ms[i] = new Date(t);
    any = true;
  }
  if (!any) return null;
  return ScalarColumn.from(ms, allDates ? 'date' : 'timestamp');
}

function maxDepthOf(options: JsonReadOptions): number {
  const max = options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH;
  if (!Number.isInteger(max) || max < 1)
    throw new InvalidArgumentError(`maxDepth must be a positive integer, got ${max}`);
  return max;
}

/** A ParseError where `text` (starting at line `firstLine` of `file`) nests deeper than `maxDepth`. */
function checkDepth(text: string, maxDepth: number, file: string, firstLine: number): void {
  const at = jsonTooDeepAt(text, maxDepth);
  if (at >= 0)
    throw new ParseError(
      file,
      lineOf(text, at, firstLine),
      `JSON nested deeper than ${maxDepth} levels of arrays and objects; pass a larger maxDepth if the input is trusted`,
    );
}

/** The line of offset `at` in `text`, whose first line is `firstLine`. */
function lineOf(text: string, at: number, firstLine: number): number {
  let line = firstLine;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function isRecord(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** A ParseError for a JSON syntax error, with the line computed from V8's "position N". */
function jsonSyntaxError(file: string, text: string, e: Error, lineOffset: number): ParseError {
  const m = /position (\d+)/.exec(e.message);
  let line: number | null = null;
  if (m) {
    const pos = Math.min(text.length, Number(m[1]));
    line = lineOf(text, pos, lineOffset + 1);
  } else if (lineOffset > 0) line = lineOffset + 1;
  return new ParseError(file, line, `invalid JSON (${e.message})`);
}

// ---- writing ----

/** `df` as plain JSON-ready records (tensors as nested arrays, dates as ISO text). */
export function jsonRecords(df: DataFrame): Row[] {
  const names = df.columnNames;
  const cells = names.map((n) => jsonCell(df.column(n)));
  const out = new Array<Row>(df.length);
  for (let i = 0; i < df.length; i++) {
    const r: Row = {};
    for (let c = 0; c < names.length; c++) setOwnValue(r, names[c], cells[c](i));
    out[i] = r;
  }
  return out;
}

function jsonCell(col: Column): (i: number) => unknown {
  if (col instanceof ScalarColumn) {
    switch (col.dtype) {
      case 'date':
      case 'timestamp':
        return isoCellText(col);
      case 'int64':
        return (i) => {
          const v = col.getUnchecked(i) as bigint | null;
          return v === null ? null : jsonInt64(v);
        };
      default:
        return (i) => finite(col.getUnchecked(i));
    }
  }
  if (col instanceof TensorColumn)
    return (i) => {
      const v = col.getUnchecked(i);
      return v === null
        ? null
        : nestedRow(v instanceof BigInt64Array ? v : Array.from(v, (x) => finite(x) as number), col.shape);
    };
  return (i) => col.getUnchecked(i);
}

function finite(v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}

const ROWS_PER_CHUNK = 8192;

/** Write `df` as a JSON array of records. */
export async function writeJson(df: DataFrame, path: string): Promise<void> {
  await writeChunks(path, jsonChunks(df, true));
}

/** Write `df` as JSON lines (one record per line). */
export async function writeJsonLines(df: DataFrame, path: string): Promise<void> {
  await writeChunks(path, jsonChunks(df, false));
}

/**
 * A function giving the JSON text of a cell (undefined: leave the key out, as JSON.stringify does).
 * int64 values are written as numerals, exact at any size (JSON numbers have no range; readJson
 * reads them back exactly), where {@link jsonRecords} must give text beyond 2^53.
 */
function jsonCellText(col: Column): (i: number) => string | undefined {
  const int64 =
    (col instanceof ScalarColumn && col.dtype === 'int64') ||
    (col instanceof TensorColumn && col.dtype === 'int64');
  const cell = jsonCell(col);
  if (!int64) return (i) => JSON.stringify(cell(i));
  return (i) => {
    const v = col.getUnchecked(i);
    if (v === null) return 'null';
    if (typeof v === 'bigint') return v.toString();
    // nestedRow gives int64 elements beyond 2^53 as digit strings: unquote them.
    return JSON.stringify(nestedRow(v as BigInt64Array, (col as TensorColumn).shape)).replace(
      /"(-?\d+)"/g,
      '$1',
    );
  };
}

function* jsonChunks(df: DataFrame, array: boolean): Generator<string> {
  if (array) yield '[';
  const names = df.columnNames;
  const keys = names.map((n) => JSON.stringify(n));
  const cells = names.map((n) => jsonCellText(df.column(n)));
  const record = (i: number) => {
    let out = '';
    for (let c = 0; c < names.length; c++) {
      const text = cells[c](i);
      if (text !== undefined) out += `${out === '' ? '' : ','}${keys[c]}:${text}`;
    }
    return `{${out}}`;
  };
  for (let start = 0; start < df.length; start += ROWS_PER_CHUNK) {
    const end = Math.min(df.length, start + ROWS_PER_CHUNK);
    const part = Array.from({ length: end - start }, (_, k) => record(start + k));
    if (array) yield (start === 0 ? '\n' : ',\n') + part.join(',\n');
    else yield `${part.join('\n')}\n`;
  }
  if (array) yield '\n]\n';
}
