// Scattered takes of a stored scalar column (the windows of a sorted view): each reads only its
// blocks until scattered takes have read a quarter of the column's blocks, then the column is
// loaded whole and kept; every take equals the values written.
import { describe, expect, it } from 'vitest';
import type { LazyColumn } from '../../../../src/core/column/lazy.js';
import { DataFrame, read, write } from '../../../../src/index.js';
import { tempDatasets } from './helpers.js';

const dataset = tempDatasets('tessera-scattered-');

describe('scattered takes of a stored column', () => {
  it('read block by block at first, then load the column whole once they have read a quarter of it', async () => {
    const n = 2_000_000;
    const values = Float64Array.from({ length: n }, (_, i) => i * 0.5 - 7);
    const p = dataset();
    await write(new DataFrame({ x: values }), p, { fsync: false });
    const df = await read(p);
    const stored = df.columnSource('x').column as LazyColumn;
    const loaded: boolean[] = [];
    for (let t = 0; t < 4; t++) {
      // 12 rows in 12 far-apart blocks, different ones each time
      const rows = Int32Array.from({ length: 12 }, (_, k) => ((k * 7 + t) * 23_813 + t * 4099) % n);
      const got = Array.from(df.takeValid(rows).column('x').toArray() as number[]);
      expect(got).toEqual(Array.from(rows, (r) => values[r]));
      loaded.push(stored.isLoaded);
    }
    // ~120 blocks of 16384 rows: a quarter is ~30 blocks, passed by the third take
    expect(loaded.slice(0, 2)).toEqual([false, false]);
    expect(loaded[3]).toBe(true);
  });
});
