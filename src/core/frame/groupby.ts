import type { Column } from '../column/column.js';
import { ScalarColumn } from '../column/scalar.js';
import { formatType } from '../column/types.js';
import { DuplicateColumnError, InvalidArgumentError, TypeMismatchError } from '../errors.js';
import {
  type AggregateSpec,
  type AggregateSpecEntry,
  type ReducerName,
  reduceGroups,
  type SumOptions,
  supportsReducer,
  type VarianceOptions,
} from './aggregate.js';
import type { DataFrame, Row } from './frame.js';
import { createFrame } from './frame-factory.js';
import { type GroupRows, groupRows } from './group-rows.js';
import { combineCodes, sortedCodes } from './keys/codes.js';
import { columnsFromRecords } from './records.js';

// ---------------------------------------------------------------------------------------------
// GroupBy
// ---------------------------------------------------------------------------------------------

/** One group: its key values, its row positions in the frame, and a view of its rows. */
export interface Group {
  /** Key column name → value (null for the null group). */
  key: Row;
  /** Positions of the group's rows in the grouped frame, ascending. */
  indices: Int32Array;
  /** The group's rows (a view of the grouped frame). */
  frame: DataFrame;
}

/** Options of `df.groupby(keys, options)`. */
export interface GroupByOptions {
  /**
   * Leave out the rows where any key is null (pandas' default, `dropna=True`). Default **false**:
   * null is a key like any other and its rows form a group, last (as in SQL, DuckDB and Polars), so
   * no row is dropped unless you ask.
   */
  dropNulls?: boolean;
}

interface GroupIndex {
  /** The rows that are grouped: the frame, or a view of it without the null-key rows (dropNulls). */
  source: DataFrame;
  /** Positions in the frame of the rows of `source`, or null when it is the frame itself. */
  kept: Int32Array | null;
  /** The group of each row of `source`. */
  ids: Int32Array;
  ngroups: number;
  /** The first row of each group (where its key values are read). */
  firstRow: Int32Array;
}

/** Dtypes that the numeric convenience reducers (sum, mean, ...) pick when no column is named. */
const NUMERIC_DTYPES = new Set(['float64', 'float32', 'int32', 'int64', 'uint8']);

/**
 * Rows grouped by the values of one or more scalar key columns (any dtype: numbers, strings,
 * bools, dates, timestamps, int64).
 *
 * Groups come in **sorted key order**: by the first key, then the second, and so on; numbers
 * ascending with NaN as its own group after every number (-0 and 0 are one group), strings by
 * code point, false before true, dates chronologically, and **null as its own group, last**.
 * This is the order of DuckDB's `GROUP BY ... ORDER BY ... NULLS LAST`.
 *
 * Nulls, compared with pandas: null keys form a group unless `{ dropNulls: true }` (pandas drops
 * them by default); `count` counts non-null values and `size` rows; an all-null group sums to 0
 * (`minCount` changes that); `std` and `var` divide by `n - 1` (`ddof` changes that). See
 * {@link GroupByOptions} and {@link ReducerName}.
 *
 * Group ids are computed once, in one pass over typed arrays (a direct table for small-range
 * integer keys, open addressing on the value bits otherwise, dictionary codes for strings), and
 * cached; every reducer is then one pass over typed arrays into per-group accumulators.
 *
 * ```ts
 * df.groupby(['Origin', 'Cylinders']).agg({ n: ['*', 'size'], hp: ['Horsepower', 'mean'] });
 * df.groupby('label').mean('score');
 * df.groupby('label', { dropNulls: true }).std('score', { ddof: 0 });
 * for (const { key, frame } of df.groupby('label')) console.log(key.label, frame.length);
 * ```
 */
export class GroupBy {
  private state: GroupIndex | null = null;
  private csr: GroupRows | null = null;
  private keyCache: DataFrame | null = null;

  constructor(
    readonly frame: DataFrame,
    readonly keys: readonly string[],
    readonly options: GroupByOptions = {},
  ) {
    if (options.dropNulls !== undefined && typeof options.dropNulls !== 'boolean')
      throw new InvalidArgumentError(`dropNulls must be true or false, not ${String(options.dropNulls)}`);
    if (keys.length === 0)
      throw new InvalidArgumentError(
        'groupby needs at least one key column; use aggregate() for whole-frame results',
      );
    const seen = new Set<string>();
    for (const k of keys) {
      if (seen.has(k)) throw new DuplicateColumnError(`key column "${k}" is given twice`);
      seen.add(k);
      const c = frame.column(k);
      if (!(c instanceof ScalarColumn))
        throw new TypeMismatchError(
          `key column "${k}" is ${formatType(c.type)}; group keys must be scalar columns (numbers, strings, bools, dates)`,
        );
    }
  }

