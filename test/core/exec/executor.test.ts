import { MessageChannel } from 'node:worker_threads';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, TransferList } from '../../../src/core/exec/batch-transfer.js';
import { registerProgressDisplay } from '../../../src/core/exec/progress.js';
import {
  BatchFailedError,
  DataFrame,
  InvalidArgumentError,
  type Progress,
  type RunProgressEvent,
  TypeMismatchError,
} from '../../../src/core/index.js';
import { arbRows, frameOf, plainRows } from '../../helpers/arbitrary.js';

const FNS = new URL('../../node/exec/fixtures/fns.ts', import.meta.url);

const numbers = (n: number) =>
  new DataFrame({
    id: Int32Array.from({ length: n }, (_, i) => i),
    x: Float64Array.from({ length: n }, (_, i) => (i * 5) % 9),
  });

describe('inline runs', () => {
  it('retries a failing batch and then names its rows; Tessera errors are not retried', async () => {
    let calls = 0;
    const error = (await numbers(20)
      .map(
        (r) => {
          if (r.id === 7) {
            calls++;
            throw new Error('bad row');
          }
          return r.x;
        },
        { batchSize: 6 },
      )
      .catch((e) => e)) as BatchFailedError;
    expect(error).toBeInstanceOf(BatchFailedError);
    expect([error.start, error.end, error.attempts, calls]).toEqual([6, 12, 3, 3]);

    let flaky = 0;
    const out = await numbers(10).map(
      (r) => {
        if (r.id === 3 && flaky++ < 2) throw new Error('flaky');
        return r.id;
      },
      { batchSize: 4 },
    );
    expect(out.column('output').toArray()).toEqual(Array.from({ length: 10 }, (_, i) => i));

    let typeCalls = 0;
    await expect(
      numbers(5).map(
        () => {
          typeCalls++;
          return 1;
        },
        { outputs: ['a', 'b'], batchSize: 5 },
      ),
    ).rejects.toThrow(TypeMismatchError);
    expect(typeCalls).toBe(5); // one batch of 5 rows, once
  });

  it('reports progress in rows to a callback and as events on an EventTarget', async () => {
    const target = new EventTarget();
    const seen: [string, Progress][] = [];
    for (const type of ['progress', 'done'])
      target.addEventListener(type, (e) => seen.push([type, (e as RunProgressEvent).detail]));
    const callback: Progress[] = [];
    await numbers(25).map((r) => r.x, {
      batchSize: 10,
      progressTarget: target,
      onProgress: (p) => callback.push(p),
      progressBar: false,
    });
    expect(seen.map(([t, p]) => [t, p.done, p.total])).toEqual([
      ['progress', 10, 25],
      ['progress', 20, 25],
      ['progress', 25, 25],
      ['done', 25, 25],
    ]);
    expect(callback.map((p) => p.done)).toEqual([10, 20, 25]);
  });

  it('opens the registered display only for runs that last, and not when progressBar is false', async () => {
    const calls: string[] = [];
    registerProgressDisplay((label, total) => {
      calls.push(`open ${label} ${total}`);
      return { update: (p) => calls.push(`update ${p.done}`), stop: () => calls.push('stop') };
    });
    try {
      const slowFirst = async (r: Record<string, unknown>) => {
        if (r.id === 0) await new Promise((resolve) => setTimeout(resolve, 600));
        return r.id;
      };
      await numbers(12).map((r) => r.id, { batchSize: 4 }); // quick: no display
      expect(calls).toEqual([]);
      await numbers(12).map(slowFirst, { batchSize: 4, progressBar: false });
      expect(calls).toEqual([]);
      await numbers(12).map(slowFirst, { batchSize: 4 });
      expect(calls).toEqual(['open map 12', 'update 4', 'update 8', 'update 12', 'stop']);
    } finally {
      registerProgressDisplay(null);
    }
  });

  it('filters and updates with options, and runs functions named by module inline', async () => {
    const df = numbers(30);
    const naive = df.toRecords().filter((r) => (r.x as number) % 2 !== 0);
    expect(
      (
        await df.filterAsync((r: Record<string, unknown>) => (r.x as number) % 2 !== 0, { batchSize: 7 })
      ).toRecords(),
    ).toEqual(naive);
    expect((await df.filterAsync({ module: FNS, export: 'isOdd' })).toRecords()).toEqual(naive);
    const batched = await df.filterAsync(
      (b: DataFrame) => (b.column('x').toArray() as number[]).map((x) => (x % 2 !== 0 ? 1 : 0)),
      { batched: true, batchSize: 4 },
    );
    expect(batched.toRecords()).toEqual(naive);

    const updated = await df.update({ module: FNS, export: 'batchSquare' }, { batched: true, outputs: 'sq' });
    expect(updated.columnNames).toEqual(['id', 'x', 'sq']);
    expect(updated.column('sq').toArray()).toEqual(
      df
        .column('x')
        .toArray()
        .map((x) => (x as number) ** 2),
    );
  });
});

