import * as arrow from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareStrings } from '../../../src/core/column/compare.js';
import {
  ColumnNotFoundError,
  DataFrame,
  DuplicateColumnError,
  DuplicateKeyError,
  IndexOutOfRangeError,
  InvalidArgumentError,
  LengthMismatchError,
  TypeMismatchError,
} from '../../../src/index.js';
import { arbFrame, plain, plainRows } from '../../helpers/arbitrary.js';

describe('DataFrame construction', () => {
  it('builds from a dict of columns, records, or an Arrow table', () => {
    const a = new DataFrame({ x: [1, 2], s: ['a', null] });
    const b = DataFrame.fromRecords([{ x: 1, s: 'a' }, { x: 2 }]);
    expect(b.toRecords()).toEqual(a.toRecords());
    // Only a record's own keys are values: an inherited member (Object.prototype.toString) is null.
    const own = DataFrame.fromRecords([{ toString: 1 }, {}]);
    expect(own.column('toString').toArray()).toEqual([1, null]);
    const table = arrow.tableFromArrays({ x: new Float64Array([1, 2]), s: ['a', 'b'] });
    const c = DataFrame.fromArrow(table);
    expect(c.toRecords()).toEqual([
      { x: 1, s: 'a' },
      { x: 2, s: 'b' },
    ]);
    expect(c.schema).toEqual([
      { name: 'x', type: { kind: 'scalar', dtype: 'float64' } },
      { name: 's', type: { kind: 'scalar', dtype: 'string' } },
    ]);
    expect(new DataFrame().length).toBe(0);
  });

  it('rejects columns of different lengths, naming them', () => {
    expect(() => new DataFrame({ a: [1, 2], b: [1] })).toThrow(LengthMismatchError);
    expect(() => new DataFrame({ a: [1, 2], b: [1] })).toThrow(/"b" has 1 rows but "a" has 2/);
  });

  it('suggests the closest name for an unknown column', () => {
    const df = new DataFrame({ label: [1], score: [2] });
    expect(() => df.column('lable')).toThrow(ColumnNotFoundError);
    expect(() => df.column('lable')).toThrow('no column "lable"; did you mean "label"?');
    expect(() => df.select('zzz')).toThrow(/the frame has "label", "score"/);
  });
});

describe('row selections', () => {
  it('take, slice, head, tail and mask match a plain-array reference', () => {
    fc.assert(
      fc.property(
        arbFrame(),
        fc.array(fc.nat()),
        fc.integer({ min: -40, max: 40 }),
        fc.integer({ min: -40, max: 40 }),
        ({ rows, frame }, picks, s, e) => {
          const expected = plainRows(frame);
          const idx = rows.length ? picks.map((p) => p % rows.length) : [];
          expect(plainRows(frame.take(idx))).toEqual(idx.map((i) => expected[i]));
          const from = (k: number) => Math.max(0, Math.min(rows.length, k < 0 ? rows.length + k : k));
          expect(plainRows(frame.slice(s, e))).toEqual(expected.slice(from(s), Math.max(from(s), from(e))));
          expect(plainRows(frame.head(3))).toEqual(expected.slice(0, 3));
          expect(plainRows(frame.tail(2))).toEqual(expected.slice(Math.max(0, rows.length - 2)));
          const mask = rows.map((r) => r.bool as boolean | null);
          expect(plainRows(frame.mask(mask))).toEqual(expected.filter((_, i) => mask[i] === true));
          expect(plainRows(frame.mask('bool'))).toEqual(expected.filter((_, i) => mask[i] === true));
          // Views of views compose.
          expect(plainRows(frame.slice(1).take(idx.filter((i) => i < rows.length - 1)))).toEqual(
            idx.filter((i) => i < rows.length - 1).map((i) => expected[i + 1]),
          );
        },
      ),
    );
  });

  it('filter by row predicate and by column test match a naive filter', () => {
    fc.assert(
      fc.property(arbFrame(), ({ frame }) => {
        const expected = plainRows(frame);
        const pred = (r: Record<string, unknown>) => typeof r.float === 'number' && r.float > 0;
        expect(plainRows(frame.filter((r) => pred(r)))).toEqual(expected.filter(pred));
        expect(plainRows(frame.filter<number>('float', (v) => v > 0))).toEqual(expected.filter(pred));
        expect(plainRows(frame.filter<string>('str', (v) => v < 'b'))).toEqual(
          expected.filter((r) => r.str !== null && (r.str as string) < 'b'),
        );
      }),
    );
  });

  it('filter by comparison matches a naive filter for every operator', () => {
    const ops = ['>', '>=', '<', '<=', '==', '!='] as const;
    const cmp = {
      '>': (c: number) => c > 0,
      '>=': (c: number) => c >= 0,
      '<': (c: number) => c < 0,
      '<=': (c: number) => c <= 0,
      '==': (c: number) => c === 0,
      '!=': (c: number) => c !== 0,
    };
    fc.assert(
      fc.property(
        arbFrame(['int', 'float', 'str', 'bool']),
        fc.constantFrom(...ops),
        fc.integer({ min: -3, max: 3 }),
        fc.constantFrom('a', 'b', 'é'),
        ({ frame }, op, x, word) => {
          const expected = plainRows(frame);
          const num = (v: unknown) =>
            typeof v === 'number' && (Number.isNaN(v) ? op === '!=' : cmp[op](v - x));
          expect(plainRows(frame.filter('float', op, x))).toEqual(expected.filter((r) => num(r.float)));
          // A column with no nulls takes the typed-array path.
          const dense = frame.withColumn(
            'dense',
            Float64Array.from(expected, (r) => (r.int as number | null) ?? 0),
          );
          expect(plainRows(dense.filter('dense', op, x)).map((r) => r.dense)).toEqual(
            expected.map((r) => (r.int as number | null) ?? 0).filter((v) => cmp[op](v - x)),
          );
          const str = (v: unknown) => typeof v === 'string' && cmp[op](compareStrings(v, word));
          expect(plainRows(frame.filter('str', op, word))).toEqual(expected.filter((r) => str(r.str)));
        },
      ),
    );
    const df = new DataFrame({ x: [1, 2] });
    expect(() => df.filter('x', '>', 'a')).toThrow(TypeMismatchError);
    expect(() => df.filter('x', '=~' as never, 1)).toThrow(InvalidArgumentError);
  });

  it('views share the underlying columns', () => {
    const x = new Float64Array([1, 2, 3, 4]);
    const df = new DataFrame({ x });
    const v = df.take([3, 1]);
    expect(v.toRecords()).toEqual([{ x: 4 }, { x: 2 }]);
    x[3] = 40;
    expect(v.row(0)).toEqual({ x: 40 });
    expect(df.slice(0, 2).select('x').row(1)).toEqual({ x: 2 });
  });

  it('rejects bad positions and masks with typed errors', () => {
    const df = new DataFrame({ x: [1, 2] });
    expect(() => df.row(2)).toThrow(IndexOutOfRangeError);
    expect(df.row(-1)).toEqual({ x: 2 });
    expect(() => df.take([0, 5])).toThrow(IndexOutOfRangeError);
    expect(() => df.mask([true])).toThrow(LengthMismatchError);
    expect(() => df.mask('x')).toThrow(TypeMismatchError);
    expect(() => new DataFrame().row(0)).toThrow(/the frame is empty/);
  });
});

