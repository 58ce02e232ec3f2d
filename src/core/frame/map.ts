import type { Column } from '../column/column.js';
import { DeferredColumn } from '../column/deferred.js';
import { type ColumnTypeHint, column } from '../column/infer.js';
import { resolveColumn } from '../column/lazy.js';
import { InvalidArgumentError, LengthMismatchError, TypeMismatchError } from '../errors.js';
import {
  type BatchRunOptions,
  batchSizeOf,
  frameBatchPlan,
  registerFrameBatchTask,
  runPlan,
} from '../exec/batch-run.js';
import { batchValues } from '../exec/batch-values.js';
import { type FunctionRef, isFunctionRef, loadFunction, moduleSpecifier } from '../exec/function-ref.js';
import { asTensorBatch, streamTo, type TensorOutput, tensorSinkOpener } from '../exec/output-sink.js';
import type { DataFrame, Row } from './frame.js';
import { createFrame } from './frame-factory.js';
import { setOwnValue } from './records.js';

/**
 * Per row: gets the row, returns the value (one output) or an object of values (several outputs).
 * Batched: gets a frame of `batchSize` rows, returns an array of values (one output) or an object
 * of arrays. Either may be async.
 */
export type MapFn<T> = ((row: Row) => T | Promise<T>) | ((batch: DataFrame) => T | Promise<T>);

/**
 * A function to map with: a function value (runs inline only), or one named by module and export
 * (runs on any executor, worker threads included).
 */
export type MapFunction<T> = MapFn<T> | FunctionRef;

export interface MapOptions extends BatchRunOptions {
  /** Call `fn` once per batch (with a frame view of the batch) instead of once per row. */
  batched?: boolean;
  /** Rows per batch (default 1024). Per-row functions are also scheduled in batches of this size. */
  batchSize?: number;
  /** Columns the function reads (default: all); fewer columns means less work (and less to send to workers). */
  inputs?: string[];
  /**
   * Names of the output columns, optionally with their types. One name (the default is 'output')
   * means `fn` returns the value itself; several mean it returns an object keyed by name.
   */
  outputs?: string | string[] | Record<string, ColumnTypeHint>;
  /**
   * Stream the (single, tensor or numeric) output to an `.npy` file as batches complete, in row
   * order; the output column then reads from that file instead of holding the rows in memory.
   */
  output?: TensorOutput;
}

/** How a batch's outputs are computed: per row or batched, and the output names. */
export interface MapBatchSpec {
  batched: boolean;
  names: string[];
}

/** What a worker builds a map's runner from: the function by name, and the batch spec. */
interface MapTaskSetup extends MapBatchSpec {
  fn: FunctionRef;
}

// A worker builds the function once, then computes each batch of a map it gets: one array of
// values per output.
registerFrameBatchTask('map', async (setup: MapTaskSetup) => {
  const fn = await loadFunction<MapFn<unknown>>(setup.fn);
  return (batch) => computeMapBatch(fn, batch, setup);
});

/** Apply `fn` over the frame and return a frame of the output columns, in row order. */
export async function mapFrame<T>(
  df: DataFrame,
  fn: MapFunction<T>,
  options: MapOptions,
  label = 'map',
): Promise<DataFrame> {
  const batchSize = batchSizeOf(options, 1024);
  const { names, types } = outputSpec(options.outputs);
  const spec: MapBatchSpec = { batched: options.batched === true, names };
  const frame = options.inputs ? df.select(options.inputs) : df;
  const total = frame.length;
  if (options.output && names.length !== 1)
    throw new InvalidArgumentError(
      `output: { path } streams one output column to a file; this map has ${names.length} (${names.join(', ')})`,
    );

  let local: Promise<MapFn<T>> | null = null;
  const plan = frameBatchPlan(
    frame,
    batchSize,
    async (batch) => {
      local ??= isFunctionRef(fn) ? loadFunction<MapFn<T>>(fn) : Promise.resolve(fn);
      return computeMapBatch(await local, batch, spec);
    },
    isFunctionRef(fn)
      ? {
          kind: 'map',
          setup: { fn: { module: moduleSpecifier(fn), export: fn.export }, ...spec } satisfies MapTaskSetup,
        }
      : undefined,
  );

  const cols: Record<string, Column> = {};
  if (options.output) {
    const name = names[0];
    const sink = await tensorSinkOpener()(options.output, total);
    cols[name] = await streamTo(sink, () =>
      runPlan(label, total, plan, options, (_, outputs) =>
        sink.write(asTensorBatch(column(outputs[0], types[name]), name)),
      ),
    );
  } else {
    const results = await runPlan(label, total, plan, options);
    names.forEach((name, k) => {
      cols[name] = column(joinBatches(results.map((r) => r[k])), types[name]);
    });
  }
  return createFrame(cols);
}

/** The outputs of one batch, one array of values per output name (the same here and in a worker). */
export async function computeMapBatch<T>(
  fn: MapFn<T>,
  batch: DataFrame,
  spec: MapBatchSpec,
): Promise<ArrayLike<unknown>[]> {
  const { names } = spec;
  const single = names.length === 1;
  if (spec.batched) {
    const out = await (fn as (batch: DataFrame) => T | Promise<T>)(batch);
    return names.map((name) => batchOutput(single ? out : pick(out, name), name, batch.length));
  }
  const rows = await Promise.all(
    (await batchRows(batch)).map((row) => (fn as (row: Row) => T | Promise<T>)(row)),
  );
  return names.map((name) => (single ? rows : rows.map((r) => pick(r, name))));
}

/**
 * The rows of a batch as objects, as `batch.row(i)` gives them, except that deferred cells (media
 * files) are computed first, for the whole batch at once: a per-row function gets their values, and
 * a file that fails is named by its row.
 */
async function batchRows(batch: DataFrame): Promise<Row[]> {
  const names = batch.columnNames;
  const cols = names.map((name) => batch.column(name));
  const loaded = await Promise.all(
    cols.map((c) => (resolveColumn(c) instanceof DeferredColumn ? batchValues(c) : null)),
  );
  return Array.from({ length: batch.length }, (_, i) => {
    const row: Row = {};
    names.forEach((name, k) => {
      setOwnValue(row, name, loaded[k] === null ? cols[k].getUnchecked(i) : loaded[k][i]);
    });
    return row;
  });
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
export function joinBatches(parts: ArrayLike<unknown>[]): ArrayLike<unknown> {
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
