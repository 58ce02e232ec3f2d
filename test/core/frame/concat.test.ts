import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatColumns, promoteScalarDType } from '../../../src/core/column/concat.js';
import {
  type Column,
  DataFrame,
  DeferredColumn,
  DuplicateColumnError,
  InvalidArgumentError,
  LengthMismatchError,
  ObjectColumn,
  ScalarColumn,
  type ScalarDType,
  TensorColumn,
  TypeMismatchError,
} from '../../../src/index.js';
import { arbFrame, plainRows } from '../../helpers/arbitrary.js';

/** A frame of every column kind (and a deferred column) with nulls. */
const arbFull = arbFrame(['int', 'float', 'str', 'bool', 'vec', 'obj'], 40).map(({ frame }) =>
  frame.defer(
    'd',
    ['str', 'int'],
    (s: string | null, i: number | null) => (s === null ? null : `${s}/${i}`),
    {
      output: { kind: 'scalar', dtype: 'string' },
    },
  ),
);

/** Rows [a, b) either as a view, or as a plain frame of sliced storage (offset strings, shared bitmaps). */
function piece(frame: DataFrame, a: number, b: number, asView: boolean, order: string[]): DataFrame {
  if (asView) return frame.slice(a, b).select(order);
  return new DataFrame(new Map(order.map((n) => [n, frame.column(n).slice(a, b)])));
}

