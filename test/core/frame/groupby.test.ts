import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareStrings } from '../../../src/core/column/compare.js';
import {
  type AggregateSpec,
  ColumnNotFoundError,
  DataFrame,
  DuplicateColumnError,
  InvalidArgumentError,
  type Row,
  ScalarColumn,
  TypeMismatchError,
} from '../../../src/index.js';
import { arbFrame, type ColumnSpec, plainRows } from '../../helpers/arbitrary.js';

// ---- a naive reference: group with a Map of JSON keys, reduce with plain JavaScript ----

const custom = (values: unknown[]) => values.length * 10 + (values.length ? 1 : 0);

/** Reducers that apply to each random column kind. */
const REDUCERS: Record<string, (string | typeof custom)[]> = {
  int: ['count', 'sum', 'mean', 'std', 'var', 'median', 'min', 'max', 'first', 'last', 'nunique', custom],
  float: ['count', 'sum', 'mean', 'std', 'var', 'median', 'min', 'max', 'first', 'last', 'nunique'],
  str: ['count', 'min', 'max', 'first', 'last', 'nunique', custom],
  bool: ['count', 'sum', 'mean', 'min', 'max', 'first', 'last', 'nunique'],
  obj: ['count', 'first', 'last', 'nunique', custom],
};

function specFor(columns: string[]): AggregateSpec {
  const spec: AggregateSpec = { rows: ['*', 'size'] };
  for (const c of columns)
    for (const r of REDUCERS[c] ?? []) spec[`${c}_${typeof r === 'string' ? r : 'custom'}`] = [c, r as never];
  return spec;
}

/** Identity of a value for grouping and distinct counts: -0 is 0, NaN is NaN. */
function keyText(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : `n${v === 0 ? 0 : v}`;
  return `${typeof v}:${JSON.stringify(v)}`;
}

/** Total order: numbers with NaN above all, strings by code point, false < true; nulls last. */
function compareValues(a: unknown, b: unknown): number {
  if (a === null || b === null) return a === null ? (b === null ? 0 : 1) : -1;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  throw new Error(`cannot compare ${typeof a} and ${typeof b}`);
}

function reduceNaive(reducer: string | typeof custom, values: unknown[], rows: number): unknown {
  if (typeof reducer === 'function') return reducer(values);
  const nums = () => values.map((v) => (typeof v === 'boolean' ? Number(v) : (v as number)));
  const n = values.length;
  switch (reducer) {
    case 'size':
      return rows;
    case 'count':
      return n;
    case 'nunique':
      return new Set(values.map(keyText)).size;
    case 'first':
      return n ? values[0] : null;
    case 'last':
      return n ? values[n - 1] : null;
    case 'sum':
      return nums().reduce((a, b) => a + b, 0); // pandas: no values sum to 0
    case 'mean':
      return n ? nums().reduce((a, b) => a + b, 0) / n : null;
    case 'var':
    case 'std': {
      if (n < 2) return null;
      const xs = nums();
      const mean = xs.reduce((a, b) => a + b, 0) / n;
      const v = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
      return reducer === 'std' ? Math.sqrt(v) : v;
    }
    case 'median': {
      if (!n) return null;
      const xs = nums().sort(compareValues);
      return n % 2 ? xs[n >> 1] : (xs[(n >> 1) - 1] + xs[n >> 1]) / 2;
    }
    case 'min':
    case 'max': {
      if (!n) return null;
      const sorted = [...values].sort(compareValues);
      return reducer === 'min' ? sorted[0] : sorted[n - 1];
    }
    default:
      throw new Error(reducer);
  }
}

function naiveGroupBy(rows: Row[], keys: string[], spec: AggregateSpec): Row[] {
  const groups = new Map<string, { key: unknown[]; rows: Row[] }>();
  for (const r of rows) {
    const key = keys.map((k) => r[k] ?? null);
    const text = JSON.stringify(key.map(keyText));
    let g = groups.get(text);
    if (!g) {
      g = { key, rows: [] };
      groups.set(text, g);
    }
    g.rows.push(r);
  }
  const sorted = [...groups.values()].sort((a, b) => {
    for (let j = 0; j < keys.length; j++) {
      const c = compareValues(a.key[j], b.key[j]);
      if (c !== 0) return c;
    }
    return 0;
  });
  return sorted.map((g) => ({
    ...Object.fromEntries(keys.map((k, j) => [k, g.key[j]])),
    ...naiveAggregate(g.rows, spec),
  }));
}

