import { InvalidArgumentError, LengthMismatchError, TypeMismatchError } from '../errors.js';
import { Column, type Indices, rowRange } from './column.js';
import { column } from './infer.js';
import { LazyColumn } from './lazy.js';
import { LazyCell } from './lazy-cell.js';
import { LruCache } from './lru-cache.js';
import type { ColumnType, MediaKind } from './types.js';

/** Per-row function: receives the value of each input column at that row. */
// biome-ignore lint/suspicious/noExplicitAny: inputs are cells of columns of any kind; callers annotate them.
export type RowFn<T> = (...values: any[]) => T | null | undefined | Promise<T | null | undefined>;
/** Batched function: receives one array per input column and returns one value per row. */
export type BatchFn<T> = (
  // biome-ignore lint/suspicious/noExplicitAny: as above, one array of cells per input column.
  ...batches: any[][]
) => ArrayLike<T | null | undefined> | Promise<ArrayLike<T | null | undefined>>;
/** Either kind of function, as one signature so that callers' parameters are typed from context. */
// biome-ignore lint/suspicious/noExplicitAny: see RowFn.
export type DeferredFn = (...args: any[]) => unknown;
/**
 * A function may carry `describe`: a cheap, synchronous printout of one row from its input values
 * (media loaders: `<image 224×224×3>` from the file header), used by `format` without computing the row.
 * It returns undefined (or throws) when it cannot tell, and the cell prints as its kind.
 */
// biome-ignore lint/suspicious/noExplicitAny: see RowFn.
export type DescribeFn = (...values: any[]) => string | undefined;

export interface DeferredOptions {
  /** Call the function once per batch of rows instead of once per row. */
  batched?: boolean;
  /** Rows per call when batched (and per chunk when materialising). Default 256. */
  batchSize?: number;
  /** Cache bound: at most this many rows (default 100 000). */
  maxCachedRows?: number;
  /** Cache bound: at most this many bytes, estimated (default 256 MiB). */
  maxCachedBytes?: number;
  /** Type of the concrete column `materialize()` builds; inferred from the values when omitted. */
  output?: ColumnType;
  /** Registered function name and parameters, so the storage layer can save the column as data. */
  name?: string;
  params?: Record<string, unknown>;
  /**
   * Names of the frame columns that are the inputs, in order (set by `DataFrame.defer`); the storage
   * layer uses them when it cannot match the input columns to frame columns by identity (views).
   */
  inputNames?: readonly string[];
  /** Set by media loaders: the kind of media this column yields. */
  media?: MediaKind;
  /** Length, when there are no inputs to take it from. */
  length?: number;
}

interface Source<T> {
  fn: DeferredFn;
  inputs: readonly Column[];
  options: DeferredOptions;
  cache: LruCache<T | null>;
  /** Set once the function has given a Promise: its rows are then LazyCells in `cell()`, cached or not. */
  isAsync?: boolean;
}

const ASYNC_HINT =
  'this deferred column is asynchronous: use `await column.load(indices)` or `await column.materialize()`';

/**
 * A lazy column defined by a function of other columns. Only rows that are read are computed;
 * results are cached per row under a memory bound. A deferred input is loaded through its own
 * cache, so a chain of deferred columns evaluates in dependency order and never recomputes a parent.
 * Taking rows gives a view that shares the cache of the column it came from.
 */
export class DeferredColumn<T = unknown> extends Column<T> {
  readonly type: ColumnType;
  readonly length: number;
  private readonly source: Source<T>;
  /** For views: the row of the source column that each row reads (-1 = null). */
  private readonly rowMap: Int32Array | null;

  constructor(fn: DeferredFn, inputs: readonly Column[], options?: DeferredOptions);
  constructor(source: Source<T>, rowMap: Int32Array);
  constructor(
    a: RowFn<T> | BatchFn<T> | Source<T>,
    b: readonly Column[] | Int32Array,
    options: DeferredOptions = {},
  ) {
    super();
    if (typeof a === 'function') {
      const inputs = b as readonly Column[];
      const length = options.length ?? inputs[0]?.length;
      if (length === undefined)
        throw new InvalidArgumentError('a deferred column with no inputs needs `length`');
      for (const c of inputs)
        if (c.length !== length)
          throw new LengthMismatchError(
            `deferred inputs must have equal lengths; got ${c.length} and ${length}`,
          );
      if (options.batchSize !== undefined && !(options.batchSize >= 1))
        throw new InvalidArgumentError(`batchSize must be at least 1, got ${options.batchSize}`);
      this.source = {
        fn: a,
        inputs,
        options,
        cache: new LruCache(options.maxCachedRows ?? 100_000, options.maxCachedBytes ?? 256 * 2 ** 20),
      };
      this.rowMap = null;
      this.length = length;
    } else {
      this.source = a;
      this.rowMap = b as Int32Array;
      this.length = this.rowMap.length;
    }
    this.type = {
      kind: 'deferred',
      ...(this.source.options.media ? { media: this.source.options.media } : {}),
    };
  }

