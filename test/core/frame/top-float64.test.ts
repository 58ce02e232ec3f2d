// The top-k of a sort by one float64 column from its values (top-float64.ts, and topSortIndices
// through it), against a naive stable sort written here: Array.prototype.sort with an explicit
// comparator (nulls first or last in either direction, every NaN one value above +Infinity, -0
// equal to 0, ties by position), over random columns with nulls, NaNs of any sign and payload,
// ±0, infinities, subnormals and ties, in both directions, k from 0 to past n, all rows or a selection.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScalarColumn } from '../../../src/core/column/scalar.js';
import { sortIndices, topSortIndices } from '../../../src/core/frame/sort.js';
import { topFloat64 } from '../../../src/core/frame/top-float64.js';
import { DataFrame } from '../../../src/index.js';

/** A cell: a number, null, or a NaN given by its two 32-bit words (high, low) to reach every sign and payload. */
type Cell = number | null | { nan: [number, number] };

const cell: fc.Arbitrary<Cell> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -3, max: 3 }) },
  { weight: 3, arbitrary: fc.double() },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      0,
      -0,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      5e-324,
      -5e-324,
      1.5,
    ),
  },
  { weight: 2, arbitrary: fc.constant(null) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.boolean(),
        fc.oneof(fc.constantFrom(0, 0x80000), fc.integer({ min: 0, max: 0xfffff })),
        fc.oneof(fc.constantFrom(0, 1), fc.integer({ min: 0, max: 0xffffffff })),
      )
      .filter(([, hi, lo]) => hi !== 0 || lo !== 0) // all-zero payload bits would be an infinity
      .map(([negative, hi, lo]): Cell => ({ nan: [((negative ? 0xfff00000 : 0x7ff00000) | hi) >>> 0, lo] })),
  },
);

/** The column of the cells: NaNs written bit by bit, nulls in the validity bitmap. */
function float64Column(cells: readonly Cell[]): {
  col: ScalarColumn;
  values: Float64Array;
  validity: Uint8Array | null;
} {
  const n = cells.length;
  const values = new Float64Array(n);
  const view = new DataView(values.buffer);
  const validity = new Uint8Array(Math.ceil(n / 8));
  let nulls = 0;
  cells.forEach((c, i) => {
    if (c === null) {
      nulls++;
      return;
    }
    validity[i >> 3] |= 1 << (i & 7);
    if (typeof c === 'number') values[i] = c;
    else {
      view.setUint32(8 * i + 4, c.nan[0], true);
      view.setUint32(8 * i, c.nan[1], true);
    }
  });
  const v = nulls > 0 ? validity : null;
  return {
    col: new ScalarColumn('float64', n, { values, ...(v ? { validity: v } : {}) }),
    values,
    validity: v,
  };
}

/** The naive stable order of the positions `rows` of the cells (see the file's comment). */
function naiveOrder(
  cells: readonly Cell[],
  rows: number[],
  descending: boolean,
  nullsFirst: boolean,
): number[] {
  const value = (c: Cell): number => (c === null || typeof c === 'number' ? (c as number) : Number.NaN);
  const compareValues = (x: number, y: number): number => {
    const nx = Number.isNaN(x);
    const ny = Number.isNaN(y);
    if (nx || ny) return nx === ny ? 0 : nx ? 1 : -1; // NaN above everything
    return x < y ? -1 : x > y ? 1 : 0; // -0 === 0
  };
  const positions = rows.map((_, p) => p);
  return positions.sort((p, q) => {
    const a = cells[rows[p]];
    const b = cells[rows[q]];
    if (a === null || b === null) {
      if (a === null && b === null) return p - q;
      return (a === null) === nullsFirst ? -1 : 1;
    }
    const c = compareValues(value(a), value(b));
    return (descending ? -c : c) || p - q;
  });
}

describe('topFloat64', () => {
  it('gives the first k rows of the naive stable sort', () => {
    fc.assert(
      fc.property(
        fc.array(cell, { maxLength: 80 }),
        fc.nat(90),
        fc.boolean(),
        fc.boolean(),
        fc.option(fc.array(fc.boolean(), { minLength: 80, maxLength: 80 })),
        (cells, k, descending, nullsFirst, keep) => {
          const { values, validity } = float64Column(cells);
          const n = cells.length;
          const all = Array.from({ length: n }, (_, i) => i);
          const rows = keep === null ? all : all.filter((i) => keep[i]);
          const got = topFloat64(values, n, validity, k, {
            descending,
            nullsFirst,
            rows: keep === null ? null : Int32Array.from(rows),
          });
          expect(Array.from(got)).toEqual(naiveOrder(cells, rows, descending, nullsFirst).slice(0, k));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('is what topSortIndices gives, and the head of the full sort', () => {
    fc.assert(
      fc.property(
        fc.array(cell, { maxLength: 60 }),
        fc.integer({ min: 1, max: 70 }),
        fc.boolean(),
        fc.boolean(),
        (cells, k, descending, nullsFirst) => {
          const df = new DataFrame({ x: float64Column(cells).col });
          const by = [
            { column: 'x', descending, nulls: nullsFirst ? ('first' as const) : ('last' as const) },
          ];
          const want = naiveOrder(
            cells,
            cells.map((_, i) => i),
            descending,
            nullsFirst,
          ).slice(0, k);
          expect(Array.from(topSortIndices(df, by, k))).toEqual(want);
          expect(Array.from(sortIndices(df, by).subarray(0, k))).toEqual(want);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps the first of many equal values (0 and -0 too), in position order', () => {
    const values = new Float64Array(5000).fill(2);
    values[4000] = 1;
    values[10] = 0;
    values[20] = -0;
    const top = topFloat64(values, values.length, null, 4, { descending: false, nullsFirst: false });
    expect(Array.from(top)).toEqual([10, 20, 4000, 0]);
    const zeros = topFloat64(values, values.length, null, 2, {
      descending: true,
      nullsFirst: false,
      rows: Int32Array.of(10, 20),
    });
    expect(Array.from(zeros)).toEqual([0, 1]);
    const down = topFloat64(values, values.length, null, 3, { descending: true, nullsFirst: false });
    expect(Array.from(down)).toEqual([0, 1, 2]);
  });
});
