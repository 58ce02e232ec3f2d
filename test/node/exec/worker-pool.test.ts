import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BatchFailedError,
  type BatchPlan,
  DataFrame,
  type FunctionRef,
  LengthMismatchError,
  type MapOptions,
  UnsupportedError,
} from '../../../src/core/index.js';
import { WorkerPoolExecutor } from '../../../src/node/exec/index.js';
import { arbRows, frameOf, plainRows } from '../../helpers/arbitrary.js';

const FNS = new URL('./fixtures/fns.ts', import.meta.url);
const fn = (name: string): FunctionRef => ({ module: FNS, export: name });

// One pool for the file: threads start once (slow from TypeScript sources) and serve every test.
const pool = new WorkerPoolExecutor({ size: 2 });
afterAll(() => pool.close());

const numbers = (n: number) =>
  new DataFrame({
    id: Int32Array.from({ length: n }, (_, i) => i),
    x: Float64Array.from({ length: n }, (_, i) => (i * 7) % 11),
    s: Array.from({ length: n }, (_, i) => `r${i}`),
  });

describe('WorkerPoolExecutor', () => {
  it('gives the same frame as inline over random frames of every column kind', async () => {
    await fc.assert(
      fc.asyncProperty(arbRows(undefined, 25), fc.integer({ min: 1, max: 9 }), async (rows, batchSize) => {
        const df = frameOf(rows);
        const options = { batchSize, outputs: ['text', 'n'] };
        const inline = await df.map(fn('summary'), options);
        const workers = await df.map(fn('summary'), { ...options, executor: pool });
        expect(workers.schema).toEqual(inline.schema);
        expect(plainRows(workers)).toEqual(plainRows(inline));
        // And against a naive per-row loop over the frame's own rows.
        const { summary } = await import('./fixtures/fns.js');
        expect(workers.column('text').toArray()).toEqual(df.toRecords().map((r) => summary(r).text));
      }),
      { numRuns: 12 },
    );
  });

  it('returns typed outputs and several outputs as inline does (tensor rows packed and unpacked)', async () => {
    const df = numbers(37).withColumn('x', [1, null, ...Array.from({ length: 35 }, (_, i) => i)]);
    const cases: [string, MapOptions][] = [
      ['describe', { outputs: ['tag', 'vec'], batchSize: 5 }],
      ['batchSquare', { batched: true, batchSize: 8, outputs: { sq: 'float64' } }],
    ];
    for (const [name, options] of cases) {
      const inline = await df.map(fn(name), options);
      const workers = await df.map(fn(name), { ...options, executor: pool });
      expect(workers.schema).toEqual(inline.schema);
      expect(plainRows(workers)).toEqual(plainRows(inline));
    }
    // A deferred column is computed in this thread and sent as values; `inputs` sends only those columns.
    const deferred = df.defer('d', ['x'], (x: number | null) => (x === null ? null : `d${x * 2}`));
    const inlineD = await deferred.map(fn('summary'), {
      inputs: ['x', 'd'],
      outputs: ['text', 'n'],
      batchSize: 6,
    });
    const workersD = await deferred.map(fn('summary'), {
      inputs: ['x', 'd'],
      outputs: ['text', 'n'],
      batchSize: 6,
      executor: pool,
    });
    expect(plainRows(workersD)).toEqual(plainRows(inlineD));
    expect(workersD.row(4).text).toBe(
      JSON.stringify([
        ['x', 2],
        ['d', 'd4'],
      ]),
    );
    const sq = await df.map(fn('batchSquare'), { batched: true, batchSize: 8, executor: pool });
    expect(Array.from(sq.column('output').toArray() as number[])).toEqual(
      (df.column('x').toArray() as (number | null)[]).map((v) => (v ?? 0) ** 2),
    );
  });

  it('keeps row order when batches finish out of order', async () => {
    const df = numbers(60);
    const events: number[] = [];
    const out = await df.map(fn('uneven'), {
      batched: true,
      batchSize: 3,
      executor: pool,
      onProgress: (p) => events.push(p.done),
    });
    expect(Array.from(out.column('output').toArray() as number[])).toEqual(
      Array.from({ length: 60 }, (_, i) => i * 10),
    );
    expect(events.length).toBe(20);
    expect(events.at(-1)).toBe(60);
  });

  it('filters and updates on workers', async () => {
    const df = numbers(41);
    const odd = await df.filterAsync(fn('isOdd'), { executor: pool, batchSize: 6 });
    expect(odd.toRecords()).toEqual(df.toRecords().filter((r) => (r.x as number) % 2 !== 0));
    const tagged = await df.update(fn('describe'), {
      outputs: ['tag', 'vec'],
      executor: pool,
      batchSize: 10,
    });
    expect(tagged.columnNames).toEqual(['id', 'x', 's', 'tag', 'vec']);
    const x4 = df.row(4).x as number;
    expect(tagged.row(4).tag).toBe(`r4:${x4}`);
    expect(Array.from(tagged.row(4).vec as Float32Array)).toEqual([x4, -x4, x4 * x4]);
    // An output named like a column replaces it, in place.
    const squared = await df.update(fn('batchSquare'), {
      batched: true,
      outputs: 'x',
      executor: pool,
      batchSize: 7,
    });
    expect(squared.columnNames).toEqual(['id', 'x', 's']);
    expect(squared.column('x').toArray()).toEqual(
      df
        .column('x')
        .toArray()
        .map((v) => (v as number) ** 2),
    );
  });

  it('moves results back without copying: the worker sees its returned arrays detached', async () => {
    const out = await numbers(24).map(fn('reportPrevious'), { batched: true, batchSize: 4, executor: pool });
    const perBatch = Array.from({ length: 6 }, (_, b) => out.column('output').get(b * 4));
    // -1: the first batch of a worker; 0: the array it returned before was transferred (a copy would
    // still have its 32 bytes there).
    expect(perBatch.every((v) => v === -1 || v === 0)).toBe(true);
    expect(perBatch.filter((v) => v === -1).length).toBeLessThanOrEqual(pool.size);
  });

  it('moves the buffers of a batch message to the worker', async () => {
    const sent: Float64Array[] = [];
    const plan: BatchPlan<number> = {
      count: 3,
      rows: (b) => [b * 4, b * 4 + 4],
      run: async () => {
        throw new Error('runs on workers only');
      },
      remote: {
        task: {
          kind: 'map',
          setup: { fn: { module: FNS.href, export: 'batchSquare' }, batched: true, names: ['y'] },
        },
        send: async (b) => {
          const x = Float64Array.from({ length: 4 }, (_, i) => b * 4 + i);
          sent.push(x);
          const data = {
            names: ['x'],
            length: 4,
            columns: [
              { kind: 'scalar', dtype: 'float64', length: 4, values: x, offsets: null, validity: null },
            ],
          };
          return { data, transfer: [x.buffer] };
        },
        receive: (reply) => {
          const [y] = reply as { kind: 'typed'; data: Float64Array }[];
          return y.data.reduce((a, v) => a + v, 0);
        },
      },
    };
    const sums = await pool.runBatches(plan);
    expect(sums).toEqual([0, 1, 2].map((b) => [0, 1, 2, 3].reduce((a, i) => a + (b * 4 + i) ** 2, 0)));
    for (const x of sent) expect(x.buffer.byteLength).toBe(0);
  });

  it('refuses closures and keeps Tessera errors as they are (not retried)', async () => {
    const df = numbers(10);
    await expect(df.map((r) => r.x, { executor: pool })).rejects.toThrow(UnsupportedError);
    // A batched function that returns one value per row of a different length: the same error class as inline.
    await expect(
      df.map(fn('reportPrevious'), { batched: true, batchSize: 4, outputs: ['a', 'b'], executor: pool }),
    ).rejects.toThrow(/several outputs/);
    await expect(df.map(fn('oneValue'), { batched: true, executor: pool })).rejects.toThrow(
      LengthMismatchError,
    );
  });
});

describe('WorkerPoolExecutor boundaries (fixed examples beside the property test)', () => {
  it('0 rows, batchSize 1, = length and > length (fewer batches than threads): as a plain per-row loop', async () => {
    const { score } = await import('./fixtures/fns.js');
    const empty = await numbers(0).map(fn('score'), { executor: pool });
    expect(empty.length).toBe(0);
    const df = numbers(7);
    const want = df.toRecords().map(score);
    for (const batchSize of [1, 7, 8]) {
      const out = await df.map(fn('score'), { batchSize, executor: pool });
      expect(out.column('output').toArray(), `batchSize ${batchSize}`).toEqual(want);
    }
  });

  it('retries = 0: a failing batch fails on its first attempt, naming its rows', async () => {
    const error = await numbers(20)
      .map(fn('failOn13'), { batched: true, batchSize: 6, retries: 0, executor: pool })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchFailedError);
    const e = error as BatchFailedError;
    expect([e.start, e.end, e.attempts]).toEqual([12, 18, 1]);
  });
});