describe('concat by rows', () => {
  it('gives back the rows of a frame cut into pieces (every kind, nulls, views, shuffled column order)', () => {
    fc.assert(
      fc.property(
        arbFull,
        fc.array(fc.tuple(fc.nat(), fc.boolean(), fc.nat()), { minLength: 1, maxLength: 6 }),
        (frame, cuts) => {
          const names = frame.columnNames;
          const points = [...new Set([0, frame.length, ...cuts.map(([c]) => c % (frame.length + 1))])].sort(
            (x, y) => x - y,
          );
          if (points.length === 1) points.push(0); // empty frame: one empty piece
          const pieces: DataFrame[] = [];
          for (let k = 0; k + 1 < points.length; k++) {
            const [, asView, rot] = cuts[k % cuts.length];
            const order = k === 0 ? names : names.map((_, j) => names[(j + rot) % names.length]);
            pieces.push(piece(frame, points[k], points[k + 1], asView, order));
          }
          const out = DataFrame.concat(pieces);
          expect(out.columnNames).toEqual(names);
          expect(out.schema).toEqual(frame.schema);
          expect(plainRows(out)).toEqual(plainRows(frame));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('promotes scalar dtypes only where lossless', () => {
    const cases: [ScalarDType, unknown[], ScalarDType, unknown[], ScalarDType][] = [
      ['int32', [1, null, -3], 'float64', [0.5, null], 'float64'],
      ['float32', [1.5, null], 'float64', [0.1], 'float64'],
      ['uint8', [255, null], 'int32', [-7], 'int32'],
      ['uint8', [200], 'float32', [0.25, null], 'float32'],
      ['int32', [2 ** 31 - 1], 'float32', [1.5], 'float64'],
      ['int32', [-5, null], 'int64', [2n ** 40n], 'int64'],
      ['uint8', [9], 'int64', [null, -1n], 'int64'],
      ['date', [new Date(86_400_000 * -3), null], 'timestamp', [new Date(123_456_789)], 'timestamp'],
      ['bool', [true, null, false], 'bool', [false, true], 'bool'],
      ['string', ['a', null, 'é'], 'string', ['😀', ''], 'string'],
    ];
    const asNumber = (v: unknown) =>
      v === null ? null : typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.getTime() : v;
    for (const [ta, va, tb, vb, expected] of cases) {
      const a = ScalarColumn.from(va, ta);
      const b = ScalarColumn.from(vb, tb);
      expect(promoteScalarDType(ta, tb)).toBe(expected);
      for (const parts of [
        [a, b],
        [b, a],
      ]) {
        const out = concatColumns(parts) as ScalarColumn;
        expect(out.dtype).toBe(expected);
        const want = [...parts[0].toArray(), ...parts[1].toArray()].map(asNumber);
        expect(out.toArray().map(asNumber)).toEqual(want);
      }
    }
  });

  it('rejects dtypes without a lossless common type, naming the column', () => {
    const f = (values: unknown[], dtype: ScalarDType) =>
      new DataFrame({ x: ScalarColumn.from(values, dtype) });
    expect(() => f(['a'], 'string').concat(f([1], 'float64'))).toThrow(TypeMismatchError);
    expect(() => f(['a'], 'string').concat(f([1], 'float64'))).toThrow(/column "x": string with float64/);
    expect(() => f([1n], 'int64').concat(f([1.5], 'float64'))).toThrow(TypeMismatchError);
    expect(() => f([true], 'bool').concat(f([1], 'int32'))).toThrow(TypeMismatchError);
    expect(() => f([new Date(0)], 'date').concat(f([1], 'int32'))).toThrow(TypeMismatchError);
    expect(() => f([1], 'float64').concat(new DataFrame({ x: TensorColumn.fromRows([[1]]) }))).toThrow(
      /float64 column with a tensor/,
    );
    expect(() => f([1], 'float64').concat(new DataFrame({ x: new ObjectColumn([{}]) }))).toThrow(
      TypeMismatchError,
    );
  });

  it('joins tensors of equal row shape (promoting dtypes), rejects other shapes', () => {
    const a = new TensorColumn(Uint8Array.from([1, 2, 3, 4]), [2], 2, Uint8Array.from([0b10]));
    const b = new TensorColumn(Float32Array.from([0.5, 1.5]), [2]);
    const out = concatColumns([a, b]) as TensorColumn;
    expect(out.dtype).toBe('float32');
    expect(out.shape).toEqual([2]);
    expect(out.toArray().map((r) => (r === null ? null : Array.from(r as ArrayLike<number>)))).toEqual([
      null,
      [3, 4],
      [0.5, 1.5],
    ]);
    const c = new TensorColumn(Int32Array.from([7, 8]), [2]);
    expect((concatColumns([c, b]) as TensorColumn).dtype).toBe('float64');
    const d = new TensorColumn(Float32Array.from([1, 2]), [1, 2]);
    expect(() => concatColumns([b, d], { name: 'emb' })).toThrow(/column "emb".*\[2\].*\[1, 2\]/);
  });

  it('keeps nulls when bitmaps have stray bits past their length and parts start mid-byte', () => {
    // Validity 0b11111010: rows 0..2 are null, valid, null; bits 3..7 are garbage.
    const x = new ScalarColumn('int32', 3, {
      values: Int32Array.from([1, 2, 3]),
      validity: Uint8Array.from([0b11111010]),
    });
    const bits = new ScalarColumn('bool', 3, { values: Uint8Array.from([0b11111101]) });
    const out = concatColumns([x, x, x, x]) as ScalarColumn;
    expect(out.toArray()).toEqual([null, 2, null, null, 2, null, null, 2, null, null, 2, null]);
    expect(concatColumns([bits, bits, bits]).toArray()).toEqual([
      true,
      false,
      true,
      true,
      false,
      true,
      true,
      false,
      true,
    ]);
    const y = ScalarColumn.from(
      [...Array(20)].map((_, i) => (i % 3 ? i : null)),
      'float64',
    );
    const pieces = [y.slice(0, 5), y.slice(5, 13), y.slice(13, 14), y.slice(14)];
    expect(concatColumns(pieces).toArray()).toEqual(y.toArray());
  });

  it('names missing and extra columns', () => {
    const a = new DataFrame({ x: [1], y: [2], z: [3] });
    const b = new DataFrame({ x: [1], w: [2], z: [3], v: [4] });
    expect(() => a.concat(b)).toThrow(InvalidArgumentError);
    expect(() => a.concat(b)).toThrow(
      /frame 1 lacks column "y" and has columns "w", "v", which frame 0 lacks/,
    );
    expect(() => DataFrame.concat([a, a.select('x', 'y')])).toThrow(/lacks column "z";/);
  });

  it('keeps the primary key while it stays unique, drops it otherwise', () => {
    const a = new DataFrame({ id: [1, 2], v: ['a', 'b'] }).setPrimaryKey('id');
    const b = new DataFrame({ id: [3], v: ['c'] }).setPrimaryKey('id');
    const c = new DataFrame({ id: [2], v: ['dup'] }).setPrimaryKey('id');
    const ab = a.concat(b);
    expect(ab.primaryKey).toBe('id');
    expect(ab.loc(3)).toEqual({ id: 3, v: 'c' });
    expect(a.concat(c).primaryKey).toBeNull();
    expect(a.concat(new DataFrame({ id: [3], v: ['c'] })).primaryKey).toBeNull();
  });

  it('handles no frames, one frame and empty frames', () => {
    expect(DataFrame.concat([]).length).toBe(0);
    const a = new DataFrame({ x: Int32Array.from([1, 2, 3]), s: ['a', 'b', null] });
    const view = a.take([2, 0]);
    const one = DataFrame.concat([view]);
    expect(one.toRecords()).toEqual([
      { x: 3, s: null },
      { x: 1, s: 'a' },
    ]);
    expect(DataFrame.concat([a.head(0), view, a.head(0)]).toRecords()).toEqual(one.toRecords());
    expect(() => concatColumns([])).toThrow(InvalidArgumentError);
    expect(concatColumns([a.column('x')])).toBe(a.column('x'));
  });

  it('rejects a bad axis and things that are not frames', () => {
    const a = new DataFrame({ x: [1] });
    expect(() => DataFrame.concat([a], { axis: 'diagonal' as never })).toThrow(InvalidArgumentError);
    expect(() => DataFrame.concat([a, { x: [1] } as never])).toThrow(/item 1 is an object of class Object/);
  });
});

describe('concat of deferred columns', () => {
  it('stays lazy: reads each row through the part it came from, computing only what is read', () => {
    const calls: number[] = [];
    const base = new DataFrame({ x: Int32Array.from({ length: 10 }, (_, i) => i) }).defer(
      'sq',
      ['x'],
      (x: number) => {
        calls.push(x);
        return x * x;
      },
    );
    const out = DataFrame.concat([base.slice(6), base.slice(0, 3), base.take([9, 9])]);
    const sq = out.column('sq');
    expect(sq).toBeInstanceOf(DeferredColumn);
    expect(calls).toEqual([]);
    expect(sq.get(5)).toBe(1);
    expect(calls).toEqual([1]);
    expect(sq.toArray()).toEqual([36, 49, 64, 81, 0, 1, 4, 81, 81]);
    expect(calls.sort((a, b) => a - b)).toEqual([0, 1, 2, 6, 7, 8, 9]);
    expect(base.column('sq').get(7)).toBe(49);
    expect(calls.length).toBe(7);
  });

  it('works for asynchronous functions and keeps the media kind', async () => {
    const x = ScalarColumn.from([1, 2, 3], 'float64');
    const a = new DeferredColumn(async (v: number) => v + 0.5, [x], { media: 'image' });
    const b = new DeferredColumn((v: number) => -v, [x], { media: 'image' });
    const out = concatColumns([a, b]) as DeferredColumn;
    expect(out.type).toEqual({ kind: 'deferred', media: 'image' });
    expect(await out.load([0, 4, 2, 5])).toEqual([1.5, -2, 3.5, -3]);
    expect((await out.materialize()).toArray()).toEqual([1.5, 2.5, 3.5, -1, -2, -3]);
    expect(() => out.loadSync([0])).toThrow(TypeMismatchError);
    expect(out.loadSync([3])).toEqual([-1]);
  });
});

describe('concat by columns', () => {
  const a = new DataFrame({ id: ['p', 'q', 'r'], x: [1, 2, 3] }).setPrimaryKey('id');
  const b = new DataFrame({ v: TensorColumn.fromRows([[1], null, [3]]), o: [{ k: 1 }, null, []] });

  it('puts frames side by side, views included, keeping the primary key', () => {
    const out = DataFrame.concat([a, b.take([2, 1, 0]), new DataFrame()], { axis: 'columns' });
    expect(out.columnNames).toEqual(['id', 'x', 'v', 'o']);
    expect(out.primaryKey).toBe('id');
    expect(plainRows(out)).toEqual([
      { id: 'p', x: 1, v: [3], o: [] },
      { id: 'q', x: 2, v: null, o: null },
      { id: 'r', x: 3, v: [1], o: { k: 1 } },
    ]);
    expect(out.loc('r')).toMatchObject({ x: 3 });
  });

  it('rejects different lengths and repeated names', () => {
    expect(() => a.concat(b.head(2), { axis: 'columns' })).toThrow(LengthMismatchError);
    expect(() => a.concat(b.head(2), { axis: 'columns' })).toThrow(/frame 1 has 2 rows but frame 0 has 3/);
    expect(() => a.concat([b, a.select('x')], { axis: 'columns' })).toThrow(DuplicateColumnError);
    expect(() => a.concat([b, a.select('x')], { axis: 'columns' })).toThrow(/"x" is in frame 0 and frame 2/);
  });
});

describe('concat storage', () => {
  it('copies typed arrays into one new buffer of the promoted type', () => {
    const n = 200_000;
    const parts: Column[] = [
      new ScalarColumn('float64', n, { values: new Float64Array(n).fill(1.5) }),
      new ScalarColumn('int32', n, { values: new Int32Array(n).fill(-2) }),
    ];
    const out = concatColumns(parts) as ScalarColumn;
    expect(out.values).toBeInstanceOf(Float64Array);
    expect(out.values.length).toBe(2 * n);
    expect(out.values[0]).toBe(1.5);
    expect(out.values[2 * n - 1]).toBe(-2);
    expect(out.validity).toBeNull();
  });
});

describe('concat boundaries (fixed examples beside the property test)', () => {
  /** Every third row null (and row 0), as plain values. */
  const withNulls = (n: number, value: (i: number) => unknown) =>
    Array.from({ length: n }, (_, i) => (i % 3 === 0 ? null : value(i)));

  it('bitmaps of 7, 8, 9, 63, 64, 65 rows joined at every bit shift 0..8 (validity and bool values)', () => {
    for (const n of [7, 8, 9, 63, 64, 65]) {
      for (let shift = 0; shift <= 8; shift++) {
        for (const [dtype, value] of [
          ['int32', (i: number) => i],
          ['bool', (i: number) => i % 2 === 1],
        ] as const) {
          const head = withNulls(shift, value).reverse();
          const body = withNulls(n, value);
          const tail = [value(1), null, value(2)];
          const parts = [head, body, tail].map((v) => ScalarColumn.from(v, dtype));
          const out = concatColumns(parts) as ScalarColumn;
          expect(out.toArray(), `${dtype} n=${n} shift=${shift}`).toEqual([...head, ...body, ...tail]);
          expect(out.nullCount).toBe([...head, ...body, ...tail].filter((v) => v === null).length);
        }
      }
    }
  });

  it('int32 at ±2^31 with float64 and float32: exact in float64', () => {
    const ints = [-(2 ** 31), 2 ** 31 - 1, 2 ** 24 + 1, null];
    for (const other of ['float64', 'float32'] as const) {
      const out = concatColumns([
        ScalarColumn.from(ints, 'int32'),
        ScalarColumn.from([0.5], other),
      ]) as ScalarColumn;
      expect(out.dtype).toBe('float64');
      expect(out.toArray()).toEqual([...ints, 0.5]);
    }
    // uint8 + float32 stays float32: every uint8 is exact there.
    const small = concatColumns([ScalarColumn.from([0, 255], 'uint8'), ScalarColumn.from([0.25], 'float32')]);
    expect((small as ScalarColumn).dtype).toBe('float32');
    expect(small.toArray()).toEqual([0, 255, 0.25]);
  });

  it('int64 at ±2^53 with a float: no lossless type; lossy gives Number(value) (2^53 + 1 rounds)', () => {
    const big = ScalarColumn.from([2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, null], 'int64');
    const f = ScalarColumn.from([1.5], 'float64');
    expect(() => concatColumns([big, f])).toThrow(TypeMismatchError);
    expect(() => concatColumns([f, big])).toThrow(TypeMismatchError);
    const out = concatColumns([big, f], { lossy: true }) as ScalarColumn;
    expect(out.dtype).toBe('float64');
    expect(out.toArray()).toEqual([2 ** 53, Number(2n ** 53n + 1n), Number(-(2n ** 53n) - 1n), null, 1.5]);
    expect(out.get(1)).toBe(2 ** 53);
  });

  it('int64 at ±2^63 with int32 and uint8: the extremes are kept', () => {
    const wide = [-(2n ** 63n), 2n ** 63n - 1n, null];
    const out = concatColumns([
      ScalarColumn.from([-(2 ** 31), null], 'int32'),
      ScalarColumn.from(wide, 'int64'),
      ScalarColumn.from([255], 'uint8'),
    ]) as ScalarColumn;
    expect(out.dtype).toBe('int64');
    expect(out.toArray()).toEqual([-(2n ** 31n), null, ...wide, 255n]);
  });

  it('date at the int32 day limits with timestamp: days × 86 400 000 ms, exact', () => {
    const days = [-(2 ** 31), 2 ** 31 - 1, 0, null];
    const out = concatColumns([
      ScalarColumn.from(days, 'date'),
      ScalarColumn.from([new Date(1)], 'timestamp'),
    ]) as ScalarColumn;
    expect(out.dtype).toBe('timestamp');
    // Past ±8.64e15 ms a Date is invalid, so compare the stored milliseconds of the non-null rows.
    const ms = out.values as BigInt64Array;
    expect([ms[0], ms[1], ms[2], ms[4]]).toEqual([
      -(2n ** 31n) * 86_400_000n,
      (2n ** 31n - 1n) * 86_400_000n,
      0n,
      1n,
    ]);
    expect(out.isNull(3)).toBe(true);
  });

  it('zero-length parts: empty columns still promote, and empty frames vanish from the rows', () => {
    const empty = concatColumns([ScalarColumn.from([], 'int32'), ScalarColumn.from([], 'float64')]);
    expect((empty as ScalarColumn).dtype).toBe('float64');
    expect(empty.length).toBe(0);
    const strings = concatColumns([ScalarColumn.from([], 'string'), ScalarColumn.from(['', 'é'], 'string')]);
    expect(strings.toArray()).toEqual(['', 'é']);
    const tensors = concatColumns([
      TensorColumn.fromRows([], 'float32', [2]),
      TensorColumn.fromRows([[1, 2]]),
    ]);
    expect(tensors.toArray().map((r) => Array.from(r as Float32Array))).toEqual([[1, 2]]);
    const a = new DataFrame({ x: ScalarColumn.from([], 'int32'), s: ScalarColumn.from([], 'string') });
    const b = new DataFrame({
      x: ScalarColumn.from([1.5], 'float64'),
      s: ScalarColumn.from([null], 'string'),
    });
    const out = DataFrame.concat([a, b, a]);
    expect(out.toRecords()).toEqual([{ x: 1.5, s: null }]);
    expect(DataFrame.concat([a, a]).length).toBe(0);
  });
});
