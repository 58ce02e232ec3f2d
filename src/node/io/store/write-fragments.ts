/**
 * Writers of one fragment (a run of rows) of one column, each to new immutable data files:
 * scalar → Arrow IPC file, tensor → `.npy` + block checksums (+ validity bitmap), object → JSON lines.
 * Large buffers are written in chunks straight from the column's memory; nothing is copied whole.
 */
import * as os from 'node:os';
import * as arrow from 'apache-arrow';
import { arrowField, columnToArrowData } from '../../../core/column/arrow.js';
import { bitmapBytes } from '../../../core/column/bitmap.js';
import type { Column } from '../../../core/column/column.js';
import type { ScalarColumn } from '../../../core/column/scalar.js';
import type { TensorColumn } from '../../../core/column/tensor.js';
import { TypeMismatchError, UnsupportedError } from '../../../core/errors.js';
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

/** A scalar column as a one-column Arrow IPC file. */
export async function writeScalarFragment(
  ctx: FragmentContext,
  columnIndex: number,
  name: string,
  col: ScalarColumn,
): Promise<FileFragment> {
  const data = columnToArrowData(col);
  const field = arrowField(name, col, data);
  const schema = new arrow.Schema([field]);
  const struct = arrow.makeData({
    type: new arrow.Struct([field]),
    length: col.length,
    nullCount: 0,
    children: [data],
  });
  const file = await writeDataFile(ctx, columnIndex, name, 'arrow', async (sink) => {
    const writer = new arrow.RecordBatchFileWriter();
    writer.write(new arrow.RecordBatch(schema, struct));
    writer.finish();
    // The writer yields its metadata and the column's own buffers one by one (no concatenated copy).
    for await (const chunk of writer) await sink.write(chunk);
  });
  return { rows: col.length, file };
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
