import * as arrow from 'apache-arrow';
import { arrowField, columnFromArrow, columnToArrowData } from '../column/arrow.js';
import type { Column, Indices } from '../column/column.js';
import { DeferredColumn, type DeferredFn, type DeferredOptions } from '../column/deferred.js';
import { type ColumnTypeHint, column } from '../column/infer.js';
import { resolveColumn } from '../column/lazy.js';
import { LazyCell } from '../column/lazy-cell.js';
import type { ColumnType } from '../column/types.js';
import {
  ColumnNotFoundError,
  DuplicateColumnError,
  DuplicateKeyError,
  IndexOutOfRangeError,
  InvalidArgumentError,
  LengthMismatchError,
  TypeMismatchError,
} from '../errors.js';
import { type EncoderRef, type FunctionRef, isFunctionRef } from '../exec/function-ref.js';
import type { Encoder } from '../models/encoder.js';
import { type AggregateResult, type AggregateSpec, aggregate } from './aggregate.js';
import { type Batch, type BatchOptions, batches } from './batches.js';
import { type ConcatOptions, concat } from './concat.js';
import { type EmbedOptions, embedColumn } from './embed.js';
import {
  type CompareOp,
  filterColumn,
  filterCompare,
  filterFrame,
  maskToIndices,
  type Predicate,
} from './filter.js';
import { type FilterOptions, filterBatches } from './filter-batches.js';
import { type FormatOptions, formatFrame } from './format.js';
import { registerFrameClass } from './frame-factory.js';
import { GroupBy, type GroupByOptions } from './groupby.js';
import { type MapFunction, type MapOptions, mapFrame } from './map.js';
import { type MergeOptions, merge } from './merge.js';
import { columnsFromRecords, setOwnValue } from './records.js';
import { type SampleOptions, sample, shuffle } from './sample.js';
import {
  type FrameSearchOptions,
  type SavedIndex,
  type SearchQuery,
  savedIndexes,
  searchFrame,
} from './search.js';
import { type SliceByResult, sliceby } from './sliceby.js';
import { type SortBy, type SortOptions, sortIndices } from './sort.js';
import { updateFrame } from './update.js';
import { frameWriter, type WriteOptions, type WriteResult } from './writer.js';

/** What a frame can be built from: per column, a Column or values for `column()`. */
export type ColumnInput = Column | ArrayLike<unknown>;

/** A column's name and type, as `schema` lists them. */
export interface Field {
  name: string;
  type: ColumnType;
}

/**
 * A row as a plain object, keyed by column name. In a row from `df.row(i)` the cell of an
 * asynchronous column (media, async deferred) is a {@link LazyCell}; `df.rowAsync(i)` loads them.
 */
export type Row = Record<string, unknown>;

/**
 * An ordered map from names to equally long columns of any kind, with an optional primary key.
 * Frames are immutable: every operation returns a new frame. Row selections (slice, take, mask,
 * filter, sort, sample) return views that share the columns and hold an index of rows; a column
 * of a view is gathered once, when first read.
 */
export class DataFrame {
  /** Number of rows. */
  readonly length: number;
  /** Name of the primary-key column, if one is set. */
  readonly primaryKey: string | null;
  private readonly base: ReadonlyMap<string, Column>;
  /** Rows of `base` this frame shows, in order; null = all rows in order. */
  private readonly index: Int32Array | null;
  private readonly gathered = new Map<string, Column>();
  private keyIndex: Map<unknown, number> | null = null;

  /**
   * Build a frame from a dict (or Map) of columns: Columns, typed arrays or arrays of values.
   * All must have the same length.
   */
  constructor(
    columns: Record<string, ColumnInput> | ReadonlyMap<string, ColumnInput> = {},
    options: { primaryKey?: string | null; index?: Int32Array | null } = {},
  ) {
    const entries = columns instanceof Map ? [...columns.entries()] : Object.entries(columns);
    const base = new Map<string, Column>();
    let length: number | null = null;
    let first = '';
    for (const [name, values] of entries) {
      const col = column(values as ColumnInput);
      if (length === null) {
        length = col.length;
        first = name;
      } else if (col.length !== length) {
        throw new LengthMismatchError(
          `column "${name}" has ${col.length} rows but "${first}" has ${length}; all columns of a frame must have the same length`,
        );
      }
      base.set(name, col);
    }
    this.base = base;
    this.index = options.index ?? null;
    this.length = this.index ? this.index.length : (length ?? 0);
    this.primaryKey = options.primaryKey ?? null;
    if (this.primaryKey !== null) this.requireColumn(this.primaryKey);
  }

