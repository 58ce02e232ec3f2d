import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AbortedError,
  BatchFailedError,
  DataFrame,
  type FunctionRef,
  type Progress,
  UnsupportedError,
} from '../../../src/core/index.js';
import { WorkerPoolExecutor } from '../../../src/node/exec/index.js';

const FNS = new URL('./fixtures/fns.ts', import.meta.url);
const fn = (name: string): FunctionRef => ({ module: FNS, export: name });
const pool = new WorkerPoolExecutor({ size: 2 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-exec-'));
afterAll(async () => {
  await pool.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const ids = (n: number, extra: Record<string, unknown[]> = {}) =>
  new DataFrame({ id: Int32Array.from({ length: n }, (_, i) => i), ...extra });

describe('WorkerPoolExecutor failures', () => {
  it('retries a failing batch, then fails naming its rows [start, end) and the cause', async () => {
    const run = ids(30).map(fn('failOn13'), { batched: true, batchSize: 5, executor: pool });
    const error = (await run.catch((e) => e)) as BatchFailedError;
    expect(error).toBeInstanceOf(BatchFailedError);
    expect([error.start, error.end, error.attempts]).toEqual([10, 15, 3]);
    expect((error.cause as Error).name).toBe('RangeError');
    expect(error.message).toMatch(/rows \[10, 15\) failed 3 times: RangeError: id 13 is unlucky/);

    const once = (await ids(30)
      .map(fn('failOn13'), { batched: true, batchSize: 4, executor: pool, retries: 0 })
      .catch((e) => e)) as BatchFailedError;
    expect([once.start, once.end, once.attempts]).toEqual([12, 16, 1]);
  });

  it('succeeds when a retry succeeds: a thrown error, and a worker thread that dies', async () => {
    for (const crash of [false, true]) {
      const marker = path.join(dir, `marker-${crash}`);
      const df = ids(20, {
        marker: Array.from({ length: 20 }, () => marker),
        crash: Array.from({ length: 20 }, () => crash),
      });
      const out = await df.map(fn('failOnce'), { batched: true, batchSize: 3, executor: pool });
      expect(fs.existsSync(marker)).toBe(true); // it did fail once
      expect(Array.from(out.column('output').toArray() as number[])).toEqual(
        Array.from({ length: 20 }, (_, i) => i),
      );
    }
  });

  it('fails at once, unretried, on a task kind the worker has not registered', async () => {
    let sent = 0;
    const run = pool.runBatches({
      count: 2,
      rows: (b) => [b, b + 1],
      run: async () => 0,
      remote: {
        task: { kind: 'nope', setup: {} },
        send: async () => {
          sent++;
          return { data: null, transfer: [] };
        },
        receive: () => 0,
      },
    });
    await expect(run).rejects.toThrow(UnsupportedError);
    await expect(run).rejects.toThrow(/no batch task of kind "nope"/);
    expect(sent).toBeLessThanOrEqual(2); // one try per batch at most: not retried
  });

  it('cancels mid-run with an AbortedError, stops the busy threads, and runs again afterwards', async () => {
    const controller = new AbortController();
    const events: Progress[] = [];
    const run = ids(200).map(fn('slow'), {
      batched: true,
      batchSize: 5,
      executor: pool,
      signal: controller.signal,
      onProgress: (p) => {
        events.push(p);
        if (p.done >= 10) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(AbortedError);
    expect(events.at(-1)?.done).toBeLessThan(200);
    expect(pool.threads).toBeLessThan(2); // the threads computing this run's batches were stopped
    const again = await ids(12).map(fn('failOn13'), { batched: true, batchSize: 4, executor: pool });
    expect(Array.from(again.column('output').toArray() as number[])).toEqual(
      Array.from({ length: 12 }, (_, i) => i),
    );
    // An already cancelled signal fails before any batch runs.
    await expect(
      ids(4).map(fn('slow'), { batched: true, executor: pool, signal: AbortSignal.abort() }),
    ).rejects.toThrow(AbortedError);
  });

  it("an AbortedError's cause is the signal's reason: given to abort(), or its DOMException", async () => {
    const reason = new Error('user stop');
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 20);
    const midRun = await ids(200)
      .map(fn('slow'), { batched: true, batchSize: 5, executor: pool, signal: controller.signal })
      .catch((e) => e);
    expect(midRun).toBeInstanceOf(AbortedError);
    expect(midRun.cause).toBe(reason);
    expect(midRun.message).toMatch(/cancelled after \d+ of 40 batches: user stop/);

    const before = await ids(4)
      .map(fn('slow'), { batched: true, executor: pool, signal: AbortSignal.abort(reason) })
      .catch((e) => e);
    expect(before).toBeInstanceOf(AbortedError);
    expect(before.cause).toBe(reason);

    const plain = new AbortController();
    plain.abort();
    const noReason = await ids(4)
      .map(fn('slow'), { batched: true, executor: pool, signal: plain.signal })
      .catch((e) => e);
    expect(noReason.cause).toBe(plain.signal.reason);
    expect((noReason.cause as DOMException).name).toBe('AbortError');
  });
});
