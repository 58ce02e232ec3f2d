/**
 * Writers of one fragment (a run of rows) of one column, each to new immutable data files:
 * scalar → Arrow IPC file of record batches + block index, tensor → `.npy` + block checksums (+ validity bitmap), object → JSON lines.
 * Large buffers are written in chunks straight from the column's memory; nothing is copied whole.
 */
import * as os from 'node:os';
import * as arrow from 'apache-arrow';
import { arrowField, columnToArrowData } from '../../../core/column/arrow.js';
import { bitmapBytes, countSetBits, sliceBitmap } from '../../../core/column/bitmap.js';
import type { Column } from '../../../core/column/column.js';
import type { ScalarColumn } from '../../../core/column/scalar.js';
import type { TensorColumn } from '../../../core/column/tensor.js';
import { TypeMismatchError, UnsupportedError } from '../../../core/errors.js';
import { blockCount, encodeBlockIndex } from './block-index.js';
import { crc32 } from './checksum.js';
import { FileSink } from './file-io.js';
import { dataPath, newDataFile } from './layout.js';
import type { FileEntry, FileFragment, TensorFragment } from './manifest.js';
import { npyHeader } from './npy.js';

/** Target size of a checksum block of tensor rows: about one page, so a row read costs no more IO. */
export const CHECKSUM_BLOCK_BYTES = 4096;

/** What the writers of one commit share. */
export interface FragmentContext {
  root: string;
  version: number;
  /** fsync each file before it counts as written. */
  sync: boolean;
  /** Relative paths of every file created so far (removed if the commit fails). */
  created: string[];
  bytes: number;
}

/** Write a new data file of column `columnIndex` through `write`; it is removed if the commit fails. */
export async function writeDataFile(
  ctx: FragmentContext,
  columnIndex: number,
  name: string,
  ext: string,
  write: (sink: FileSink) => Promise<void>,
  sum = true,
): Promise<FileEntry> {
  const relative = newDataFile(ctx.version, columnIndex, name, ext);
  ctx.created.push(relative);
  const sink = await FileSink.create(dataPath(ctx.root, relative), sum);
  try {
    await write(sink);
    await sink.close(ctx.sync);
  } catch (e) {
    await sink.abort();
    throw e;
  }
  ctx.bytes += sink.bytes;
  return { path: relative, bytes: sink.bytes, crc32: sink.crc };
}

/** Target bytes of one record batch of a scalar fragment: a window read costs about this per column. */
export const SCALAR_BLOCK_BYTES = 128 * 1024;
/** Rows per batch stay within these (a batch costs some metadata; one row must not be a batch). */
const MIN_BLOCK_ROWS = 1024;
const MAX_BLOCK_ROWS = 65536;
/** Batches are gathered into writes of about this size. */
const SCALAR_WRITE_BYTES = 8 * 2 ** 20;