  private index(): GroupIndex {
    if (this.state) return this.state;
    const kept = this.options.dropNulls ? this.rowsWithKeys() : null;
    const source = kept ? this.frame.takeValid(kept) : this.frame;
    const n = source.length;
    let { codes, card } = sortedCodes(source.column(this.keys[0]), 'a group key');
    for (let k = 1; k < this.keys.length; k++) {
      const next = sortedCodes(source.column(this.keys[k]), 'a group key');
      ({ codes, card } = combineCodes(codes, card, next.codes, next.card, n));
    }
    const firstRow = new Int32Array(card).fill(-1);
    let found = 0;
    for (let i = 0; i < n && found < card; i++) {
      const g = codes[i];
      if (firstRow[g] < 0) {
        firstRow[g] = i;
        found++;
      }
    }
    this.state = { source, kept, ids: codes, ngroups: card, firstRow };
    return this.state;
  }

  /** Positions of the rows whose keys are all non-null, or null when no key is null. */
  private rowsWithKeys(): Int32Array | null {
    const cols = this.keys.map((k) => this.frame.column(k));
    if (cols.every((c) => c.nullCount === 0)) return null;
    const kept = new Int32Array(this.frame.length);
    let m = 0;
    for (let i = 0; i < this.frame.length; i++) if (cols.every((c) => !c.isNull(i))) kept[m++] = i;
    return kept.subarray(0, m);
  }

  /**
   * The group of each row: ids `0 .. ngroups - 1` in sorted key order (see the class docs), and
   * -1 for the rows that `dropNulls` leaves out.
   */
  get ids(): Int32Array {
    const { ids, kept } = this.index();
    if (kept === null) return ids;
    const all = new Int32Array(this.frame.length).fill(-1);
    for (let r = 0; r < kept.length; r++) all[kept[r]] = ids[r];
    return all;
  }

  /** Number of groups (distinct key combinations, the null group included unless `dropNulls`). */
  get ngroups(): number {
    return this.index().ngroups;
  }

  /** The key columns, one row per group, in group order. */
  keyFrame(): DataFrame {
    if (this.keyCache) return this.keyCache;
    const { firstRow, source } = this.index();
    const cols = new Map<string, Column>();
    for (const k of this.keys) cols.set(k, source.column(k).take(firstRow));
    this.keyCache = createFrame(cols);
    return this.keyCache;
  }

  /** Row positions (in `frame`) of every group (CSR, rows ascending within a group). */
  rows(): GroupRows {
    if (this.csr) return this.csr;
    const { ids, ngroups, kept } = this.index();
    const csr = groupRows(ids, ngroups, ids.length);
    if (kept !== null) for (let k = 0; k < csr.rows.length; k++) csr.rows[k] = kept[csr.rows[k]];
    this.csr = csr;
    return this.csr;
  }

  /**
   * One row per group: the key columns first, then one column per entry of `spec`, in order.
   * See {@link AggregateSpec} for the reducers, their null rules and output types.
   *
   * ```ts
   * g.agg({ n: ['*', 'size'], mpg: ['Miles_per_Gallon', 'mean'], top: ['Name', 'first'] });
   * ```
   */
  agg(spec: AggregateSpec): DataFrame {
    const { ids, ngroups, source } = this.index();
    const outputs = reduceGroups(source, ids, ngroups, spec);
    const cols = new Map<string, Column>(this.keyFrame().columns());
    for (const [name, c] of outputs) {
      if (cols.has(name))
        throw new DuplicateColumnError(`output "${name}" has the name of a key column; choose another name`);
      cols.set(name, c);
    }
    return createFrame(cols);
  }

  /** Rows per group (null values included), in a column named `size` (pandas' `size()`). */
  size(): DataFrame {
    return this.agg({ size: ['*', 'size'] });
  }

  /**
   * Per-group number of non-null values of each named column (default: every non-key column),
   * as pandas' `count()`; outputs keep the column names. For rows per group use {@link size}.
   */
  count(...columns: string[]): DataFrame {
    return this.each('count', columns);
  }

  /**
   * Per-group sum of each named column (default: every numeric non-key column); outputs keep the
   * column names. An all-null group sums to 0; `{ minCount: 1 }` makes it null (see {@link SumOptions}).
   */
  sum(...args: [...columns: string[], options: SumOptions] | string[]): DataFrame {
    return this.each('sum', ...splitOptions(args));
  }

  /** Per-group mean (float64) of each named column (default: every numeric non-key column). */
  mean(...columns: string[]): DataFrame {
    return this.each('mean', columns);
  }

  /** Per-group median (float64) of each named column (default: every numeric non-key column). */
  median(...columns: string[]): DataFrame {
    return this.each('median', columns);
  }

  /**
   * Per-group standard deviation of each named column (default: numeric non-key columns): the
   * sample one (ddof 1) unless `{ ddof }` says otherwise (see {@link VarianceOptions}).
   */
  std(...args: [...columns: string[], options: VarianceOptions] | string[]): DataFrame {
    return this.each('std', ...splitOptions(args));
  }

  /**
   * Per-group variance of each named column (default: numeric non-key columns): the sample one
   * (ddof 1) unless `{ ddof }` says otherwise (see {@link VarianceOptions}).
   */
  var(...args: [...columns: string[], options: VarianceOptions] | string[]): DataFrame {
    return this.each('var', ...splitOptions(args));
  }

