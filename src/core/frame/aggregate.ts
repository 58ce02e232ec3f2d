import { bitmapBytes } from '../column/bitmap.js';
import type { Column } from '../column/column.js';
import { column } from '../column/infer.js';
import { DAY_MS, ScalarColumn } from '../column/scalar.js';
import { formatType } from '../column/types.js';
import { InvalidArgumentError, TypeMismatchError } from '../errors.js';
import type { DataFrame } from './frame.js';
import { type GroupRows, groupRows } from './group-rows.js';
import { combineCodes, sortedCodes } from './keys/codes.js';
import { boolBytes, int64Numbers, isValid, type NumberArray } from './keys/normalize.js';

/**
 * Built-in reducers. Nulls are skipped (each reducer sees only the non-null values); NaN is a
 * value (as in DuckDB; pandas reads NaN as missing): it makes sums and means NaN, sorts after every
 * number for min/max/median, and counts as one distinct value.
 *
 * | reducer        | columns                              | output dtype                  | no non-null value        |
 * |----------------|--------------------------------------|-------------------------------|--------------------------|
 * | `size`         | any, or `'*'`: counts rows           | int32                         | 0                        |
 * | `count`        | any: non-null values (`'*'`: rows)   | int32                         | 0                        |
 * | `sum`          | numeric, bool                        | float64; int64 for int64      | 0 (`minCount`, below)    |
 * | `mean`         | numeric, bool                        | float64                       | null                     |
 * | `std`, `var`   | numeric, bool (`ddof`, below)        | float64                       | null (also for n ≤ ddof) |
 * | `median`       | numeric, bool, date, timestamp       | float64 (timestamp for dates) | null                     |
 * | `min`, `max`   | any scalar                           | the input dtype               | null                     |
 * | `first`, `last`| any column (first/last non-null)     | the input type                | null                     |
 * | `nunique`      | any column (distinct non-null)       | int32                         | 0                        |
 *
 * Two reducers take options, as pandas does: `['x', 'sum', { minCount: 1 }]` (see
 * {@link SumOptions}; the default 0 makes an all-null group sum to 0) and
 * `['x', 'std', { ddof: 0 }]` (see {@link VarianceOptions}; the default 1 is the sample estimate).
 *
 * Numeric means float64, float32, int32, int64 and uint8. Sums of integers are exact: an int64
 * column sums to int64 (a sum beyond the int64 range raises), and an int32, uint8 or bool sum that
 * float64 cannot hold exactly (beyond 2^53) raises rather than round; read such a column as int64.
 * The median of an even count is the mean of the two middle values.
 */
export type ReducerName =
  | 'count'
  | 'size'
  | 'sum'
  | 'mean'
  | 'min'
  | 'max'
  | 'std'
  | 'var'
  | 'median'
  | 'first'
  | 'last'
  | 'nunique';

/**
 * A custom reducer: gets the non-null values of one group (never a null; `[]` for a group with
 * none) and returns one value (undefined counts as null).
 */
export type CustomReducer = (values: NonNullable<unknown>[]) => unknown;

/** Options of the `sum` reducer. */
export interface SumOptions {
  /**
   * The fewest non-null values a sum needs; with fewer it is null (pandas' `min_count`). Default 0:
   * a group whose values are all null, or that has none, sums to 0, as in pandas. 1 gives SQL's
   * null for such groups.
   */
  minCount?: number;
}

/** Options of the `std` and `var` reducers. */
export interface VarianceOptions {
  /**
   * Delta degrees of freedom: the sum of squared deviations is divided by `n - ddof`, `n` the
   * number of non-null values (pandas' and numpy's `ddof`). Default 1, the sample estimate (as
   * pandas); 0 gives the population one. A group with `n <= ddof` gives null.
   */
  ddof?: number;
}

/**
 * One output: `[column, reducer]`, `[column, reducer, options]` for the reducers that take options
 * (`sum`, `std`, `var`), or just a reducer, which then reads the column of the output's own name.
 * The column `'*'` stands for the rows themselves (with `size` or `count`).
 */
export type AggregateSpecEntry =
  | ReducerName
  | CustomReducer
  | readonly [column: string, reducer: ReducerName | CustomReducer]
  | readonly [column: string, reducer: 'sum', options: SumOptions]
  | readonly [column: string, reducer: 'std' | 'var', options: VarianceOptions];

