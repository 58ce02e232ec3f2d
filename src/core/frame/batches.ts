/**
 * Mini-batches for training: the rows of a frame in (optionally shuffled, seeded) batches, each
 * column stacked into one typed array with its shape, ready for a training loop or `tf.data`.
 */
import type { Column } from '../column/column.js';
import { DeferredColumn } from '../column/deferred.js';
import { ScalarColumn } from '../column/scalar.js';
import { TensorColumn } from '../column/tensor.js';
import { formatType } from '../column/types.js';
import { InvalidArgumentError, TypeMismatchError } from '../errors.js';
import { Random } from '../random.js';
import type { DataFrame } from './frame.js';
import { setOwnValue } from './records.js';

/** Options of {@link DataFrame.batches}. */
export interface BatchOptions {
  /** Rows per batch: a positive integer. */
  batchSize: number;
  /** Visit the rows in a random order (default false: frame order). */
  shuffle?: boolean;
  /** Seed of the shuffle, for a reproducible order (an integer; a random one when omitted). */
  seed?: number;
  /** Leave out the last batch when it is smaller than `batchSize` (default false). */
  dropLast?: boolean;
  /** The columns to stack, in order (default: every column). */
  columns?: readonly string[];
}

/** One column of a batch: the rows' values stacked row-major, with their shape `[rows, ...]`. */
export interface BatchArray {
  /**
   * Float columns and float tensors of float32 give Float32Array (nulls as NaN in scalar columns);
   * integer, bool and date columns, and string columns (as codes into `classes`), Int32Array;
   * tensor columns keep their element type.
   */
  data: Float32Array | Float64Array | Int32Array | Uint8Array;
  /** `[rows]` for scalar columns, `[rows, ...rowShape]` for tensors. */
  shape: number[];
  /** For a string column: the sorted distinct strings that the codes index (the same in every batch). */
  classes?: string[];
}

/** A batch: its rows' positions in the frame, and each column stacked. */
export interface Batch {
  /** Rows in this batch. */
  size: number;
  /** Positions in the frame of the batch's rows, in batch order. */
  rows: Int32Array;
  columns: Record<string, BatchArray>;
}

/** The visiting order of `n` rows: in order, or a seeded Fisher–Yates shuffle. */
export function batchOrder(n: number, shuffle: boolean, seed?: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (!shuffle) return order;
  const rng = new Random(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

function checkOptions(df: DataFrame, options: BatchOptions): string[] {
  if (options === null || typeof options !== 'object')
    throw new InvalidArgumentError('batches needs options, e.g. { batchSize: 32, shuffle: true, seed: 1 }');
  const { batchSize, seed } = options;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new InvalidArgumentError(`batchSize must be a positive integer, got ${batchSize}`);
  if (seed !== undefined && !Number.isSafeInteger(seed))
    throw new InvalidArgumentError(`seed must be an integer, got ${seed}`);
  const names = [...(options.columns ?? df.columnNames)];
  for (const name of names) df.column(name); // a missing column fails now, with a suggestion
  return names;
}

/** Codes of a string column's values into its (whole-frame) dictionary. */
function stringCodes(col: ScalarColumn, dictionary: string[], name: string): Int32Array {
  const index = new Map(dictionary.map((s, i) => [s, i]));
  const out = new Int32Array(col.length);
  for (let i = 0; i < col.length; i++) {
    const v = col.getUnchecked(i) as string | null;
    if (v === null) throw nullError(name);
    out[i] = index.get(v)!;
  }
  return out;
}

function nullError(name: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `column "${name}" has nulls, which a batch of integers or tensors cannot hold; ` +
      `drop those rows first (e.g. df.filter(row => row.${name} !== null))`,
  );
}

function scalarArray(col: ScalarColumn, name: string, dictionary: string[] | undefined): BatchArray {
  const n = col.length;
  const shape = [n];
  switch (col.dtype) {
    case 'float64':
    case 'float32': {
      const data = new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = col.isNull(i) ? Number.NaN : (col.values[i] as number);
      return { data, shape };
    }
    case 'string':
      return { data: stringCodes(col, dictionary!, name), shape, classes: dictionary };
    case 'timestamp': {
      if (col.nullCount > 0) throw nullError(name);
      return { data: Float64Array.from({ length: n }, (_, i) => col.numberAt(i)), shape };
    }
    default: {
      if (col.nullCount > 0) throw nullError(name);
      const data = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = col.numberAt(i);
        if (!Number.isSafeInteger(v) || v > 2147483647 || v < -2147483648)
          throw new TypeMismatchError(`column "${name}" has ${v}, outside the int32 range of a batch`);
        data[i] = v;
      }
      return { data, shape };
    }
  }
}