  /** Build from an array of records; columns are the union of keys, in first-seen order. */
  static fromRecords(records: readonly Row[], types: Record<string, ColumnTypeHint> = {}): DataFrame {
    return new DataFrame(columnsFromRecords(records, types));
  }

  /** Build from an Arrow table; buffers are shared, not copied, where the types allow. */
  static fromArrow(table: arrow.Table): DataFrame {
    const cols = new Map<string, Column>();
    for (const field of table.schema.fields)
      cols.set(field.name, columnFromArrow(table.getChild(field.name)!, field));
    return new DataFrame(cols);
  }

  /** Concatenate frames by rows (same columns) or by columns (same length). */
  static concat(frames: readonly DataFrame[], options: ConcatOptions = {}): DataFrame {
    return concat(frames, options);
  }

  // ---- columns ----

  get columnNames(): string[] {
    return [...this.base.keys()];
  }

  get schema(): Field[] {
    return [...this.base.entries()].map(([name, c]) => ({ name, type: c.type }));
  }

  has(name: string): boolean {
    return this.base.has(name);
  }

  /**
   * The column `name`, with this frame's rows (gathered once for a view). A lazy column (of a frame
   * read from a dataset) is loaded here; a view gathers only its rows.
   */
  column<C extends Column = Column>(name: string): C {
    const base = this.requireColumn(name);
    if (this.index === null) return resolveColumn(base) as C;
    let c = this.gathered.get(name);
    if (c === undefined) {
      c = base.take(this.index);
      this.gathered.set(name, c);
    }
    return c as C;
  }

  /** All columns with this frame's rows, in order. */
  columns(): Map<string, Column> {
    return new Map(this.columnNames.map((n) => [n, this.column(n)]));
  }

  /** A frame with only these columns, in this order. */
  select(...names: (string | string[])[]): DataFrame {
    const list = names.flat();
    const seen = new Set<string>();
    const cols = new Map<string, Column>();
    for (const n of list) {
      if (seen.has(n)) throw new DuplicateColumnError(`column "${n}" is selected twice`);
      seen.add(n);
      cols.set(n, this.requireColumn(n));
    }
    return this.derive(cols, this.primaryKey !== null && seen.has(this.primaryKey) ? this.primaryKey : null);
  }

  /** A frame without these columns. */
  drop(...names: (string | string[])[]): DataFrame {
    const list = new Set(names.flat());
    for (const n of list) this.requireColumn(n);
    const cols = new Map([...this.base].filter(([n]) => !list.has(n)));
    return this.derive(cols, this.primaryKey !== null && !list.has(this.primaryKey) ? this.primaryKey : null);
  }

  /** Rename columns: `{ old: 'new' }`. */
  rename(mapping: Record<string, string>): DataFrame {
    for (const n of Object.keys(mapping)) this.requireColumn(n);
    const cols = new Map<string, Column>();
    for (const [n, c] of this.base) {
      const to = mapping[n] ?? n;
      if (cols.has(to)) throw new DuplicateColumnError(`renaming would give two columns named "${to}"`);
      cols.set(to, c);
    }
    const pk = this.primaryKey === null ? null : (mapping[this.primaryKey] ?? this.primaryKey);
    return this.derive(cols, pk);
  }

  /** Add a column, or replace the one of the same name (in its place). Values are in this frame's row order. */
  withColumn(name: string, values: ColumnInput, type?: ColumnTypeHint): DataFrame {
    const col = column(values, type);
    if (col.length !== this.length)
      throw new LengthMismatchError(`column "${name}" has ${col.length} rows; the frame has ${this.length}`);
    // New columns are in view order, so the frame is gathered into a plain one first.
    const cols = this.index === null ? new Map(this.base) : this.columns();
    cols.set(name, col);
    const pk = this.primaryKey === name ? null : this.primaryKey;
    return new DataFrame(cols, { primaryKey: pk });
  }