/**
 * `{ output: [column, reducer] }`, e.g. `{ n: ['*', 'size'], hp: ['Horsepower', 'mean'],
 * sd: ['Horsepower', 'std', { ddof: 0 }] }`.
 * Outputs come in the order of the spec. See {@link ReducerName} for the reducers.
 */
export type AggregateSpec = Record<string, AggregateSpecEntry>;

/** Whole-frame aggregates: output name → value (null where the reducer had no value). */
export type AggregateResult = Record<string, unknown>;

const REDUCERS: ReadonlySet<string> = new Set([
  'count',
  'size',
  'sum',
  'mean',
  'min',
  'max',
  'std',
  'var',
  'median',
  'first',
  'last',
  'nunique',
]);

/**
 * Aggregates over the whole frame, as a plain record: `aggregate(df, { n: ['*', 'size'],
 * mpg: ['Miles_per_Gallon', 'mean'] })` → `{ n: 406, mpg: 23.51 }`. Values are what the cells
 * of the output columns hold (numbers, strings, Dates, bigints, null). The reducers and their
 * options are those of `groupby(...).agg`, so a whole-frame result equals the result of one group
 * holding every row. An empty frame gives counts and sums of 0 and null elsewhere (custom reducers
 * get `[]`).
 */
export function aggregate(df: DataFrame, spec: AggregateSpec): AggregateResult {
  const ids = new Int32Array(df.length);
  const out: AggregateResult = {};
  for (const [name, col] of reduceGroups(df, ids, 1, spec)) out[name] = col.get(0);
  return out;
}

/** Whether `reducer` accepts the column (without computing anything). */
export function supportsReducer(col: Column, reducer: ReducerName): boolean {
  try {
    checkReducer(col, reducer, '');
    return true;
  } catch {
    return false;
  }
}

function checkReducer(col: Column, reducer: ReducerName, name: string): void {
  switch (reducer) {
    case 'sum':
    case 'mean':
    case 'std':
    case 'var':
    case 'median': {
      const ok =
        col instanceof ScalarColumn &&
        col.dtype !== 'string' &&
        (reducer === 'median' || (col.dtype !== 'date' && col.dtype !== 'timestamp'));
      if (!ok)
        throw new TypeMismatchError(
          `${reducer} needs a numeric column, but "${name}" is ${formatType(col.type)}; ` +
            `use min, max, first, last, nunique or count for it`,
        );
      return;
    }
    case 'min':
    case 'max':
      if (!(col instanceof ScalarColumn))
        throw new TypeMismatchError(
          `${reducer} needs a scalar column, but "${name}" is ${formatType(col.type)}; use first, last or a custom reducer`,
        );
      return;
    default:
      return;
  }
}

/**
 * Reduce the rows of `df` by group: `ids[i]` in `[0, ngroups)` is the group of row `i`. Returns
 * one column of `ngroups` rows per spec entry, in spec order. Shared by `aggregate`, `GroupBy.agg`
 * and `sliceby(...).aggregate`.
 */
export function reduceGroups(
  df: DataFrame,
  ids: Int32Array,
  ngroups: number,
  spec: AggregateSpec,
): Map<string, Column> {
  const out = new Map<string, Column>();
  let sizes: Int32Array | null = null;
  let csr: GroupRows | null = null;
  for (const [output, entry] of Object.entries(spec)) {
    const [name, reducer, options] =
      typeof entry === 'string' || typeof entry === 'function'
        ? [output, entry, undefined]
        : (entry as [string, unknown, unknown]);
    if (
      typeof name !== 'string' ||
      (typeof reducer !== 'string' && typeof reducer !== 'function') ||
      (!(typeof entry === 'string' || typeof entry === 'function') &&
        (!Array.isArray(entry) || entry.length < 2 || entry.length > 3))
    )
      throw new InvalidArgumentError(
        `output "${output}": give [column, reducer], e.g. ["price", "mean"], [column, reducer, options] or a reducer name`,
      );
    if (typeof reducer === 'string' && !REDUCERS.has(reducer))
      throw new InvalidArgumentError(
        `output "${output}": unknown reducer "${reducer}"; use one of ${[...REDUCERS].join(', ')} or a function`,
      );
    if (name === '*' && reducer !== 'size' && reducer !== 'count')
      throw new InvalidArgumentError(
        `output "${output}": the column "*" (all rows) only goes with "size" or "count"`,
      );
    if (options !== undefined && typeof reducer === 'function')
      throw new InvalidArgumentError(
        `output "${output}": a custom reducer takes no options; only sum, std and var do`,
      );
    if (reducer === 'size' || (name === '*' && reducer === 'count')) {
      reducerSettings(output, reducer, options);
      if (name !== '*') df.column(name); // a typo should still fail
      sizes ??= groupSizes(ids, ngroups, df.length);
      out.set(output, new ScalarColumn('int32', ngroups, { values: sizes }));
      continue;
    }
    const col = df.column(name);
    if (typeof reducer === 'function') {
      csr ??= groupRows(ids, ngroups, df.length);
      out.set(output, reduceCustom(col, csr, ngroups, reducer as CustomReducer));
      continue;
    }
    const settings = reducerSettings(output, reducer as ReducerName, options);
    checkReducer(col, reducer as ReducerName, name);
    out.set(output, reduceBuiltin(col, reducer as ReducerName, settings, ids, ngroups, df.length));
  }
  return out;
}

