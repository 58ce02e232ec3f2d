import * as arrow from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareStrings } from '../../../src/core/column/compare.js';
import {
  column,
  columnFromArrow,
  columnToArrow,
  IndexOutOfRangeError,
  ScalarColumn,
  TypeMismatchError,
} from '../../../src/index.js';

describe('ScalarColumn', () => {
  it('infers dtypes from JavaScript values and keeps nulls', () => {
    expect(column([1, null, 2.5]).type).toEqual({ kind: 'scalar', dtype: 'float64' });
    expect(column(['a', undefined]).type).toEqual({ kind: 'scalar', dtype: 'string' });
    expect(column([true, null]).type).toEqual({ kind: 'scalar', dtype: 'bool' });
    expect(column([1n, null]).type).toEqual({ kind: 'scalar', dtype: 'int64' });
    expect(column([new Date(0)]).type).toEqual({ kind: 'scalar', dtype: 'timestamp' });
    const c = column([1, null, 3]);
    expect(c.toArray()).toEqual([1, null, 3]);
    expect(c.nullCount).toBe(1);
    expect(c.isNull(1)).toBe(true);
  });

  it('wraps typed arrays without copying', () => {
    const data = new Float32Array([1, 2, 3]);
    const c = column(data) as ScalarColumn;
    expect(c.dtype).toBe('float32');
    expect(c.values).toBe(data);
    expect((column(new Int32Array(2)) as ScalarColumn).dtype).toBe('int32');
    expect((column(new BigInt64Array(2)) as ScalarColumn).dtype).toBe('int64');
  });

  it('converts to an explicit dtype and rejects values that do not fit', () => {
    expect(column([1, 2, null], 'int32').toArray()).toEqual([1, 2, null]);
    expect(column([1, 2], 'int64').toArray()).toEqual([1n, 2n]);
    expect(column([0, 1], 'date').get(1)).toEqual(new Date(86_400_000));
    expect(() => column([1.5], 'int32')).toThrow(TypeMismatchError);
    expect(() => column([300], 'uint8')).toThrow(TypeMismatchError);
    expect(() => column([1], { kind: 'scalar', dtype: 'float' as never })).toThrow(TypeMismatchError);
    expect(() => column(['x'], 'float64')).toThrow(/row 0/);
    expect(() => column([1], 'string')).toThrow(TypeMismatchError);
  });

  it('bounds-checks get() and supports negative indices', () => {
    const c = column(['a', 'b']);
    expect(c.get(-1)).toBe('b');
    expect(() => c.get(2)).toThrow(IndexOutOfRangeError);
    expect(() => c.get(0.5)).toThrow(IndexOutOfRangeError);
  });

  it('take and slice match a plain-array reference for every dtype', () => {
    const arbs = {
      float64: fc.option(fc.double(), { nil: null }),
      float32: fc.option(fc.float({ noNaN: true }), { nil: null }),
      int32: fc.option(fc.integer(), { nil: null }),
      int64: fc.option(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { nil: null }),
      uint8: fc.option(fc.integer({ min: 0, max: 255 }), { nil: null }),
      bool: fc.option(fc.boolean(), { nil: null }),
      string: fc.option(fc.string({ unit: 'grapheme' }), { nil: null }),
      timestamp: fc.option(
        fc.integer({ min: -1e12, max: 1e13 }).map((t) => new Date(t)),
        { nil: null },
      ),
    } as const;
    for (const [dtype, arb] of Object.entries(arbs)) {
      fc.assert(
        fc.property(
          fc.array(arb as fc.Arbitrary<unknown>, { maxLength: 40 }),
          fc.array(fc.nat(), { maxLength: 40 }),
          fc.nat(),
          fc.nat(),
          (values, picks, a, b) => {
            const c = ScalarColumn.from(values, dtype as never);
            const ref = values.map((v) =>
              dtype === 'float32' && typeof v === 'number' ? Math.fround(v) : v,
            );
            expect(c.toArray()).toEqual(ref);
            const idx = values.length ? picks.map((p) => (p % (values.length + 1)) - 1) : [];
            expect(c.take(idx).toArray()).toEqual(idx.map((j) => (j < 0 ? null : ref[j])));
            const s = values.length ? a % values.length : 0;
            const e = values.length ? s + (b % (values.length - s + 1)) : 0;
            expect(c.slice(s, e).toArray()).toEqual(ref.slice(s, e));
            expect(c.slice(s, e).nullCount).toBe(ref.slice(s, e).filter((v) => v === null).length);
          },
        ),
        { numRuns: 60 },
      );
    }
  });

  it('orders strings by code point, like UTF-8 bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const bytes = (s: string) => Buffer.from(s, 'utf8');
        expect(Math.sign(compareStrings(a, b))).toBe(Math.sign(Buffer.compare(bytes(a), bytes(b))));
      }),
    );
    expect(compareStrings('\uffff', '😀')).toBeLessThan(0);
  });

  it('builds a sorted string dictionary', () => {
    const c = column(['b', null, 'a', 'b', '😀', '\uffff']) as ScalarColumn;
    const { codes, dictionary } = c.dictionary();
    expect(dictionary).toEqual(['a', 'b', '\uffff', '😀']);
    expect(Array.from(codes)).toEqual([1, -1, 0, 1, 3, 2]);
  });
});

describe('Arrow interop', () => {
  it('round-trips every scalar dtype, sharing buffers', () => {
    const cols = {
      f64: column([1.5, null, -2]),
      f32: column([1, null, 2], 'float32'),
      i32: column([1, null, -7], 'int32'),
      i64: column([1n, null, -(2n ** 62n)]),
      u8: column([0, null, 255], 'uint8'),
      b: column([true, null, false]),
      s: column(['héllo', null, '']),
      d: column([0, null, 19000], 'date'),
      t: column([new Date(5), null, new Date(1.7e12)]),
    };
    for (const [name, c] of Object.entries(cols)) {
      const v = columnToArrow(c);
      expect(v.length, name).toBe(3);
      expect(v.nullCount, name).toBe(1);
      const back = columnFromArrow(v) as ScalarColumn;
      expect(back.type, name).toEqual(c.type);
      expect(back.toArray(), name).toEqual(c.toArray());
      expect(back.values.buffer, name).toBe((c as ScalarColumn).values.buffer);
    }
    expect(columnToArrow(cols.s).get(0)).toBe('héllo');
    expect(columnToArrow(cols.i64).get(2)).toBe(-(2n ** 62n));
  });

  it('reads sliced and multi-chunk Arrow vectors and other types by value', () => {
    const v = arrow.vectorFromArray([1, 2, null, 4, 5], new arrow.Float64()).slice(1, 4);
    expect(columnFromArrow(v).toArray()).toEqual([2, null, 4]);
    const chunked = arrow
      .vectorFromArray(['a', 'b'], new arrow.Utf8())
      .concat(arrow.vectorFromArray(['c', null], new arrow.Utf8()));
    expect(columnFromArrow(chunked).toArray()).toEqual(['a', 'b', 'c', null]);
    const i16 = arrow.vectorFromArray([1, null, 3], new arrow.Int16());
    expect(columnFromArrow(i16).toArray()).toEqual([1, null, 3]);
  });
});
