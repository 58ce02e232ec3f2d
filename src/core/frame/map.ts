import type { Column } from '../column/column.js';
import { type ColumnTypeHint, column } from '../column/infer.js';
import { InvalidArgumentError, LengthMismatchError, TypeMismatchError } from '../errors.js';
import { type Executor, inline, type Progress } from './executor.js';
import type { DataFrame, Row } from './frame.js';

/**
 * Per row: gets the row, returns the value (one output) or an object of values (several outputs).
 * Batched: gets a frame of `batchSize` rows, returns an array of values (one output) or an object
 * of arrays. Either may be async.
 */
export type MapFn<T> = ((row: Row) => T | Promise<T>) | ((batch: DataFrame) => T | Promise<T>);

export interface MapOptions {
  /** Call `fn` once per batch (with a frame view of the batch) instead of once per row. */
  batched?: boolean;
  /** Rows per batch (default 1024). Per-row functions are also scheduled in batches of this size. */
  batchSize?: number;
  /** Columns the function reads (default: all); fewer columns means less work per row. */
  inputs?: string[];
  /**
   * Names of the output columns, optionally with their types. One name (the default is 'output')
   * means `fn` returns the value itself; several mean it returns an object keyed by name.
   */
  outputs?: string | string[] | Record<string, ColumnTypeHint>;
  /** Where batches run (default: inline, in this thread). */
  executor?: Executor;
  /** Cancels the run between batches. */
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/** Apply `fn` over the frame and return a frame of the output columns, in row order. */
export async function mapFrame<T>(df: DataFrame, fn: MapFn<T>, options: MapOptions): Promise<DataFrame> {
  const batchSize = options.batchSize ?? 1024;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new InvalidArgumentError(`batchSize must be a positive integer, got ${batchSize}`);
  const { names, types } = outputSpec(options.outputs);
  const single = names.length === 1;
  const frame = options.inputs ? df.select(options.inputs) : df;
  const count = Math.ceil(frame.length / batchSize);
  const executor = options.executor ?? inline;

  const runBatch = async (b: number): Promise<ArrayLike<unknown>[]> => {
    const start = b * batchSize;
    const batch = frame.slice(start, Math.min(frame.length, start + batchSize));
    if (options.batched) {
      const out = await (fn as (batch: DataFrame) => T | Promise<T>)(batch);
      return names.map((name) => batchOutput(single ? out : pick(out, name), name, batch.length));
    }
    const rows = await Promise.all(
      Array.from({ length: batch.length }, (_, i) => (fn as (row: Row) => T | Promise<T>)(batch.row(i))),
    );
    return names.map((name) => (single ? rows : rows.map((r) => pick(r, name))));
  };

  const results = await executor.runBatches(count, runBatch, {
    signal: options.signal,
    onProgress: options.onProgress,
  });
  const cols: Record<string, Column> = {};
  names.forEach((name, k) => {
    cols[name] = column(joinBatches(results.map((r) => r[k])), types[name]);
  });
  return new (df.constructor as typeof DataFrame)(cols);
}

function outputSpec(outputs: MapOptions['outputs']): {
  names: string[];
  types: Record<string, ColumnTypeHint | undefined>;
} {
  if (outputs === undefined) return { names: ['output'], types: {} };
  if (typeof outputs === 'string') return { names: [outputs], types: {} };
  if (Array.isArray(outputs)) {
    if (outputs.length === 0) throw new InvalidArgumentError('outputs must name at least one column');
    return { names: outputs, types: {} };
  }
  return { names: Object.keys(outputs), types: outputs as Record<string, ColumnTypeHint> };
}

function pick(value: unknown, name: string): unknown {
  if (value === null || typeof value !== 'object' || !(name in (value as object)))
    throw new TypeMismatchError(`map with several outputs must return an object with a "${name}" entry`);
  return (value as Record<string, unknown>)[name];
}

function batchOutput(value: unknown, name: string, rows: number): ArrayLike<unknown> {
  const values =
    value !== null && typeof value === 'object' && 'toArray' in value && 'kind' in value
      ? (value as Column).toArray()
      : (value as ArrayLike<unknown>);
  if (values === null || values === undefined || typeof values.length !== 'number')
    throw new TypeMismatchError(
      `a batched map must return an array (or typed array) of values for "${name}"`,
    );
  if (values.length !== rows)
    throw new LengthMismatchError(
      `a batched map returned ${values.length} values for "${name}" from a batch of ${rows} rows`,
    );
  return values;
}

/** Join per-batch outputs; typed arrays of one type stay one typed array (no boxing). */
function joinBatches(parts: ArrayLike<unknown>[]): ArrayLike<unknown> {
  const first = parts[0];
  if (first && ArrayBuffer.isView(first) && parts.every((p) => p.constructor === first.constructor)) {
    const total = parts.reduce((s, p) => s + p.length, 0);
    const out = new (first.constructor as new (n: number) => Float64Array)(total);
    let at = 0;
    for (const p of parts) {
      out.set(p as Float64Array, at);
      at += p.length;
    }
    return out;
  }
  const out: unknown[] = [];
  for (const p of parts) for (let i = 0; i < p.length; i++) out.push(p[i]);
  return out;
}
