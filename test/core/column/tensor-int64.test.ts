import * as arrow from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatColumns } from '../../../src/core/column/concat.js';
import { readScores } from '../../../src/core/eval/scores.js';
import {
  buildLshIndex,
  column,
  columnFromArrow,
  columnToArrow,
  DataFrame,
  exactSearch,
  kmeans,
  softmax,
  TensorColumn,
  TypeMismatchError,
  tsKernels,
} from '../../../src/index.js';

/** Values beyond 2^53, where a detour through float64 would change them. */
const BIG = [2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n, -(2n ** 53n) - 3n, 0n, 1n];

/** Rows of `n` bigints each (plain nested arrays: the reference the column is compared with). */
const arbRows = fc.integer({ min: 1, max: 4 }).chain((width) =>
  fc.array(
    fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { minLength: width, maxLength: width }),
    {
      minLength: 1,
      maxLength: 12,
    },
  ),
);

const rowsOf = (c: { length: number; get(i: number): unknown }) =>
  Array.from({ length: c.length }, (_, i) => {
    const r = c.get(i) as BigInt64Array | null;
    return r === null ? null : Array.from(r);
  });

describe('int64 tensor columns', () => {
  it('hold a BigInt64Array as it is, rows as views, values beyond 2^53 exact', () => {
    const data = BigInt64Array.from([...BIG, 7n, 8n]);
    const c = new TensorColumn(data, [2, 2]);
    expect(c.type).toEqual({ kind: 'tensor', dtype: 'int64', shape: [2, 2] });
    expect(c.length).toBe(2);
    expect(Array.from(c.get(0)!)).toEqual(BIG.slice(0, 4));
    expect(c.get(1)!.buffer).toBe(data.buffer);
  });

  it('are inferred from bigint rows (nested too) and from BigInt64Array rows', () => {
    const c = column([
      [1n, 2n],
      [3n, 2n ** 62n],
    ]);
    expect(c.type).toEqual({ kind: 'tensor', dtype: 'int64', shape: [2] });
    expect(rowsOf(c)).toEqual([
      [1n, 2n],
      [3n, 2n ** 62n],
    ]);
    expect(column([[[1n], [2n]], null, [[3n], [4n]]]).type).toEqual({
      kind: 'tensor',
      dtype: 'int64',
      shape: [2, 1],
    });
    expect(column([BigInt64Array.of(1n, 2n), null]).type).toEqual({
      kind: 'tensor',
      dtype: 'int64',
      shape: [2],
    });
    // A tensor hint without a dtype takes int64 from bigint rows.
    expect(column([[1n, 2n]], 'tensor').type).toEqual({ kind: 'tensor', dtype: 'int64', shape: [2] });
  });

  it('refuse mixed number/bigint rows with a typed error, unless the dtype is int64 and numbers are integers', () => {
    expect(() => column([[1n, 2]])).toThrow(TypeMismatchError);
    expect(() => column([[1n, 2]])).toThrow(/mixes numbers and bigints/);
    expect(() =>
      column([
        [1, 2],
        [3n, 4n],
      ]),
    ).toThrow(/mixes numbers and bigints/);
    // An explicit int64 dtype takes exact integer numbers too (each converted without loss) ...
    expect(rowsOf(column([[1n, 2]], { kind: 'tensor', dtype: 'int64' }))).toEqual([[1n, 2n]]);
    expect(rowsOf(TensorColumn.fromRows([Int32Array.of(-5, 6)], 'int64'))).toEqual([[-5n, 6n]]);
    // ... but not fractions or unsafe numbers, and float dtypes refuse bigints: never a silent change.
    expect(() => column([[1.5, 2]], { kind: 'tensor', dtype: 'int64' })).toThrow(TypeMismatchError);
    expect(() => column([[2 ** 60, 2]], { kind: 'tensor', dtype: 'int64' })).toThrow(TypeMismatchError);
    expect(() => column([[1n, 2n]], { kind: 'tensor', dtype: 'float32' })).toThrow(TypeMismatchError);
    expect(() => column([[1n, 2n]], { kind: 'tensor', dtype: 'float32' })).toThrow(/int64/);
    expect(() => TensorColumn.fromRows([BigInt64Array.of(1n)], 'float64')).toThrow(TypeMismatchError);
    // bigints outside int64 are refused rather than wrapped.
    expect(() => column([[2n ** 63n]])).toThrow(TypeMismatchError);
  });

  it('format and print', () => {
    const df = new DataFrame({ t: column([[2n ** 60n, 1n], null]) });
    expect(df.column('t').format(0)).toBe('<tensor 2>');
    expect(df.column('t').format(1)).toBe('null');
    expect(df.toString()).toContain('tensor<int64>[2]');
  });

  it('take, slice and concat keep every value (property, against plain bigint arrays)', () => {
    fc.assert(
      fc.property(arbRows, fc.array(fc.integer({ min: -1, max: 11 }), { maxLength: 15 }), (rows, picks) => {
        const c = TensorColumn.fromRows(rows, 'int64');
        const indices = picks.map((p) => (p >= rows.length ? rows.length - 1 : p));
        expect(rowsOf(c.take(indices))).toEqual(indices.map((j) => (j < 0 ? null : rows[j])));
        const s = Math.floor(rows.length / 3);
        expect(rowsOf(c.slice(s, rows.length - 1))).toEqual(rows.slice(s, rows.length - 1));
        expect(rowsOf(concatColumns([c, c.slice(s)]))).toEqual([...rows, ...rows.slice(s)]);
      }),
      { numRuns: 60 },
    );
  });

  it('concat promotes int32/uint8 tensors to int64 exactly and refuses floats', () => {
    const big = column([[2n ** 62n + 1n, -1n]]);
    const small = new TensorColumn(Int32Array.of(-2147483648, 7), [2]);
    const joined = concatColumns([big, small]);
    expect(joined.type).toEqual({ kind: 'tensor', dtype: 'int64', shape: [2] });
    expect(rowsOf(joined)).toEqual([
      [2n ** 62n + 1n, -1n],
      [-2147483648n, 7n],
    ]);
    expect(rowsOf(concatColumns([new TensorColumn(Uint8Array.of(255, 0), [2]), big]))).toEqual([
      [255n, 0n],
      [2n ** 62n + 1n, -1n],
    ]);
    const floats = new TensorColumn(Float32Array.of(1, 2), [2]);
    expect(() => concatColumns([big, floats])).toThrow(TypeMismatchError);
    expect(() => concatColumns([floats, big])).toThrow(/no lossless common type/);
  });

  it('go to Arrow as FixedSizeList<Int64> and come back exactly', () => {
    fc.assert(
      fc.property(arbRows, (rows) => {
        const withNull = [...rows, null];
        const c = TensorColumn.fromRows(withNull, 'int64');
        const vector = columnToArrow(c);
        expect(arrow.DataType.isFixedSizeList(vector.type)).toBe(true);
        expect(arrow.DataType.isInt(vector.type.children[0].type)).toBe(true);
        expect((vector.type.children[0].type as arrow.Int).bitWidth).toBe(64);
        // Arrow's own reading of the values is the reference.
        expect(
          Array.from(vector, (r: arrow.Vector | null) =>
            r === null ? null : Array.from(r.toArray() as BigInt64Array),
          ),
        ).toEqual(withNull);
        const back = columnFromArrow(vector);
        expect(back.type).toEqual(c.type);
        expect(rowsOf(back)).toEqual(withNull);
      }),
      { numRuns: 40 },
    );
  });

  it('stack into training batches as int32, as int64 scalars do, refusing values outside int32', async () => {
    const small = new DataFrame({
      t: column([
        [1n, -2n],
        [2147483647n, -2147483648n],
      ]),
    });
    const { value: batch } = await small.batches({ batchSize: 2 }).next();
    if (!batch) throw new Error('no batch');
    expect(batch.columns.t.data).toEqual(Int32Array.of(1, -2, 2147483647, -2147483648));
    expect(batch.columns.t.shape).toEqual([2, 2]);
    const big = new DataFrame({ t: column([[2n ** 40n, 0n]]) });
    await expect(big.batches({ batchSize: 1 }).next()).rejects.toThrow(/outside the int32 range/);
  });

  it('are refused with a TypeMismatchError by float operations (search, LSH, k-means, scores)', async () => {
    const c = column([
      [1n, 2n],
      [3n, 4n],
    ]) as TensorColumn;
    const df = new DataFrame({ v: c });
    await expect(df.search(Float32Array.of(1, 2), { by: 'v', k: 1 })).rejects.toThrow(TypeMismatchError);
    await expect(exactSearch(c, Float32Array.of(1, 2), { k: 1, metric: 'cosine' })).rejects.toThrow(
      TypeMismatchError,
    );
    await expect(buildLshIndex(c, { kind: 'simhash' })).rejects.toThrow(TypeMismatchError);
    await expect(kmeans(c, { k: 1, seed: 1 })).rejects.toThrow(TypeMismatchError);
    await expect(kmeans(c, { k: 1, seed: 1 })).rejects.toThrow(/int64/);
    expect(() => readScores(c)).toThrow(TypeMismatchError);
    expect(() => softmax(c)).toThrow(TypeMismatchError);
    // Kernels take float arrays only; an int64 column's data is refused by type, not converted.
    const data = c.data as unknown as Float32Array;
    await expect(tsKernels.matmul(data, data, 2, 2, 2)).rejects.toThrow(TypeMismatchError);
    await expect(tsKernels.rowNorms(data, 2, 2)).rejects.toThrow(/BigInt64Array/);
  });
});
