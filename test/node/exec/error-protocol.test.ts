import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BatchFailedError,
  isAboutInput,
  isRetryable,
  ModelError,
  RowsFailedError,
  TesseraError,
  WorkerCrashedError,
} from '../../../src/core/errors.js';
import type { FunctionRef } from '../../../src/core/exec/function-ref.js';
import { deserializeError, serializeError } from '../../../src/core/exec/worker-protocol.js';
import { DataFrame } from '../../../src/core/frame/frame.js';
import { WorkerPoolExecutor } from '../../../src/node/exec/worker-pool.js';
import { sampleError, TESSERA_ERROR_CLASSES } from './fixtures/errors.js';

const FNS = new URL('./fixtures/errors.ts', import.meta.url);
const fn = (name: string): FunctionRef => ({ module: FNS, export: name });
const pool = new WorkerPoolExecutor({ size: 2 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-error-protocol-'));
afterAll(async () => {
  await pool.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Through the protocol as a worker sends it: serialised, cloned by postMessage, rebuilt. */
const roundTrip = (e: unknown) => deserializeError(structuredClone(serializeError(e)));

/** `got` is `want` again: the same class exactly, name, message, own fields and cause, recursively. */
function expectSameError(got: unknown, want: Error, at = 'error') {
  expect(got, at).toBeInstanceOf(want.constructor);
  expect(Object.getPrototypeOf(got), `${at}'s class`).toBe(Object.getPrototypeOf(want));
  const e = got as Error & Record<string, unknown>;
  expect(e.name, `${at}.name`).toBe(want.name);
  expect(e.message, `${at}.message`).toBe(want.message);
  expect(Object.keys(e).sort(), `${at}'s fields`).toEqual(Object.keys(want).sort());
  for (const key of Object.keys(want))
    expectSameValue(e[key], (want as unknown as Record<string, unknown>)[key], `${at}.${key}`);
  expect(Object.hasOwn(e, 'cause'), `${at} has a cause`).toBe(Object.hasOwn(want, 'cause'));
  expectSameValue(e.cause, want.cause, `${at}.cause`);
}

function expectSameValue(got: unknown, want: unknown, at: string) {
  if (want instanceof Error) expectSameError(got, want, at);
  else expect(got, at).toEqual(want);
}

const names = TESSERA_ERROR_CLASSES.map(([name]) => name);

describe('errors across the worker protocol', () => {
  it('covers every TesseraError class that core/errors.ts exports', () => {
    // Spot checks that the enumeration finds the classes from every former home.
    for (const name of [
      'TesseraError',
      'ColumnNotFoundError',
      'ShapeError',
      'ModelError',
      'MediaDecodeError',
    ])
      expect(names).toContain(name);
    expect(names.length).toBeGreaterThan(20);
  });

  it.each(names)('%s survives serializeError/deserializeError with its class, fields and cause', (name) => {
    const want = sampleError(name);
    expect(want.cause, 'the sample has a cause').toBeInstanceOf(Error);
    const got = roundTrip(want);
    expectSameError(got, want);
    expect(got.stack).toBe(want.stack);
    expect(got).toBeInstanceOf(TesseraError);
  });

  it.each(names)('%s thrown in a worker thread reaches the caller as it would inline', async (name) => {
    const want = sampleError(name);
    const df = new DataFrame({ className: [name] });
    for (const executor of [pool, undefined]) {
      const caught = await df
        .map(fn('throwSample'), { batched: true, executor, retries: 0 })
        .catch((e: unknown) => e);
      if (want instanceof RowsFailedError) {
        // Rows located in the batch: named as rows of the frame, with the input's error as the cause.
        expect(caught).toBeInstanceOf(BatchFailedError);
        expect((caught as BatchFailedError).rows).toEqual(want.rows);
        expectSameError((caught as BatchFailedError).cause, want.cause as Error);
      } else if (isRetryable(want) || isAboutInput(want)) {
        // A transient failure that used up its retries, or bad input at once: wrapped, with the
        // error itself as the cause.
        expect(caught).toBeInstanceOf(BatchFailedError);
        expect((caught as BatchFailedError).attempts).toBe(1);
        expectSameError((caught as BatchFailedError).cause, want);
      } else expectSameError(caught, want);
    }
  });

  it('rebuilds JavaScript errors as their class and other errors as an Error of their name', () => {
    const range = new RangeError('out of range', { cause: 'a string cause' });
    const back = roundTrip(range);
    expect(back).toBeInstanceOf(RangeError);
    expectSameError(back, range);

    class LibraryError extends Error {
      override name = 'LibraryError';
      code = 'E_LIB';
    }
    const theirs = roundTrip(new LibraryError('from a library'));
    expect(Object.getPrototypeOf(theirs)).toBe(Error.prototype);
    expect([theirs.name, theirs.message, (theirs as LibraryError).code]).toEqual([
      'LibraryError',
      'from a library',
      'E_LIB',
    ]);
    expect(String(theirs)).toBe('LibraryError: from a library');

    const thrown = roundTrip('a thrown string');
    expect([thrown.constructor, thrown.message]).toEqual([Error, 'a thrown string']);
  });

  it('leaves out what cannot cross (functions, cycles) and keeps the rest', () => {
    const e = new ModelError('model.onnx', 'bad output') as ModelError & Record<string, unknown>;
    e.callback = () => 1;
    e.self = e;
    e.cause = e;
    const serialized = serializeError(e);
    expect(() => structuredClone(serialized)).not.toThrow();
    const back = deserializeError(structuredClone(serialized)) as ModelError & Record<string, unknown>;
    expect(back).toBeInstanceOf(ModelError);
    expect(back.model).toBe('model.onnx');
    expect(back.message).toBe('model model.onnx: bad output');
    expect('callback' in back || 'self' in back || 'cause' in back).toBe(false);
  });
});

describe('retries by error class', () => {
  const logOf = (name: string) => {
    const log = path.join(dir, `${name}.log`);
    return { log, attempts: () => fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).length };
  };

  it('attempts a non-retryable error once, in a worker as inline, and throws it as its own class', async () => {
    for (const [label, executor] of [
      ['pool', pool],
      ['inline', undefined],
    ] as const) {
      const { log, attempts } = logOf(`model-${label}`);
      const df = new DataFrame({ log: [log, log] });
      const error = await df
        .map(fn('failWithModelError'), { batched: true, executor, retries: 2 })
        .catch((e: unknown) => e);
      expect(attempts(), label).toBe(1);
      expect(error, label).toBeInstanceOf(ModelError);
      expect((error as ModelError).model).toBe('model.onnx');
      expect((error as ModelError).message).toBe(
        'model model.onnx: it takes inputs of shape [n, 3], got [n, 4]',
      );
    }
  });

  it('retries a transient error until its retries are used up, then wraps it in BatchFailedError', async () => {
    for (const [label, executor] of [
      ['pool', pool],
      ['inline', undefined],
    ] as const) {
      const { log, attempts } = logOf(`range-${label}`);
      const df = new DataFrame({ log: [log, log] });
      const error = await df
        .map(fn('failWithRangeError'), { batched: true, executor, retries: 2 })
        .catch((e: unknown) => e);
      expect(attempts(), label).toBe(3);
      expect(error, label).toBeInstanceOf(BatchFailedError);
      expect((error as BatchFailedError).cause).toBeInstanceOf(RangeError);
    }
  });

  it('retries a worker thread that exits, then fails with BatchFailedError caused by WorkerCrashedError', async () => {
    const { log, attempts } = logOf('exit');
    const error = await new DataFrame({ log: [log] })
      .map(fn('exitThread'), { batched: true, executor: pool, retries: 1 })
      .catch((e: unknown) => e);
    expect(attempts()).toBe(2);
    expect(error).toBeInstanceOf(BatchFailedError);
    const cause = (error as BatchFailedError).cause as WorkerCrashedError;
    expect(cause).toBeInstanceOf(WorkerCrashedError);
    expect(cause.exitCode).toBe(3);
  });

  it('decides by class: transient Tessera errors and foreign errors are retried, the rest are not', () => {
    expect(isRetryable(new WorkerCrashedError(1, 'exited'))).toBe(true);
    expect(isRetryable(new Error('anything'))).toBe(true);
    expect(isRetryable(new ModelError('m.onnx', 'broken'))).toBe(false);
    expect(isRetryable(new BatchFailedError(0, 1, 3, new Error('x')))).toBe(false);
    expect(isRetryable(roundTrip(new WorkerCrashedError(1, 'exited')))).toBe(true);
  });
});
