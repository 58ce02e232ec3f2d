// The cell views' pure parts: tensor decimation and heatmap downsampling against naive loops (every
// value assigned to its pixel by a scan of all pixels), statistics, the first 2-D slice, the object
// preview's text, the JSON tree's children and paging, and the page's cache of computed cells
// (one request per column for the rows wanted together, withdrawn asks, failures per cell).

import { beforeAll, describe, expect, it } from 'vitest';
import type { ComputedCell } from '../../ui/src/api.js';
import {
  childCount,
  childEntries,
  JSON_PAGE,
  jsonKind,
  leafText,
  previewText,
  summaryText,
} from '../../ui/src/cells/json-model.js';
import {
  decimate,
  downsample,
  firstSlice,
  shapeLabel,
  sliceLabel,
  tensorStats,
  tensorValues,
} from '../../ui/src/cells/tensor-model.js';

/** A seeded sequence with spikes, NaNs and infinities, so bins differ. */
function sample(n: number, seed: number): Float64Array {
  let s = seed;
  return Float64Array.from({ length: n }, (_, i) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    if (i % 97 === 13) return Number.NaN;
    if (i % 211 === 7) return Number.POSITIVE_INFINITY;
    return (s / 2 ** 31) * 10 - 5 + (i % 50 === 0 ? 100 : 0);
  });
}

/** Naive: value i goes to pixel ⌊i·c/n⌋, found by a scan of all pixels. */
function naiveDecimate(values: Float64Array, width: number): { min: number[]; max: number[] } {
  const n = values.length;
  const c = Math.min(width, n);
  const min = new Array<number>(c).fill(Number.NaN);
  const max = new Array<number>(c).fill(Number.NaN);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(values[i])) continue;
    for (let p = 0; p < c; p++) {
      if (Math.floor((i * c) / n) === p) {
        if (Number.isNaN(min[p]) || values[i] < min[p]) min[p] = values[i];
        if (Number.isNaN(max[p]) || values[i] > max[p]) max[p] = values[i];
      }
    }
  }
  return { min, max };
}

describe('tensor model', () => {
  it('decimates to min/max per pixel column like a naive loop', () => {
    for (const [n, width] of [
      [512, 100],
      [512, 512],
      [100, 300],
      [1000, 7],
      [3, 1],
      [0, 10],
    ]) {
      const values = sample(n, n + width);
      const got = decimate(values, width);
      const want = naiveDecimate(values, width);
      expect([n, width, Array.from(got.min)]).toEqual([n, width, want.min]);
      expect([n, width, Array.from(got.max)]).toEqual([n, width, want.max]);
    }
  });

  it('keeps every spike: the decimated max is the finite max', () => {
    const values = sample(5000, 3);
    const { max } = decimate(values, 64);
    const finite = Array.from(values).filter(Number.isFinite);
    expect(Math.max(...max)).toBe(Math.max(...finite));
  });

  it('gives min, max and mean of the finite values', () => {
    const values = sample(777, 9);
    const finite = Array.from(values).filter(Number.isFinite);
    const stats = tensorStats(values);
    expect(stats.min).toBe(Math.min(...finite));
    expect(stats.max).toBe(Math.max(...finite));
    expect(stats.mean).toBeCloseTo(finite.reduce((a, b) => a + b, 0) / finite.length, 10);
    expect(stats.nonFinite).toBe(values.length - finite.length);
    expect(Number.isNaN(tensorStats([Number.NaN]).mean)).toBe(true);
  });

  it('averages a grid down in blocks like a naive loop', () => {
    const rows = 37;
    const cols = 23;
    const data = sample(rows * cols, 5);
    const out = downsample({ rows, cols, data }, 10, 6);
    expect([out.rows, out.cols]).toEqual([10, 6]);
    for (let pr = 0; pr < 10; pr++)
      for (let pc = 0; pc < 6; pc++) {
        const block: number[] = [];
        for (let r = 0; r < rows; r++)
          for (let c = 0; c < cols; c++)
            if (Math.floor((r * 10) / rows) === pr && Math.floor((c * 6) / cols) === pc)
              if (Number.isFinite(data[r * cols + c])) block.push(data[r * cols + c]);
        const mean = block.length === 0 ? Number.NaN : block.reduce((a, b) => a + b, 0) / block.length;
        expect(out.data[pr * 6 + pc]).toBeCloseTo(mean, 10);
      }
    // A grid that fits is drawn as it is.
    expect(downsample({ rows: 4, cols: 4, data }, 10, 10).data).toBe(data);
  });

  it('takes the first 2-D slice of a higher-rank tensor', () => {
    const values = Float32Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => i);
    const slice = firstSlice(values, [2, 3, 4, 5])!;
    expect([slice.rows, slice.cols, slice.sliced]).toEqual([4, 5, true]);
    expect(Array.from(slice.data)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(firstSlice(values, [120])).toBeNull();
    expect(firstSlice(values, [10, 12])?.sliced).toBe(false);
    expect(sliceLabel([2, 3, 4, 5])).toBe('[0, 0, :, :] of 2×3×4×5');
    expect(shapeLabel([512], 'float32')).toBe('512 float32');
    expect(shapeLabel([28, 28], 'uint8')).toBe('28×28 uint8');
  });

  it('reads the values of Arrow rows, typed arrays and JSON arrays with non-finite strings', () => {
    const arrowRow = { toArray: () => Float32Array.of(1, 2) };
    expect(Array.from(tensorValues(arrowRow)!)).toEqual([1, 2]);
    expect(Array.from(tensorValues(BigInt64Array.of(3n, 4n))!)).toEqual([3, 4]);
    expect(Array.from(tensorValues([1, 'NaN', '-Infinity'])!)).toEqual([
      1,
      Number.NaN,
      Number.NEGATIVE_INFINITY,
    ]);
    expect(tensorValues(null)).toBeNull();
  });
});