  /** Add or replace several columns at once. */
  withColumns(columns: Record<string, ColumnInput>): DataFrame {
    let out: DataFrame = this;
    for (const [name, values] of Object.entries(columns)) out = out.withColumn(name, values);
    return out;
  }

  /**
   * Add a deferred column: `fn` of the named input columns, evaluated lazily per row (or per batch
   * with `batched: true`), sync or async, cached. Null cells reach `fn` as `null` (type its
   * parameters `T | null` where an input has nulls); returning null or undefined gives a null cell.
   */
  defer(name: string, inputs: string[], fn: DeferredFn, options: DeferredOptions = {}): DataFrame {
    const cols = inputs.map((n) => this.column(n));
    return this.withColumn(
      name,
      new DeferredColumn(fn, cols, { ...options, inputNames: inputs, length: this.length }),
    );
  }

  // ---- primary key ----

  /** Use `name` as the primary key; its values must be unique and not null. */
  setPrimaryKey(name: string): DataFrame {
    const out = new DataFrame(this.base, { primaryKey: name, index: this.index });
    out.buildKeyIndex();
    return out;
  }

  /** The row whose primary key is `key`, or undefined. */
  loc(key: unknown): Row | undefined {
    const i = this.locIndex(key);
    return i === undefined ? undefined : this.row(i);
  }

  /** Position of the row whose primary key is `key`, or undefined. */
  locIndex(key: unknown): number | undefined {
    if (this.primaryKey === null)
      throw new InvalidArgumentError('this frame has no primary key; call setPrimaryKey(name) first');
    return this.buildKeyIndex().get(keyOf(key));
  }

  private buildKeyIndex(): Map<unknown, number> {
    if (this.keyIndex) return this.keyIndex;
    const col = this.column(this.primaryKey!);
    const map = new Map<unknown, number>();
    for (let i = 0; i < col.length; i++) {
      const k = col.getUnchecked(i);
      if (k === null) throw new DuplicateKeyError(`primary key "${this.primaryKey}" is null at row ${i}`);
      const key = keyOf(k);
      const prev = map.get(key);
      if (prev !== undefined)
        throw new DuplicateKeyError(
          `primary key "${this.primaryKey}" has the value ${col.format(i)} at rows ${prev} and ${i}; keys must be unique`,
        );
      map.set(key, i);
    }
    this.keyIndex = map;
    return map;
  }

  // ---- rows ----

  /**
   * Row `i` as a plain object (negative counts from the end). Deferred cells are computed; a cell of
   * an asynchronous column (media, or a deferred column whose function is async) is a
   * {@link LazyCell} that prints without decoding and loads with `await cell.load()` (see
   * {@link DataFrame.rowAsync}). Every column is an own property, `__proto__` and `constructor` too;
   * the prototype stays `Object.prototype` whatever the column names.
   */
  row(i: number): Row {
    const j = i < 0 ? this.length + i : i;
    if (!Number.isInteger(j) || j < 0 || j >= this.length) throw new IndexOutOfRangeError(i, this.length);
    const src = this.index ? this.index[j] : j;
    const out: Row = {};
    for (const [name, c] of this.base) {
      const value =
        c.type.kind === 'deferred' ? (resolveColumn(c) as DeferredColumn).cell(src) : c.getUnchecked(src);
      setOwnValue(out, name, value);
    }
    return out;
  }

  /** Row `i` with every cell loaded: media decoded (an ImageValue, AudioValue...), async deferred cells awaited. */
  async rowAsync(i: number): Promise<Row> {
    const out = this.row(i);
    await Promise.all(
      Object.keys(out).map(async (name) => {
        const value = out[name];
        if (value instanceof LazyCell) setOwnValue(out, name, await value.load());
      }),
    );
    return out;
  }

  /** The rows in order, as {@link DataFrame.row} gives them (asynchronous cells are {@link LazyCell}s). */
  *rows(): IterableIterator<Row> {
    for (let i = 0; i < this.length; i++) yield this.row(i);
  }

  /** The rows in order with every cell loaded, as {@link DataFrame.rowAsync} gives them. */
  async *rowsAsync(): AsyncIterableIterator<Row> {
    for (let i = 0; i < this.length; i++) yield await this.rowAsync(i);
  }

