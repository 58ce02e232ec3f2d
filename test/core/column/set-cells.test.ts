// setScalarCells against a naive reference: the column's values as a JS array with the cells set.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScalarColumn } from '../../../src/core/column/scalar.js';
import { setScalarCells } from '../../../src/core/column/set-cells.js';

const values = (c: ScalarColumn) => Array.from({ length: c.length }, (_, i) => c.get(i));

/** Distinct ascending rows below `n`. */
const rowsBelow = (n: number) =>
  fc
    .uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: n })
    .map((r) => Int32Array.from(r.sort((a, b) => a - b)));

describe('setScalarCells', () => {
  const cases: { dtype: 'string' | 'float64' | 'int32' | 'bool'; item: fc.Arbitrary<unknown> }[] = [
    { dtype: 'string', item: fc.option(fc.string({ maxLength: 6 }), { nil: null }) },
    { dtype: 'float64', item: fc.option(fc.double({ noNaN: true }), { nil: null }) },
    { dtype: 'int32', item: fc.option(fc.integer({ min: -1000, max: 1000 }), { nil: null }) },
    { dtype: 'bool', item: fc.option(fc.boolean(), { nil: null }) },
  ];
  for (const { dtype, item } of cases)
    it(`sets ${dtype} cells (and nulls) and leaves the rest as they were`, () => {
      fc.assert(
        fc.property(
          fc
            .array(item, { minLength: 1, maxLength: 40 })
            .chain((xs) => fc.tuple(fc.constant(xs), rowsBelow(xs.length), item)),
          ([xs, rows, value]) => {
            const col = ScalarColumn.from(xs, dtype);
            const before = values(col);
            const out = setScalarCells(col, rows, value as string | number | boolean | null);
            const expected = xs.map((x, i) => (rows.includes(i) ? value : x));
            expect(values(out)).toEqual(expected);
            expect(out.nullCount).toBe(expected.filter((x) => x === null).length);
            expect(values(col)).toEqual(before); // the old column is unchanged
          },
        ),
        { numRuns: 200 },
      );
    });

  it('a string column sliced from a larger one (offsets not starting at 0)', () => {
    const col = ScalarColumn.from(['a', 'bb', null, 'dddd', 'e'], 'string').slice(1, 5);
    expect(values(setScalarCells(col, Int32Array.from([0, 2]), 'xyz'))).toEqual(['xyz', null, 'xyz', 'e']);
  });
});
