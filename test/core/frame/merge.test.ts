import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ColumnNotFoundError,
  DataFrame,
  DeferredColumn,
  DuplicateColumnError,
  InvalidArgumentError,
  type MergeOptions,
  type Row,
  ScalarColumn,
  TensorColumn,
  TypeMismatchError,
} from '../../../src/index.js';
import { arbFrame, plain, plainRows } from '../../helpers/arbitrary.js';

type How = 'inner' | 'left' | 'right' | 'outer';
const HOWS: How[] = ['inner', 'left', 'right', 'outer'];

// ---- a naive nested-loop reference ----

/** SQL key equality with DuckDB's float rules: null never matches, NaN = NaN, -0 = 0, numbers across types. */
function keyEq(a: unknown, b: unknown): boolean {
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    if (typeof a === 'bigint' && typeof b === 'bigint') return a === b;
    const x = Number(a);
    const y = Number(b);
    return x === y || (Number.isNaN(x) && Number.isNaN(y));
  }
  return a === b;
}

/** Expected rows and column names of a merge, by nested loops over plain rows, in the documented order. */
function naiveMerge(
  lrows: Row[],
  rrows: Row[],
  lnames: string[],
  rnames: string[],
  leftOn: string[],
  rightOn: string[],
  how: How,
  suffixes: [string, string] = ['_x', '_y'],
): { names: string[]; rows: Row[] } {
  const shared = new Set(leftOn.filter((n, k) => rightOn[k] === n));
  const rest = rnames.filter((n) => !shared.has(n));
  const lset = new Set(lnames);
  const rset = new Set(rest);
  const lout = lnames.map((n) => (rset.has(n) ? n + suffixes[0] : n));
  const rout = rest.map((n) => (lset.has(n) ? n + suffixes[1] : n));
  const match = (l: Row, r: Row) => leftOn.every((n, k) => keyEq(l[n], r[rightOn[k]]));
  const make = (l: Row | null, r: Row | null): Row => {
    const out: Row = {};
    lnames.forEach((n, c) => {
      out[lout[c]] = shared.has(n) && (how === 'right' || l === null) ? r![n] : l === null ? null : l[n];
    });
    rest.forEach((n, c) => {
      out[rout[c]] = r === null ? null : r[n];
    });
    return out;
  };
  const rows: Row[] = [];
  if (how === 'right') {
    for (const r of rrows) {
      const ls = lrows.filter((l) => match(l, r));
      if (ls.length === 0) rows.push(make(null, r));
      for (const l of ls) rows.push(make(l, r));
    }
  } else {
    const matched = new Set<Row>();
    for (const l of lrows) {
      const rs = rrows.filter((r) => match(l, r));
      if (rs.length === 0 && how !== 'inner') rows.push(make(l, null));
      for (const r of rs) {
        matched.add(r);
        rows.push(make(l, r));
      }
    }
    if (how === 'outer') for (const r of rrows) if (!matched.has(r)) rows.push(make(null, r));
  }
  return { names: [...lout, ...rout], rows };
}

function asList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : typeof v === 'string' ? [v] : v;
}

/** Random frame with every column kind, a deferred column, and sometimes as a (reversed) view. */
function arbSide(deferredName: string) {
  return fc
    .tuple(arbFrame(['int', 'float', 'str', 'bool', 'vec', 'obj'], 12), fc.boolean())
    .map(([{ frame }, reversed]) => {
      let df = frame.defer(
        deferredName,
        ['int', 'str'],
        (i: number | null, s: string | null) => (i === null ? null : `${i}:${s}`),
        { output: { kind: 'scalar', dtype: 'string' } },
      );
      if (reversed) df = df.take(Int32Array.from({ length: df.length }, (_, i) => df.length - 1 - i));
      return df;
    });
}

