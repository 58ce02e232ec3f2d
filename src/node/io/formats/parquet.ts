/**
 * Parquet import and export through `parquet-wasm` (Rust's arrow-rs/parquet compiled to
 * WebAssembly, bundled in the package: nothing is downloaded). Parquet data goes through Arrow
 * IPC on its way in and out, so tensor columns are written as FixedSizeList and object columns as
 * JSON text, with Tessera's field metadata kept in the file's Arrow schema so they read back as
 * such. Reading can pick columns, row groups, and a row window. {@link readParquetBatches} streams
 * a file of any size: it reads the footer, then only the column chunks it needs, one batch of rows
 * at a time.
 *
 * @example
 * const df = await readParquet('flights.parquet', { columns: ['delay', 'distance'], rowGroups: [0] });
 * for await (const batch of readParquetBatches('huge.parquet', { columns: ['delay'] })) n += batch.length;
 * await writeParquet(df, 'out.parquet', { compression: 'zstd' });
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import * as arrow from 'apache-arrow';
import * as pq from 'parquet-wasm/node';
import { ColumnNotFoundError, InvalidArgumentError, ParseError } from '../../../core/errors.js';
import { concat } from '../../../core/frame/concat.js';
import type { DataFrame } from '../../../core/frame/frame.js';
import { arrowTableToFrame, asParseError } from './arrow-ipc.js';
import { openInput, readInput, writeChunks } from './file.js';

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

/** Whether a file of `size` bytes starts (`head`) and ends (`tail`) with Parquet's magic bytes. */
function framedByMagic(head: Uint8Array, tail: Uint8Array, size: number): boolean {
  return size >= 12 && MAGIC.every((m, k) => head[k] === m && tail[k] === m);
}

const notParquet = (file: string) =>
  new ParseError(file, null, 'expected a Parquet file (starting and ending with "PAR1")');

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
  if (!framedByMagic(bytes.subarray(0, 4), bytes.subarray(n - 4), n)) throw notParquet(file);
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

/** Options of {@link readParquetBatches}. */
export interface ParquetBatchOptions extends Pick<ParquetReadOptions, 'columns' | 'rowGroups'> {
  /** Rows per frame, every frame but the last (default 65,536). */
  batchSize?: number;
}

/**
 * The Parquet file at `path` as a stream of frames of `batchSize` rows. The file is read through a
 * file-backed Blob: only the footer and the chunks of the chosen columns and row groups, so memory
 * holds one batch at a time whatever the file's size.
 *
 * parquet-wasm's async reader can abort inside WebAssembly on some damaged files, which leaves its
 * module unusable and the read pending forever; so it runs in a worker thread of its own, and a
 * worker that dies becomes a ParseError here.
 */
export async function* readParquetBatches(
  path: string,
  options: ParquetBatchOptions = {},
): AsyncGenerator<DataFrame> {
  const batchSize = options.batchSize ?? 65_536;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new InvalidArgumentError(`batchSize must be a positive integer, not ${batchSize}`);
  // parquet-wasm ends a batch at every row-group boundary, so its batches are regrouped here.
  let pending: DataFrame[] = [];
  let pendingRows = 0;
  let yielded = false;
  for await (const frame of readParquetChunks(path, options, batchSize)) {
    pending.push(frame);
    pendingRows += frame.length;
    while (pendingRows >= batchSize) {
      const joined = pending.length === 1 ? pending[0] : concat(pending);
      yield joined.slice(0, batchSize);
      yielded = true;
      pending = joined.length > batchSize ? [joined.slice(batchSize)] : [];
      pendingRows -= batchSize;
    }
  }
  // A file of no rows still gives one empty frame with its columns.
  if (pendingRows > 0 || (!yielded && pending.length > 0))
    yield pending.length === 1 ? pending[0] : concat(pending);
}

