/**
 * CSV parsing of bytes in memory, isomorphic (Node and the browser): the incremental {@link CsvParser}
 * and {@link parseCsv}. RFC 4180: quoted fields with embedded delimiters, line breaks and doubled
 * quotes; LF or CRLF line ends. Type inference, null tokens and widening across batches are
 * described with `readCsv` (src/node/io/formats/csv.ts), which streams files through this parser.
 */
import type { Column } from '../column/column.js';
import { type ColumnTypeHint, column, normalizeTypeHint } from '../column/infer.js';
import { ScalarColumn } from '../column/scalar.js';
import type { ScalarDType } from '../column/types.js';
import { ColumnNotFoundError, InvalidArgumentError, ParseError } from '../errors.js';
import { DataFrame } from '../frame/frame.js';
import { ownValue } from '../frame/records.js';
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

export const DEFAULT_NULLS = ['', 'NA', 'N/A', 'null', 'NULL'];
const encoder = new TextEncoder();

export function singleByte(value: string | undefined, fallback: string, what: string): number {
  const v = value ?? fallback;
  if (v.length !== 1 || v.charCodeAt(0) > 127 || v === '\n' || v === '\r')
    throw new InvalidArgumentError(
      `${what} must be one ASCII character other than a line break, not ${JSON.stringify(v)}`,
    );
  return v.charCodeAt(0);
}

/**
 * Incremental CSV parser: feed it chunks of bytes, get frames of the complete records so far.
 * Used by `readCsvBatches` (file chunks) and {@link parseCsv} (one buffer).
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

/** Frames of a widening parse as one frame (concatenation recasts int32 and dates exactly). */
export function joinWidened(frames: DataFrame[], seenTypes: ReadonlyMap<string, ScalarDType>): DataFrame {
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
