// Callbacks over column values say in their types whether they see nulls: the ones that skip nulls
// take NonNullable values (tsc checks the expectTypeOf lines), and at run time they never get one.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { column, DataFrame, type Row } from '../../../src/index.js';

const df = new DataFrame({
  k: ['a', 'b', 'a', null],
  x: column([1.5, null, 3, 4], 'float64'),
  s: ['p', null, 'q', 'r'],
});

describe('callbacks that skip nulls', () => {
  it('filter(name, test): test gets NonNullable<V>, is never called with null, nulls never pass', () => {
    const seen: unknown[] = [];
    const out = df.filter<number | null>('x', (v) => {
      expectTypeOf(v).toEqualTypeOf<number>();
      seen.push(v);
      return v > 2;
    });
    expect(seen).toEqual([1.5, 3, 4]);
    expect(out.column('x').toArray()).toEqual([3, 4]);
    const strings: unknown[] = [];
    df.filter('s', (v) => {
      expectTypeOf(v).toEqualTypeOf<NonNullable<unknown>>();
      strings.push(v);
      return true;
    });
    expect(strings).toEqual(['p', 'q', 'r']);
    // A test that accepts anything never sees the null rows either, so they never pass.
    expect(df.filter('s', () => true).length).toBe(3);
  });

  it('a custom reducer gets the non-null values only ([] for a group with none)', () => {
    const calls: unknown[][] = [];
    const out = df.groupby('k').agg({
      xs: [
        'x',
        (values) => {
          expectTypeOf(values).toEqualTypeOf<NonNullable<unknown>[]>();
          calls.push(values);
          return values.length;
        },
      ],
    });
    expect(calls).toEqual([[1.5, 3], [], [4]]);
    expect(out.column('xs').toArray()).toEqual([2, 0, 1]);
  });
});

describe('callbacks that pass nulls', () => {
  it('a row predicate and a deferred function get null cells as null', () => {
    const rows: Row[] = [];
    df.filter((row) => {
      rows.push(row);
      return true;
    });
    expect(rows.map((r) => r.x)).toEqual([1.5, null, 3, 4]);
    const inputs: unknown[] = [];
    const withY = df.defer('y', ['x'], (x: number | null) => {
      inputs.push(x);
      return x === null ? null : x * 2;
    });
    expect(withY.column('y').toArray()).toEqual([3, null, 6, 8]);
    expect(inputs).toEqual([1.5, null, 3, 4]);
  });
});