function naiveAggregate(rows: Row[], spec: AggregateSpec): Row {
  const out: Row = {};
  for (const [name, entry] of Object.entries(spec)) {
    const [col, reducer] = entry as [string, string | typeof custom];
    const values = col === '*' ? [] : rows.map((r) => r[col] ?? null).filter((v) => v !== null);
    out[name] = reduceNaive(reducer, values, rows.length);
  }
  return out;
}

/** Equal up to floating error (relative 1e-9), NaN equal to NaN, -0 equal to 0. */
function close(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
    if (a === b) return true;
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null)
    return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

function expectRowsClose(actual: Row[], expected: Row[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Object.keys(actual[i])).toEqual(Object.keys(expected[i]));
    for (const k of Object.keys(expected[i]))
      if (!close(actual[i][k], expected[i][k]))
        expect({ row: i, column: k, value: actual[i][k] }).toEqual({
          row: i,
          column: k,
          value: expected[i][k],
        });
  }
}

const VALUE_COLUMNS: ColumnSpec[] = ['int', 'float', 'str', 'bool', 'obj'];

describe('GroupBy.agg against a naive reference', () => {
  const keySets = fc.constantFrom<string[]>(
    ['int'],
    ['str'],
    ['bool'],
    ['float'],
    ['int', 'str'],
    ['bool', 'float'],
    ['str', 'int'],
  );

  it('every reducer, one and two keys, random frames with nulls (empty and single rows included)', () => {
    fc.assert(
      fc.property(arbFrame(VALUE_COLUMNS, 25), keySets, ({ rows, frame }, keys) => {
        const spec = specFor(VALUE_COLUMNS);
        const actual = plainRows(frame.groupby(keys).agg(spec));
        expectRowsClose(actual, naiveGroupBy(rows, keys, spec));
      }),
      { numRuns: 100 },
    );
  });

  it('gives the same groups on a view (reversed rows) as on the rows it shows', () => {
    fc.assert(
      fc.property(arbFrame(VALUE_COLUMNS, 25), keySets, ({ rows, frame }, keys) => {
        const order = rows.map((_, i) => rows.length - 1 - i);
        const view = frame.take(order);
        const spec = specFor(['int', 'str', 'obj']);
        expectRowsClose(
          plainRows(view.groupby(keys).agg(spec)),
          naiveGroupBy(
            order.map((i) => rows[i]),
            keys,
            spec,
          ),
        );
      }),
      { numRuns: 50 },
    );
  });

  it('typed keys (int32, int64, float32, date, timestamp) group and order like their numbers', () => {
    const dtypes = fc.constantFrom('int32', 'int64', 'float32', 'date', 'timestamp', 'uint8');
    fc.assert(
      fc.property(arbFrame(['int', 'float'], 30), dtypes, ({ rows, frame }, dtype) => {
        const shift = dtype === 'uint8' ? 3 : 0;
        const keyValues = rows.map((r) => (r.int === null ? null : (r.int as number) + shift));
        const typed = frame.withColumn('k', ScalarColumn.from(keyValues, dtype));
        const spec: AggregateSpec = {
          n: ['*', 'size'],
          s: ['float', 'sum'],
          lo: ['k', 'min'],
          hi: ['k', 'max'],
        };
        const result = typed.groupby('k').agg(spec);
        expect(result.column('k').type).toEqual({ kind: 'scalar', dtype });
        expect(result.column('lo').type).toEqual({ kind: 'scalar', dtype });
        const asNumber = (v: unknown) =>
          v instanceof Date
            ? v.getTime() / (dtype === 'date' ? 86_400_000 : 1)
            : typeof v === 'bigint'
              ? Number(v)
              : v;
        const actual = plainRows(result).map((r) => ({
          ...r,
          k: asNumber(r.k),
          lo: asNumber(r.lo),
          hi: asNumber(r.hi),
        }));
        const reference = naiveGroupBy(
          rows.map((r, i) => ({ ...r, k: keyValues[i] })),
          ['k'],
          spec,
        );
        expectRowsClose(actual, reference);
      }),
      { numRuns: 100 },
    );
  });
});

