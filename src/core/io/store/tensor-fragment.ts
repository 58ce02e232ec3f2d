/**
 * A tensor column's fragments: an `.npy` file, a side file of CRC-32s (the header's, then one per
 * block of `rowsPerBlock` rows) and, when some rows are null, a validity bitmap. The checks here are
 * the ones every reader makes (the Node store's positioned reads in mapped-tensor.ts too); the
 * whole-column load reads each file whole from a {@link ByteSource}.
 */
import { getBit, markNull } from '../../column/bitmap.js';
import { TensorColumn } from '../../column/tensor.js';
import { TENSOR_ARRAYS, type TensorDType } from '../../column/types.js';
import { combineBlockCrcs, crc32, hex } from '../../crc32.js';
import { CorruptDataError } from '../../errors.js';
import { type ByteSource, type OpenRanges, rangesOf, readVerifiedEntry } from './byte-source.js';
import { TENSOR_BYTES, type TensorFragment } from './manifest.js';
import { checkNpyHeader } from './npy.js';

type TensorType = { readonly kind: 'tensor'; readonly dtype: TensorDType; readonly shape: readonly number[] };

/** Bytes of one row of `type`. */
export function tensorRowBytes(type: TensorType): number {
  return type.shape.reduce((a, b) => a * b, 1) * TENSOR_BYTES[type.dtype];
}

/** Check a fragment's `.npy` header (`header`: exactly its bytes) against its checksum (`sums[0]`) and the manifest. */
export function checkTensorHeader(
  header: Uint8Array,
  sums: Uint32Array,
  file: string,
  type: TensorType,
  rows: number,
): void {
  if (crc32(header) !== sums[0]) throw new CorruptDataError(file, 'the .npy header fails its checksum');
  checkNpyHeader(header, file, type.dtype, [rows, ...type.shape]);
}

/**
 * Check whole blocks of a fragment's data (`bytes`, starting at block `firstBlock`; the last may be
 * short) against their checksums; a mismatch names the rows that fail.
 */
export function verifyTensorBlocks(
  bytes: Uint8Array,
  sums: Uint32Array,
  firstBlock: number,
  entry: TensorFragment,
  rowBytes: number,
  file: string,
): void {
  const rpb = entry.data.rowsPerBlock;
  const blockBytes = rpb * rowBytes;
  for (let s = 0, b = firstBlock; s < bytes.length; s += blockBytes, b++) {
    const actual = crc32(bytes.subarray(s, Math.min(bytes.length, s + blockBytes)));
    if (actual !== sums[1 + b]) {
      const r0 = b * rpb;
      const r1 = Math.min(entry.rows, r0 + rpb) - 1;
      throw new CorruptDataError(
        file,
        `rows ${r0} to ${r1} of this file fail their checksum (crc32 ${hex(actual)}, expected ${hex(sums[1 + b])})`,
      );
    }
  }
}

/** A fragment's block checksums ([0] the header's), its side file verified. */
export function loadTensorSums(source: ByteSource, entry: TensorFragment): Uint32Array {
  // Its size (one per block, plus the header's) was checked when the manifest was validated.
  const bytes = readVerifiedEntry(source, entry.data.checksums);
  return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
}

/** Bytes a whole load reads at a time: each chunk is summed right after it is read. */
const LOAD_CHUNK_BYTES = 4 * 2 ** 20;

/**
 * The rows of fragment `f` read into `into` (exactly its data bytes) through `ranges`, in chunks each
 * summed while still in cache; the sum is checked against the block checksums (`sums`, [0] the
 * header's) folded together, and only on a mismatch are the blocks checked one by one, to name the
 * rows that fail.
 */
export function readTensorData(
  ranges: OpenRanges,
  f: TensorFragment,
  sums: Uint32Array,
  rowBytes: number,
  file: string,
  into: Uint8Array,
): void {
  const { headerBytes, rowsPerBlock } = f.data;
  const total = into.length;
  let crc = 0;
  for (let s = 0; s < total; s += LOAD_CHUNK_BYTES) {
    const chunk = into.subarray(s, Math.min(total, s + LOAD_CHUNK_BYTES));
    ranges.read(headerBytes + s, headerBytes + s + chunk.length, chunk);
    crc = crc32(chunk, crc);
  }
  if (total === 0) return;
  const blockBytes = rowsPerBlock * rowBytes;
  const blocks = Math.ceil(total / blockBytes);
  const expected = combineBlockCrcs(sums, 1, 1 + blocks, blockBytes, total - (blocks - 1) * blockBytes);
  if (sums.length !== 1 + blocks || crc !== expected) {
    verifyTensorBlocks(into, sums, 0, f, rowBytes, file);
    throw new CorruptDataError(
      file,
      `checksum mismatch (crc32 ${hex(crc)}, expected ${hex(expected)} from its block checksums)`,
    );
  }
}

/** A tensor column from its fragments, every block checked. */
export function loadTensorColumn(
  source: ByteSource,
  type: TensorType,
  fragments: readonly TensorFragment[],
): TensorColumn {
  const rowSize = type.shape.reduce((a, b) => a * b, 1);
  const rowBytes = tensorRowBytes(type);
  const length = fragments.reduce((n, f) => n + f.rows, 0);
  const out = new TENSOR_ARRAYS[type.dtype](length * rowSize);
  const outBytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  let validity: Uint8Array | null = null;
  let start = 0;
  for (const f of fragments) {
    const file = source.name(f.data.path);
    const sums = loadTensorSums(source, f);
    const ranges = rangesOf(source, f.data.path, f.data.bytes);
    try {
      checkTensorHeader(ranges.read(0, f.data.headerBytes), sums, file, type, f.rows);
      const into = outBytes.subarray(start * rowBytes, (start + f.rows) * rowBytes);
      readTensorData(ranges, f, sums, rowBytes, file, into);
    } finally {
      ranges.close();
    }
    if (f.validity !== null) {
      const v = readVerifiedEntry(source, f.validity);
      for (let i = 0; i < f.rows; i++) if (!getBit(v, i)) validity = markNull(validity, length, start + i);
    }
    start += f.rows;
  }
  return new TensorColumn(out, type.shape, length, validity);
}
