/**
 * Decoding of a format 2 scalar fragment's record batches (blocks) into one column. Each block is
 * checked against its CRC-32 from the block index; only its message header is decoded (by Arrow
 * JS's message reader) and checked against the schema's layout; its buffers are then copied once,
 * straight into preallocated arrays: values and validity at the block's first row, string bytes
 * after the previous block's and their offsets rebased. A full load is one read of the file and
 * one copy of its values, however many blocks it has; a window read decodes just its blocks.
 */
import * as arrow from 'apache-arrow';
import { scalarDType } from '../../column/arrow.js';
import { bitmapBytes } from '../../column/bitmap.js';
import { allocateFixed, ScalarColumn, type ScalarValues } from '../../column/scalar.js';
import type { ScalarDType } from '../../column/types.js';
import { crc32, hex } from '../../crc32.js';
import { CorruptDataError } from '../../errors.js';
import { batchLayoutProblem } from '../arrow-ipc-layout.js';
import type { BlockIndex } from './block-index.js';
import type { FileFragment } from './manifest.js';

/** The error for block `b` of fragment `f` whose bytes sum to `actual`, not `expected`. */
export function blockDamage(file: string, f: FileFragment, b: number, actual: number, expected: number) {
  const rpb = f.blocks!.rowsPerBlock;
  const r0 = b * rpb;
  const r1 = Math.min(f.rows, r0 + rpb) - 1;
  return new CorruptDataError(
    file,
    `block ${b} (rows ${r0} to ${r1} of this file) fails its checksum (crc32 ${hex(actual)}, expected ${hex(expected)})`,
  );
}

/** Schema fields already decoded, by block index (window reads decode a block at a time). */
const fields = new WeakMap<BlockIndex, arrow.Field>();

/** The one field of a fragment's schema message (from its block index), which must store `dtype`. */
function schemaField(index: BlockIndex, file: string, dtype: ScalarDType): arrow.Field {
  const known = fields.get(index);
  if (known !== undefined && scalarDType(known.type) === dtype) return known;
  const s = index.schema;
  const view = new DataView(s.buffer, s.byteOffset, s.byteLength);
  let all: arrow.Field[] = [];
  try {
    const length = view.getInt32(4, true);
    const message = arrow.Message.decode(s.subarray(8, 8 + length));
    if (message.isSchema()) all = message.header().fields;
  } catch {}
  const field = all[0];
  if (all.length !== 1 || scalarDType(field.type) !== dtype || field.metadata.size > 0)
    throw new CorruptDataError(file, `bad block index: its schema is not one ${dtype} column`);
  fields.set(index, field);
  return field;
}

/** One block's header, checked: its null count and its buffers as views of `bytes`. */
interface Batch {
  rows: number;
  nulls: number;
  buffers: Uint8Array[];
}

/** The record batch message filling `bytes[at, end)` (block `b`), which must hold `rows` rows of `field`. */
function readBatch(
  bytes: Uint8Array,
  at: number,
  end: number,
  field: arrow.Field,
  rows: number,
  file: string,
  b: number,
): Batch {
  const bad = (what: string) => new CorruptDataError(file, `block ${b} ${what}`);
  if (end - at < 8) throw bad('is too short for a record batch');
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, end - at);
  const continued = view.getInt32(0, true) === -1;
  const headerLength = view.getInt32(continued ? 4 : 0, true);
  const header = at + (continued ? 8 : 4);
  if (headerLength <= 0 || header + headerLength > end) throw bad('has a message header beyond the block');
  let batch: ReturnType<arrow.Message<arrow.MessageHeader.RecordBatch>['header']>;
  let bodyLength: number;
  try {
    const message = arrow.Message.decode(bytes.subarray(header, header + headerLength));
    if (!message.isRecordBatch()) throw new Error('not a record batch');
    batch = message.header();
    bodyLength = Number(message.bodyLength);
  } catch (e) {
    throw bad(`is not a readable Arrow record batch (${(e as Error).message})`);
  }
  const body = header + headerLength;
  if (!(Number.isSafeInteger(bodyLength) && bodyLength >= 0 && body + bodyLength <= end))
    throw bad(`has a body of ${bodyLength} bytes, beyond the block`);
  if (batch.compression !== null) throw bad('is compressed, which Tessera never writes');
  if (Number(batch.length) !== rows || batch.nodes.length !== 1)
    throw bad(`holds ${batch.length} rows in ${batch.nodes.length} columns, expected ${rows} in one`);
  const problem = batchLayoutProblem(batch, [field]);
  if (problem !== null) throw bad(`does not fit its schema: ${problem}`);
  const buffers = batch.buffers.map((region) => {
    const offset = Number(region.offset);
    const length = Number(region.length);
    if (!(offset >= 0 && length >= 0 && offset + length <= bodyLength))
      throw bad('has a buffer outside its body');
    return bytes.subarray(body + offset, body + offset + length);
  });
  return { rows, nulls: Number(batch.nodes[0].nullCount), buffers };
}