/** The options of one builtin reducer, checked, with their defaults (those of pandas). */
interface ReducerSettings {
  minCount: number;
  ddof: number;
}

const OPTIONS_OF: Partial<Record<ReducerName, readonly string[]>> = {
  sum: ['minCount'],
  std: ['ddof'],
  var: ['ddof'],
};

function reducerSettings(output: string, reducer: ReducerName, options: unknown): ReducerSettings {
  const settings = { minCount: 0, ddof: 1 };
  if (options === undefined) return settings;
  const allowed = OPTIONS_OF[reducer] ?? [];
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw new InvalidArgumentError(`output "${output}": the options of "${reducer}" must be an object`);
  for (const [key, value] of Object.entries(options)) {
    if (!allowed.includes(key))
      throw new InvalidArgumentError(
        `output "${output}": "${reducer}" has no option "${key}"; ` +
          (allowed.length
            ? `it takes ${allowed.join(', ')}`
            : 'only sum (minCount), std and var (ddof) take options'),
      );
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
      throw new InvalidArgumentError(
        `output "${output}": ${key} must be a whole number of at least 0, not ${String(value)}`,
      );
    settings[key as keyof ReducerSettings] = value;
  }
  return settings;
}

function reduceBuiltin(
  col: Column,
  reducer: ReducerName,
  settings: ReducerSettings,
  ids: Int32Array,
  ng: number,
  n: number,
): Column {
  switch (reducer) {
    case 'count':
      return new ScalarColumn('int32', ng, { values: countValid(ids, validBits(col), ng, n) });
    case 'sum':
    case 'mean':
    case 'var':
    case 'std': {
      const { vals, validity } = numbers(col as ScalarColumn);
      const sums = new Float64Array(ng);
      const counts = new Int32Array(ng);
      sumCount(vals, validity, ids, n, sums, counts);
      if (reducer === 'sum') {
        const { dtype } = col as ScalarColumn;
        if (dtype === 'float64' || dtype === 'float32') return floatColumn(sums, counts, settings.minCount);
        return integerSums(col as ScalarColumn, ids, n, sums, counts, settings.minCount);
      }
      const means = sums;
      for (let g = 0; g < ng; g++) means[g] /= counts[g];
      if (reducer === 'mean') return floatColumn(means, counts, 1);
      const m2 = sumSquaredDeviations(vals, validity, ids, n, means, ng);
      for (let g = 0; g < ng; g++) {
        const v = m2[g] / (counts[g] - settings.ddof);
        m2[g] = reducer === 'std' ? Math.sqrt(v) : v;
      }
      return floatColumn(m2, counts, settings.ddof + 1);
    }
    case 'min':
    case 'max': {
      const { vals, validity } = orderValues(col as ScalarColumn);
      const arg = argExtreme(vals, validity, ids, n, ng, reducer === 'max');
      return col.take(arg);
    }
    case 'first':
    case 'last':
      return col.take(argFirstLast(validBits(col), ids, n, ng, reducer === 'last'));
    case 'nunique':
      return new ScalarColumn('int32', ng, { values: countDistinct(col, ids, n, ng) });
    case 'median':
      return median(col as ScalarColumn, ids, n, ng);
    default:
      throw new InvalidArgumentError(`unknown reducer "${reducer as string}"`);
  }
}

