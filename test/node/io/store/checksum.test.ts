import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32 as tableCrc32 } from '../../../../src/core/crc32.js';
import { combineBlockCrcs } from '../../../../src/node/io/store/checksum.js';

/** CRC-32 of each `blockBytes` block of `bytes` (the last one may be shorter). */
function blockCrcs(bytes: Uint8Array, blockBytes: number): Uint32Array {
  const n = Math.ceil(bytes.length / blockBytes);
  const out = new Uint32Array(n);
  for (let b = 0; b < n; b++) out[b] = tableCrc32(bytes.subarray(b * blockBytes, (b + 1) * blockBytes));
  return out;
}

describe('folding block checksums', () => {
  it('gives the CRC-32 of the whole range, as zlib computes it', () => {
    const reference =
      (zlib as { crc32?: (d: Uint8Array) => number }).crc32 ?? ((d: Uint8Array) => tableCrc32(d));
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 5000 }),
        fc.integer({ min: 1, max: 700 }),
        fc.nat(),
        (bytes, blockBytes, skip) => {
          const sums = blockCrcs(bytes, blockBytes);
          const n = sums.length;
          const last = bytes.length - (n - 1) * blockBytes;
          expect(combineBlockCrcs(sums, 0, n, blockBytes, last)).toBe(reference(bytes));
          // A suffix of the blocks: the range starting at block `from`.
          const from = skip % n;
          expect(combineBlockCrcs(sums, from, n, blockBytes, last)).toBe(
            reference(bytes.subarray(from * blockBytes)),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('changes when any block checksum changes', () => {
    const bytes = Uint8Array.from({ length: 40_000 }, (_, i) => (i * 7919) & 0xff);
    const sums = blockCrcs(bytes, 4096);
    const whole = combineBlockCrcs(sums, 0, sums.length, 4096, bytes.length - (sums.length - 1) * 4096);
    for (let b = 0; b < sums.length; b++) {
      const bad = sums.slice();
      bad[b] ^= 1 << (b % 32);
      expect(combineBlockCrcs(bad, 0, bad.length, 4096, bytes.length - (bad.length - 1) * 4096)).not.toBe(
        whole,
      );
    }
  });
});