describe('object preview and JSON tree model', () => {
  it('previews an object on one line, nested values summarised', () => {
    expect(previewText({ label: 'cat', box: [4, 5, 6, 7] })).toBe('{label: "cat", box: [4 items]}');
    expect(previewText({ 'a b': { x: 1 }, n: null, ok: true, one: [1] })).toBe(
      '{"a b": {1 key}, n: null, ok: true, one: [1 item]}',
    );
    expect(previewText([1, 'two', { three: 3 }])).toBe('[1, "two", {1 key}]');
    expect(previewText('say "hi"')).toBe('"say \\"hi\\""');
    expect(previewText({})).toBe('{}');
  });

  it('cuts a long preview to its length with an ellipsis', () => {
    const value = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`key${i}`, i]));
    const text = previewText(value, 40);
    expect(text.length).toBeLessThanOrEqual(40);
    expect(text.startsWith('{key0: 0, key1: 1, ')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
  });

  it('gives node kinds, leaf texts and children a page at a time', () => {
    expect([{}, [], 'a', 1, true, null].map(jsonKind)).toEqual([
      'object',
      'array',
      'string',
      'number',
      'bool',
      'null',
    ]);
    expect([leafText('a\nb'), leafText(2.5), leafText(false), leafText(null)]).toEqual([
      '"a\\nb"',
      '2.5',
      'false',
      'null',
    ]);
    expect(summaryText({ a: 1, b: 2 })).toBe('{2 keys}');
    const long = Array.from({ length: 250 }, (_, i) => i * 2);
    expect(childCount(long)).toBe(250);
    const page = childEntries(long, JSON_PAGE);
    expect(page.length).toBe(JSON_PAGE);
    expect(page[99]).toEqual([99, 198]);
    expect(childEntries(long, 1000).length).toBe(250);
    expect(childEntries({ b: 1, a: [2] }, 10)).toEqual([
      ['b', 1],
      ['a', [2]],
    ]);
    expect(childEntries('leaf', 10)).toEqual([]);
  });
});

describe('computed cells cache', () => {
  // api.ts reads the page's URL when it loads: give it one.
  let ComputedCells: typeof import('../../ui/src/cells/deferred-cells.js').ComputedCells;
  beforeAll(async () => {
    (globalThis as { window?: unknown }).window ??= { location: { search: '' } };
    ({ ComputedCells } = await import('../../ui/src/cells/deferred-cells.js'));
  });
  const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

  it('asks once per column for the rows wanted together, and keeps the results', async () => {
    const calls: [string, number[]][] = [];
    const cells = new ComputedCells(async (column, rows) => {
      calls.push([column, [...rows]]);
      return rows.map(
        (row): ComputedCell =>
          row === 3 ? { row, error: { type: 'RangeError', message: 'bad 3' } } : { row, value: row * 10 },
      );
    }, 1);
    cells.want('a', 1);
    cells.want('a', 2);
    cells.want('a', 3);
    const withdraw = cells.want('a', 4);
    cells.want('b', 1);
    withdraw();
    expect(cells.state('a', 1)).toBeUndefined();
    await tick();
    expect(calls).toEqual([
      ['a', [1, 2, 3]],
      ['b', [1]],
    ]);
    expect(cells.state('a', 2)).toEqual({ status: 'done', cell: { row: 2, value: 20 } });
    expect(cells.state('a', 3)).toEqual({ status: 'failed', type: 'RangeError', message: 'bad 3' });
    expect(cells.state('a', 4)).toBeUndefined();
    cells.want('a', 2); // cached: no new request
    await tick();
    expect(calls.length).toBe(2);
    cells.retry('a', 3);
    await tick();
    expect(calls[2]).toEqual(['a', [3]]);
  });

  it('marks every row of a failed request with its error', async () => {
    const cells = new ComputedCells(async () => {
      throw new Error('offline');
    }, 1);
    cells.want('a', 7);
    await tick();
    expect(cells.state('a', 7)).toEqual({ status: 'failed', type: 'Error', message: 'offline' });
  });
});
