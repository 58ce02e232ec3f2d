/**
 * CRC-32 (IEEE, as zlib and PNG use it) of byte ranges, with a running value so a file can be
 * summed as it is written. Uses node:zlib's native `crc32` (Node 20.15+, about 2 GB/s here) and the
 * core's table-driven one (same values) on older Node.
 */
import * as zlib from 'node:zlib';
import { type Crc32, crc32Table, tableCrc32, useNativeCrc32 } from '../../../core/crc32.js';

const native = (zlib as { crc32?: Crc32 }).crc32;
// The core's store readers (src/core/io/store) sum through core's crc32: give them the native one.
if (native !== undefined) useNativeCrc32(native);

/** CRC-32 of `data`, continuing from `value` (the CRC of the bytes before it; 0 to start). */
export const crc32: Crc32 = native ?? tableCrc32;

/**
 * Folding block checksums into the checksum of their concatenation, so that a whole-file read can
 * be verified with one CRC pass over it instead of one call per 4 KiB block:
 * `crc(a ‖ b) = shift(crc(a), |b|) ^ crc(b)` (zlib's crc32_combine), where shifting by `n` bytes is
 * a fixed linear map of the 32-bit value. {@link crc32Shifter} tabulates that map for one `n`.
 */
export type Crc32Shifter = (crc: number) => number;

const shifters = new Map<number, Crc32Shifter>();

/** The map `crc ↦ crc · x^(8n) mod P`, as four 256-entry tables (a few operations a call). */
export function crc32Shifter(n: number): Crc32Shifter {
  let s = shifters.get(n);
  if (s === undefined) {
    s = buildShifter(n);
    shifters.set(n, s);
  }
  return s;
}

function buildShifter(n: number): Crc32Shifter {
  // Feeding n zero bytes through the CRC register without the pre/post inversion applies exactly
  // the shift; do it for each of the 32 bit positions, then combine bits bytewise.
  const t = crc32Table();
  const basis = new Uint32Array(32);
  for (let bit = 0; bit < 32; bit++) {
    let c = (1 << bit) >>> 0;
    for (let i = 0; i < n; i++) c = t[c & 0xff] ^ (c >>> 8);
    basis[bit] = c >>> 0;
  }
  const tables = [0, 1, 2, 3].map((k) => {
    const out = new Uint32Array(256);
    for (let v = 1; v < 256; v++) {
      let acc = 0;
      for (let b = 0; b < 8; b++) if (v & (1 << b)) acc ^= basis[8 * k + b];
      out[v] = acc >>> 0;
    }
    return out;
  });
  const [t0, t1, t2, t3] = tables;
  return (crc) => (t0[crc & 0xff] ^ t1[(crc >>> 8) & 0xff] ^ t2[(crc >>> 16) & 0xff] ^ t3[crc >>> 24]) >>> 0;
}

/**
 * The CRC-32 of the concatenation of blocks whose CRCs are `sums[from..to)`, every block
 * `blockBytes` long except possibly the last, which is `lastBytes` long.
 */
export function combineBlockCrcs(
  sums: Uint32Array,
  from: number,
  to: number,
  blockBytes: number,
  lastBytes: number,
): number {
  if (to <= from) return 0;
  const shift = crc32Shifter(blockBytes);
  let c = sums[from];
  for (let b = from + 1; b < to - 1; b++) c = (shift(c) ^ sums[b]) >>> 0;
  if (to - from > 1)
    c = ((lastBytes === blockBytes ? shift : crc32Shifter(lastBytes))(c) ^ sums[to - 1]) >>> 0;
  return c;
}
