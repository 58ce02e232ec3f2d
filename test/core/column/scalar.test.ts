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

/** The nulls every third row (and the first), as plain values: an independent reference. */
function withNulls(n: number, value: (i: number) => unknown): unknown[] {
  return Array.from({ length: n }, (_, i) => (i % 3 === 0 ? null : value(i)));
}

describe('ScalarColumn boundaries (fixed examples beside the property tests)', () => {
  it('validity and bool bitmaps at lengths 7, 8, 9, 63, 64, 65: values, nulls, every slice start, take', () => {
    for (const n of [7, 8, 9, 63, 64, 65]) {
      for (const [dtype, value] of [
        ['int32', (i: number) => i - 30],
        ['bool', (i: number) => i % 2 === 0],
        ['string', (i: number) => `s${i}`],
      ] as const) {
        const ref = withNulls(n, value);
        const c = ScalarColumn.from(ref, dtype);
        expect(c.toArray(), `${dtype} n=${n}`).toEqual(ref);
        expect(c.nullCount).toBe(Math.ceil(n / 3));
        for (let s = 0; s <= 9; s++) {
          expect(c.slice(s).toArray(), `${dtype} n=${n} slice(${s})`).toEqual(ref.slice(s));
          expect(c.slice(s).nullCount).toBe(ref.slice(s).filter((v) => v === null).length);
          expect(c.slice(s, n - 1).toArray()).toEqual(ref.slice(s, n - 1));
        }
        const reversed = Array.from({ length: n }, (_, i) => n - 1 - i);
        expect(c.take(reversed).toArray()).toEqual(reversed.map((i) => ref[i]));
        expect(c.take([n - 1, -1, 0]).toArray()).toEqual([ref[n - 1], null, ref[0]]);
      }
    }
  });

  it('zero-length columns of every dtype: empty arrays, no nulls, empty slices and takes', () => {
    for (const dtype of [
      'float64',
      'float32',
      'int32',
      'int64',
      'uint8',
      'bool',
      'string',
      'date',
      'timestamp',
    ]) {
      const c = ScalarColumn.from([], dtype as never);
      expect(c.length, dtype).toBe(0);
      expect(c.nullCount).toBe(0);
      expect(c.toArray()).toEqual([]);
      expect(c.slice(0, 5).toArray()).toEqual([]);
      expect(c.take([]).toArray()).toEqual([]);
      expect(c.take([-1]).toArray()).toEqual([null]);
    }
  });

  it('int64 at ±2^63: the extremes round-trip; one past them is a TypeMismatchError (was wrapped silently)', () => {
    const lo = -(2n ** 63n);
    const hi = 2n ** 63n - 1n;
    const c = ScalarColumn.from([lo, hi, null, lo + 1n, hi - 1n], 'int64');
    expect(c.toArray()).toEqual([lo, hi, null, lo + 1n, hi - 1n]);
    expect(c.slice(1, 2).toArray()).toEqual([hi]);
    expect(c.take([1, 0]).toArray()).toEqual([hi, lo]);
    for (const bad of [hi + 1n, lo - 1n, 2n ** 64n, 1e300])
      expect(() => ScalarColumn.from([bad], 'int64'), String(bad)).toThrow(TypeMismatchError);
    expect(() => ScalarColumn.from([2n ** 63n], 'timestamp')).toThrow(TypeMismatchError);
    expect(() => ScalarColumn.from([new Date(Number.NaN)], 'timestamp')).toThrow(TypeMismatchError);
    expect(() => ScalarColumn.from([new Date(Number.NaN)], 'date')).toThrow(TypeMismatchError);
    expect(() => ScalarColumn.from([2 ** 31], 'date')).toThrow(TypeMismatchError);
  });

  it('int32 at ±2^31 and uint8 at 0/255: the extremes are kept, one past them is rejected', () => {
    expect(ScalarColumn.from([-(2 ** 31), 2 ** 31 - 1, null], 'int32').toArray()).toEqual([
      -(2 ** 31),
      2 ** 31 - 1,
      null,
    ]);
    expect(() => ScalarColumn.from([2 ** 31], 'int32')).toThrow(TypeMismatchError);
    expect(() => ScalarColumn.from([-(2 ** 31) - 1], 'int32')).toThrow(TypeMismatchError);
    expect(ScalarColumn.from([0, 255], 'uint8').toArray()).toEqual([0, 255]);
    expect(() => ScalarColumn.from([256], 'uint8')).toThrow(TypeMismatchError);
    expect(() => ScalarColumn.from([-1], 'uint8')).toThrow(TypeMismatchError);
  });

  it('strings: empty values, NUL, multi-byte and astral text survive slices, takes and Arrow', () => {
    const ref = ['', '\u0000', 'a\u0000b', null, 'é', '😀', '', '\uffff', '日本語'];
    const c = ScalarColumn.from(ref, 'string');
    expect(c.toArray()).toEqual(ref);
    for (let s = 0; s < ref.length; s++) expect(c.slice(s).toArray()).toEqual(ref.slice(s));
    expect(c.take([8, 0, 1, 5]).toArray()).toEqual(['日本語', '', '\u0000', '😀']);
    expect(columnFromArrow(columnToArrow(c.slice(1))).toArray()).toEqual(ref.slice(1));
    // Byte lengths from Node's own UTF-8 encoder: the offsets must agree with them.
    const bytes = ref.map((s) => (s === null ? 0 : Buffer.byteLength(s, 'utf8')));
    const offsets = c.offsets!;
    expect(Array.from(offsets.subarray(1)).map((o, i) => o - offsets[i])).toEqual(bytes);
  });

  it('string take at the 16-byte copy switch: values of 0, 15, 16 and 17 bytes (ASCII and multi-byte)', () => {
    const ref = [
      '',
      'a'.repeat(15),
      'b'.repeat(16),
      'c'.repeat(17),
      'é'.repeat(8),
      `${'d'.repeat(13)}😀`,
      null,
    ];
    expect(ref.map((v) => (v === null ? 0 : Buffer.byteLength(v)))).toEqual([0, 15, 16, 17, 16, 17, 0]);
    const c = ScalarColumn.from(ref, 'string');
    const idx = [5, 4, 3, 2, 1, 0, 6, -1, 3, 3];
    expect(c.take(idx).toArray()).toEqual(idx.map((j) => (j < 0 ? null : ref[j])));
    expect(c.slice(2).take([3, 0]).toArray()).toEqual([ref[5], ref[2]]);
  });

  it('float32 at its limits: max, min subnormal and rounding follow Math.fround', () => {
    const ref = [3.4028234663852886e38, 1.401298464324817e-45, 0.1, -0, 16777217, null];
    const c = ScalarColumn.from(ref, 'float32');
    expect(c.toArray()).toEqual(ref.map((v) => (v === null ? null : Math.fround(v))));
    expect(Object.is(c.get(3), -0)).toBe(true);
  });
});
