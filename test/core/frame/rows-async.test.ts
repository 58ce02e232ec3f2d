import { describe, expect, it } from 'vitest';
import type { DeferredColumn } from '../../../src/core/column/deferred.js';
import { LazyCell } from '../../../src/core/column/lazy-cell.js';
import { TypeMismatchError } from '../../../src/core/errors.js';
import { DataFrame } from '../../../src/core/frame/frame.js';

// Rows of frames with asynchronous deferred columns (the media case is in test/node/media/rows.test.ts).
const x = [3, 1, 4, 1, 5];

describe('row() and rowAsync() with deferred columns', () => {
  it('an async cell is a LazyCell; a sync one is computed as before', async () => {
    let calls = 0;
    const df = new DataFrame({ x })
      .defer('twice', ['x'], (v: number) => v * 2)
      .defer('later', ['x'], async (v: number) => {
        calls++;
        return `#${v}`;
      });
    const row = df.row(2);
    expect(row.twice).toBe(8);
    expect(row.later).toBeInstanceOf(LazyCell);
    expect(String(row.later)).toBe('<deferred>');
    expect(await (row.later as LazyCell<string>).load()).toBe('#4');
    expect(await df.rowAsync(-1)).toEqual({ x: 5, twice: 10, later: '#5' });
    const all = [];
    for await (const r of df.sort('x').rowsAsync()) all.push(r.later);
    expect(all).toEqual([...x].sort((a, b) => a - b).map((v) => `#${v}`));
    // Each row was computed once: loading a cell reads the column's cache.
    expect(calls).toBe(x.length);
    // A cached row of an async column is a LazyCell still: a row's cells have one type per column.
    expect(df.row(2).later).toBeInstanceOf(LazyCell);
    expect(df.column<DeferredColumn>('later').cachedRows).toBe(x.length);
  });

  it('an async deferred column over an async one (a chain) gives a LazyCell too', async () => {
    const df = new DataFrame({ x })
      .defer('a', ['x'], async (v: number) => v + 1)
      .defer('b', ['a'], (v: number) => v * 10);
    expect(df.row(0).b).toBeInstanceOf(LazyCell);
    expect((await df.rowAsync(0)).b).toBe(40);
  });

  it('a failing async function fails the load, not the row, and is no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const df = new DataFrame({ x }).defer('bad', ['x'], async (v: number) => {
        if (v === 4) throw new RangeError('no four');
        return v;
      });
      const row = df.row(2); // never loaded
      expect(row.bad).toBeInstanceOf(LazyCell);
      await expect(df.rowAsync(2)).rejects.toThrow('no four');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
      expect((await df.rowAsync(0)).bad).toBe(3);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('records with unloaded cells do not become a frame (it would hold printouts); loaded ones do', async () => {
    const df = new DataFrame({ x }).defer('later', ['x'], async (v: number) => -v);
    const records = df.toRecords();
    expect(() => DataFrame.fromRecords(records)).toThrow(TypeMismatchError);
    expect(() => DataFrame.fromRecords(records)).toThrow(/record 0's "later" is a LazyCell.*rowAsync/);
    const loaded = [];
    for await (const r of df.rowsAsync()) loaded.push(r);
    expect(DataFrame.fromRecords(loaded).column('later').toArray()).toEqual(x.map((v) => -v));
  });

  it('a synchronous filter sees lazy cells; map computes them for the batch first', async () => {
    const df = new DataFrame({ x }).defer('later', ['x'], async (v: number) => v * v);
    expect(df.filter((r) => r.later instanceof LazyCell && (r.x as number) > 3).length).toBe(2);
    const out = await df.map(async (r) => r.later as number, { outputs: 'sq' });
    expect(out.column('sq').toArray()).toEqual(x.map((v) => v * v));
  });
});
