// WebWorkerExecutor in Node, over stand-in workers (Node has no Web Workers; the real ones run in
// Chromium in test/e2e/in-tab-map.test.ts): each answers with the same batchAnswerer a Web Worker's
// answerBatchRequests uses, its messages structured-cloned as postMessage does. The outputs equal a
// naive loop; a worker that reports an error is replaced and the batch retried; without a global
// Worker a script URL gives a clear UnsupportedError.
import { describe, expect, it } from 'vitest';
import { TypeMismatchError, UnsupportedError } from '../../../src/core/errors.js';
import { batchAnswerer } from '../../../src/core/exec/batch-answer.js';
import { registerFunctionModule } from '../../../src/core/exec/function-ref.js';
import {
  type WebWorkerEvent,
  WebWorkerExecutor,
  type WebWorkerLike,
} from '../../../src/core/exec/web-worker-pool.js';
import type { WorkerRequest } from '../../../src/core/exec/worker-protocol.js';
import { DataFrame } from '../../../src/core/frame/frame.js';

registerFunctionModule('test:web-fns', {
  double: (row: { x: number }) => row.x * 2,
  odd: (row: { x: number }) => {
    if (row.x === 13) throw new TypeMismatchError('13 is not welcome');
    return row.x;
  },
});

/** A worker in this thread: replies after a tick; `crashes` of them report an error instead, once each. */
function standIn(log: { started: number; crashes: number }): () => WebWorkerLike {
  return () => {
    log.started++;
    const answer = batchAnswerer();
    const listeners = new Map<string, ((e: WebWorkerEvent) => void)[]>();
    const emit = (type: string, event: WebWorkerEvent) => {
      for (const l of listeners.get(type) ?? []) l(event);
    };
    let stopped = false;
    return {
      addEventListener: (type, listener) => listeners.set(type, [...(listeners.get(type) ?? []), listener]),
      terminate: () => {
        stopped = true;
      },
      postMessage: (message, transfer) => {
        const request = structuredClone(message, { transfer }) as WorkerRequest;
        setTimeout(async () => {
          if (log.crashes > 0) {
            log.crashes--;
            emit('error', { message: 'boom' });
            return;
          }
          const { reply, transfer: back } = await answer(request);
          if (!stopped) emit('message', { data: structuredClone(reply, { transfer: back }) });
        });
      },
    };
  };
}

const xs = Array.from({ length: 1000 }, (_, i) => i);
const df = DataFrame.fromRecords(
  xs.map((x) => ({ x })),
  { x: 'int32' },
);

describe('WebWorkerExecutor', () => {
  it('gives what a naive loop gives, in row order, with progress per batch', async () => {
    const log = { started: 0, crashes: 0 };
    const pool = new WebWorkerExecutor({ worker: standIn(log), size: 3 });
    const done: number[] = [];
    const out = await df.map(
      { module: 'test:web-fns', export: 'double' },
      { executor: pool, batchSize: 64, onProgress: (p) => done.push(p.done) },
    );
    expect(Array.from(out.column('output').toArray())).toEqual(xs.map((x) => x * 2));
    expect(done.at(-1)).toBe(1000);
    expect(done.length).toBe(Math.ceil(1000 / 64));
    expect(log.started).toBe(3);
    await pool.close();
  });

  it('replaces a worker that reports an error and retries its batch', async () => {
    const log = { started: 0, crashes: 1 };
    const pool = new WebWorkerExecutor({ worker: standIn(log), size: 2 });
    const out = await df.map(
      { module: 'test:web-fns', export: 'double' },
      { executor: pool, batchSize: 250 },
    );
    expect(Array.from(out.column('output').toArray())).toEqual(xs.map((x) => x * 2));
    expect(log.started).toBe(3);
    await pool.close();
  });

  it('passes a typed error through unchanged', async () => {
    const pool = new WebWorkerExecutor({ worker: standIn({ started: 0, crashes: 0 }), size: 2 });
    const run = df.map({ module: 'test:web-fns', export: 'odd' }, { executor: pool, batchSize: 100 });
    await expect(run).rejects.toBeInstanceOf(TypeMismatchError);
    await expect(run).rejects.toThrow('13 is not welcome');
    await pool.close();
  });

  it('says so where there are no Web Workers', async () => {
    const pool = new WebWorkerExecutor({ worker: 'https://example.invalid/w.js', size: 1 });
    await expect(
      df.map({ module: 'test:web-fns', export: 'double' }, { executor: pool }),
    ).rejects.toBeInstanceOf(UnsupportedError);
  });
});
