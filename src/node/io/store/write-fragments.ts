/**
 * Writers of one fragment (a run of rows) of one column, each to new immutable data files:
 * scalar → Arrow IPC file of record batches + block index, tensor → `.npy` + block checksums (+ validity bitmap), object → JSON lines.
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
import { blockCount, encodeBlockIndex } from '../../../core/io/store/block-index.js';
import type { FileEntry, FileFragment, TensorFragment } from '../../../core/io/store/manifest.js';
import { npyHeader } from '../../../core/io/store/npy.js';
import { crc32 } from './checksum.js';
import { FileSink } from './file-io.js';
import { batchMessage, FileBlock, ipcHead, ipcTail, schemaMessage } from './ipc-blocks.js';
import { dataPath, newDataFile } from './layout.js';

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
 * A scalar column as a one-column Arrow IPC file of record batches of {@link scalarRowsPerBlock}
 * rows (written from the column's buffers, ipc-blocks.ts), and its block index (block-index.ts)
 * with the offset and CRC-32 of each batch.
 */
export async function writeScalarFragment(
  ctx: FragmentContext,
  columnIndex: number,
  name: string,
  col: ScalarColumn,
): Promise<FileFragment> {
  const field = arrowField(name, col, columnToArrowData(col));
  const schema = new arrow.Schema([field]);
  const rows = col.length;
  const rowsPerBlock = scalarRowsPerBlock(col);
  const blocks = blockCount(rows, rowsPerBlock);
  const offsets = new Float64Array(blocks + 1);
  const crcs = new Uint32Array(blocks + 2);
  const footerBlocks: FileBlock[] = [];
  const file = await writeDataFile(ctx, columnIndex, name, 'arrow', async (sink) => {
    // Small chunks (message headers, padding, small blocks) are gathered so the file gets few,
    // large writes; large ones are written from the column's memory.
    let staging = new Uint8Array(64 * 1024);
    let staged = 0;
    let position = 0;
    const flush = async () => {
      if (staged > 0) await sink.write(staging.subarray(0, staged));
      staged = 0;
    };
    const put = async (chunks: readonly Uint8Array[]) => {
      let crc = 0;
      for (const c of chunks) {
        crc = crc32(c, crc);
        position += c.length;
        if (c.length >= SCALAR_WRITE_BYTES / 2) {
          await flush();
          await sink.write(c);
          continue;
        }
        if (staged + c.length > staging.length) {
          if (staging.length < SCALAR_WRITE_BYTES) {
            const grown = new Uint8Array(Math.min(SCALAR_WRITE_BYTES, 4 * staging.length));
            grown.set(staging.subarray(0, staged));
            staging = grown;
          } else await flush();
        }
        staging.set(c, staged);
        staged += c.length;
      }
      return crc;
    };
    crcs[0] = await put([ipcHead()]);
    for (let k = 0; k < blocks; k++) {
      offsets[k] = position;
      const start = k * rowsPerBlock;
      const batch = batchMessage(col, start, Math.min(rowsPerBlock, rows - start));
      footerBlocks.push(new FileBlock(batch.metaDataLength, batch.bodyLength, position));
      crcs[1 + k] = await put(batch.chunks);
    }
    offsets[blocks] = position;
    crcs[blocks + 1] = await put([ipcTail(schema, footerBlocks)]);
    await flush();
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