describe('aggregate (whole frame) against a naive reference', () => {
  it('every reducer on random frames with nulls, including empty frames', () => {
    fc.assert(
      fc.property(arbFrame(VALUE_COLUMNS, 20), ({ rows, frame }) => {
        const spec = specFor(VALUE_COLUMNS);
        expectRowsClose([frame.aggregate(spec)], [naiveAggregate(rows, spec)]);
      }),
      { numRuns: 150 },
    );
  });

  it('gives counts and sums of 0 and null elsewhere on an empty frame', () => {
    const df = new DataFrame({ x: new Float64Array(0), s: ScalarColumn.from([], 'string') });
    expect(
      df.aggregate({
        n: ['*', 'size'],
        c: ['x', 'count'],
        u: ['s', 'nunique'],
        sum: ['x', 'sum'],
        m: ['x', 'mean'],
        lo: ['s', 'min'],
      }),
    ).toEqual({ n: 0, c: 0, u: 0, sum: 0, m: null, lo: null });
  });

  it('treats NaN as a value the way DuckDB does', () => {
    const df = new DataFrame({ x: [1, Number.NaN, null, -0, 0] });
    const r = df.aggregate({
      med: ['x', 'median'],
      sum: ['x', 'sum'],
      min: ['x', 'min'],
      max: ['x', 'max'],
      n: ['x', 'count'],
      u: ['x', 'nunique'],
    });
    expect(r).toEqual({ med: 0.5, sum: Number.NaN, min: -0, max: Number.NaN, n: 4, u: 3 });
  });
});

describe('key encodings beyond the small domains of the random frames', () => {
  function lcg(seed: number) {
    let s = seed >>> 0;
    return () => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return s / 2 ** 32;
    };
  }

  it('large-range integers, wide int64 and many key combinations (hash paths)', () => {
    const rnd = lcg(7);
    const n = 2000;
    const rows: Row[] = [];
    for (let i = 0; i < n; i++) {
      rows.push({
        a: rnd() < 0.05 ? null : Math.floor(rnd() * 400) * 5_000_000 - 1e9,
        b: Math.floor(rnd() * 300),
        c: rnd() < 0.1 ? null : ['x', 'y', 'zz', 'é', '😀'][Math.floor(rnd() * 5)],
        v: rnd() < 0.1 ? null : rnd() * 10 - 5,
      });
    }
    const df = DataFrame.fromRecords(rows, { a: 'int32', b: 'float64', c: 'string', v: 'float64' });
    const spec: AggregateSpec = { n: ['*', 'size'], m: ['v', 'mean'], sd: ['v', 'std'], u: ['b', 'nunique'] };
    for (const keys of [['a'], ['a', 'b'], ['b', 'a', 'c'], ['c', 'b']])
      expectRowsClose(plainRows(df.groupby(keys).agg(spec)), naiveGroupBy(rows, keys, spec));

    // int64 beyond 2^53 (and negative) keeps its exact order and values.
    const big = [2n ** 62n, -(2n ** 62n), 2n ** 62n + 1n, 5n, 2n ** 62n, null, -(2n ** 62n) - 1n];
    const g = new DataFrame({ k: ScalarColumn.from(big, 'int64'), v: [1, 2, 3, 4, 5, 6, 7] }).groupby('k');
    expect(g.agg({ s: ['v', 'sum'], lo: ['k', 'min'] }).toRecords()).toEqual([
      { k: -(2n ** 62n) - 1n, s: 7, lo: -(2n ** 62n) - 1n },
      { k: -(2n ** 62n), s: 2, lo: -(2n ** 62n) },
      { k: 5n, s: 4, lo: 5n },
      { k: 2n ** 62n, s: 6, lo: 2n ** 62n },
      { k: 2n ** 62n + 1n, s: 3, lo: 2n ** 62n + 1n },
      { k: null, s: 6, lo: null },
    ]);
  });

  it('int32 keys 0..k-1 are used as group ids without a copy', () => {
    const k = new Int32Array([2, 0, 1, 2, 1]);
    const g = new DataFrame({ k, v: [1, 2, 3, 4, 5] }).groupby('k');
    expect(g.ids).toBe(k);
    expect(g.sum('v').toRecords()).toEqual([
      { k: 0, v: 2 },
      { k: 1, v: 8 },
      { k: 2, v: 5 },
    ]);
  });
});

