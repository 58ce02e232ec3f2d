/**
 * A tensor column's fragments: an `.npy` file, a side file of CRC-32s (the header's, then one per
 * block of `rowsPerBlock` rows) and, when some rows are null, a validity bitmap. The checks here are
 * the ones every reader makes (the Node store's positioned reads in mapped-tensor.ts too); the
 * whole-column load reads each file whole from a {@link ByteSource}.
 */
import { getBit, markNull } from '../../column/bitmap.js';
import { TensorColumn } from '../../column/tensor.js';
import { TENSOR_ARRAYS, type TensorDType } from '../../column/types.js';
import { crc32, hex } from '../../crc32.js';
import { CorruptDataError } from '../../errors.js';
import { type ByteSource, readVerifiedEntry } from './byte-source.js';
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

/** A tensor column from its fragments, each file read whole and every block checked. */
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
    const bytes = source.read(f.data.path, f.data.bytes);
    const data = bytes.subarray(f.data.headerBytes);
    checkTensorHeader(bytes.subarray(0, f.data.headerBytes), sums, file, type, f.rows);
    if (rowBytes > 0) verifyTensorBlocks(data, sums, 0, f, rowBytes, file);
    outBytes.set(data, start * rowBytes);
    if (f.validity !== null) {
      const v = readVerifiedEntry(source, f.validity);
      for (let i = 0; i < f.rows; i++) if (!getBit(v, i)) validity = markNull(validity, length, start + i);
    }
    start += f.rows;
  }
  return new TensorColumn(out, type.shape, length, validity);
}
