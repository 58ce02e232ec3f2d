import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32 as tableCrc32 } from '../../../../src/core/crc32.js';
import { combineBlockCrcs, crc32 } from '../../../../src/node/io/store/checksum.js';

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

describe('checksum boundaries (fixed examples beside the property test)', () => {
  // zlib's native CRC-32 (Node ≥ 20.15), an implementation independent of ours.
  const zlibCrc = (zlib as unknown as { crc32: (d: Uint8Array, v?: number) => number }).crc32;
  const pattern = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + 7) & 0xff);

  it('the published check value: CRC-32 of "123456789" is 0xCBF43926, whole and folded from blocks of 4', () => {
    const bytes = new TextEncoder().encode('123456789');
    expect(crc32(bytes)).toBe(0xcbf43926);
    expect(tableCrc32(bytes)).toBe(0xcbf43926);
    expect(combineBlockCrcs(blockCrcs(bytes, 4), 0, 3, 4, 1)).toBe(0xcbf43926);
  });

  it('empty input: CRC 0, no blocks fold to 0, and continuing with nothing keeps the value', () => {
    expect(tableCrc32(new Uint8Array(0))).toBe(0);
    expect(zlibCrc(new Uint8Array(0))).toBe(0);
    expect(combineBlockCrcs(new Uint32Array(0), 0, 0, 4096, 0)).toBe(0);
    const v = zlibCrc(pattern(10));
    expect(tableCrc32(new Uint8Array(0), v)).toBe(v);
    expect(crc32(new Uint8Array(0), v)).toBe(v);
  });

  it('exactly one block, two full blocks, one byte over, one byte short, and the last block alone', () => {
    const block = 64;
    for (const n of [1, block - 1, block, block + 1, 2 * block - 1, 2 * block, 2 * block + 1]) {
      const bytes = pattern(n);
      const sums = blockCrcs(bytes, block);
      const last = n - (sums.length - 1) * block;
      expect(sums.length, `n=${n}`).toBe(Math.ceil(n / block));
      expect(combineBlockCrcs(sums, 0, sums.length, block, last), `n=${n}`).toBe(zlibCrc(bytes));
      expect(combineBlockCrcs(sums, sums.length - 1, sums.length, block, last)).toBe(
        zlibCrc(bytes.subarray((sums.length - 1) * block)),
      );
    }
  });

  it('blocks of one byte, and a running CRC continued across the 4 KiB block size', () => {
    const bytes = pattern(9);
    expect(combineBlockCrcs(blockCrcs(bytes, 1), 0, 9, 1, 1)).toBe(zlibCrc(bytes));
    const big = pattern(2 * 4096 + 1);
    for (const cut of [0, 1, 4095, 4096, 4097, big.length]) {
      const head = big.subarray(0, cut);
      const rest = big.subarray(cut);
      expect(tableCrc32(rest, tableCrc32(head)), `cut=${cut}`).toBe(zlibCrc(big));
      expect(crc32(rest, crc32(head))).toBe(zlibCrc(big));
    }
  });
});
