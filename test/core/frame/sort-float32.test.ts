import { describe, expect, it } from 'vitest';
import { float32BitsOfOrderedWord } from '../../../src/core/frame/keys/normalize.js';
import { sortFloat32Columns } from '../../../src/core/frame/sort-float32.js';

/** The naive reference: a stable comparison sort, NaN after numbers, -0 equal to 0. */
function naiveOrder(values: number[]): number[] {
  const key = (v: number) => (Number.isNaN(v) ? Number.POSITIVE_INFINITY : v);
  const rank = (v: number) => (Number.isNaN(v) ? 1 : 0);
  return values
    .map((_, i) => i)
    .sort((a, b) => rank(values[a]) - rank(values[b]) || key(values[a]) - key(values[b]) || a - b);
}

/** Each of `columns` of `values` as an `[n, k]` matrix, sorted by the radix sort and by the reference. */
function check(values: Float32Array, k = 1, columns: number[] = [0]): void {
  const results = sortFloat32Columns(values, k, columns);
  expect(results).toHaveLength(columns.length);
  columns.forEach((offset, c) => {
    const column: number[] = [];
    for (let i = offset; i + k - offset <= values.length; i += k) column.push(values[i]);
    const { order, keys } = results[c];
    const expected = naiveOrder(column);
    expect(Array.from(order)).toEqual(expected);
    // The sorted keys: the column's values in that order (-0 comes back as 0, NaN as NaN).
    const sorted = Array.from(
      keys,
      (w) => new Float32Array(Uint32Array.of(float32BitsOfOrderedWord(w)).buffer)[0],
    );
    expect(sorted.map((v) => (Object.is(v, -0) ? 0 : v))).toEqual(
      expected.map((i) => (Object.is(column[i], -0) ? 0 : column[i])),
    );
  });
}

describe('sortFloat32Columns', () => {
  it('gives the stable order and the values in it, against a comparison sort', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const mixed = Float32Array.from({ length: 3000 }, (_, i) =>
      i % 17 === 0 ? Number.NaN : i % 13 === 0 ? -0 : i % 11 === 0 ? 0 : Math.round((next() - 0.3) * 40) / 8,
    );
    check(mixed);
    check(mixed, 3, [0]);
    check(mixed, 3, [2, 0, 1]);
    // Values that differ in their lowest byte only (one radix pass), and all equal (none).
    check(Float32Array.from({ length: 500 }, (_, i) => 1 + ((i * 37) % 200) * 2 ** -23));
    check(new Float32Array(300).fill(0.25));
    check(Float32Array.of(Number.NaN));
    check(new Float32Array(0));
  });

  it('sorts with 11- and 16-bit digits as the reference does (many rows, ties, negatives, NaN)', () => {
    let seed = 11;
    const next = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    // 5000 rows: 11-bit digits; 150 000 rows of 2 columns: 16-bit digits.
    const small = Float32Array.from({ length: 5000 }, () => (next() - 0.5) * 1e6);
    check(small);
    const wide = Float32Array.from({ length: 300_000 }, (_, i) =>
      i % 1001 === 0 ? Number.NaN : i % 2 === 0 ? Math.round(next() * 500) / 7 : next() - 0.5,
    );
    check(wide, 2, [1, 0]);
  });
});
