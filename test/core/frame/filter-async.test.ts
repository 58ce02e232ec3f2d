import { describe, expect, expectTypeOf, it } from 'vitest';
import { DataFrame, TypeMismatchError } from '../../../src/index.js';

// Reference: the rows a plain Array.filter over the same values keeps.
const values = Array.from({ length: 50 }, (_, i) => (i * 7) % 11);
const df = new DataFrame({ x: values });
const expected = values.filter((v) => v > 5);

describe('filter with an async predicate', () => {
  it('raises without options instead of keeping every row (a Promise is truthy)', () => {
    // Typed as sync, as in plain JavaScript or behind an `any`: the compiler cannot catch it.
    const asyncPredicate = (async (r: Record<string, unknown>) => (r.x as number) > 5) as unknown as (
      r: Record<string, unknown>,
    ) => boolean;
    expect(() => df.filter(asyncPredicate)).toThrow(TypeMismatchError);
    expect(() => df.filter(asyncPredicate)).toThrow(/returned a Promise.*needs options/);
  });

  it('keeps exactly the true rows with options, like Array.filter', async () => {
    const out = await df.filter(async (r) => (r.x as number) > 5, {});
    expect(out.column('x').toArray()).toEqual(expected);
  });

  it('a sync predicate gives the same rows with or without options', async () => {
    const sync = df.filter((r) => (r.x as number) > 5);
    const withOptions = await df.filter((r) => (r.x as number) > 5, {});
    expect(sync.column('x').toArray()).toEqual(expected);
    expect(withOptions.column('x').toArray()).toEqual(expected);
  });

  it('types say what runs: sync without options, a Promise with them; async needs options', () => {
    expectTypeOf(df.filter((r) => (r.x as number) > 5)).toEqualTypeOf<DataFrame>();
    expectTypeOf(df.filter((r) => (r.x as number) > 5, {})).toEqualTypeOf<Promise<DataFrame>>();
    // Only type-checked, never run (it would throw).
    const asyncWithoutOptions = () =>
      // @ts-expect-error an async predicate without options is a compile error
      df.filter(async (r) => (r.x as number) > 5);
    expect(typeof asyncWithoutOptions).toBe('function');
  });
});