describe('GroupBy conveniences', () => {
  const df = DataFrame.fromRecords([
    { k: 'b', x: 1, y: 'p', t: true },
    { k: 'a', x: 2, y: null, t: false },
    { k: 'b', x: null, y: 'q', t: true },
    { k: null, x: 4, y: 'p', t: null },
    { k: 'a', x: 5, y: 'p', t: true },
  ]);
  const g = df.groupby('k');

  it('size gives rows per group and count non-null values per column, keys first, nulls last', () => {
    expect(g.size().toRecords()).toEqual([
      { k: 'a', size: 2 },
      { k: 'b', size: 2 },
      { k: null, size: 1 },
    ]);
    expect(g.count().toRecords()).toEqual([
      { k: 'a', x: 2, y: 1, t: 2 },
      { k: 'b', x: 1, y: 2, t: 2 },
      { k: null, x: 1, y: 1, t: 0 },
    ]);
    expect(g.count('y').toRecords()).toEqual([
      { k: 'a', y: 1 },
      { k: 'b', y: 2 },
      { k: null, y: 1 },
    ]);
    expect(g.size().column('size').type).toEqual({ kind: 'scalar', dtype: 'int32' });
    expect(g.ngroups).toBe(3);
  });

  it('named reducers pick sensible columns when none are named', () => {
    expect(g.mean().columnNames).toEqual(['k', 'x']);
    expect(g.min().columnNames).toEqual(['k', 'x', 'y', 't']);
    expect(g.first('y').toRecords()).toEqual([
      { k: 'a', y: 'p' },
      { k: 'b', y: 'p' },
      { k: null, y: 'p' },
    ]);
    expect(g.last('x', 'y').toRecords()).toEqual([
      { k: 'a', x: 5, y: 'p' },
      { k: 'b', x: 1, y: 'q' },
      { k: null, x: 4, y: 'p' },
    ]);
    expect(g.nunique('y').column('y').toArray()).toEqual([1, 2, 1]);
    expect(g.sum('x').column('x').toArray()).toEqual([7, 1, 4]);
    expect(g.max('t').column('t').toArray()).toEqual([true, true, null]);
  });

  it('groups(), iteration and get() give views of the rows of each group', () => {
    const groups = g.groups();
    expect(groups.map((x) => x.key)).toEqual([{ k: 'a' }, { k: 'b' }, { k: null }]);
    expect(groups.map((x) => Array.from(x.indices))).toEqual([[1, 4], [0, 2], [3]]);
    expect(groups[0].frame.column('x').toArray()).toEqual([2, 5]);
    expect([...g].length).toBe(3);
    expect(g.get('b')?.column('x').toArray()).toEqual([1, null]);
    expect(g.get(null)?.length).toBe(1);
    expect(g.get('zzz')).toBeUndefined();
    expect(df.groupby(['k', 't']).get(['a', true])?.column('x').toArray()).toEqual([5]);
  });

  it('apply collects one record per group', () => {
    const out = g.apply((frame, key) => ({ rows: frame.length, label: `${key.k}` }));
    expect(out.toRecords()).toEqual([
      { k: 'a', rows: 2, label: 'a' },
      { k: 'b', rows: 2, label: 'b' },
      { k: null, rows: 1, label: 'null' },
    ]);
  });

  it('accepts a bare reducer as the spec value (the output names the column)', () => {
    expect(g.agg({ x: 'max', y: (v) => v.join('') }).toRecords()).toEqual([
      { k: 'a', x: 5, y: 'p' },
      { k: 'b', x: 1, y: 'pq' },
      { k: null, x: 4, y: 'p' },
    ]);
  });

  it('keeps date dtypes for min/max and gives a timestamp median', () => {
    const d = new DataFrame({
      k: [1, 1, 1, 2],
      d: ScalarColumn.from(
        [new Date('2020-01-01'), new Date('2020-01-04'), null, new Date('2021-06-01')],
        'date',
      ),
    });
    const out = d.groupby('k').agg({ lo: ['d', 'min'], hi: ['d', 'max'], mid: ['d', 'median'] });
    expect(out.column('lo').type).toEqual({ kind: 'scalar', dtype: 'date' });
    expect(out.column('mid').type).toEqual({ kind: 'scalar', dtype: 'timestamp' });
    expect(out.toRecords()).toEqual([
      { k: 1, lo: new Date('2020-01-01'), hi: new Date('2020-01-04'), mid: new Date('2020-01-02T12:00:00Z') },
      { k: 2, lo: new Date('2021-06-01'), hi: new Date('2021-06-01'), mid: new Date('2021-06-01') },
    ]);
  });
});

