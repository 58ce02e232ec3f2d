import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  DataFrame,
  InlineExecutor,
  InvalidArgumentError,
  LengthMismatchError,
  type Progress,
  TypeMismatchError,
} from '../../../src/index.js';

const df = new DataFrame({
  x: Array.from({ length: 10 }, (_, i) => i),
  s: Array.from({ length: 10 }, (_, i) => `r${i}`),
});

describe('map', () => {
  it('maps rows to one output column, in row order', async () => {
    const out = await df.map((r) => (r.x as number) * 2, { outputs: 'double', batchSize: 3 });
    expect(out.columnNames).toEqual(['double']);
    expect(out.column('double').toArray()).toEqual(
      df
        .column('x')
        .toArray()
        .map((v) => (v as number) * 2),
    );
  });

  it('maps batches (frame views) to several outputs, keeping typed arrays unboxed', async () => {
    const seen: number[] = [];
    const out = await df.map(
      (batch: DataFrame) => {
        seen.push(batch.length);
        const x = batch.column('x').toArray() as number[];
        return {
          sq: Float64Array.from(x, (v) => v * v),
          tag: batch
            .column('s')
            .toArray()
            .map((s) => `${s}!`),
        };
      },
      { batched: true, batchSize: 4, outputs: ['sq', 'tag'] },
    );
    expect(seen).toEqual([4, 4, 2]);
    expect(out.column('sq').type).toEqual({ kind: 'scalar', dtype: 'float64' });
    expect(out.row(3)).toEqual({ sq: 9, tag: 'r3!' });
  });

  it('awaits async functions and produces tensor outputs', async () => {
    const out = await df.map(async (r) => [r.x as number, -(r.x as number)], { outputs: 'vec' });
    expect(out.column('vec').type).toEqual({ kind: 'tensor', dtype: 'float32', shape: [2] });
    expect(Array.from(out.column('vec').get(9) as Float32Array)).toEqual([9, -9]);
  });

  it('uses the output types given', async () => {
    const out = await df.map((r) => r.x, { outputs: { n: 'int32' } });
    expect(out.column('n').type).toEqual({ kind: 'scalar', dtype: 'int32' });
  });

  it('reports progress per batch and can be cancelled', async () => {
    const events: Progress[] = [];
    await df.map((r) => r.x, {
      batchSize: 5,
      onProgress: (p) => events.push(p),
      executor: new InlineExecutor(),
    });
    expect(events.map(({ done, total }) => ({ done, total }))).toEqual([
      { done: 5, total: 10 },
      { done: 10, total: 10 },
    ]);
    for (const e of events) expect(e.rowsPerSecond).toBeGreaterThan(0);
    const controller = new AbortController();
    const run = df.map(
      (r) => {
        controller.abort();
        return r.x;
      },
      { batchSize: 2, signal: controller.signal },
    );
    await expect(run).rejects.toThrow(AbortedError);
  });

  it('gives clear errors for bad options and bad outputs', async () => {
    await expect(df.map((r) => r.x, { batchSize: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(df.map((r) => r.x, { outputs: ['a', 'b'] })).rejects.toThrow(TypeMismatchError);
    await expect(df.map((r) => r.x, { outputs: [] })).rejects.toThrow(InvalidArgumentError);
    await expect(df.map(() => [1], { batched: true })).rejects.toThrow(LengthMismatchError);
  });

  it('handles an empty frame', async () => {
    const out = await df.head(0).map((r) => r.x, { outputs: 'y' });
    expect(out.length).toBe(0);
    expect(out.columnNames).toEqual(['y']);
  });
});