describe('inline run boundaries (fixed examples beside the property test)', () => {
  /** A map whose row 2 throws its first `failures` times; counts the calls on that row. */
  async function flakyRun(failures: number, retries?: number) {
    let calls = 0;
    const result = await numbers(5)
      .map(
        (r) => {
          if (r.id === 2 && calls++ < failures) throw new Error('flaky');
          return r.id;
        },
        { batchSize: 2, ...(retries === undefined ? {} : { retries }) },
      )
      .catch((e: unknown) => e);
    return { result, calls };
  }

  it('retries = 0: one attempt, and the first failure names rows [2, 4) with attempts 1', async () => {
    const { result, calls } = await flakyRun(1, 0);
    expect(result).toBeInstanceOf(BatchFailedError);
    const e = result as BatchFailedError;
    expect([e.start, e.end, e.attempts, calls]).toEqual([2, 4, 1, 1]);
  });

  it('a batch failing exactly `retries` times succeeds on the last attempt; one more failure fails it', async () => {
    for (const retries of [0, 1, 2, 4]) {
      const ok = await flakyRun(retries, retries);
      expect(ok.result, `retries ${retries}`).toBeInstanceOf(DataFrame);
      expect((ok.result as DataFrame).column('output').toArray()).toEqual([0, 1, 2, 3, 4]);
      expect(ok.calls).toBe(retries + 1);
      const failed = await flakyRun(retries + 1, retries);
      expect(failed.result).toBeInstanceOf(BatchFailedError);
      expect((failed.result as BatchFailedError).attempts).toBe(retries + 1);
    }
    // The default is 2 retries (3 attempts).
    expect((await flakyRun(2)).result).toBeInstanceOf(DataFrame);
    expect(((await flakyRun(3)).result as BatchFailedError).attempts).toBe(3);
  });

  it('retries that are not a non-negative integer are an InvalidArgumentError', async () => {
    for (const retries of [-1, 1.5, Number.NaN])
      await expect(numbers(3).map((r) => r.id, { retries })).rejects.toThrow(InvalidArgumentError);
  });

  it('0 rows call nothing; batchSize 1, = length and > length give every row in order', async () => {
    let calls = 0;
    const empty = await numbers(0).map(() => {
      calls++;
      return 1;
    });
    expect([empty.length, calls]).toEqual([0, 0]);
    for (const batchSize of [1, 7, 8]) {
      const sizes: number[] = [];
      const out = await numbers(7).map(
        (b: DataFrame) => {
          sizes.push(b.length);
          return (b.column('id').toArray() as number[]).map((v) => v * 2);
        },
        { batchSize, batched: true },
      );
      expect(out.column('output').toArray()).toEqual([0, 2, 4, 6, 8, 10, 12]);
      expect(sizes).toEqual(batchSize === 1 ? [1, 1, 1, 1, 1, 1, 1] : [7]);
    }
  });
});

describe('batch messages', () => {
  it('round-trip any frame, and move the batch buffers instead of copying them', async () => {
    await fc.assert(
      fc.asyncProperty(arbRows(undefined, 20), async (rows) => {
        const df = frameOf(rows);
        const batch = df.slice(0, df.length); // fresh copies, as a map batch is
        const before = plainRows(batch);
        const transfer = new TransferList();
        const message = await encodeFrame(batch, transfer);
        const channel = new MessageChannel();
        const received = new Promise<unknown>((resolve) => {
          channel.port2.once('message', resolve);
        });
        channel.port1.postMessage(message, transfer.buffers);
        const back = decodeFrame((await received) as typeof message);
        channel.port1.close();
        expect(plainRows(back)).toEqual(before);
        expect(back.schema).toEqual(df.schema);
        // Every moved buffer is detached here, and the source frame is untouched.
        for (const b of transfer.buffers) expect(b.byteLength).toBe(0);
        expect(plainRows(df)).toEqual(before);
      }),
      { numRuns: 40 },
    );
  });
});
