import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getBit, markNull, nullCountOf } from '../../../src/core/column/bitmap.js';

describe('validity bitmaps', () => {
  it('markNull allocates at the first null and clears exactly the marked rows; nullCountOf counts them', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 200 }), (isNull) => {
        const n = isNull.length;
        let validity: Uint8Array | null = null;
        isNull.forEach((v, i) => {
          if (v) validity = markNull(validity, n, i);
        });
        const nulls = isNull.filter(Boolean).length;
        if (nulls === 0) expect(validity).toBeNull();
        else expect(Array.from({ length: n }, (_, i) => !getBit(validity!, i))).toEqual(isNull);
        expect(nullCountOf(validity, n)).toBe(nulls);
      }),
    );
  });
});