describe('errors', () => {
  const df = DataFrame.fromRecords([{ k: 1, s: 'a', v: [1, 2] }]);

  it('are typed and say what was wrong', () => {
    expect(() => df.groupby('k').agg({ m: ['s', 'mean'] })).toThrow(TypeMismatchError);
    expect(() => df.groupby('k').agg({ m: ['s', 'mean'] })).toThrow(
      /mean needs a numeric column, but "s" is string/,
    );
    expect(() => df.aggregate({ m: ['v', 'max'] })).toThrow(TypeMismatchError);
    expect(() => df.groupby('kk')).toThrow(ColumnNotFoundError);
    expect(() => df.groupby('v')).toThrow(TypeMismatchError);
    expect(() => df.groupby([])).toThrow(InvalidArgumentError);
    expect(() => df.groupby('k').agg({ m: ['s', 'avg' as never] })).toThrow(/unknown reducer "avg"/);
    expect(() => df.groupby('k').agg({ m: ['*', 'sum'] })).toThrow(InvalidArgumentError);
    expect(() => df.groupby('k').agg({ m: ['ss', 'count'] })).toThrow(ColumnNotFoundError);
    expect(() => df.groupby('k').agg({ k: ['s', 'count'] })).toThrow(DuplicateColumnError);
  });

  it('reject options a reducer does not take, or values out of range, instead of ignoring them', () => {
    const g = df.groupby('k');
    const bad = (spec: unknown) => () => g.agg(spec as AggregateSpec);
    expect(bad({ m: ['k', 'mean', { ddof: 0 }] })).toThrow(/"mean" has no option "ddof"/);
    expect(bad({ m: ['k', 'sum', { min_count: 1 }] })).toThrow(
      /"sum" has no option "min_count"; it takes minCount/,
    );
    expect(bad({ m: ['k', 'std', { ddof: -1 }] })).toThrow(/ddof must be a whole number of at least 0/);
    expect(bad({ m: ['k', 'sum', { minCount: 0.5 }] })).toThrow(InvalidArgumentError);
    expect(bad({ m: ['k', 'sum', 1] })).toThrow(/options of "sum" must be an object/);
    expect(bad({ m: ['k', (v: unknown[]) => v.length, { ddof: 0 }] })).toThrow(
      /custom reducer takes no options/,
    );
    expect(bad({ m: ['k', 'sum', {}, 'extra'] })).toThrow(InvalidArgumentError);
    expect(() => df.groupby('k', { dropNulls: 'yes' as never })).toThrow(InvalidArgumentError);
    expect(() => g.sum({ minCount: 1 } as never, 'k')).toThrow(/options object, last/);
  });
});

describe('groupby with dropNulls', () => {
  const df = DataFrame.fromRecords([
    { k: 'b', j: 1, x: 1 },
    { k: null, j: 1, x: 2 },
    { k: 'a', j: null, x: 3 },
    { k: 'b', j: 1, x: 4 },
    { k: 'a', j: 2, x: 5 },
  ]);

  it('leaves out the rows with a null key; positions, ids and views still refer to the frame', () => {
    const g = df.groupby(['k', 'j'], { dropNulls: true });
    expect(g.size().toRecords()).toEqual([
      { k: 'a', j: 2, size: 1 },
      { k: 'b', j: 1, size: 2 },
    ]);
    expect([...g.ids]).toEqual([1, -1, -1, 1, 0]);
    expect(g.groups().map((grp) => [...grp.indices])).toEqual([[4], [0, 3]]);
    expect(g.get(['b', 1])!.column('x').toArray()).toEqual([1, 4]);
    expect(g.get([null, 1])).toBeUndefined();
    expect(g.apply((rows) => ({ total: rows.column('x').toArray().length })).toRecords()).toEqual([
      { k: 'a', j: 2, total: 1 },
      { k: 'b', j: 1, total: 2 },
    ]);
    // Without nulls in the keys nothing is left out, and the ids are the cached ones.
    expect(df.groupby('x', { dropNulls: true }).ngroups).toBe(5);
    expect(df.groupby('k').ngroups).toBe(3);
  });
});

