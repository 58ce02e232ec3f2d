// topSortIndices: the first k rows of the stable sort, checked against a naive stable sort.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topSortIndices } from '../../../src/core/frame/sort.js';
import { column, DataFrame } from '../../../src/index.js';

/** Naive stable order: compare the keys with nulls last, ties by position. */
function naiveOrder(a: (number | null)[], b: (string | null)[], descendingA: boolean): number[] {
  const idx = a.map((_, i) => i);
  const cmpNullsLast = <T>(x: T | null, y: T | null, cmp: (x: T, y: T) => number) =>
    x === null ? (y === null ? 0 : 1) : y === null ? -1 : cmp(x, y);
  return idx.sort((i, j) => {
    const c1 = cmpNullsLast(a[i], a[j], (x, y) => (descendingA ? y - x : x - y));
    if (c1 !== 0) return c1;
    const c2 = cmpNullsLast(b[i], b[j], (x, y) => (x < y ? -1 : x > y ? 1 : 0));
    return c2 !== 0 ? c2 : i - j;
  });
}

describe('topSortIndices', () => {
  it('gives the first k rows of the stable sort (two keys, nulls, ties)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.option(fc.integer({ min: -3, max: 3 })), fc.option(fc.constantFrom('a', 'b', 'c'))),
          { maxLength: 60 },
        ),
        fc.nat(70),
        fc.boolean(),
        (rows, k, descending) => {
          const a = rows.map((r) => r[0]);
          const b = rows.map((r) => r[1]);
          const df = new DataFrame({ a: column(a, 'float64'), b: column(b, 'string') });
          const top = topSortIndices(df, [{ column: 'a', descending }, 'b'], k);
          expect(Array.from(top)).toEqual(naiveOrder(a, b, descending).slice(0, k));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a negative k', () => {
    const df = new DataFrame({ a: [1, 2] });
    expect(() => topSortIndices(df, 'a', -1)).toThrow(/k must be/);
  });
});