// ---- inputs ----

/** The values of a numeric (or bool/date/timestamp) column as numbers in a typed array. */
function numbers(col: ScalarColumn): { vals: NumberArray; validity: Uint8Array | null } {
  const validity = col.validity;
  switch (col.dtype) {
    case 'bool':
      return { vals: boolBytes(col), validity };
    case 'int64':
    case 'timestamp':
      return { vals: int64Numbers(col.values as BigInt64Array, col.length), validity };
    case 'string':
      throw new TypeMismatchError('a string column has no numeric values');
    default:
      return { vals: col.values as NumberArray, validity };
  }
}

/** Numbers that order like the values: the values themselves, or sorted codes (strings, int64). */
function orderValues(col: ScalarColumn): { vals: NumberArray; validity: Uint8Array | null } {
  if (col.dtype === 'string' || col.dtype === 'int64' || col.dtype === 'timestamp')
    return { vals: sortedCodes(col).codes, validity: col.validity };
  return numbers(col);
}

/** A validity bitmap for any column kind (null when no row is null). */
function validBits(col: Column): Uint8Array | null {
  if (col instanceof ScalarColumn) return col.validity;
  if (col.nullCount === 0) return null;
  const bits = new Uint8Array(bitmapBytes(col.length));
  for (let i = 0; i < col.length; i++) if (!col.isNull(i)) bits[i >> 3] |= 1 << (i & 7);
  return bits;
}

// ---- kernels: one pass over typed arrays into per-group accumulators ----

export function groupSizes(ids: Int32Array, ng: number, n: number): Int32Array {
  const counts = new Int32Array(ng);
  for (let i = 0; i < n; i++) counts[ids[i]]++;
  return counts;
}

function countValid(ids: Int32Array, validity: Uint8Array | null, ng: number, n: number): Int32Array {
  if (validity === null) return groupSizes(ids, ng, n);
  const counts = new Int32Array(ng);
  for (let i = 0; i < n; i++) if (((validity[i >> 3] >> (i & 7)) & 1) !== 0) counts[ids[i]]++;
  return counts;
}

function sumCount(
  vals: NumberArray,
  validity: Uint8Array | null,
  ids: Int32Array,
  n: number,
  sums: Float64Array,
  counts: Int32Array,
): void {
  if (validity === null) {
    for (let i = 0; i < n; i++) {
      const g = ids[i];
      sums[g] += vals[i];
      counts[g]++;
    }
  } else {
    for (let i = 0; i < n; i++) {
      if (((validity[i >> 3] >> (i & 7)) & 1) === 0) continue;
      const g = ids[i];
      sums[g] += vals[i];
      counts[g]++;
    }
  }
}

/**
 * Exact sums of an integer (or bool) column, from its float64 sums: a group whose float64 sum may
 * have rounded (|sum| at or beyond 2^53, or any int64 value beyond it) is summed again in bigint.
 * int64 gives an int64 column; the others stay float64, and raise where the exact sum does not fit.
 */
function integerSums(
  col: ScalarColumn,
  ids: Int32Array,
  n: number,
  sums: Float64Array,
  counts: Int32Array,
  minCount: number,
): ScalarColumn {
  const ng = sums.length;
  const inexact = new Uint8Array(ng);
  let any = false;
  for (let g = 0; g < ng; g++)
    if (!(Math.abs(sums[g]) < 2 ** 53)) {
      inexact[g] = 1;
      any = true;
    }
  const big = col.dtype === 'int64' ? (col.values as BigInt64Array) : null;
  if (big !== null && !any)
    for (let i = 0; i < n; i++)
      if (big[i] > 2n ** 53n || big[i] < -(2n ** 53n)) {
        inexact.fill(1);
        any = true;
        break;
      }
  const exact = new Map<number, bigint>();
  if (any) {
    const values = col.values as ArrayLike<number | bigint | boolean>;
    for (let i = 0; i < n; i++) {
      const g = ids[i];
      if (g < 0 || inexact[g] === 0 || !isValid(col.validity, i)) continue;
      exact.set(g, (exact.get(g) ?? 0n) + BigInt(values[i] as number | bigint));
    }
  }
  const validity = validityFrom(counts, minCount);
  const dropped = (g: number) => validity !== null && counts[g] < minCount;
  if (big !== null) {
    const out = new BigInt64Array(ng);
    for (let g = 0; g < ng; g++) {
      if (dropped(g)) continue;
      const v = exact.get(g) ?? BigInt(sums[g]);
      if (BigInt.asIntN(64, v) !== v)
        throw new InvalidArgumentError(`the int64 sum of group ${g} (${v}) is beyond the int64 range`);
      out[g] = v;
    }
    return new ScalarColumn('int64', ng, { values: out, validity });
  }
  for (const [g, v] of exact) {
    if (dropped(g)) continue;
    if (v > 2n ** 53n || v < -(2n ** 53n))
      throw new InvalidArgumentError(
        `the sum of ${col.dtype} values in group ${g} is ${v}, beyond what float64 holds exactly (2^53); ` +
          'read or build the column as int64 for an exact int64 sum',
      );
    sums[g] = Number(v);
  }
  return floatColumn(sums, counts, minCount);
}