  /** The options it was defined with (function name, parameters, batching). */
  get options(): Readonly<DeferredOptions> {
    return this.source.options;
  }

  /** The columns it is a function of (of the underlying column, for a view). */
  get inputs(): readonly Column[] {
    return this.source.inputs;
  }

  /** The function it is computed by (with its `describe`, `info`... where it has them). */
  get fn(): DeferredFn {
    return this.source.fn;
  }

  /** The input cells that row `i` (negative: from the end) is computed from, without computing it; null for a null row of a view. */
  inputsAt(i: number): unknown[] | null {
    const j = this.checkIndex(i);
    const r = this.rowMap ? this.rowMap[j] : j;
    return r < 0 ? null : this.source.inputs.map((c) => c.getUnchecked(r));
  }

  /** Number of rows currently cached (shared with views of the same column). */
  get cachedRows(): number {
    return this.source.cache.size;
  }

  get nullCount(): number {
    let n = 0;
    for (let i = 0; i < this.length; i++) if (this.isNull(i)) n++;
    return n;
  }

  isNull(i: number): boolean {
    return this.getUnchecked(i) === null;
  }

  getUnchecked(i: number): T | null {
    const values = this.loadSync([i]);
    return values[0];
  }

  take(indices: Indices): DeferredColumn<T> {
    const map = new Int32Array(indices.length);
    for (let i = 0; i < indices.length; i++) {
      const j = indices[i];
      map[i] = j < 0 ? -1 : this.rowMap ? this.rowMap[j] : j;
    }
    return new DeferredColumn(this.source, map);
  }

  format(i: number): string {
    const media = this.source.options.media;
    const describe = (this.source.fn as { describe?: DescribeFn }).describe;
    if (typeof describe === 'function') {
      try {
        const values = this.inputsAt(i);
        const text = values === null ? 'null' : describe(...values);
        if (text !== undefined) return text;
      } catch {
        // A printout never fails: fall back to the kind.
      }
    }
    return media ? `<${media}>` : '<deferred>';
  }

  /**
   * Row `i` as a row of a frame holds it: the value where it can be computed synchronously, else a
   * {@link LazyCell}. A media cell is always a LazyCell (null for a null path) and reads no file
   * here; another deferred cell is computed, and is a LazyCell once the function has proved async
   * (the first row computed tells), whether or not the row is cached.
   */
  cell(i: number): T | null | LazyCell<T> {
    const j = this.checkIndex(i);
    const describe = () => this.format(j);
    if (this.source.options.media) {
      const path = this.plainInput(j);
      if (path === null) return null;
      return new LazyCell(async () => (await this.load([j]))[0], describe, path);
    }
    const value = this.loadMaybeAsync([j]);
    if (!(value instanceof Promise) && !this.source.isAsync) return value[0];
    // Until someone loads the cell, its failure is nobody's to handle: keep it off unhandled rejections.
    const pending = Promise.resolve(value).then((v) => v[0]);
    pending.catch(() => {});
    return new LazyCell(() => pending, describe, undefined);
  }

  /** The first input cell of row `i` (null for a null row), or undefined where reading it means computing a deferred input. */
  private plainInput(i: number): unknown {
    const r = this.rowMap ? this.rowMap[i] : i;
    const input = this.source.inputs[0];
    if (r < 0 || input === undefined) return null;
    if (input.type.kind === 'deferred') return undefined;
    return input.getUnchecked(r) ?? null;
  }

  /** Compute (or read from cache) the given rows, synchronously. Throws if the function is async. */
  loadSync(indices: Indices): (T | null)[] {
    const result = this.evaluate(this.toSourceRows(indices), false);
    if (result instanceof Promise) throw new TypeMismatchError(ASYNC_HINT);
    return result;
  }

  /** Compute (or read from cache) the given rows. Works for sync and async functions. */
  async load(indices: Indices): Promise<(T | null)[]> {
    return await this.evaluate(this.toSourceRows(indices), true);
  }

