import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, tableCrc32 } from '../../src/core/crc32.js';
import { Random } from '../../src/core/random.js';

describe.each([
  ['crc32', crc32],
  ['the table-driven crc32 (eight bytes a step)', tableCrc32],
])('%s', (_, crc32) => {
  it('equals zlib on the check string, empty input and random bytes, also when continued', () => {
    // The CRC-32 check value of "123456789" (published with the algorithm).
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    const rng = new Random(3);
    for (const n of [1, 7, 8, 9, 15, 16, 17, 1000, 4099]) {
      const bytes = Uint8Array.from({ length: n }, () => rng.int(256));
      expect(crc32(bytes)).toBe(zlib.crc32(bytes));
      const cut = rng.int(n);
      expect(crc32(bytes.subarray(cut), crc32(bytes.subarray(0, cut)))).toBe(zlib.crc32(bytes));
    }
  });
});