/** The file's batches as parquet-wasm reads them: at most `batchSize` rows, shorter at row-group ends. */
async function* readParquetChunks(
  path: string,
  options: ParquetBatchOptions,
  batchSize: number,
): AsyncGenerator<DataFrame> {
  await checkMagic(path);
  const worker = new Worker(STREAM_WORKER, {
    eval: true,
    workerData: {
      path,
      module: createRequire(import.meta.url).resolve('parquet-wasm/node'),
      columns: options.columns,
      rowGroups: options.rowGroups,
      batchSize,
    },
  });
  const replies: StreamReply[] = [];
  let wake: (() => void) | null = null;
  const push = (r: StreamReply) => {
    replies.push(r);
    wake?.();
  };
  worker.on('message', push);
  worker.on('error', (e) => push({ error: e instanceof Error ? e.message : String(e) }));
  worker.on('exit', (code) => push({ error: `the reader stopped (exit code ${code})` }));
  const nextReply = async () => {
    while (replies.length === 0) await new Promise<void>((r) => (wake = r));
    wake = null;
    const reply = replies.shift()!;
    if ('error' in reply) throw parquetError(path, new Error(reply.error));
    return reply;
  };
  try {
    // The worker first sends the file's schema and row-group count, checked here before reading.
    const head = await nextReply();
    if (!('schema' in head)) throw parquetError(path, new Error('no schema'));
    const names = arrow.tableFromIPC(head.schema).schema.fields.map((f) => f.name);
    for (const name of options.columns ?? [])
      if (!names.includes(name)) throw new ColumnNotFoundError(name, names);
    for (const g of options.rowGroups ?? [])
      if (!Number.isInteger(g) || g < 0 || g >= head.rowGroups)
        throw new InvalidArgumentError(`row group ${g} does not exist: ${path} has ${head.rowGroups}`);
    worker.postMessage('start');
    for (;;) {
      worker.postMessage('next');
      const reply = await nextReply();
      if ('done' in reply) return;
      if (!('ipc' in reply)) throw parquetError(path, new Error('unexpected message'));
      let table: arrow.Table;
      try {
        table = arrow.tableFromIPC(reply.ipc);
      } catch (e) {
        throw asParseError(path, e);
      }
      yield arrowTableToFrame(table, options.columns, path);
    }
  } finally {
    worker.removeAllListeners();
    await worker.terminate();
  }
}

type StreamReply =
  | { schema: Uint8Array; rowGroups: number }
  | { ipc: Uint8Array }
  | { done: true }
  | { error: string };

/** The worker of {@link readParquetBatches}: one Arrow IPC batch per 'next' message. */
const STREAM_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { openAsBlob } = require('node:fs');
const fail = (e) => parentPort.postMessage({ error: String((e && e.message) || e) });
(async () => {
  const pq = require(workerData.module);
  const file = await pq.ParquetFile.fromFile(await openAsBlob(workerData.path));
  const rowGroups = file.metadata().numRowGroups();
  parentPort.postMessage({ schema: file.schema().intoIPCStream(), rowGroups });
  let reader = null;
  parentPort.on('message', async (m) => {
    try {
      if (m === 'start') {
        const { columns, batchSize } = workerData;
        reader = (await file.stream({ columns, rowGroups: workerData.rowGroups, batchSize })).getReader();
        return;
      }
      const next = await reader.read();
      if (next.done) parentPort.postMessage({ done: true });
      else {
        const ipc = next.value.intoIPCStream();
        parentPort.postMessage({ ipc }, [ipc.buffer]);
      }
    } catch (e) {
      fail(e);
    }
  });
})().catch(fail);
`;

/** A ParseError unless the file at `path` starts and ends with Parquet's magic bytes. */
async function checkMagic(path: string): Promise<void> {
  const handle = await openInput(path);
  try {
    const { size } = await handle.stat();
    const head = new Uint8Array(4);
    const tail = new Uint8Array(4);
    if (size >= 12) {
      await handle.read(head, 0, 4, 0);
      await handle.read(tail, 0, 4, size - 4);
    }
    if (!framedByMagic(head, tail, size)) throw notParquet(path);
  } finally {
    await handle.close();
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