const KEY_CHOICES: MergeOptions[] = [
  { on: 'int' },
  { on: 'str' },
  { on: 'float' },
  { on: 'bool' },
  { on: ['int', 'str'] },
  { on: ['str', 'float', 'bool'] },
  { leftOn: 'int', rightOn: 'float' },
  { leftOn: ['str', 'int'], rightOn: ['str', 'float'] },
  { leftOn: 'dl', rightOn: 'dr' },
];

function checkAgainstNaive(
  left: DataFrame,
  right: DataFrame,
  options: MergeOptions,
  how: How,
  bigintsAsNumbers = false,
) {
  const keys =
    options.on !== undefined
      ? [asList(options.on), asList(options.on)]
      : [asList(options.leftOn), asList(options.rightOn)];
  // Deferred keys are not allowed; materialise them as scalar columns for that choice.
  if (keys[0][0] === 'dl') {
    left = left.withColumn('dl', (left.column('dl') as DeferredColumn).materializeSync());
    right = right.withColumn('dr', (right.column('dr') as DeferredColumn).materializeSync());
  }
  const result = left.merge(right, { ...options, how });
  const expected = naiveMerge(
    plainRows(left),
    plainRows(right),
    left.columnNames,
    right.columnNames,
    keys[0],
    keys[1],
    how,
  );
  expect(result.columnNames).toEqual(expected.names);
  const numbers = (rows: Row[]) =>
    bigintsAsNumbers
      ? rows.map((r) =>
          Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])),
        )
      : rows;
  expect(numbers(plainRows(result))).toEqual(numbers(expected.rows));
}

describe('merge against a nested-loop reference', () => {
  it('gives the same rows, in the documented order, for random frames with nulls (every kind, every how)', () => {
    fc.assert(
      fc.property(
        arbSide('dl'),
        arbSide('dr'),
        fc.constantFrom(...KEY_CHOICES),
        fc.constantFrom(...HOWS),
        (left, right, options, how) => checkAgainstNaive(left, right, options, how),
      ),
      { numRuns: 150 },
    );
  });

  it('handles empty frames and single rows on either side', () => {
    const size = fc.constantFrom(0, 1, null);
    const cut = (f: DataFrame, n: number | null) => (n === null ? f : f.head(n));
    fc.assert(
      fc.property(
        arbSide('dl'),
        arbSide('dr'),
        size,
        size,
        fc.constantFrom(...KEY_CHOICES),
        fc.constantFrom(...HOWS),
        (left, right, nl, nr, options, how) => checkAgainstNaive(cut(left, nl), cut(right, nr), options, how),
      ),
      { numRuns: 150 },
    );
  });

  /** Keys of several dtypes (int32, float32, int64, float64) with wide values, so hashing (not direct tables) is used. */
  it('matches across key dtypes and on hashed (wide-range) keys', () => {
    const dtypes = ['int32', 'float64', 'float32', 'int64'] as const;
    const value = fc.option(fc.constantFrom(-2_000_000_000, -7, -1, 0, 3, 65_536, 2_000_000_000), {
      nil: null,
      freq: 6,
    });
    const side = fc.record({
      dtype: fc.constantFrom(...dtypes),
      keys: fc.array(value, { maxLength: 14 }),
    });
    const build = (
      { dtype, keys }: { dtype: (typeof dtypes)[number]; keys: (number | null)[] },
      tag: string,
    ) =>
      new DataFrame({
        k:
          dtype === 'int64'
            ? ScalarColumn.from(
                keys.map((k) => (k === null ? null : BigInt(k))),
                'int64',
              )
            : ScalarColumn.from(keys, dtype),
        [tag]: keys.map((_, i) => `${tag}${i}`),
      });
    fc.assert(
      fc.property(side, side, fc.constantFrom(...HOWS), (l, r, how) => {
        // The coalesced outer key takes the promoted dtype, so compare keys as numbers.
        checkAgainstNaive(build(l, 'a'), build(r, 'b'), { on: 'k' }, how, true);
      }),
      { numRuns: 200 },
    );
  });

  it('joins on two keys whose id pairs do not fit 31 bits (the pair table)', () => {
    const n = 60_000;
    const a = Int32Array.from({ length: n }, (_, i) => i);
    const b = Int32Array.from({ length: n }, (_, i) => (i * 7919) % n);
    const left = new DataFrame({ a, b, x: Float64Array.from(a, (v) => v * 2) });
    // Right: the left rows not divisible by 5, reversed; those divisible by 3 get a b that matches nothing.
    const ri = Int32Array.from(a.filter((i) => i % 5 !== 0).reverse());
    const right = new DataFrame({
      a: Int32Array.from(ri, (i) => a[i]),
      b: Int32Array.from(ri, (i) => (i % 3 === 0 ? n + i : b[i])),
    });
    const out = left.merge(right, { on: ['a', 'b'], how: 'inner' });
    const expected = Array.from(
      a.filter((i) => i % 5 !== 0 && i % 3 !== 0),
      (i) => 2 * i,
    );
    const x = out.column<ScalarColumn>('x').values as Float64Array;
    expect(out.length).toBe(expected.length);
    expect(expected.filter((v, i) => x[i] !== v)).toEqual([]);
  });
});