  /** The first `n` rows (a view). */
  head(n = 5): DataFrame {
    return this.slice(0, Math.max(0, n));
  }

  /** The last `n` rows (a view). */
  tail(n = 5): DataFrame {
    return this.slice(Math.max(0, this.length - Math.max(0, n)));
  }

  /** Rows `[start, end)` (a view); negative positions count from the end. */
  slice(start = 0, end = this.length): DataFrame {
    const s = clamp(start < 0 ? this.length + start : start, 0, this.length);
    const e = clamp(end < 0 ? this.length + end : end, s, this.length);
    const idx = new Int32Array(e - s);
    for (let i = 0; i < idx.length; i++) idx[i] = s + i;
    return this.take(idx);
  }

  /** The rows at `indices`, in that order (a view); negative indices count from the end. */
  take(indices: Indices): DataFrame {
    const n = indices.length;
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let j = indices[i];
      if (j < 0) j += this.length;
      if (!Number.isInteger(j) || j < 0 || j >= this.length)
        throw new IndexOutOfRangeError(indices[i], this.length);
      idx[i] = this.index ? this.index[j] : j;
    }
    return new DataFrame(this.base, { primaryKey: this.primaryKey, index: idx });
  }

  /**
   * @internal Rows at positions this library has just computed and knows to be valid (sort
   * orders, filter results): no bounds checks, and for a plain frame no copy. The frame keeps
   * `indices`, so the caller must not change them afterwards.
   */
  takeValid(indices: Int32Array): DataFrame {
    let idx = indices;
    const index = this.index;
    if (index !== null) {
      idx = new Int32Array(indices.length);
      for (let i = 0; i < idx.length; i++) idx[i] = index[indices[i]];
    }
    return new DataFrame(this.base, { primaryKey: this.primaryKey, index: idx });
  }

  /**
   * @internal The column `name` as this frame holds it, shared with the frames it was derived from
   * (for a frame read from a dataset, the stored column), and the rows of it this frame shows
   * (null: all, in order).
   */
  columnSource(name: string): { column: Column; rows: Int32Array | null } {
    return { column: this.requireColumn(name), rows: this.index };
  }

  /** The rows where `mask` is true (a view): a boolean array, bool column, or the name of one. */
  mask(mask: ArrayLike<boolean | null> | Column | string): DataFrame {
    const m = typeof mask === 'string' ? this.column(mask) : mask;
    return this.takeValid(maskToIndices(m, this.length));
  }

  /**
   * Rows for which `predicate(row, i)` is true, or where a boolean mask is true (a view; a null
   * in the mask is false). The row a predicate gets holds nulls as `null`.
   * `filter(name, test)` tests the values of one column: `test` sees only the non-null values
   * (hence `NonNullable<V>`), and rows whose value is null never pass. `filter(name, op, value)`
   * (e.g. `filter("score", ">", 0.5)`) compares them without a callback: the fastest on large
   * frames; nulls never pass there either.
   * Always synchronous: an async predicate, options or a function named by module belong to
   * {@link filterAsync}, and filter raises rather than keep rows for a Promise.
   */
  filter(predicate: Predicate | ArrayLike<boolean | null> | Column): DataFrame;
  filter<V = unknown>(column: string, test: (value: NonNullable<V>) => boolean): DataFrame;
  filter(column: string, op: CompareOp, value: unknown): DataFrame;
  filter(
    a: Predicate | ArrayLike<boolean | null> | Column | string,
    test?: ((value: never) => boolean) | CompareOp,
    value?: unknown,
  ): DataFrame {
    if (isFunctionRef(a))
      throw new InvalidArgumentError(
        'filter runs its predicate in this thread; a function named by module runs with await df.filterAsync(ref, options)',
      );
    if (typeof a !== 'string') {
      if (test !== undefined)
        throw new InvalidArgumentError(
          'filter takes no options: for batches, an executor, a signal or an async predicate use await df.filterAsync(predicate, options)',
        );
      return filterFrame(this, a);
    }
    if (typeof test === 'string') return filterCompare(this, a, test, value);
    if (typeof test !== 'function')
      throw new InvalidArgumentError(
        'filter(column, test) needs a test function, or filter(column, op, value)',
      );
    return filterColumn(this, a, test);
  }

  /**
   * The rows whose predicate is true (a view), the predicate run like a `map`: in batches, sync or
   * async, on any executor, cancellable and with progress. `batched: true` gives it a frame per
   * batch and it returns one boolean per row. See {@link FilterOptions}.
   */
  filterAsync(
    predicate: ((row: Row) => boolean | Promise<boolean>) | FunctionRef,
    options?: FilterOptions & { batched?: false },
  ): Promise<DataFrame>;
  filterAsync(
    predicate: ((batch: DataFrame) => ArrayLike<unknown> | Promise<ArrayLike<unknown>>) | FunctionRef,
    options: FilterOptions & { batched: true },
  ): Promise<DataFrame>;
  filterAsync(predicate: FunctionRef, options?: FilterOptions): Promise<DataFrame>;
  filterAsync(predicate: MapFunction<unknown>, options: FilterOptions = {}): Promise<DataFrame> {
    return filterBatches(this, predicate, options);
  }

  /** Rows sorted by one or more keys (a stable sort; a view). */
  sort(by: SortBy, options: SortOptions = {}): DataFrame {
    return this.takeValid(sortIndices(this, by, options));
  }

  /** A random sample of rows (a view). */
  sample(options: SampleOptions): DataFrame {
    return sample(this, options);
  }

  /** All rows in a random order (a view). */
  shuffle(seed?: number): DataFrame {
    return shuffle(this, seed);
  }

  /**
   * The `k` rows whose vectors in column `by` are closest to `query`, best first, with a `score`
   * column: exact by default, approximate with an LSH index. See {@link FrameSearchOptions}.
   *
   * @example
   * ```ts
   * const similar = await df.search({ row: 0 }, { by: 'embedding', k: 5 });
   * const byText = await df.search('a red car', { by: 'embedding', encoder: textEncoder });
   * const fast = await df.search(vector, { by: 'embedding', index: true, probes: 8 }); // saved index
   * ```
   */
  search(query: SearchQuery, options: FrameSearchOptions): Promise<DataFrame>;
  search(query: unknown, options: FrameSearchOptions & { encoder: object }): Promise<DataFrame>;
  search(query: unknown, options: FrameSearchOptions): Promise<DataFrame> {
    return searchFrame(this, query, options);
  }

  /** The search index saved for column `name` with the dataset this frame was read from, if any. */
  savedIndex(name: string): SavedIndex | undefined {
    this.requireColumn(name);
    return savedIndexes(this).get(name);
  }

  // ---- combining ----

  /** Join with another frame (inner, left, right or outer). */
  merge(right: DataFrame, options: MergeOptions): DataFrame {
    return merge(this, right, options);
  }

  /** Concatenate with other frames by rows (or by columns with `{ axis: 'columns' }`). */
  concat(others: DataFrame | readonly DataFrame[], options: ConcatOptions = {}): DataFrame {
    return concat([this, ...(Array.isArray(others) ? others : [others as DataFrame])], options);
  }

  /**
   * Group rows by the values of one or more key columns. Null keys form their own group, last,
   * unlike pandas' default; `{ dropNulls: true }` leaves those rows out (see {@link GroupByOptions}).
   */
  groupby(keys: string | readonly string[], options: GroupByOptions = {}): GroupBy {
    return new GroupBy(this, typeof keys === 'string' ? [keys] : keys, options);
  }

  /** One slice per boolean column: the rows where it is true. */
  sliceby(columns: string | readonly string[]): SliceByResult {
    return sliceby(this, typeof columns === 'string' ? [columns] : columns);
  }

  /** Whole-frame aggregates, e.g. `{ mean_x: ['x', 'mean'], n: ['x', 'count'] }`. */
  aggregate(spec: AggregateSpec): AggregateResult {
    return aggregate(this, spec);
  }

  /**
   * Apply `fn` to each row (or, with `batched: true`, to each batch as a frame view) and return
   * the outputs as a new frame, in row order. See {@link MapOptions}.
   */
  map<T>(fn: (row: Row) => T | Promise<T>, options?: MapOptions & { batched?: false }): Promise<DataFrame>;
  map<T>(
    fn: (batch: DataFrame) => T | Promise<T>,
    options: MapOptions & { batched: true },
  ): Promise<DataFrame>;
  map(fn: FunctionRef, options?: MapOptions): Promise<DataFrame>;
  map<T>(fn: MapFunction<T>, options: MapOptions = {}): Promise<DataFrame> {
    return mapFrame(this, fn, options);
  }

  /**
   * `map`, then add its outputs to this frame as columns (replacing those of the same name): a new
   * frame with every column of this one and the outputs. Takes the same options as `map`.
   */
  update<T>(fn: (row: Row) => T | Promise<T>, options?: MapOptions & { batched?: false }): Promise<DataFrame>;
  update<T>(
    fn: (batch: DataFrame) => T | Promise<T>,
    options: MapOptions & { batched: true },
  ): Promise<DataFrame>;
  update(fn: FunctionRef, options?: MapOptions): Promise<DataFrame>;
  update<T>(fn: MapFunction<T>, options: MapOptions = {}): Promise<DataFrame> {
    return updateFrame(this, fn, options);
  }

  /**
   * The vectors of column `name` under an encoder: a float32 tensor column with one row of
   * `encoder.dimensions` per row. Pass `{ module, export, args }` instead of an encoder to run it
   * on a worker-pool executor (each worker builds its own), and `output: { path }` to stream the
   * vectors to an `.npy` file.
   */
  embed(name: string, encoder: Encoder | EncoderRef, options: EmbedOptions = {}): Promise<Column> {
    return embedColumn(this, name, encoder, options);
  }

  /**
   * The rows in mini-batches for training, each column stacked into one typed array with its
   * shape; shuffled with a seed when asked. See {@link BatchOptions}.
   *
   * ```ts
   * for await (const b of df.batches({ batchSize: 32, shuffle: true, seed: 1, columns: ['x', 'y'] })) train(b.columns);
   * ```
   */
  batches(options: BatchOptions): AsyncGenerator<Batch, void, undefined> {
    return batches(this, options);
  }

  // ---- export ----

  /**
   * All rows as plain objects (as {@link DataFrame.row} gives them: media cells are {@link LazyCell}s;
   * `for await (const r of df.rowsAsync())` gives them loaded).
   */
  toRecords(): Row[] {
    return Array.from(this.rows());
  }

  /** An Arrow table sharing this frame's buffers where it can (deferred columns are materialised). */
  toArrow(): arrow.Table {
    const fields: arrow.Field[] = [];
    const data: arrow.Data[] = [];
    for (const [name, c] of this.columns()) {
      const d = columnToArrowData(c);
      fields.push(arrowField(name, c, d));
      data.push(d);
    }
    const schema = new arrow.Schema(fields);
    const struct = arrow.makeData({
      type: new arrow.Struct(fields),
      length: this.length,
      nullCount: 0,
      children: data,
    });
    return new arrow.Table(schema, new arrow.RecordBatch(schema, struct));
  }

  /**
   * Write this frame to Tessera's dataset format at `path` as a new version (Node only: the Node entry
   * point registers the writer). See `write` in the Node API for the format and options.
   */
  write(path: string, options?: WriteOptions): Promise<WriteResult> {
    return frameWriter()(this, path, options);
  }

  /** A text table of the first and last rows; media cells show as e.g. `<image 224×224>`. */
  toString(options: FormatOptions = {}): string {
    return formatFrame(this, options);
  }

  // ---- internals ----

  private requireColumn(name: string): Column {
    const c = this.base.get(name);
    if (c === undefined) throw new ColumnNotFoundError(name, this.columnNames);
    return c;
  }

  /** A frame of other columns over the same rows (keeps the view's index). */
  private derive(cols: Map<string, Column>, primaryKey: string | null): DataFrame {
    return new DataFrame(cols, { primaryKey, index: this.index });
  }
}

registerFrameClass(DataFrame);

/** Map key for a primary-key value: Dates by time, everything else as it is. */
function keyOf(v: unknown): unknown {
  if (v instanceof Date) return v.getTime();
  if (v === null || v === undefined) return v;
  // int64 keys arrive as bigint from the column but often as numbers from the caller.
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  if (typeof v === 'object')
    throw new TypeMismatchError('a primary key must be a scalar (number, string, bigint, date)');
  return v;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, x));
}