function tensorArray(col: TensorColumn, name: string): BatchArray {
  if (col.nullCount > 0) throw nullError(name);
  const shape = [col.length, ...col.shape];
  if (!(col.data instanceof BigInt64Array)) return { data: col.data, shape };
  // int64 tensors go as int32, as int64 scalar columns do, refusing values that would not fit.
  const data = new Int32Array(col.data.length);
  for (let i = 0; i < data.length; i++) {
    const v = col.data[i];
    if (v > 2147483647n || v < -2147483648n)
      throw new TypeMismatchError(`column "${name}" has ${v}, outside the int32 range of a batch`);
    data[i] = Number(v);
  }
  return { data, shape };
}

/** Values of a deferred column (numbers, or equal-shape arrays) stacked as float32. */
async function deferredArray(col: DeferredColumn, name: string): Promise<BatchArray> {
  const values = await col.load(Int32Array.from({ length: col.length }, (_, i) => i));
  if (values.every((v) => typeof v === 'number'))
    return { data: Float32Array.from(values as number[]), shape: [values.length] };
  const stacked = TensorColumn.fromRows(values as ArrayLike<ArrayLike<number>>, 'float32');
  if (stacked.nullCount > 0) throw nullError(name);
  return { data: stacked.data as Float32Array, shape: [stacked.length, ...stacked.shape] };
}

async function stack(col: Column, name: string, dictionary: string[] | undefined): Promise<BatchArray> {
  if (col instanceof ScalarColumn) return scalarArray(col, name, dictionary);
  if (col instanceof TensorColumn) return tensorArray(col, name);
  if (col instanceof DeferredColumn) return deferredArray(col, name);
  throw new TypeMismatchError(
    `column "${name}" is ${formatType(col.type)}; batches stack scalar, tensor and deferred (numeric) columns; ` +
      'leave it out with { columns: [...] }',
  );
}

/**
 * The rows of `df` in batches of `batchSize`, each column stacked into one typed array (see
 * {@link BatchArray}). Each batch reads only its rows (so a frame opened from a dataset on disk is
 * read batch by batch). With `shuffle`, the order is a seeded permutation: every row appears
 * exactly once per pass, and the same seed gives the same batches.
 *
 * ```ts
 * for await (const batch of df.batches({ batchSize: 64, shuffle: true, seed: epoch, columns: ['x', 'y'] })) {
 *   const x = batch.columns.x; // { data: Float32Array, shape: [64, 16] }
 * }
 * ```
 */
export async function* batches(df: DataFrame, options: BatchOptions): AsyncGenerator<Batch, void, undefined> {
  const names = checkOptions(df, options);
  const { batchSize, shuffle = false, dropLast = false } = options;
  // String columns are coded over the whole frame, so a code means the same class in every batch.
  const dictionaries = new Map<string, string[]>();
  for (const name of names) {
    const type = df.schema.find((f) => f.name === name)!.type;
    if (type.kind === 'scalar' && type.dtype === 'string')
      dictionaries.set(name, df.column<ScalarColumn>(name).dictionary().dictionary);
  }
  const order = batchOrder(df.length, shuffle, options.seed);
  const view = df.select(names);
  for (let start = 0; start < order.length; start += batchSize) {
    const end = Math.min(order.length, start + batchSize);
    if (dropLast && end - start < batchSize) break;
    const rows = order.slice(start, end);
    const part = view.take(rows);
    const columns: Record<string, BatchArray> = {};
    for (const name of names)
      setOwnValue(columns, name, await stack(part.column(name), name, dictionaries.get(name)));
    yield { size: rows.length, rows, columns };
  }
}
