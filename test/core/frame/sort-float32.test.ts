import { describe, expect, it } from 'vitest';
import { sortFloat32 } from '../../../src/core/frame/sort.js';

/** The naive reference: a stable comparison sort, NaN after numbers, -0 equal to 0. */
function naiveOrder(values: number[]): number[] {
  const key = (v: number) => (Number.isNaN(v) ? Number.POSITIVE_INFINITY : v);
  const rank = (v: number) => (Number.isNaN(v) ? 1 : 0);
  return values
    .map((_, i) => i)
    .sort((a, b) => rank(values[a]) - rank(values[b]) || key(values[a]) - key(values[b]) || a - b);
}

function check(values: Float32Array, stride = 1, offset = 0): void {
  const column: number[] = [];
  for (let i = offset; i < values.length; i += stride) column.push(values[i]);
  const { order, sorted } = sortFloat32(values, stride, offset);
  const expected = naiveOrder(column);
  expect(Array.from(order)).toEqual(expected);
  // The sorted values: the column's in that order (-0 comes back as 0, NaN as NaN).
  expect(Array.from(sorted, (v) => (Object.is(v, -0) ? 0 : v))).toEqual(
    expected.map((i) => (Object.is(column[i], -0) ? 0 : column[i])),
  );
}

describe('sortFloat32', () => {
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
    check(mixed, 3, 0);
    check(mixed, 3, 2);
    // Values that differ in their lowest byte only (one radix pass), and all equal (none).
    check(Float32Array.from({ length: 500 }, (_, i) => 1 + ((i * 37) % 200) * 2 ** -23));
    check(new Float32Array(300).fill(0.25));
    check(Float32Array.of(Number.NaN));
    check(new Float32Array(0));
  });
});