  /** Per-group minimum of each named column (default: every scalar non-key column); dtypes are kept. */
  min(...columns: string[]): DataFrame {
    return this.each('min', columns);
  }

  /** Per-group maximum of each named column (default: every scalar non-key column); dtypes are kept. */
  max(...columns: string[]): DataFrame {
    return this.each('max', columns);
  }

  /** Per-group first non-null value of each named column (default: every non-key column). */
  first(...columns: string[]): DataFrame {
    return this.each('first', columns);
  }

  /** Per-group last non-null value of each named column (default: every non-key column). */
  last(...columns: string[]): DataFrame {
    return this.each('last', columns);
  }

  /** Per-group number of distinct non-null values of each named column (default: every non-key column). */
  nunique(...columns: string[]): DataFrame {
    return this.each('nunique', columns);
  }

  /** Every group with its key, row positions and a view of its rows, in group order. */
  groups(): Group[] {
    return [...this];
  }

  /**
   * The rows of the group with these key values (one value per key, or the value itself for a
   * single key; `null` for the null group), or undefined when no group has them.
   */
  get(key: unknown): DataFrame | undefined {
    const want = this.keys.length === 1 && !Array.isArray(key) ? [key] : (key as unknown[]);
    if (!Array.isArray(want) || want.length !== this.keys.length)
      throw new InvalidArgumentError(
        `get() needs ${this.keys.length} key values, one per key (${this.keys.join(', ')})`,
      );
    const keyFrame = this.keyFrame();
    const keyCols = this.keys.map((k) => keyFrame.column(k));
    for (let g = 0; g < keyFrame.length; g++) {
      if (keyCols.every((c, j) => sameKey(c.getUnchecked(g), want[j])))
        return this.frame.take(this.groupIndices(g));
    }
    return undefined;
  }

  /** Iterate over the groups in order (see {@link groups}). */
  *[Symbol.iterator](): IterableIterator<Group> {
    const keyFrame = this.keyFrame();
    for (let g = 0; g < keyFrame.length; g++) {
      const indices = this.groupIndices(g);
      yield { key: keyFrame.row(g), indices, frame: this.frame.take(indices) };
    }
  }

  /**
   * Call `fn` on each group's rows and collect the records it returns: one output row per group,
   * the key columns first, then the fields of the records (columns inferred from the values).
   * Slower than {@link agg} (a view per group); use it for what the built-in reducers cannot do.
   */
  apply(fn: (group: DataFrame, key: Row) => Row): DataFrame {
    const keyFrame = this.keyFrame();
    const records: Row[] = [];
    for (const { key, frame } of this) {
      const out = fn(frame, key);
      for (const name of Object.keys(out))
        if (this.keys.includes(name))
          throw new DuplicateColumnError(
            `apply() returned "${name}", the name of a key column; choose another name`,
          );
      records.push(out);
    }
    const cols = new Map<string, Column>(keyFrame.columns());
    if (records.length > 0) for (const [name, c] of columnsFromRecords(records)) cols.set(name, c);
    return createFrame(cols);
  }

  private groupIndices(g: number): Int32Array {
    const { offsets, rows } = this.rows();
    return rows.slice(offsets[g], offsets[g + 1]);
  }

  private each(reducer: ReducerName, columns: string[], options?: SumOptions | VarianceOptions): DataFrame {
    const keys = new Set(this.keys);
    const names = columns.length
      ? columns
      : this.frame.columnNames.filter((name) => {
          if (keys.has(name)) return false;
          const c = this.frame.column(name);
          if (reducer === 'first' || reducer === 'last' || reducer === 'nunique' || reducer === 'count')
            return true;
          if (!(c instanceof ScalarColumn)) return false;
          if (reducer === 'min' || reducer === 'max') return true;
          return NUMERIC_DTYPES.has(c.dtype) && supportsReducer(c, reducer);
        });
    const spec: Record<string, AggregateSpecEntry> = {};
    for (const name of names)
      spec[name] = (options ? [name, reducer, options] : [name, reducer]) as AggregateSpecEntry;
    return this.agg(spec);
  }
}

/** Column names, then perhaps an options object last (`g.sum('a', 'b', { minCount: 1 })`). */
function splitOptions<O extends object>(args: readonly (string | O)[]): [string[], O | undefined] {
  const last = args[args.length - 1];
  const options = typeof last === 'object' && last !== null ? last : undefined;
  const columns = options ? args.slice(0, -1) : args;
  for (const c of columns)
    if (typeof c !== 'string')
      throw new InvalidArgumentError('give column names, then at most one options object, last');
  return [columns as string[], options];
}

function sameKey(a: unknown, b: unknown): boolean {
  if (a === null || b === null || b === undefined) return a === null && (b === null || b === undefined);
  if (a instanceof Date) return b instanceof Date ? a.getTime() === b.getTime() : a.getTime() === b;
  if (typeof a === 'bigint' && typeof b === 'number') return Number.isInteger(b) && a === BigInt(b);
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  return a === b;
}
