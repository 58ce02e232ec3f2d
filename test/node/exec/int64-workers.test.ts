import { afterAll, describe, expect, it } from 'vitest';
import { column, DataFrame, type FunctionRef, type TensorColumn } from '../../../src/core/index.js';
import { WorkerPoolExecutor } from '../../../src/node/exec/index.js';

const FNS = new URL('./fixtures/int64.ts', import.meta.url);
const fn = (name: string): FunctionRef => ({ module: FNS, export: name });

const pool = new WorkerPoolExecutor({ size: 2 });
afterAll(() => pool.close());

const rowsOf = (c: { length: number; get(i: number): unknown }) =>
  Array.from({ length: c.length }, (_, i) => {
    const r = c.get(i) as BigInt64Array | null;
    return r === null ? null : Array.from(r);
  });

describe('int64 tensors and worker threads', () => {
  // Values near ±2^61: doubling stays in range; any float detour would round them.
  const rows = Array.from({ length: 23 }, (_, i) =>
    i % 7 === 2 ? null : [2n ** 61n + 1n - BigInt(i), -(2n ** 61n) + 3n * BigInt(i), 2n ** 53n + 1n],
  );
  const df = new DataFrame({ t: column(rows) });

  it('cross to workers and back exactly (per row and batched), as inline gives', async () => {
    for (const executor of [undefined, pool]) {
      const plus = (
        await df.map(fn('plusOne'), { batchSize: 5, executor, outputs: 'v' })
      ).column<TensorColumn>('v');
      expect(plus.type).toEqual({ kind: 'tensor', dtype: 'int64', shape: [3] });
      expect(rowsOf(plus)).toEqual(rows.map((r) => r?.map((v) => v + 1n) ?? null));
      const twice = (
        await df.map(fn('doubled'), { batched: true, batchSize: 4, executor, outputs: 'v' })
      ).column<TensorColumn>('v');
      expect(rowsOf(twice)).toEqual(rows.map((r) => r?.map((v) => v * 2n) ?? null));
    }
  });
});
