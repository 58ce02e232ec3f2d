import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  column,
  columnFromArrow,
  columnToArrow,
  LengthMismatchError,
  ObjectColumn,
  TensorColumn,
} from '../../../src/index.js';

describe('TensorColumn', () => {
  it('infers a tensor from equal-shape number arrays or typed arrays', () => {
    expect(
      column([
        [1, 2, 3],
        [4, 5, 6],
      ]).type,
    ).toEqual({ kind: 'tensor', dtype: 'float32', shape: [3] });
    expect(column([[[1, 2]], [[3, 4]]]).type).toEqual({ kind: 'tensor', dtype: 'float32', shape: [1, 2] });
    expect(column([new Float64Array(4), null]).type).toEqual({
      kind: 'tensor',
      dtype: 'float64',
      shape: [4],
    });
    expect(column([[1, 2], [3]]).kind).toBe('object');
    expect(column([[1, 2]], { kind: 'tensor', dtype: 'int32' }).type).toEqual({
      kind: 'tensor',
      dtype: 'int32',
      shape: [2],
    });
  });

  it('keeps all rows in one contiguous array and returns rows as views', () => {
    const data = new Float32Array([1, 2, 3, 4, 5, 6]);
    const c = new TensorColumn(data, [3]);
    expect(c.length).toBe(2);
    const row = c.get(1)!;
    expect(Array.from(row)).toEqual([4, 5, 6]);
    expect(row.buffer).toBe(data.buffer);
    data[3] = 40;
    expect(row[0]).toBe(40);
    expect(() => new TensorColumn(data, [4])).toThrow(LengthMismatchError);
  });

  it('take and slice move whole rows (and nulls) like a list of rows', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.option(fc.array(fc.integer({ min: -9, max: 9 }), { minLength: 3, maxLength: 3 }), { nil: null }),
          {
            maxLength: 20,
          },
        ),
        fc.array(fc.integer({ min: -1, max: 19 }), { maxLength: 20 }),
        (rows, picks) => {
          const c = TensorColumn.fromRows(rows, 'float32', [3]);
          const plain = (v: ArrayLike<number | bigint> | null) => (v === null ? null : Array.from(v));
          expect(c.toArray().map(plain)).toEqual(rows);
          const idx = picks.filter((p) => p < rows.length);
          expect(c.take(idx).toArray().map(plain)).toEqual(idx.map((j) => (j < 0 ? null : rows[j])));
          expect(c.slice(1, 3).toArray().map(plain)).toEqual(rows.slice(1, 3));
        },
      ),
    );
  });

  it('round-trips through Arrow as a FixedSizeList without copying', () => {
    const c = TensorColumn.fromRows([[1, 2, 3, 4], null, [5, 6, 7, 8]], 'float32', [2, 2]);
    const v = columnToArrow(c);
    expect(v.nullCount).toBe(1);
    const back = columnFromArrow(v) as TensorColumn;
    expect(back.data.buffer).toBe(c.data.buffer);
    expect(back.toArray().map((r) => (r ? Array.from(r as ArrayLike<number>) : null))).toEqual([
      [1, 2, 3, 4],
      null,
      [5, 6, 7, 8],
    ]);
  });
});

describe('ObjectColumn', () => {
  it('holds any JSON value, with null and undefined as nulls', () => {
    const graph = { nodes: [{ id: 'a' }, { id: 'b' }], links: [{ source: 'a', target: 'b' }] };
    const c = column([graph, null, { box: [0, 0, 10, 10] }, 'text', undefined]);
    expect(c).toBeInstanceOf(ObjectColumn);
    expect(c.get(0)).toBe(graph);
    expect(c.nullCount).toBe(2);
    expect(c.take([2, -1, 0]).toArray()).toEqual([{ box: [0, 0, 10, 10] }, null, graph]);
  });
});

describe('TensorColumn boundaries (fixed examples beside the property test)', () => {
  const plain = (v: ArrayLike<number | bigint> | null) => (v === null ? null : Array.from(v));

  it('zero rows: empty toArray, slice and take; a take of -1 only gives one null row', () => {
    const c = TensorColumn.fromRows([], 'float32', [3]);
    expect(c.length).toBe(0);
    expect(c.toArray()).toEqual([]);
    expect(c.slice(0, 2).toArray()).toEqual([]);
    expect(c.take([-1]).toArray()).toEqual([null]);
  });

  it('null rows across the validity byte edge: 7, 8, 9 and 65 rows, sliced at every start up to 9', () => {
    for (const n of [7, 8, 9, 65]) {
      const rows = Array.from({ length: n }, (_, i) => (i % 4 === 3 ? null : [i, -i, i * 2]));
      const c = TensorColumn.fromRows(rows, 'float32', [3]);
      expect(c.toArray().map(plain)).toEqual(rows);
      expect(c.nullCount).toBe(rows.filter((r) => r === null).length);
      for (let s = 0; s <= Math.min(9, n); s++)
        expect(c.slice(s).toArray().map(plain)).toEqual(rows.slice(s));
      expect(
        c
          .take([n - 1, -1, 3])
          .toArray()
          .map(plain),
      ).toEqual([rows[n - 1], null, rows[3]]);
    }
  });
});