function sumSquaredDeviations(
  vals: NumberArray,
  validity: Uint8Array | null,
  ids: Int32Array,
  n: number,
  means: Float64Array,
  ng: number,
): Float64Array {
  const m2 = new Float64Array(ng);
  for (let i = 0; i < n; i++) {
    if (validity !== null && ((validity[i >> 3] >> (i & 7)) & 1) === 0) continue;
    const g = ids[i];
    const d = vals[i] - means[g];
    m2[g] += d * d;
  }
  return m2;
}

/**
 * Row of each group's minimum, or maximum with `max` (NaN above every number; first row among
 * ties), -1 when none.
 */
function argExtreme(
  vals: NumberArray,
  validity: Uint8Array | null,
  ids: Int32Array,
  n: number,
  ng: number,
  max: boolean,
): Int32Array {
  const best = new Float64Array(ng);
  const arg = new Int32Array(ng).fill(-1);
  for (let i = 0; i < n; i++) {
    if (!isValid(validity, i)) continue;
    const g = ids[i];
    const v = vals[i];
    if (arg[g] < 0 || (max ? ordersBefore(best[g], v) : ordersBefore(v, best[g]))) {
      best[g] = v;
      arg[g] = i;
    }
  }
  return arg;
}

/** Whether `a` comes strictly before `b` with NaN after every number. */
function ordersBefore(a: number, b: number): boolean {
  return a < b || (Number.isNaN(b) && !Number.isNaN(a));
}

function argFirstLast(
  validity: Uint8Array | null,
  ids: Int32Array,
  n: number,
  ng: number,
  last: boolean,
): Int32Array {
  const arg = new Int32Array(ng).fill(-1);
  if (last) {
    for (let i = 0; i < n; i++) if (isValid(validity, i)) arg[ids[i]] = i;
  } else {
    for (let i = n - 1; i >= 0; i--) if (isValid(validity, i)) arg[ids[i]] = i;
  }
  return arg;
}

/** Distinct non-null values per group: dense codes of (group, value) pairs, counted per group. */
function countDistinct(col: Column, ids: Int32Array, n: number, ng: number): Int32Array {
  const { codes, card, nullCode } = col instanceof ScalarColumn ? sortedCodes(col) : genericCodes(col);
  let groupOf = ids;
  let valueCodes = codes;
  let m = n;
  if (nullCode >= 0) {
    groupOf = new Int32Array(n);
    valueCodes = new Int32Array(n);
    m = 0;
    for (let i = 0; i < n; i++) {
      if (codes[i] === nullCode) continue;
      groupOf[m] = ids[i];
      valueCodes[m++] = codes[i];
    }
  }
  const pairs = combineCodes(groupOf, ng, valueCodes, card, m);
  // Pair codes are in (group, value) order, so each distinct pair is counted once per group.
  const counts = new Int32Array(ng);
  const seen = new Uint8Array(pairs.card);
  for (let i = 0; i < m; i++) {
    const p = pairs.codes[i];
    if (seen[p] === 0) {
      seen[p] = 1;
      counts[groupOf[i]]++;
    }
  }
  return counts;
}

