import { describe, expect, it } from 'vitest';
import {
  column,
  DataFrame,
  DeferredColumn,
  ScalarColumn,
  TensorColumn,
  TypeMismatchError,
} from '../../../src/index.js';

describe('DeferredColumn', () => {
  it('computes only the rows that are read, and caches them', () => {
    const calls: number[] = [];
    const x = column([1, 2, 3, 4]);
    const d = new DeferredColumn(
      (v) => {
        calls.push(v as number);
        return (v as number) * 10;
      },
      [x],
    );
    expect(d.get(2)).toBe(30);
    expect(d.get(2)).toBe(30);
    expect(calls).toEqual([3]);
    expect(d.loadSync([0, 2, 0])).toEqual([10, 30, 10]);
    expect(calls).toEqual([3, 1]);
    expect(d.cachedRows).toBe(2);
  });

  it('calls a batched function in batches of batchSize', () => {
    const batches: number[][] = [];
    const d = new DeferredColumn(
      (xs) => {
        batches.push(xs as number[]);
        return (xs as number[]).map((v) => v + 1);
      },
      [column([0, 1, 2, 3, 4])],
      { batched: true, batchSize: 2 },
    );
    expect(d.materializeSync().toArray()).toEqual([1, 2, 3, 4, 5]);
    expect(batches).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('evaluates a chain in dependency order without recomputing parents', async () => {
    let parentCalls = 0;
    let childCalls = 0;
    const df = new DataFrame({ x: [1, 2, 3] })
      .defer('y', ['x'], (x) => {
        parentCalls++;
        return (x as number) + 1;
      })
      .defer('z', ['y', 'x'], (y, x) => {
        childCalls++;
        return (y as number) * (x as number);
      });
    expect(df.column('z').toArray()).toEqual([2, 6, 12]);
    expect(df.column('y').toArray()).toEqual([2, 3, 4]);
    expect(await df.column<DeferredColumn>('z').materialize()).toBeInstanceOf(ScalarColumn);
    expect(parentCalls).toBe(3);
    expect(childCalls).toBe(3);
  });

  it('supports async functions through load() and materialize(), and says so from get()', async () => {
    const d = new DeferredColumn(async (v) => `#${v}`, [column([1, 2])]);
    expect(() => d.get(0)).toThrow(TypeMismatchError);
    expect(() => d.get(0)).toThrow(/await column.load/);
    expect(await d.load([1, 0])).toEqual(['#2', '#1']);
    expect((await d.materialize()).toArray()).toEqual(['#1', '#2']);
  });

  it('views taken from a deferred column share its cache', () => {
    let calls = 0;
    const d = new DeferredColumn(
      (v) => {
        calls++;
        return v;
      },
      [column([5, 6, 7])],
    );
    const view = d.take([2, -1, 2]);
    expect(view.toArray()).toEqual([7, null, 7]);
    expect(d.get(2)).toBe(7);
    expect(calls).toBe(1);
    expect(view.take([0]).toArray()).toEqual([7]);
  });

  it('respects its memory bound', () => {
    const d = new DeferredColumn((v) => new Float64Array(1000).fill(v as number), [column([1, 2, 3, 4, 5])], {
      maxCachedBytes: 20_000,
    });
    d.loadSync([0, 1, 2, 3, 4]);
    expect(d.cachedRows).toBeLessThanOrEqual(2);
    expect((d.loadSync([4])[0] as Float64Array)[0]).toBe(5);
  });

  it('materializes to the requested or inferred concrete kind', () => {
    const d = new DeferredColumn((v) => [v, v], [column([1, 2])]);
    expect(d.materializeSync()).toBeInstanceOf(TensorColumn);
    const typed = new DeferredColumn((v) => v, [column([1, 2])], {
      output: { kind: 'scalar', dtype: 'int32' },
    });
    expect(typed.materializeSync().type).toEqual({ kind: 'scalar', dtype: 'int32' });
  });

  it('follows its rows through frame views', () => {
    const df = new DataFrame({ x: [1, 2, 3, 4] }).defer('sq', ['x'], (x) => (x as number) ** 2);
    expect(df.take([3, 0]).column('sq').toArray()).toEqual([16, 1]);
    expect(df.slice(1, 3).toRecords()).toEqual([
      { x: 2, sq: 4 },
      { x: 3, sq: 9 },
    ]);
  });
});