describe('merge semantics', () => {
  const people = new DataFrame({
    name: ['Alan', 'George', null, 'Fred', 'Alan'],
    age: Int32Array.from([25, 32, 40, 51, 26]),
  });
  const groups = new DataFrame({
    group: [1, 1, 2, 2, 3],
    person: ['Alan', 'George', null, 'Nina', 'Alan'],
  });

  it('never matches null keys, keeps them as unmatched rows', () => {
    const out = people.merge(groups, { leftOn: 'name', rightOn: 'person', how: 'outer' });
    expect(out.columnNames).toEqual(['name', 'age', 'group', 'person']);
    expect(out.toRecords()).toEqual([
      { name: 'Alan', age: 25, group: 1, person: 'Alan' },
      { name: 'Alan', age: 25, group: 3, person: 'Alan' },
      { name: 'George', age: 32, group: 1, person: 'George' },
      { name: null, age: 40, group: null, person: null },
      { name: 'Fred', age: 51, group: null, person: null },
      { name: 'Alan', age: 26, group: 1, person: 'Alan' },
      { name: 'Alan', age: 26, group: 3, person: 'Alan' },
      { name: null, age: null, group: 2, person: null },
      { name: null, age: null, group: 2, person: 'Nina' },
    ]);
  });

  it('orders right joins by right rows, matches of one right row in left order', () => {
    const out = people.merge(groups, { leftOn: 'name', rightOn: 'person', how: 'right' });
    expect(out.toRecords().map((r) => [r.group, r.person, r.age])).toEqual([
      [1, 'Alan', 25],
      [1, 'Alan', 26],
      [1, 'George', 32],
      [2, null, null],
      [2, 'Nina', null],
      [3, 'Alan', 25],
      [3, 'Alan', 26],
    ]);
  });

  it('matches NaN with NaN and -0 with 0 (as DuckDB); coalesces and promotes the outer key', () => {
    const l = new DataFrame({ k: Int32Array.from([0, 1, 2]), a: ['zero', 'one', 'two'] });
    const r = new DataFrame({ k: [-0, Number.NaN, 2, 2.5], b: ['nz', 'nan', 'two', 'half'] });
    const out = l.merge(r, { on: 'k', how: 'outer' });
    expect(out.column('k').type).toEqual({ kind: 'scalar', dtype: 'float64' });
    expect(out.toRecords()).toEqual([
      { k: 0, a: 'zero', b: 'nz' },
      { k: 1, a: 'one', b: null },
      { k: 2, a: 'two', b: 'two' },
      { k: Number.NaN, a: null, b: 'nan' },
      { k: 2.5, a: null, b: 'half' },
    ]);
    const nan = new DataFrame({ k: [Number.NaN, 1] }).merge(r, { on: 'k' });
    expect(nan.toRecords()).toEqual([{ k: Number.NaN, b: 'nan' }]);
  });

  it('joins int64 with int32 (negative values too) and dates with timestamps', () => {
    const l = new DataFrame({ k: new BigInt64Array([-5n, 2n ** 40n, 7n]) });
    const r = new DataFrame({ k: Int32Array.from([7, -5, 9]), v: ['seven', 'minus five', 'nine'] });
    expect(l.merge(r, { on: 'k' }).toRecords()).toEqual([
      { k: -5n, v: 'minus five' },
      { k: 7n, v: 'seven' },
    ]);
    const day = 86_400_000;
    const d = new DataFrame({ d: ScalarColumn.from([new Date(3 * day), new Date(-2 * day), null], 'date') });
    const t = new DataFrame({
      t: ScalarColumn.from([new Date(-2 * day), new Date(3 * day + 1), new Date(3 * day)], 'timestamp'),
    });
    const dt = d.merge(t, { leftOn: 'd', rightOn: 't', how: 'left' });
    expect(
      dt.toRecords().map((r) => [r.d && (r.d as Date).getTime() / day, r.t && (r.t as Date).getTime() / day]),
    ).toEqual([
      [3, 3],
      [-2, -2],
      [null, null],
    ]);
  });

  it('joins uint8 and bool keys', () => {
    const l = new DataFrame({ k: Uint8Array.from([1, 200, 3]), f: [true, false, null] });
    const r = new DataFrame({ k: Float64Array.from([200, 1.5, 1]), f: [false, true, true] });
    expect(l.merge(r, { on: 'k' }).toRecords()).toEqual([
      { k: 1, f_x: true, f_y: true },
      { k: 200, f_x: false, f_y: false },
    ]);
    expect(l.merge(r, { on: 'f' }).toRecords()).toEqual([
      { k_x: 1, f: true, k_y: 1.5 },
      { k_x: 1, f: true, k_y: 1 },
      { k_x: 200, f: false, k_y: 200 },
    ]);
  });

  it('produces every pair of a many-to-many join', () => {
    const l = new DataFrame({ k: ['a', 'a', 'b', 'a'], i: [0, 1, 2, 3] });
    const r = new DataFrame({ k: ['a', 'b', 'a', 'a', 'c'], j: [0, 1, 2, 3, 4] });
    const out = l.merge(r, { on: 'k' });
    expect(out.length).toBe(3 * 3 + 1);
    expect(out.toRecords().map((x) => `${x.i}${x.j}`)).toEqual([
      '00',
      '02',
      '03',
      '10',
      '12',
      '13',
      '21',
      '30',
      '32',
      '33',
    ]);
  });

  it('moves tensor, object and deferred columns with their rows; deferred views share the cache', () => {
    let calls = 0;
    const l = new DataFrame({
      k: [1, 2, 3],
      v: TensorColumn.fromRows([[1, 1], null, [3, 3]]),
      o: [{ a: 1 }, { a: 2 }, null],
    }).defer('d', ['k'], (k: number) => {
      calls++;
      return k * 10;
    });
    const r = new DataFrame({ k: [3, 4, 1, 3] });
    const out = l.merge(r, { on: 'k', how: 'outer' });
    expect(plainRows(out)).toEqual([
      { k: 1, v: [1, 1], o: { a: 1 }, d: 10 },
      { k: 2, v: null, o: { a: 2 }, d: 20 },
      { k: 3, v: [3, 3], o: null, d: 30 },
      { k: 3, v: [3, 3], o: null, d: 30 },
      { k: 4, v: null, o: null, d: null },
    ]);
    expect(out.column('d')).toBeInstanceOf(DeferredColumn);
    expect(calls).toBe(3);
    expect(l.column('d').get(2)).toBe(30);
    expect(calls).toBe(3);
  });

  it('keeps both keys with leftOn/rightOn, and suffixes other shared names', () => {
    const l = new DataFrame({ id: [1, 2], v: ['a', 'b'], key: [9, 9] });
    const r = new DataFrame({ key: [2, 1], v: ['B', 'A'] });
    const out = l.merge(r, { leftOn: 'id', rightOn: 'key', suffixes: ['_l', '_r'] });
    expect(out.columnNames).toEqual(['id', 'v_l', 'key_l', 'key_r', 'v_r']);
    expect(out.toRecords()).toEqual([
      { id: 1, v_l: 'a', key_l: 9, key_r: 1, v_r: 'A' },
      { id: 2, v_l: 'b', key_l: 9, key_r: 2, v_r: 'B' },
    ]);
  });

  it('takes the key from the right rows in right joins', () => {
    const l = new DataFrame({ k: Int32Array.from([1]) });
    const r = new DataFrame({ k: [1, 2.5] });
    const out = l.merge(r, { on: 'k', how: 'right' });
    expect(out.column('k').type).toEqual({ kind: 'scalar', dtype: 'float64' });
    expect(out.column('k').toArray()).toEqual([1, 2.5]);
  });

  it('rejects bad options with typed errors', () => {
    const l = new DataFrame({ a: [1], s: ['x'], v: TensorColumn.fromRows([[1, 2]]) });
    const r = new DataFrame({ a: [1], b: [2], s: ['y'] });
    expect(() => l.merge(r, { on: 'nope' })).toThrow(ColumnNotFoundError);
    expect(() => l.merge(r, { leftOn: 'a', rightOn: 'c' })).toThrow(ColumnNotFoundError);
    expect(() => l.merge(r, {})).toThrow(InvalidArgumentError);
    expect(() => l.merge(r, { leftOn: 'a' })).toThrow(/without rightOn/);
    expect(() => l.merge(r, { on: 'a', leftOn: 'a', rightOn: 'a' })).toThrow(InvalidArgumentError);
    expect(() => l.merge(r, { leftOn: ['a', 's'], rightOn: ['a'] })).toThrow(/pair up/);
    expect(() => l.merge(r, { on: [] })).toThrow(InvalidArgumentError);
    expect(() => l.merge(r, { on: 'a', how: 'cross' as never })).toThrow(InvalidArgumentError);
    expect(() => l.merge(r, { leftOn: 's', rightOn: 'b' })).toThrow(TypeMismatchError);
    expect(() => l.merge(r, { leftOn: 's', rightOn: 'b' })).toThrow(/"s" \(string\).*"b" \(float64\)/);
    expect(() => l.merge(r, { leftOn: 'v', rightOn: 'a' })).toThrow(/scalar/);
    expect(() => l.merge(r, { on: 'a', suffixes: ['', ''] })).toThrow(DuplicateColumnError);
    const clash = new DataFrame({ a: [1], s: [1], s_x: [2] });
    expect(() => clash.merge(r, { on: 'a' })).toThrow(/two columns named "s_x"/);
  });
});

