import { describe, expect, expectTypeOf, it } from 'vitest';
import { DataFrame, type FunctionRef, InvalidArgumentError, TypeMismatchError } from '../../../src/index.js';

// Reference: the rows a plain Array.filter over the same values keeps.
const values = Array.from({ length: 50 }, (_, i) => (i * 7) % 11);
const df = new DataFrame({ x: values, s: values.map((v) => `v${v}`) });
const expected = values.filter((v) => v > 5);
const xs = (frame: DataFrame) => frame.column('x').toArray();

// Typed as sync, as in plain JavaScript or behind an `any`: the compiler cannot catch these.
const asSync = <F>(f: unknown) => f as F;
type RowTest = (r: Record<string, unknown>) => boolean;
type ValueTest = (v: number) => boolean;

describe('filter is synchronous', () => {
  it('an async row predicate raises, pointing at filterAsync, instead of keeping every row', () => {
    const asyncPredicate = asSync<RowTest>(async (r: Record<string, unknown>) => (r.x as number) > 5);
    expect(() => df.filter(asyncPredicate)).toThrow(TypeMismatchError);
    expect(() => df.filter(asyncPredicate)).toThrow(/returned a Promise for row 0.*filterAsync/);
  });

  it('an async column test raises too, on numeric and other columns', () => {
    const asyncTest = asSync<ValueTest>(async (v: number) => v > 5);
    expect(() => df.filter('x', asyncTest)).toThrow(TypeMismatchError);
    expect(() => df.filter('x', asyncTest)).toThrow(/test of column "x" returned a Promise.*filterAsync/);
    const asyncString = asSync<(v: string) => boolean>(async (v: string) => v > 'v5');
    expect(() => df.filter('s', asyncString)).toThrow(/test of column "s" returned a Promise/);
  });

  it('a Promise returned only for some rows raises as well', () => {
    const sometimes = asSync<ValueTest>((v: number) => (v === 9 ? Promise.resolve(true) : v > 5));
    expect(() => df.filter('x', sometimes)).toThrow(`returned a Promise for row ${values.indexOf(9)}`);
  });

  it('options or a function named by module raise, pointing at filterAsync', () => {
    const withOptions = df.filter as unknown as (p: RowTest, o: object) => DataFrame;
    expect(() => withOptions.call(df, (r) => (r.x as number) > 5, {})).toThrow(InvalidArgumentError);
    expect(() => withOptions.call(df, (r) => (r.x as number) > 5, { batchSize: 4 })).toThrow(
      /takes no options.*filterAsync/,
    );
    const ref = asSync<RowTest>({ module: 'fns.js', export: 'isOdd' });
    expect(() => df.filter(ref)).toThrow(/named by module.*filterAsync/);
  });

  it('keeps exactly the true rows of sync predicates and tests, like Array.filter', () => {
    expect(xs(df.filter((r) => (r.x as number) > 5))).toEqual(expected);
    expect(xs(df.filter('x', (v: number) => v > 5))).toEqual(expected);
    expect(xs(df.filter('x', '>', 5))).toEqual(expected);
    expect(xs(df.filter(values.map((v) => v > 5)))).toEqual(expected);
    // Truthy non-Promise results pass, as in Array.filter.
    const truthy = asSync<ValueTest>((v: number) => (v > 5 ? 'yes' : ''));
    expect(xs(df.filter('x', truthy))).toEqual(expected);
  });
});

describe('filterAsync', () => {
  it('keeps exactly the true rows of an async predicate, with or without options', async () => {
    expect(xs(await df.filterAsync(async (r) => (r.x as number) > 5))).toEqual(expected);
    expect(xs(await df.filterAsync(async (r) => (r.x as number) > 5, { batchSize: 7 }))).toEqual(expected);
    expect(xs(await df.filterAsync((r) => (r.x as number) > 5, {}))).toEqual(expected);
    const batched = await df.filterAsync(
      async (b: DataFrame) => (b.column('x').toArray() as number[]).map((v) => v > 5),
      { batched: true, batchSize: 8 },
    );
    expect(xs(batched)).toEqual(expected);
  });

  it('raises for a mask, which is filter(mask)', async () => {
    const mask = asSync<RowTest>(values.map((v) => v > 5));
    await expect(df.filterAsync(mask)).rejects.toThrow(InvalidArgumentError);
  });

  it('types: filter never returns a Promise, filterAsync always does', () => {
    // Functions, so that the calls are only type-checked, never run.
    expectTypeOf(() => df.filter((r) => (r.x as number) > 5)).returns.toEqualTypeOf<DataFrame>();
    expectTypeOf(() => df.filter('x', (v: number) => v > 5)).returns.toEqualTypeOf<DataFrame>();
    expectTypeOf(() => df.filter('x', '>', 5)).returns.toEqualTypeOf<DataFrame>();
    expectTypeOf(() => df.filter([true, false])).returns.toEqualTypeOf<DataFrame>();
    type Async = Promise<DataFrame>;
    expectTypeOf(() => df.filterAsync((r) => (r.x as number) > 5)).returns.toEqualTypeOf<Async>();
    expectTypeOf(() => df.filterAsync(async (r) => (r.x as number) > 5, {})).returns.toEqualTypeOf<Async>();
    expectTypeOf(() =>
      df.filterAsync((b: DataFrame) => new Uint8Array(b.length), { batched: true }),
    ).returns.toEqualTypeOf<Async>();
    const ref: FunctionRef = { module: 'fns.js', export: 'isOdd' };
    expectTypeOf(() => df.filterAsync(ref, { batchSize: 4 })).returns.toEqualTypeOf<Async>();
    const wrong = [
      // @ts-expect-error an async row predicate is filterAsync's
      () => df.filter(async (r) => (r.x as number) > 5),
      // @ts-expect-error an async column test is filterAsync's
      () => df.filter('x', async (v: number) => v > 5),
      // @ts-expect-error options are filterAsync's
      () => df.filter((r) => (r.x as number) > 5, {}),
      // @ts-expect-error a function named by module is filterAsync's
      () => df.filter(ref),
    ];
    expect(wrong).toHaveLength(4);
  });
});