/** Codes of any column by the JSON text of its values (equal JSON = equal value); not sorted. */
function genericCodes(col: Column): { codes: Int32Array; card: number; nullCode: number } {
  const seen = new Map<string, number>();
  const codes = new Int32Array(col.length);
  let nullCode = -1;
  for (let i = 0; i < col.length; i++) {
    const v = col.getUnchecked(i);
    if (v === null) {
      if (nullCode < 0) nullCode = -2;
      codes[i] = -1;
      continue;
    }
    const key = ArrayBuffer.isView(v)
      ? JSON.stringify(Array.from(v as unknown as ArrayLike<number>))
      : JSON.stringify(v);
    let c = seen.get(key);
    if (c === undefined) {
      c = seen.size;
      seen.set(key, c);
    }
    codes[i] = c;
  }
  if (nullCode === -2) {
    nullCode = seen.size;
    for (let i = 0; i < codes.length; i++) if (codes[i] < 0) codes[i] = nullCode;
  }
  return { codes, card: seen.size + (nullCode >= 0 ? 1 : 0), nullCode };
}

/** Median per group: non-null values gathered by group (counting sort), each segment sorted. */
function median(col: ScalarColumn, ids: Int32Array, n: number, ng: number): Column {
  const { vals, validity } = numbers(col);
  const offsets = new Int32Array(ng + 1);
  for (let i = 0; i < n; i++) if (isValid(validity, i)) offsets[ids[i] + 1]++;
  for (let g = 0; g < ng; g++) offsets[g + 1] += offsets[g];
  const cursor = offsets.slice(0, ng);
  const buf = new Float64Array(offsets[ng]);
  for (let i = 0; i < n; i++) if (isValid(validity, i)) buf[cursor[ids[i]]++] = vals[i];
  const out = new Float64Array(ng);
  const counts = new Int32Array(ng);
  const temporal = col.dtype === 'date' || col.dtype === 'timestamp';
  const scale = col.dtype === 'date' ? DAY_MS : 1;
  for (let g = 0; g < ng; g++) {
    const a = offsets[g];
    const m = offsets[g + 1] - a;
    counts[g] = m;
    if (m === 0) continue;
    // Typed-array sort is numeric with NaN last, the order DuckDB's median uses.
    const seg = buf.subarray(a, a + m).sort();
    const mid = m >> 1;
    out[g] = (m & 1 ? seg[mid] : (seg[mid - 1] + seg[mid]) / 2) * scale;
  }
  if (!temporal) return floatColumn(out, counts, 1);
  // Dates and timestamps: the midpoint as a timestamp (milliseconds, rounded down), as DuckDB does.
  const ms = new BigInt64Array(ng);
  for (let g = 0; g < ng; g++) if (counts[g] > 0) ms[g] = BigInt(Math.floor(out[g]));
  return new ScalarColumn('timestamp', ng, { values: ms, validity: validityFrom(counts, 1) });
}

function reduceCustom(col: Column, csr: GroupRows, ng: number, fn: CustomReducer): Column {
  const results = new Array<unknown>(ng);
  const { offsets, rows } = csr;
  for (let g = 0; g < ng; g++) {
    const values: NonNullable<unknown>[] = [];
    for (let k = offsets[g]; k < offsets[g + 1]; k++) {
      const v = col.getUnchecked(rows[k]);
      if (v !== null && v !== undefined) values.push(v);
    }
    const r = fn(values);
    results[g] = r === undefined ? null : r;
  }
  return column(results);
}

// ---- outputs ----

/** A validity bitmap that is valid where `counts[g] >= min`, or null when all are. */
function validityFrom(counts: Int32Array, min: number): Uint8Array | null {
  let all = true;
  for (let g = 0; g < counts.length && all; g++) if (counts[g] < min) all = false;
  if (all) return null;
  const bits = new Uint8Array(bitmapBytes(counts.length));
  for (let g = 0; g < counts.length; g++) if (counts[g] >= min) bits[g >> 3] |= 1 << (g & 7);
  return bits;
}

function floatColumn(values: Float64Array, counts: Int32Array, min: number): ScalarColumn<number> {
  const validity = validityFrom(counts, min);
  if (validity !== null) for (let g = 0; g < counts.length; g++) if (counts[g] < min) values[g] = 0;
  return new ScalarColumn('float64', values.length, { values, validity });
}