// ---- cross-check with DuckDB on vega-datasets ----

const DATA = fileURLToPath(new URL('../../../node_modules/vega-datasets/data/', import.meta.url));

function normal(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v === undefined) return null;
  return v;
}

/** Rows as arrays of values (bigints as numbers), sorted, for comparison as multisets. */
function sortedRows(rows: unknown[][]): string[] {
  return rows.map((r) => JSON.stringify(r.map(normal))).sort();
}

function quote(n: string): string {
  return `"${n.replaceAll('"', '""')}"`;
}

describe('merge against DuckDB on vega-datasets', () => {
  let instance: DuckDBInstance;
  let con: DuckDBConnection;
  const frames = new Map<string, DataFrame>();

  async function query(sql: string): Promise<unknown[][]> {
    return (await con.runAndReadAll(sql)).getRows() as unknown[][];
  }

  beforeAll(async () => {
    instance = await DuckDBInstance.create();
    con = await instance.connect();
    // CSVs: DuckDB parses them, and the frames are built from its rows.
    for (const [table, file] of [
      ['airports', 'airports.csv'],
      ['routes', 'flights-airport.csv'],
      ['people', 'lookup_people.csv'],
      ['groups', 'lookup_groups.csv'],
    ]) {
      await con.run(`CREATE TABLE ${table} AS SELECT * FROM read_csv_auto('${join(DATA, file)}')`);
      const reader = await con.runAndReadAll(`SELECT * FROM ${table}`);
      frames.set(table, DataFrame.fromRecords(reader.getRowObjects() as Row[]));
    }
    // JSON: DuckDB reads it with read_json_auto, Tessera from JSON.parse (integers become float64 here, BIGINT there).
    for (const [table, file, cols] of [
      ['penguins', 'penguins.json', null],
      [
        'movies',
        'movies.json',
        ['Major Genre', 'Director', 'MPAA Rating', 'IMDB Rating', 'Running Time min'],
      ],
    ] as const) {
      const select = cols ? cols.map(quote).join(', ') : '*';
      await con.run(`CREATE TABLE ${table} AS SELECT ${select} FROM read_json_auto('${join(DATA, file)}')`);
      const records = JSON.parse(readFileSync(join(DATA, file), 'utf8')) as Row[];
      const df = DataFrame.fromRecords(records);
      frames.set(table, cols ? df.select([...cols]) : df);
    }
  });

  afterAll(() => {
    con?.closeSync();
    instance?.closeSync();
  });

  /** The SQL for a merge, with the select list in Tessera's column order (shared keys once, coalesced for outer). */
  function sqlFor(l: string, r: string, leftOn: string[], rightOn: string[], how: How): string {
    const lcols = frames.get(l)!.columnNames;
    const shared = new Set(leftOn.filter((n, k) => rightOn[k] === n));
    const rcols = frames.get(r)!.columnNames.filter((n) => !shared.has(n));
    const select = [
      ...lcols.map((n) =>
        !shared.has(n)
          ? `L.${quote(n)}`
          : how === 'outer'
            ? `COALESCE(L.${quote(n)}, R.${quote(n)})`
            : how === 'right'
              ? `R.${quote(n)}`
              : `L.${quote(n)}`,
      ),
      ...rcols.map((n) => `R.${quote(n)}`),
    ];
    const on = leftOn.map((n, k) => `L.${quote(n)} = R.${quote(rightOn[k])}`).join(' AND ');
    const join = { inner: 'INNER', left: 'LEFT', right: 'RIGHT', outer: 'FULL OUTER' }[how];
    return `SELECT ${select.join(', ')} FROM ${l} L ${join} JOIN ${r} R ON ${on}`;
  }

  async function compare(l: string, r: string, options: MergeOptions, how: How, minRows = 1) {
    const leftOn = options.on !== undefined ? asList(options.on) : asList(options.leftOn);
    const rightOn = options.on !== undefined ? asList(options.on) : asList(options.rightOn);
    const ours = frames.get(l)!.merge(frames.get(r)!, { ...options, how });
    const theirs = await query(sqlFor(l, r, leftOn, rightOn, how));
    expect(ours.length).toBe(theirs.length);
    expect(ours.length).toBeGreaterThanOrEqual(minRows);
    const names = ours.columnNames;
    const mine = ours.toRecords().map((row) => names.map((n) => plain(row[n])));
    expect(sortedRows(mine)).toEqual(sortedRows(theirs));
  }

  for (const how of ['inner', 'left', 'outer'] as const) {
    it(`routes × airports on origin = iata (${how})`, async () => {
      await compare('routes', 'airports', { leftOn: 'origin', rightOn: 'iata' }, how, 5000);
    });

    it(`routes × routes on two keys, origin/destination reversed (${how})`, async () => {
      await compare(
        'routes',
        'routes',
        { leftOn: ['origin', 'destination'], rightOn: ['destination', 'origin'] },
        how,
        1000,
      );
    });

    it(`people × groups on name = person (${how})`, async () => {
      await compare('people', 'groups', { leftOn: 'name', rightOn: 'person' }, how);
    });

    it(`penguins × penguins on a numeric key with nulls, coalesced (${how})`, async () => {
      await compare('penguins', 'penguins', { on: 'Flipper Length (mm)' }, how, 3000);
      await compare('penguins', 'penguins', { on: ['Beak Length (mm)', 'Sex'] }, how, 300);
    });

    it(`movies × movies on genre + director, with many nulls (${how})`, async () => {
      await compare('movies', 'movies', { on: ['Major Genre', 'Director'] }, how, 4000);
    });
  }
});

