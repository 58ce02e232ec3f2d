/**
 * CRC-32 (IEEE, as zlib and PNG use it) of byte ranges, with a running value so a file can be
 * summed as it is written. Uses node:zlib's native `crc32` (Node 20.15+, about 2 GB/s here) and the
 * core's table-driven one (same values) on older Node.
 */
import * as zlib from 'node:zlib';
import { type Crc32, tableCrc32, useNativeCrc32 } from '../../../core/crc32.js';

const native = (zlib as { crc32?: Crc32 }).crc32;
// The core's store readers (src/core/io/store) sum through core's crc32: give them the native one.
if (native !== undefined) useNativeCrc32(native);

/** CRC-32 of `data`, continuing from `value` (the CRC of the bytes before it; 0 to start). */
export const crc32: Crc32 = native ?? tableCrc32;

// Folding block checksums together lives with the core's CRC-32 (the store's readers use it there).
export { type Crc32Shifter, combineBlockCrcs, crc32Shifter } from '../../../core/crc32.js';