describe('group keys at the boundaries of their encodings, against a Map reference', () => {
  /** Identity and order of one key value: bigints exactly, numbers with -0 = 0 and NaN after numbers. */
  function text(v: unknown): string {
    return typeof v === 'bigint' ? `b${v}` : keyText(v);
  }
  function order(a: unknown, b: unknown): number {
    if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
    return compareValues(a, b);
  }

  /** Groups and sizes by a Map of key texts, sorted by the documented order (nulls last). */
  function naiveSizes(keys: unknown[][]): { key: unknown[]; n: number }[] {
    const groups = new Map<string, { key: unknown[]; n: number }>();
    for (const key of keys) {
      const t = key.map(text).join('|');
      const g = groups.get(t);
      if (g) g.n++;
      else groups.set(t, { key, n: 1 });
    }
    return [...groups.values()].sort((x, y) => {
      for (let j = 0; j < x.key.length; j++) {
        const c = order(x.key[j], y.key[j]);
        if (c !== 0) return c;
      }
      return 0;
    });
  }

  function expectGroups(df: DataFrame, keys: string[]) {
    const columns = keys.map((k) => df.column(k).toArray());
    const expected = naiveSizes(Array.from({ length: df.length }, (_, i) => columns.map((c) => c[i])));
    const got = df.groupby(keys).agg({ n: ['*', 'size'] });
    const gotKeys = keys.map((k) => got.column(k).toArray());
    const actual = Array.from({ length: got.length }, (_, g) => ({
      key: gotKeys.map((c) => c[g]),
      n: got.column('n').get(g),
    }));
    expect(actual.map((g) => ({ key: g.key.map(text), n: g.n }))).toEqual(
      expected.map((g) => ({ key: g.key.map(text), n: g.n })),
    );
  }

  it('int64 keys near ±2^63, around ±2^53 (the exact-as-float limit) and spanning 2^32', () => {
    const sets: (bigint | null)[][] = [
      [2n ** 63n - 1n, -(2n ** 63n), 0n, 2n ** 63n - 1n, null, -(2n ** 63n) + 1n, -1n, null],
      [2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n), -(2n ** 53n) - 1n, 2n ** 53n, null],
      [0n, 2n ** 32n, 2n ** 32n - 1n, 2n ** 32n + 1n, 1n, 0n, 2n ** 32n],
      [-(2n ** 31n), 2n ** 31n - 1n, -(2n ** 31n), 2n ** 31n, null],
    ];
    for (const values of sets) {
      const df = new DataFrame({
        k: ScalarColumn.from(values, 'int64'),
        t: values.map((_, i) => i % 2 === 0),
      });
      expectGroups(df, ['k']);
      expectGroups(df, ['k', 't']);
      expectGroups(df, ['t', 'k']);
    }
  });

  it('integer-valued float64 and int32 keys spanning 2^32 values and more', () => {
    const f = [2 ** 32, 0, -0, 2 ** 32 - 1, 2 ** 32 + 1, null, 0, 2 ** 53, -(2 ** 53), 2 ** 32];
    const i = [2 ** 31 - 1, -(2 ** 31), null, 0, -1, 2 ** 31 - 1, -(2 ** 31)];
    expectGroups(new DataFrame({ k: ScalarColumn.from(f, 'float64') }), ['k']);
    expectGroups(new DataFrame({ k: ScalarColumn.from(i, 'int32') }), ['k']);
  });

  it('-0 and 0 are one group, every NaN one group after the numbers, null last (float64 and float32)', () => {
    const values = [
      0,
      Number.NaN,
      -0,
      Number.POSITIVE_INFINITY,
      null,
      Number.NEGATIVE_INFINITY,
      -0,
      0.5,
      null,
    ];
    for (const dtype of ['float64', 'float32'] as const) {
      const df = new DataFrame({ k: ScalarColumn.from(values, dtype), t: values.map((_, i) => i % 3) });
      expectGroups(df, ['k']);
      expectGroups(df, ['t', 'k']);
    }
    // NaNs of other payloads and sign are the same group.
    const f = new Float64Array([Number.NaN, 1, Number.NaN, Number.NaN]);
    const bits = new Uint32Array(f.buffer);
    const hi = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
    bits[2 * 2 + hi] = 0xfff80000;
    bits[2 * 3 + hi] = 0x7ff00000;
    bits[2 * 3 + 1 - hi] = 7;
    expect(new DataFrame({ k: f }).groupby('k').size().toRecords()).toEqual([
      { k: 1, size: 1 },
      { k: Number.NaN, size: 3 },
    ]);
  });
});
