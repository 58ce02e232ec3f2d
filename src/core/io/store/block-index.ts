/**
 * The block index of a scalar fragment (format 2), kept in a `.blocks` side file beside its Arrow
 * IPC file. The Arrow file holds record batches of `rowsPerBlock` rows; the index says where each
 * batch lies and what its CRC-32 is, so rows `[a, b)` cost a read and a check of the batches that
 * hold them. It also holds the Arrow schema message (Arrow JS writes the schema only in the file's
 * footer), so a batch is decoded as a two-message Arrow stream without reading the footer.
 *
 * Layout, little-endian, with B blocks:
 *
 * ```
 * u32            S, the length of the schema message (a multiple of 8)
 * u32            0 (reserved)
 * S bytes        the schema message, as an Arrow IPC stream writes it
 * (B + 1) f64    byte offset in the Arrow file where each batch starts; the last is where the
 *                tail (end-of-stream marker, footer, magic) starts
 * (B + 2) u32    CRC-32 of the head (bytes before the first batch), of each batch, of the tail
 * ```
 */
import { CorruptDataError } from '../../errors.js';

export interface BlockIndex {
  /** The Arrow IPC schema message (continuation, length, flatbuffer, padding). */
  schema: Uint8Array;
  /** `offsets[k]` is where batch k starts; `offsets[B]` where the tail starts. */
  offsets: Float64Array;
  /** `crcs[0]` the head's, `crcs[1 + k]` batch k's, `crcs[B + 1]` the tail's. */
  crcs: Uint32Array;
}

/** Blocks of a fragment of `rows` rows. */
export function blockCount(rows: number, rowsPerBlock: number): number {
  return Math.ceil(rows / rowsPerBlock);
}

/** Size of a `.blocks` file whose schema message has `schemaBytes` bytes, for `blocks` blocks. */
export function blockIndexBytes(schemaBytes: number, blocks: number): number {
  return 8 + schemaBytes + 8 * (blocks + 1) + 4 * (blocks + 2);
}

export function encodeBlockIndex(index: BlockIndex): Uint8Array {
  const blocks = index.offsets.length - 1;
  const s = index.schema.length;
  const out = new Uint8Array(blockIndexBytes(s, blocks));
  const view = new DataView(out.buffer);
  view.setUint32(0, s, true);
  out.set(index.schema, 8);
  let at = 8 + s;
  for (const o of index.offsets) {
    view.setFloat64(at, o, true);
    at += 8;
  }
  for (const c of index.crcs) {
    view.setUint32(at, c, true);
    at += 4;
  }
  return out;
}

/**
 * Parse a `.blocks` file (already checked against its CRC-32) of a fragment with `blocks` blocks
 * whose Arrow file has `fileBytes` bytes; anything inconsistent is a {@link CorruptDataError}
 * naming `file`.
 */
export function decodeBlockIndex(
  bytes: Uint8Array,
  file: string,
  blocks: number,
  fileBytes: number,
): BlockIndex {
  const fail = (detail: string): never => {
    throw new CorruptDataError(file, `bad block index: ${detail}`);
  };
  if (bytes.length < 8) fail('too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const s = view.getUint32(0, true);
  if (s % 8 !== 0 || bytes.length !== blockIndexBytes(s, blocks))
    fail(`${bytes.length} bytes do not hold ${blocks} blocks`);
  const schema = bytes.slice(8, 8 + s);
  const offsets = new Float64Array(blocks + 1);
  const crcs = new Uint32Array(blocks + 2);
  let at = 8 + s;
  for (let k = 0; k <= blocks; k++, at += 8) offsets[k] = view.getFloat64(at, true);
  for (let k = 0; k < blocks + 2; k++, at += 4) crcs[k] = view.getUint32(at, true);
  for (let k = 0; k <= blocks; k++) {
    const o = offsets[k];
    const before = k === 0 ? 0 : offsets[k - 1];
    if (!Number.isSafeInteger(o) || o < before || o > fileBytes)
      fail(`block offset ${o} is out of order or past the end of the ${fileBytes}-byte file`);
  }
  return { schema, offsets, crcs };
}