describe('columns', () => {
  const df = new DataFrame({ a: [1, 2], b: ['x', 'y'], c: [true, false] });

  it('select, drop and rename keep the rows and order', () => {
    expect(df.select('c', 'a').columnNames).toEqual(['c', 'a']);
    expect(df.drop('b').columnNames).toEqual(['a', 'c']);
    expect(df.rename({ a: 'A' }).toRecords()[0]).toEqual({ A: 1, b: 'x', c: true });
    expect(() => df.rename({ a: 'b' })).toThrow(DuplicateColumnError);
    expect(() => df.select('a', 'a')).toThrow(DuplicateColumnError);
    expect(() => df.drop('q')).toThrow(ColumnNotFoundError);
  });

  it('withColumn adds or replaces in place, in the view order', () => {
    expect(df.withColumn('d', [9, 8]).columnNames).toEqual(['a', 'b', 'c', 'd']);
    expect(df.withColumn('a', [5, 6]).toRecords()[1]).toEqual({ a: 6, b: 'y', c: false });
    const view = df.take([1, 0]).withColumn('d', ['first', 'second']);
    expect(view.toRecords()).toEqual([
      { a: 2, b: 'y', c: false, d: 'first' },
      { a: 1, b: 'x', c: true, d: 'second' },
    ]);
    expect(() => df.withColumn('d', [1])).toThrow(LengthMismatchError);
  });
});

describe('primary key', () => {
  it('looks rows up by key, also after a view', () => {
    const df = new DataFrame({ id: ['u1', 'u2', 'u3'], v: [1, 2, 3] }).setPrimaryKey('id');
    expect(df.loc('u2')).toEqual({ id: 'u2', v: 2 });
    expect(df.loc('nope')).toBeUndefined();
    expect(df.take([2, 0]).loc('u1')).toEqual({ id: 'u1', v: 1 });
    expect(df.take([2, 0]).locIndex('u1')).toBe(1);
    expect(df.select('v').primaryKey).toBeNull();
  });

  it('rejects duplicate and null keys', () => {
    expect(() => new DataFrame({ id: [1, 2, 1] }).setPrimaryKey('id')).toThrow(DuplicateKeyError);
    expect(() => new DataFrame({ id: [1, 2, 1] }).setPrimaryKey('id')).toThrow(/rows 0 and 2/);
    expect(() => new DataFrame({ id: [1, null] }).setPrimaryKey('id')).toThrow(/null at row 1/);
    expect(() => new DataFrame({ id: [1] }).loc(1)).toThrow(InvalidArgumentError);
    expect(new DataFrame({ id: [5n, 6n] }).setPrimaryKey('id').loc(6)).toEqual({ id: 6n });
  });
});

describe('export', () => {
  it('round-trips every column kind through Arrow', () => {
    fc.assert(
      fc.property(arbFrame(), ({ frame }) => {
        const back = DataFrame.fromArrow(frame.toArrow());
        expect(back.schema).toEqual(frame.schema);
        expect(plainRows(back)).toEqual(plainRows(frame));
      }),
      { numRuns: 50 },
    );
  });

  it('prints a table with types and elides the middle rows', () => {
    const n = 100;
    const df = new DataFrame({
      id: Array.from({ length: n }, (_, i) => i),
      emb: Array.from({ length: n }, () => new Float32Array(512)),
      meta: Array.from({ length: n }, (_, i) => ({ i })),
    });
    const text = df.toString();
    expect(text).toContain('DataFrame: 100 rows × 3 columns');
    expect(text).toContain('tensor<float32>[512]');
    expect(text).toContain('<tensor 512>');
    expect(text).toContain('…');
    expect(text).toContain('99');
    expect(text).not.toContain(' 50 ');
    expect(plain(df.row(0).emb)).toHaveLength(512);
  });
});