  /** Compute every row and return a concrete column (scalar, tensor or object). */
  async materialize(): Promise<Column> {
    const size = this.source.options.batchSize ?? 256;
    const values: (T | null)[] = new Array(this.length);
    for (let s = 0; s < this.length; s += size) {
      const rows = rowRange(s, Math.min(this.length, s + size));
      const chunk = await this.load(rows);
      for (let k = 0; k < chunk.length; k++) values[s + k] = chunk[k];
    }
    return column(values, this.source.options.output);
  }

  /** Synchronous `materialize()`; throws if the function is async. */
  materializeSync(): Column {
    return column(this.loadSync(rowRange(0, this.length)), this.source.options.output);
  }

  private toSourceRows(indices: Indices): Int32Array {
    const out = new Int32Array(indices.length);
    for (let i = 0; i < indices.length; i++) {
      const j = indices[i];
      if (!Number.isInteger(j) || j < -1 || j >= this.length) this.checkIndex(j);
      out[i] = j < 0 ? -1 : this.rowMap ? this.rowMap[j] : j;
    }
    return out;
  }

  /**
   * Fill the cache for the missing rows, batch by batch, then read all rows from it (or from the
   * computed values directly, when the cache bound is too small to hold them).
   */
  private evaluate(rows: Int32Array, allowAsync: boolean): (T | null)[] | Promise<(T | null)[]> {
    const { cache, options } = this.source;
    const computed = new Map<number, T | null>();
    const missing: number[] = [];
    const seen = new Set<number>();
    for (const r of rows) {
      if (r < 0 || cache.has(r) || seen.has(r)) continue;
      seen.add(r);
      missing.push(r);
    }
    const batchSize = options.batched ? (options.batchSize ?? 256) : missing.length || 1;
    const assemble = () =>
      Array.from(rows, (r) => (r < 0 ? null : computed.has(r) ? computed.get(r)! : (cache.get(r) ?? null)));
    const pending: Promise<void>[] = [];
    for (let s = 0; s < missing.length; s += batchSize) {
      const batch = missing.slice(s, s + batchSize);
      const step = this.computeBatch(batch, computed);
      if (step instanceof Promise) {
        this.source.isAsync = true;
        if (!allowAsync) {
          // Nobody awaits the started computation: its failure must not crash the process.
          step.catch(() => undefined);
          throw new TypeMismatchError(ASYNC_HINT);
        }
        pending.push(step);
      }
    }
    return pending.length ? Promise.all(pending).then(assemble) : assemble();
  }

  private computeBatch(batch: number[], computed: Map<number, T | null>): void | Promise<void> {
    const { fn, inputs, options, cache } = this.source;
    const store = (out: ArrayLike<T | null | undefined>) => {
      if (out.length !== batch.length)
        throw new LengthMismatchError(
          `a batched deferred function returned ${out.length} values for ${batch.length} rows`,
        );
      for (let k = 0; k < batch.length; k++) {
        const v = out[k] ?? null;
        computed.set(batch[k], v);
        cache.set(batch[k], v);
      }
    };
    const inputValues = inputs.map((c) =>
      c instanceof DeferredColumn ? c.loadMaybeAsync(batch) : gather(c, batch),
    );
    const run = (args: unknown[][]): void | Promise<void> => {
      if (options.batched) {
        const out = (fn as BatchFn<T>)(...args);
        return out instanceof Promise ? out.then(store) : store(out);
      }
      const out = batch.map((_, k) => (fn as RowFn<T>)(...args.map((a) => a[k])));
      return out.some((v) => v instanceof Promise) ? Promise.all(out).then(store) : store(out as T[]);
    };
    if (inputValues.some((v) => v instanceof Promise)) return Promise.all(inputValues).then(run);
    return run(inputValues as unknown[][]);
  }

  /** Load through the cache, staying synchronous when everything it needs is. */
  private loadMaybeAsync(rows: number[]): (T | null)[] | Promise<(T | null)[]> {
    return this.evaluate(this.toSourceRows(rows), true);
  }
}

function gather(c: Column, rows: readonly number[]): unknown[] {
  // A column not yet loaded reads the batch at once (e.g. one positioned read of adjacent tensor rows).
  if (c instanceof LazyColumn && !c.isLoaded) return c.take(rows).toArray();
  return rows.map((r) => c.getUnchecked(r));
}