/** Copy bits `[0, n)` of `src` to bits `[at, at + n)` of `dst`, leaving its other bits. */
function copyBits(dst: Uint8Array, at: number, src: Uint8Array, n: number): void {
  if ((at & 7) === 0) {
    const whole = n >> 3;
    dst.set(src.subarray(0, whole), at >> 3);
    const rest = n & 7;
    if (rest > 0) {
      const mask = (1 << rest) - 1;
      const k = (at >> 3) + whole;
      dst[k] = (dst[k] & ~mask) | (src[whole] & mask);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const j = at + i;
    if ((src[i >> 3] >> (i & 7)) & 1) dst[j >> 3] |= 1 << (j & 7);
    else dst[j >> 3] &= ~(1 << (j & 7));
  }
}

/** Int32 values of `bytes` (viewed where aligned, else copied). */
function int32View(bytes: Uint8Array, count: number): Int32Array {
  if ((bytes.byteOffset & 3) === 0) return new Int32Array(bytes.buffer, bytes.byteOffset, count);
  return new Int32Array(bytes.slice(0, count * 4).buffer);
}

/**
 * Copies checked batches into one column's preallocated buffers: values and validity at each
 * block's first row, string bytes after the previous block's with their offsets rebased.
 */
class ColumnAssembler {
  private readonly values: Uint8Array;
  private readonly typed: ScalarValues | null = null;
  private readonly offsets: Int32Array | null = null;
  private validity: Uint8Array | null = null;
  /** String bytes written so far. */
  private bytes = 0;

  constructor(
    private readonly dtype: ScalarDType,
    private readonly rows: number,
    private readonly rpb: number,
    private readonly file: string,
    /** Upper bound of the string bytes of all blocks. */
    stringBytes: number,
  ) {
    if (dtype === 'string') {
      this.values = new Uint8Array(stringBytes);
      this.offsets = new Int32Array(rows + 1);
    } else if (dtype === 'bool') this.values = new Uint8Array(bitmapBytes(rows));
    else {
      this.typed = allocateFixed(dtype, rows);
      this.values = new Uint8Array(this.typed.buffer, this.typed.byteOffset, this.typed.byteLength);
    }
  }

  /** Block `k` of the column (its rows start at `k * rowsPerBlock`), block `b` of its file. */
  add(k: number, b: number, batch: Batch): void {
    const r0 = k * this.rpb;
    const n = batch.rows;
    if (batch.nulls > 0) {
      // Made only when some block has nulls; blocks without keep all bits set.
      this.validity ??= new Uint8Array(bitmapBytes(this.rows)).fill(0xff);
      copyBits(this.validity, r0, batch.buffers[0], n);
    }
    const data = batch.buffers[1];
    if (this.dtype === 'string') this.addStrings(r0, b, batch);
    else if (this.dtype === 'bool') copyBits(this.values, r0, data, n);
    else {
      // All-null blocks may leave their data buffer empty (their values are never read).
      const width = this.typed!.BYTES_PER_ELEMENT;
      this.values.set(data.subarray(0, Math.min(data.length, n * width)), r0 * width);
    }
  }

  private addStrings(r0: number, b: number, batch: Batch): void {
    const n = batch.rows;
    if (n === 0) return;
    const o = int32View(batch.buffers[1], n + 1);
    const data = batch.buffers[2];
    const o0 = o[0];
    const length = o[n] - o0;
    if (!(o0 >= 0 && length >= 0 && o[n] <= data.length && this.bytes + length <= this.values.length))
      throw new CorruptDataError(this.file, `block ${b} has string offsets outside its values`);
    this.values.set(data.subarray(o0, o[n]), this.bytes);
    const offsets = this.offsets!;
    const shift = this.bytes - o0;
    let previous = o0;
    for (let i = 0; i <= n; i++) {
      const at = o[i];
      if (at < previous) throw new CorruptDataError(this.file, `block ${b} has string offsets that fall`);
      previous = at;
      offsets[r0 + i] = at + shift;
    }
    this.bytes += length;
  }

  finish(): ScalarColumn {
    const { dtype, rows, validity } = this;
    if (dtype === 'string')
      return new ScalarColumn(dtype, rows, {
        values: this.values.subarray(0, this.bytes),
        offsets: this.offsets,
        validity,
      });
    return new ScalarColumn(dtype, rows, { values: this.typed ?? this.values, validity });
  }
}

/** Block `b`, which lies at `bytes[at, end)`, checked against its CRC-32 and its header read. */
function checkedBatch(
  bytes: Uint8Array,
  at: number,
  end: number,
  b: number,
  index: BlockIndex,
  field: arrow.Field,
  f: FileFragment,
  file: string,
): Batch {
  const block = bytes.subarray(at, end);
  const actual = crc32(block);
  if (actual !== index.crcs[1 + b]) throw blockDamage(file, f, b, actual, index.crcs[1 + b]);
  const rpb = f.blocks!.rowsPerBlock;
  return readBatch(bytes, at, end, field, Math.min(rpb, f.rows - b * rpb), file, b);
}

/** Rows in blocks `first..last` of fragment `f`. */
function rowsOf(f: FileFragment, first: number, last: number): number {
  const rpb = f.blocks!.rowsPerBlock;
  return Math.max(0, Math.min(f.rows, (last + 1) * rpb) - first * rpb);
}

/**
 * Blocks `first..last` of fragment `f` as one column, from `bytes`, which hold the Arrow file's
 * bytes from file offset `from` on. Each block is checked against its CRC-32 before it is read.
 */
export function decodeBlocks(
  bytes: Uint8Array,
  from: number,
  index: BlockIndex,
  file: string,
  f: FileFragment,
  dtype: ScalarDType,
  first: number,
  last: number,
): ScalarColumn {
  const field = schemaField(index, file, dtype);
  const batches: Batch[] = [];
  let stringBytes = 0;
  for (let b = first; b <= last; b++) {
    const batch = checkedBatch(
      bytes,
      index.offsets[b] - from,
      index.offsets[b + 1] - from,
      b,
      index,
      field,
      f,
      file,
    );
    if (dtype === 'string') stringBytes += batch.buffers[2].length;
    batches.push(batch);
  }
  const column = new ColumnAssembler(
    dtype,
    rowsOf(f, first, last),
    f.blocks!.rowsPerBlock,
    file,
    stringBytes,
  );
  for (let k = 0; k < batches.length; k++) column.add(k, first + k, batches[k]);
  return column.finish();
}

/** Bytes a full load reads at a time (into one reused buffer, which stays in the CPU's caches). */
export const LOAD_CHUNK_BYTES = 2 ** 20;

/**
 * Reads bytes `[from, to)` of a fragment's Arrow file; the bytes are used before the next call, so
 * a reader may reuse one buffer.
 */
export type RangeReader = (from: number, to: number) => Uint8Array;

/**
 * The whole of fragment `f` (format 2) as one column, its file read through `read` in chunks of
 * whole blocks (at most {@link LOAD_CHUNK_BYTES} when blocks allow), every byte checked against the
 * block index (head, each block, tail) and each block's buffers copied once into the column.
 */
export function loadBlockedFragment(
  read: RangeReader,
  file: string,
  f: FileFragment,
  index: BlockIndex,
  dtype: ScalarDType,
): ScalarColumn {
  const field = schemaField(index, file, dtype);
  const blocks = index.offsets.length - 1;
  const { offsets, crcs } = index;
  const rpb = f.blocks!.rowsPerBlock;
  const head = crc32(read(0, offsets[0]));
  if (head !== crcs[0])
    throw new CorruptDataError(file, `the Arrow file's head fails its checksum (crc32 ${hex(head)})`);
  // String bytes are at most each block's bytes less its offsets.
  let stringBytes = 0;
  if (dtype === 'string')
    for (let b = 0; b < blocks; b++)
      stringBytes += Math.max(0, offsets[b + 1] - offsets[b] - 4 * (Math.min(rpb, f.rows - b * rpb) + 1));
  const column = new ColumnAssembler(dtype, f.rows, rpb, file, stringBytes);
  for (let b = 0; b < blocks; ) {
    let last = b;
    while (last + 1 < blocks && offsets[last + 2] - offsets[b] <= LOAD_CHUNK_BYTES) last++;
    const bytes = read(offsets[b], offsets[last + 1]);
    for (let k = b; k <= last; k++)
      column.add(
        k,
        k,
        checkedBatch(bytes, offsets[k] - offsets[b], offsets[k + 1] - offsets[b], k, index, field, f, file),
      );
    b = last + 1;
  }
  const tail = crc32(read(offsets[blocks], f.file.bytes));
  if (tail !== crcs[blocks + 1])
    throw new CorruptDataError(file, `the Arrow file's footer fails its checksum (crc32 ${hex(tail)})`);
  return column.finish();
}