/** Rows per record batch of `col`: a power of two near {@link SCALAR_BLOCK_BYTES} of data. */
export function scalarRowsPerBlock(col: ScalarColumn): number {
  const n = Math.max(1, col.length);
  const rowBytes =
    col.dtype === 'bool'
      ? 1 / 8
      : col.dtype === 'string'
        ? 4 + (col.values as Uint8Array).byteLength / n
        : (col.values as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  const rows = 2 ** Math.floor(Math.log2(SCALAR_BLOCK_BYTES / rowBytes));
  return Math.min(MAX_BLOCK_ROWS, Math.max(MIN_BLOCK_ROWS, rows));
}

/**
 * Collects what an Arrow writer emits, synchronously, so the bytes of each message are known as
 * it is written (the writer itself only reports them in the footer).
 */
class ChunkCollector extends arrow.AsyncByteQueue {
  chunks: Uint8Array[] = [];
  bytes = 0;
  override write(value: Uint8Array | ArrayBufferView | ArrayBuffer): void {
    const chunk = ArrayBuffer.isView(value)
      ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
      : new Uint8Array(value as ArrayBuffer);
    if (chunk.byteLength === 0) return;
    this.chunks.push(chunk);
    this.bytes += chunk.byteLength;
  }
  /** The chunks collected since the last call, and their CRC-32. */
  take(): { chunks: Uint8Array[]; crc: number } {
    const chunks = this.chunks;
    let crc = 0;
    for (const c of chunks) crc = crc32(c, crc);
    this.chunks = [];
    return { chunks, crc };
  }
}

/**
 * Rows `[start, start + length)` of a string column as Arrow data of their own: Arrow JS writes a
 * sliced Utf8 column's values from the first byte of the whole column, so the offsets are rebased
 * here (the values are shared, not copied).
 */
function stringBlock(col: ScalarColumn, start: number, length: number): arrow.Data<arrow.Utf8> {
  const offsets = col.offsets!;
  const first = offsets[start];
  const rebased = new Int32Array(length + 1);
  for (let i = 0; i <= length; i++) rebased[i] = offsets[start + i] - first;
  const validity = col.validity === null ? null : sliceBitmap(col.validity, start, length);
  return arrow.makeData({
    type: new arrow.Utf8(),
    length,
    nullCount: validity === null ? 0 : length - countSetBits(validity, length),
    nullBitmap: validity ?? undefined,
    data: (col.values as Uint8Array).subarray(first, offsets[start + length]),
    valueOffsets: rebased,
  });
}

/** The Arrow IPC schema message of `schema`, as a stream writer writes it first. */
function schemaMessage(schema: arrow.Schema): Uint8Array {
  const collector = new ChunkCollector();
  new arrow.RecordBatchStreamWriter().reset(collector, schema);
  return concatBytes(collector.take().chunks);
}

function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * A scalar column as a one-column Arrow IPC file of record batches of {@link scalarRowsPerBlock}
 * rows, and its block index (block-index.ts) with the offset and CRC-32 of each batch.
 */
export async function writeScalarFragment(
  ctx: FragmentContext,
  columnIndex: number,
  name: string,
  col: ScalarColumn,
): Promise<FileFragment> {
  const data = columnToArrowData(col);
  const field = arrowField(name, col, data);
  const schema = new arrow.Schema([field]);
  const structType = new arrow.Struct([field]);
  const rows = col.length;
  const rowsPerBlock = scalarRowsPerBlock(col);
  const blocks = blockCount(rows, rowsPerBlock);
  const offsets = new Float64Array(blocks + 1);
  const crcs = new Uint32Array(blocks + 2);
  const collector = new ChunkCollector();
  const file = await writeDataFile(ctx, columnIndex, name, 'arrow', async (sink) => {
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    // Small chunks (message headers, padding) are gathered so the file gets few, large writes.
    const flush = async (force: boolean) => {
      if (pendingBytes === 0 || (!force && pendingBytes < SCALAR_WRITE_BYTES)) return;
      await sink.write(concatBytes(pending));
      pending = [];
      pendingBytes = 0;
    };
    const keep = (part: { chunks: Uint8Array[]; crc: number }) => {
      for (const c of part.chunks) {
        pending.push(c);
        pendingBytes += c.length;
      }
      return part.crc;
    };
    const writer = new arrow.RecordBatchFileWriter();
    writer.reset(collector, schema); // the head: magic and padding
    crcs[0] = keep(collector.take());
    for (let k = 0; k < blocks; k++) {
      offsets[k] = collector.bytes;
      const start = k * rowsPerBlock;
      const length = Math.min(rowsPerBlock, rows - start);
      const child = col.dtype === 'string' ? stringBlock(col, start, length) : data.slice(start, length);
      const struct = arrow.makeData({ type: structType, length, nullCount: 0, children: [child] });
      writer.write(new arrow.RecordBatch(schema, struct));
      crcs[1 + k] = keep(collector.take());
      await flush(false);
    }
    offsets[blocks] = collector.bytes;
    writer.finish(); // the tail: end-of-stream marker, footer, magic
    crcs[blocks + 1] = keep(collector.take());
    await flush(true);
  });
  const index = encodeBlockIndex({ schema: schemaMessage(schema), offsets, crcs });
  const blockFile = await writeDataFile(ctx, columnIndex, name, 'blocks', (sink) => sink.write(index));
  return { rows, file, blocks: { rowsPerBlock, file: blockFile } };
}

/** A tensor column as an `.npy` file, its block checksums, and its validity bitmap if it has nulls. */
export async function writeTensorFragment(
  ctx: FragmentContext,
  columnIndex: number,
  name: string,
  col: TensorColumn,
): Promise<TensorFragment> {
  if (os.endianness() !== 'LE')
    throw new UnsupportedError('writing tensor columns needs a little-endian machine');
  const rows = col.length;
  const header = npyHeader(col.dtype, [rows, ...col.shape]);
  const bytes = new Uint8Array(col.data.buffer, col.data.byteOffset, col.data.byteLength);
  const rowBytes = col.rowSize * col.data.BYTES_PER_ELEMENT;
  const rowsPerBlock = rowBytes === 0 ? 1 : Math.max(1, Math.floor(CHECKSUM_BLOCK_BYTES / rowBytes));
  const blockBytes = rowsPerBlock * rowBytes;
  const blocks = rowBytes === 0 ? 0 : Math.ceil(rows / rowsPerBlock);
  const sums = new Uint32Array(1 + blocks);
  sums[0] = crc32(header);
  // Block checksums are computed while the data is written: the blocks that a chunk completes are
  // summed during that chunk's write (which runs on the thread pool), the rest at the end.
  let summed = 0;
  const sumBlocksUpTo = (end: number) => {
    for (; summed < blocks && (summed + 1) * blockBytes <= end; summed++)
      sums[1 + summed] = crc32(bytes.subarray(summed * blockBytes, (summed + 1) * blockBytes));
  };
  const data = await writeDataFile(
    ctx,
    columnIndex,
    name,
    'npy',
    async (sink) => {
      await sink.write(header);
      await sink.write(bytes, (part, at) => sumBlocksUpTo(at + part.length));
      // The last block may be partial.
      for (; summed < blocks; summed++)
        sums[1 + summed] = crc32(
          bytes.subarray(summed * blockBytes, Math.min(bytes.length, (summed + 1) * blockBytes)),
        );
    },
    false,
  );
  const checksums = await writeDataFile(ctx, columnIndex, name, 'crc', (sink) =>
    sink.write(new Uint8Array(sums.buffer)),
  );
  let validity: FileEntry | null = null;
  if (col.validity !== null && col.nullCount > 0) {
    const bitmap = new Uint8Array(bitmapBytes(rows));
    bitmap.set(col.validity.subarray(0, Math.min(bitmap.length, col.validity.length)));
    validity = await writeDataFile(ctx, columnIndex, name, 'validity', (sink) => sink.write(bitmap));
  }
  return {
    rows,
    data: { path: data.path, bytes: data.bytes, headerBytes: header.length, rowsPerBlock, checksums },
    validity,
  };
}

/** An object column as JSON lines: one JSON value per row, `null` for a null. */
export async function writeObjectFragment(
  ctx: FragmentContext,
  columnIndex: number,
  name: string,
  col: Column,
): Promise<FileFragment> {
  const encoder = new TextEncoder();
  const file = await writeDataFile(ctx, columnIndex, name, 'jsonl', async (sink) => {
    let parts: string[] = [];
    let size = 0;
    for (let i = 0; i < col.length; i++) {
      const line = jsonLine(col.getUnchecked(i), name, i);
      parts.push(line);
      size += line.length;
      if (size > 1 << 20) {
        await sink.write(encoder.encode(parts.join('')));
        parts = [];
        size = 0;
      }
    }
    if (parts.length) await sink.write(encoder.encode(parts.join('')));
  });
  return { rows: col.length, file };
}

function jsonLine(v: unknown, name: string, row: number): string {
  if (v === null || v === undefined) return 'null\n';
  let text: string | undefined;
  try {
    text = JSON.stringify(v);
  } catch (e) {
    throw new TypeMismatchError(
      `column "${name}", row ${row}: the value cannot be stored as JSON (${(e as Error).message})`,
    );
  }
  if (text === undefined)
    throw new TypeMismatchError(`column "${name}", row ${row}: a ${typeof v} cannot be stored as JSON`);
  return `${text}\n`;
}
