/**
 * Parquet import and export through `parquet-wasm` (Rust's arrow-rs/parquet compiled to
 * WebAssembly, bundled in the package: nothing is downloaded). Parquet data goes through Arrow
 * IPC on its way in and out, so tensor columns are written as FixedSizeList and object columns as
 * JSON text, with Tessera's field metadata kept in the file's Arrow schema so they read back as
 * such. Reading can pick columns, row groups, and a row window.
 *
 * @example
 * const df = await readParquet('flights.parquet', { columns: ['delay', 'distance'], rowGroups: [0] });
 * await writeParquet(df, 'out.parquet', { compression: 'zstd' });
 */
import * as arrow from 'apache-arrow';
import * as pq from 'parquet-wasm/node';
import { InvalidArgumentError, ParseError } from '../../../core/errors.js';
import type { DataFrame } from '../../../core/frame/frame.js';
import { arrowTableToFrame, asParseError } from './arrow-ipc.js';
import { readInput, writeChunks } from './file.js';

/** Options of {@link readParquet}. */
export interface ParquetReadOptions {
  /** Only these columns, in this order. */
  columns?: readonly string[];
  /** Only these row groups (0-based). */
  rowGroups?: readonly number[];
  /** At most this many rows. */
  limit?: number;
  /** Skip this many rows first. */
  offset?: number;
}

/** Options of {@link writeParquet}. */
export interface ParquetWriteOptions {
  /** Page compression (default `snappy`). */
  compression?: 'uncompressed' | 'snappy' | 'gzip' | 'brotli' | 'lz4' | 'zstd';
  /** Rows per row group (default 1 Mi rows). */
  rowGroupSize?: number;
}

const MAGIC = [0x50, 0x41, 0x52, 0x31]; // "PAR1"

/** The Parquet file at `path` as a frame. */
export async function readParquet(path: string, options: ParquetReadOptions = {}): Promise<DataFrame> {
  return parseParquet(await readInput(path), { ...options, file: path });
}

/** Parquet bytes as a frame. `file` names the input in errors. */
export function parseParquet(
  bytes: Uint8Array,
  options: ParquetReadOptions & { file?: string } = {},
): DataFrame {
  const file = options.file ?? '<parquet bytes>';
  const n = bytes.length;
  if (n < 12 || MAGIC.some((m, k) => bytes[k] !== m || bytes[n - 4 + k] !== m))
    throw new ParseError(file, null, 'expected a Parquet file (starting and ending with "PAR1")');
  let ipc: Uint8Array;
  try {
    const table = pq.readParquet(bytes, {
      columns: options.columns === undefined ? undefined : [...options.columns],
      rowGroups: options.rowGroups === undefined ? undefined : [...options.rowGroups],
      limit: options.limit,
      offset: options.offset,
      batchSize: 65_536,
    });
    ipc = table.intoIPCStream();
  } catch (e) {
    throw parquetError(file, e);
  }
  let table: arrow.Table;
  try {
    table = arrow.tableFromIPC(ipc);
  } catch (e) {
    throw asParseError(file, e);
  }
  try {
    return arrowTableToFrame(table, options.columns, file);
  } catch (e) {
    throw asParseError(file, e);
  }
}

/** Write `df` as a Parquet file. */
export async function writeParquet(
  df: DataFrame,
  path: string,
  options: ParquetWriteOptions = {},
): Promise<void> {
  await writeChunks(path, [formatParquet(df, options)]);
}

const COMPRESSION: Record<NonNullable<ParquetWriteOptions['compression']>, pq.Compression> = {
  uncompressed: pq.Compression.UNCOMPRESSED,
  snappy: pq.Compression.SNAPPY,
  gzip: pq.Compression.GZIP,
  brotli: pq.Compression.BROTLI,
  lz4: pq.Compression.LZ4_RAW,
  zstd: pq.Compression.ZSTD,
};

/** `df` as Parquet bytes. */
export function formatParquet(df: DataFrame, options: ParquetWriteOptions = {}): Uint8Array {
  const compression = COMPRESSION[options.compression ?? 'snappy'];
  if (compression === undefined)
    throw new InvalidArgumentError(`unknown Parquet compression ${JSON.stringify(options.compression)}`);
  let builder = new pq.WriterPropertiesBuilder().setCompression(compression);
  if (options.rowGroupSize !== undefined) builder = builder.setMaxRowGroupSize(options.rowGroupSize);
  const ipc = arrow.tableToIPC(df.toArrow(), 'stream');
  const table = pq.Table.fromIPCStream(ipc);
  return pq.writeParquet(table, builder.build());
}

function parquetError(file: string, e: unknown): ParseError {
  const message = e instanceof Error ? e.message : String(e);
  return new ParseError(file, null, `not a valid Parquet file (${message.slice(0, 200)})`);
}