describe('merge: keys at the boundaries of their encodings, against the nested-loop reference', () => {
  const hi = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

  /** float64 values with NaNs of other payloads and sign at the given rows. */
  function oddNaNs(values: number[], rows: number[]): Float64Array {
    const f = Float64Array.from(values);
    const bits = new Uint32Array(f.buffer);
    rows.forEach((r, j) => {
      bits[2 * r + hi] = j % 2 === 0 ? 0xfff80000 : 0x7ff00000;
      bits[2 * r + 1 - hi] = j % 2 === 0 ? 0 : 3 + j;
    });
    return f;
  }

  function checkAll(left: DataFrame, right: DataFrame, options: MergeOptions) {
    for (const how of HOWS) checkAgainstNaive(left, right, options, how);
  }

  it('keys that differ only by -0 / 0 or by their NaN bits match', () => {
    const lk = oddNaNs([0, -0, Number.NaN, 1, Number.NaN, Number.POSITIVE_INFINITY, 2.5], [4]);
    const rk = oddNaNs(
      [-0, Number.NaN, 0, Number.NaN, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, -2.5],
      [1, 3],
    );
    const left = new DataFrame({ k: lk, a: Int32Array.from(lk, (_, i) => i) });
    const right = new DataFrame({ k: rk, b: Int32Array.from(rk, (_, i) => 10 + i) });
    checkAll(left, right, { on: 'k' });
    // float32 against float64, and an integer-valued key against floats.
    const left32 = new DataFrame({ k: Float32Array.from([-0, Number.NaN, 0.5, 0]), a: [1, 2, 3, 4] });
    checkAll(left32, right, { on: 'k' });
    const ints = new DataFrame({ k: Int32Array.from([0, 1, -1, 0]), a: [1, 2, 3, 4] });
    checkAll(ints, right, { on: 'k' });
    checkAll(right, ints, { on: 'k' });
  });

  it('int64 keys near ±2^63 and 2^32 apart, with nulls', () => {
    const min = -(2n ** 63n);
    const max = 2n ** 63n - 1n;
    const l = [max, min, 0n, 2n ** 32n, null, -(2n ** 32n), max - 1n, 1n];
    const r = [min, max, null, 2n ** 32n, 0n, 2n ** 32n + 1n, max, 1n - 2n ** 32n];
    const left = new DataFrame({ k: ScalarColumn.from(l, 'int64'), a: l.map((_, i) => i) });
    const right = new DataFrame({ k: ScalarColumn.from(r, 'int64'), b: r.map((_, i) => i) });
    checkAll(left, right, { on: 'k' });
    // Two int64 keys: the pair table.
    const left2 = left.withColumn('j', ScalarColumn.from([...l].reverse(), 'int64'));
    const right2 = right.withColumn('j', ScalarColumn.from([...r].reverse(), 'int64'));
    checkAll(left2, right2, { on: ['k', 'j'] });
  });

  it('int64 against float64 keys compares as numbers (±2^53, ±Infinity, NaN never equals an integer)', () => {
    const l = [2n ** 53n, -(2n ** 53n), 0n, 5n, null];
    const r = [2 ** 53, -(2 ** 53), -0, Number.NaN, Number.POSITIVE_INFINITY, 5.5, 5];
    const left = new DataFrame({ k: ScalarColumn.from(l, 'int64'), a: l.map((_, i) => i) });
    const right = new DataFrame({ k: Float64Array.from(r), b: r.map((_, i) => i) });
    for (const how of HOWS) {
      checkAgainstNaive(left, right, { on: 'k' }, how, true);
      checkAgainstNaive(right, left, { on: 'k' }, how, true);
    }
  });
});
