import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Batch,
  DataFrame,
  InvalidArgumentError,
  TensorColumn,
  TypeMismatchError,
} from '../../../src/index.js';

function frame(n: number): DataFrame {
  return new DataFrame({
    id: Int32Array.from({ length: n }, (_, i) => i),
    x: Float64Array.from({ length: n }, (_, i) => i / 4),
    label: Array.from({ length: n }, (_, i) => ['cat', 'dog', 'bird'][i % 3]),
    flag: Array.from({ length: n }, (_, i) => i % 2 === 0),
    emb: new TensorColumn(
      Float32Array.from({ length: n * 6 }, (_, i) => i * 0.5),
      [2, 3],
    ),
  });
}

async function collect(it: AsyncIterable<Batch>): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of it) out.push(b);
  return out;
}

describe('df.batches', () => {
  it('visits every row exactly once per pass, with each column stacked as in the frame', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 70 }),
        fc.integer({ min: 1, max: 20 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 1000 }),
        async (n, batchSize, shuffle, seed) => {
          const df = frame(n);
          const batches = await collect(df.batches({ batchSize, shuffle, seed }));
          const seen = batches.flatMap((b) => Array.from(b.rows));
          expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
          if (!shuffle) expect(seen).toEqual(Array.from({ length: n }, (_, i) => i));
          expect(batches.length).toBe(Math.ceil(n / batchSize));
          for (const b of batches) {
            expect(b.size).toBeLessThanOrEqual(batchSize);
            const { id, x, label, flag, emb } = b.columns;
            expect(id.data).toBeInstanceOf(Int32Array);
            expect(x.data).toBeInstanceOf(Float32Array);
            expect(emb.shape).toEqual([b.size, 2, 3]);
            expect(label.classes).toEqual([...new Set(df.column('label').toArray() as string[])].sort());
            b.rows.forEach((row, i) => {
              const r = df.row(row);
              expect(id.data[i]).toBe(r.id);
              expect(x.data[i]).toBe(Math.fround(r.x as number));
              expect(label.classes![label.data[i]]).toBe(r.label);
              expect(flag.data[i]).toBe(r.flag ? 1 : 0);
              expect(Array.from(emb.data.subarray(i * 6, i * 6 + 6))).toEqual(
                Array.from(r.emb as Float32Array),
              );
            });
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('shuffles reproducibly with a seed', async () => {
    const df = frame(50);
    const order = async (seed: number) =>
      (await collect(df.batches({ batchSize: 8, shuffle: true, seed }))).flatMap((b) => Array.from(b.rows));
    expect(await order(3)).toEqual(await order(3));
    expect(await order(3)).not.toEqual(await order(4));
    expect(await order(3)).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('drops the short last batch with dropLast, and selects columns', async () => {
    const df = frame(23);
    const batches = await collect(df.batches({ batchSize: 5, dropLast: true, columns: ['emb', 'id'] }));
    expect(batches.map((b) => b.size)).toEqual([5, 5, 5, 5]);
    expect(Object.keys(batches[0].columns)).toEqual(['emb', 'id']);
    const exact = await collect(frame(20).batches({ batchSize: 5, dropLast: true }));
    expect(exact.length).toBe(4);
  });

  it('stacks deferred columns and works on views', async () => {
    const df = frame(10)
      .defer('twice', ['x'], (x: number) => 2 * x)
      .filter('id', '>=', 4);
    const [b] = await collect(df.batches({ batchSize: 100, columns: ['id', 'twice'] }));
    expect(Array.from(b.columns.id.data)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(Array.from(b.columns.twice.data)).toEqual([2, 2.5, 3, 3.5, 4, 4.5]);
  });

  it('rejects what cannot be batched with typed errors', async () => {
    const df = frame(4);
    await expect(collect(df.batches({ batchSize: 0 }))).rejects.toThrow(InvalidArgumentError);
    await expect(collect(df.batches({ batchSize: 2, columns: ['nope'] }))).rejects.toThrow(
      /no column "nope"/,
    );
    const withNull = new DataFrame({ k: [1, null, 3] }).withColumn('k', [1, null, 3], 'int32');
    await expect(collect(withNull.batches({ batchSize: 2 }))).rejects.toThrow(/nulls/);
    const objects = new DataFrame({ o: [{ a: 1 }, { a: 2 }] });
    await expect(collect(objects.batches({ batchSize: 2 }))).rejects.toThrow(TypeMismatchError);
  });

  it('batchSize boundaries: 1, = length, > length, and 0 rows, with and without dropLast', async () => {
    const n = 7;
    const df = frame(n);
    const sizes = async (batchSize: number, dropLast = false, rows = n) =>
      (await collect(frame(rows).batches({ batchSize, dropLast }))).map((b) => b.size);
    // Plain reference: ceil(n / size) batches of `size`, the last one holding the rest.
    expect(await sizes(1)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(await sizes(n)).toEqual([7]);
    expect(await sizes(n, true)).toEqual([7]);
    expect(await sizes(n + 1)).toEqual([7]);
    expect(await sizes(n + 1, true)).toEqual([]);
    expect(await sizes(n - 1)).toEqual([6, 1]);
    expect(await sizes(n - 1, true)).toEqual([6]);
    expect(await sizes(3, false, 0)).toEqual([]);
    expect(await sizes(1, true, 0)).toEqual([]);
    const [one] = await collect(df.batches({ batchSize: 1, columns: ['id', 'emb'] }));
    expect(Array.from(one.columns.id.data)).toEqual([0]);
    expect(one.columns.emb.shape).toEqual([1, 2, 3]);
    expect(Array.from(one.columns.emb.data)).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    const [whole] = await collect(df.batches({ batchSize: 100, shuffle: true, seed: 2, columns: ['id'] }));
    expect([...whole.columns.id.data].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});
