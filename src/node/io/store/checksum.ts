/**
 * CRC-32 (IEEE, as zlib and PNG use it) of byte ranges, with a running value so a file can be
 * summed as it is written. Uses node:zlib's native `crc32` (Node 20.15+, about 2 GB/s here) and a
 * table-driven fallback (same values) on older Node.
 */
import * as zlib from 'node:zlib';

type Crc32 = (data: Uint8Array, value?: number) => number;

const native = (zlib as { crc32?: Crc32 }).crc32;

let table: Uint32Array | null = null;

function fallback(data: Uint8Array, value = 0): number {
  if (table === null) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = ~value >>> 0;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** CRC-32 of `data`, continuing from `value` (the CRC of the bytes before it; 0 to start). */
export const crc32: Crc32 = native ?? fallback;

/** For tests: the table-driven implementation. */
export const crc32Fallback: Crc32 = fallback;
