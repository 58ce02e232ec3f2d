import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareStrings } from '../../../src/core/column/compare.js';
import { argsortFloat64, sortIndices } from '../../../src/core/frame/sort.js';
import {
  type Column,
  ColumnNotFoundError,
  DataFrame,
  InvalidArgumentError,
  type Row,
  ScalarColumn,
  type ScalarDType,
  type SortKey,
  type SortOptions,
  TypeMismatchError,
} from '../../../src/index.js';
import { arbFrame, plainRows } from '../../helpers/arbitrary.js';

// ---- the naive reference: a comparator sort with the documented rules ----

interface Key {
  column: string;
  descending: boolean;
  nullsFirst: boolean;
}

/** Order of two non-null values: numbers with NaN above everything and -0 = 0, strings by code point. */
function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number(Number.isNaN(a)) - Number(Number.isNaN(b));
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return Math.sign(compareStrings(a, b));
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (a instanceof Date && b instanceof Date) return Math.sign(a.getTime() - b.getTime());
  throw new Error(`cannot compare ${String(a)} and ${String(b)}`);
}

function naiveOrder(df: DataFrame, keys: Key[]): number[] {
  const values = keys.map((k) => df.column(k.column).toArray());
  const order = Array.from({ length: df.length }, (_, i) => i);
  return order.sort((a, b) => {
    for (let k = 0; k < keys.length; k++) {
      const va = values[k][a];
      const vb = values[k][b];
      if (va === null && vb === null) continue;
      if (va === null) return keys[k].nullsFirst ? -1 : 1;
      if (vb === null) return keys[k].nullsFirst ? 1 : -1;
      const c = compareValues(va, vb);
      if (c !== 0) return keys[k].descending ? -c : c;
    }
    return a - b;
  });
}

/** Resolve a sort spec to explicit keys, as the documented defaults say. */
function resolve(by: SortKey[], options: SortOptions): Key[] {
  return by.map((k) => {
    const key = typeof k === 'string' ? { column: k } : k;
    return {
      column: key.column,
      descending: key.descending ?? options.descending ?? false,
      nullsFirst: (key.nulls ?? options.nulls ?? 'last') === 'first',
    };
  });
}

const arbKeySpec = (columns: string[]) =>
  fc.record({
    column: fc.constantFrom(...columns),
    descending: fc.option(fc.boolean(), { nil: undefined }),
    nulls: fc.option(fc.constantFrom('first' as const, 'last' as const), { nil: undefined }),
    plain: fc.boolean(),
  });

const arbSort = (columns: string[]) =>
  fc.record({
    keys: fc.array(arbKeySpec(columns), { minLength: 1, maxLength: 2 }),
    options: fc.record({
      descending: fc.option(fc.boolean(), { nil: undefined }),
      nulls: fc.option(fc.constantFrom('first' as const, 'last' as const), { nil: undefined }),
    }),
  });

/** Key specs as the API takes them: some as bare names, some as objects. */
function toSortBy(
  keys: { column: string; descending?: boolean; nulls?: 'first' | 'last'; plain: boolean }[],
) {
  return keys.map(({ plain, ...k }) => (plain ? k.column : k)) as SortKey[];
}

// ---- random frames of every scalar dtype ----

const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 5 });

/** Value generators per dtype, mixing small domains (ties) with the extremes of each type. */
const dtypeValues: Record<string, [ScalarDType, fc.Arbitrary<unknown>]> = {
  f64: [
    'float64',
    fc.oneof(
      fc.double(),
      fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1, -1),
      fc.constantFrom(Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE),
    ),
  ],
  /** Integer-valued floats, sometimes spanning 2^32 or more values. */
  f64int: [
    'float64',
    fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(4294967294, 4294967295, 2 ** 53, -0)),
  ],
  f32: [
    'float32',
    fc.oneof(
      fc.float({ noDefaultInfinity: false }),
      fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1.5),
    ),
  ],
  i32: ['int32', fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(-(2 ** 31), 2 ** 31 - 1))],
  i64: [
    'int64',
    fc.oneof(
      fc.bigInt({ min: -3n, max: 3n }),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      fc.constantFrom(-(2n ** 63n), 2n ** 63n - 1n, 2n ** 32n, 2n ** 32n - 1n, -(2n ** 32n)),
    ),
  ],
  u8: ['uint8', fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom(0, 255))],
  date: ['date', fc.integer({ min: -40_000, max: 40_000 })],
  ts: ['timestamp', fc.oneof(fc.integer({ min: -5, max: 5 }), fc.integer({ min: -8.64e15, max: 8.64e15 }))],
  bool: ['bool', fc.boolean()],
  str: [
    'string',
    fc
      .array(fc.constantFrom('a', 'b', 'B', 'é', '\uffff', '😀', '\ue000', ' ', '0'), { maxLength: 3 })
      .map((cs) => cs.join('')),
  ],
};
const dtypeNames = Object.keys(dtypeValues);

/** Every dtype, maybe in a small domain so that ties are common, plus a tensor and an object column. */
const arbTypedFrame = (maxRows: number) =>
  fc
    .array(
      fc.record(
        Object.fromEntries([
          ...dtypeNames.map((d) => [d, nullable(dtypeValues[d][1])]),
          ['vec', nullable(fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: -5, max: 5 })))],
          ['obj', nullable(fc.record({ k: fc.integer() }))],
        ]) as Record<string, fc.Arbitrary<unknown>>,
      ),
      { maxLength: maxRows },
    )
    .map((rows) => {
      const cols: Record<string, unknown> = {};
      for (const d of dtypeNames)
        cols[d] = ScalarColumn.from(
          rows.map((r) => r[d]),
          dtypeValues[d][0],
        );
      const frame = DataFrame.fromRecords(rows.length ? rows.map((r) => ({ vec: r.vec, obj: r.obj })) : [], {
        vec: { kind: 'tensor', dtype: 'float32', shape: [2] },
        obj: 'object',
      });
      const extra: Record<string, Column> = rows.length
        ? { vec: frame.column('vec'), obj: frame.column('obj') }
        : {};
      return new DataFrame({ ...(cols as Record<string, ScalarColumn>), ...extra });
    });

// ---- tests ----

describe('sortIndices against a naive comparator sort', () => {
  const keyColumns = ['int', 'float', 'str', 'bool'];

  it('random frames with nulls, 1 or 2 keys, mixed directions and null placement', () => {
    fc.assert(
      fc.property(arbFrame(), arbSort(keyColumns), ({ rows, frame }, { keys, options }) => {
        const by = toSortBy(keys);
        const expected = naiveOrder(frame, resolve(by, options));
        expect(Array.from(sortIndices(frame, by, options))).toEqual(expected);
        // Every column, tensors and objects included, follows its row.
        expect(plainRows(frame.sort(by, options))).toEqual(plainRows(frame.take(expected)));
        expect(frame.sort(by, options).length).toBe(rows.length);
      }),
      { numRuns: 300 },
    );
  });

  it('every scalar dtype, with extremes, nulls, NaN and -0', () => {
    fc.assert(
      fc.property(arbTypedFrame(40), arbSort(dtypeNames), (frame, { keys, options }) => {
        const by = toSortBy(keys);
        const expected = naiveOrder(frame, resolve(by, options));
        expect(Array.from(sortIndices(frame, by, options))).toEqual(expected);
        expect(plainRows(frame.sort(by, options))).toEqual(plainRows(frame.take(expected)));
      }),
      { numRuns: 300 },
    );
  });

  it('three keys of different dtypes', () => {
    const arb = fc.array(arbKeySpec(dtypeNames), { minLength: 3, maxLength: 3 });
    fc.assert(
      fc.property(arbTypedFrame(60), arb, (frame, keys) => {
        const by = toSortBy(keys);
        expect(Array.from(sortIndices(frame, by, {}))).toEqual(naiveOrder(frame, resolve(by, {})));
      }),
      { numRuns: 150 },
    );
  });

  it('views: sorts the rows the frame shows', () => {
    fc.assert(
      fc.property(
        arbFrame(),
        arbSort(keyColumns),
        fc.array(fc.nat(), { maxLength: 40 }),
        ({ frame }, { keys, options }, picks) => {
          const view = frame.length ? frame.take(picks.map((p) => p % frame.length)) : frame.slice(0, 0);
          const by = toSortBy(keys);
          const expected = naiveOrder(view, resolve(by, options));
          expect(Array.from(sortIndices(view, by, options))).toEqual(expected);
          expect(plainRows(view.sort(by, options))).toEqual(plainRows(view.take(expected)));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('larger frames (every radix digit in use)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ x: nullable(dtypeValues.f64[1]), s: nullable(fc.string({ maxLength: 4 })) }), {
          minLength: 500,
          maxLength: 3000,
        }),
        fc.boolean(),
        fc.boolean(),
        (rows, descending, nullsFirst) => {
          const frame = DataFrame.fromRecords(rows, { x: 'float64', s: 'string' });
          const nulls = nullsFirst ? 'first' : 'last';
          for (const by of [['x'], ['s', 'x']]) {
            const keys = by.map((column) => ({ column, descending, nulls }) as const);
            expect(Array.from(sortIndices(frame, keys, {}))).toEqual(
              naiveOrder(frame, resolve([...keys], {})),
            );
          }
        },
      ),
      { numRuns: 10 },
    );
  });

  it('long runs of ties in the leading key bits (keys that differ only in their last bits)', () => {
    // 1 + k ulp: equal high words, so ties are broken deep inside the low word.
    const near = fc.oneof(
      fc.integer({ min: 0, max: 40 }).map((k) => 1 + k * Number.EPSILON),
      fc.constantFrom(1, 2, -1, Number.NaN, 0),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            g: nullable(fc.integer({ min: 0, max: 2 })),
            x: nullable(near),
            t: nullable(fc.bigInt({ min: 0n, max: 3n }).map((v) => (v << 40n) + 7n)),
            s: nullable(fc.constantFrom('a', 'b')),
          }),
          { minLength: 200, maxLength: 1500 },
        ),
        fc.array(arbKeySpec(['g', 'x', 't', 's']), { minLength: 1, maxLength: 4 }),
        (rows, keys) => {
          const frame = new DataFrame({
            g: ScalarColumn.from(
              rows.map((r) => r.g),
              'int32',
            ),
            x: ScalarColumn.from(
              rows.map((r) => r.x),
              'float64',
            ),
            t: ScalarColumn.from(
              rows.map((r) => r.t),
              'int64',
            ),
            s: ScalarColumn.from(
              rows.map((r) => r.s),
              'string',
            ),
          });
          const by = toSortBy(keys);
          expect(Array.from(sortIndices(frame, by, {}))).toEqual(naiveOrder(frame, resolve(by, {})));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('random int32 over the full range', () => {
    fc.assert(
      fc.property(
        fc.array(nullable(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })), { maxLength: 2000 }),
        (xs) => {
          const frame = new DataFrame({ x: ScalarColumn.from(xs, 'int32') });
          for (const descending of [false, true])
            expect(Array.from(sortIndices(frame, 'x', { descending }))).toEqual(
              naiveOrder(frame, [{ column: 'x', descending, nullsFirst: false }]),
            );
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe('sort: documented cases', () => {
  const x = [3, Number.NaN, null, -0, 0, Number.NEGATIVE_INFINITY, 1, null, Number.NaN];
  const df = new DataFrame({ x: ScalarColumn.from(x, 'float64'), i: x.map((_, i) => i) });
  const order = (by: SortKey | SortKey[], options?: SortOptions) =>
    df.sort(by, options).column('i').toArray();

  it('ascending: numbers, then NaN, then nulls; -0 and 0 tie (stable)', () => {
    expect(order('x')).toEqual([5, 3, 4, 6, 0, 1, 8, 2, 7]);
    expect(order('x', { nulls: 'first' })).toEqual([2, 7, 5, 3, 4, 6, 0, 1, 8]);
  });

  it('descending: NaN first (it is the largest), nulls still last by default', () => {
    expect(order('x', { descending: true })).toEqual([1, 8, 0, 6, 3, 4, 5, 2, 7]);
    expect(order({ column: 'x', descending: true, nulls: 'first' })).toEqual([2, 7, 1, 8, 0, 6, 3, 4, 5]);
  });

  it('strings by code point (UTF-8 byte order), not UTF-16 units', () => {
    const s = new DataFrame({ s: ['\uffff', '😀', 'b', 'B', 'é', 'a', ''] });
    expect(s.sort('s').column('s').toArray()).toEqual(['', 'B', 'a', 'b', 'é', '\uffff', '😀']);
  });

  it('float32, int64 and timestamps', () => {
    const f = new DataFrame({
      f: new Float32Array([2.5, -1, Number.NaN, -0, Number.POSITIVE_INFINITY]),
      b: new BigInt64Array([5n, -(2n ** 63n), 2n ** 63n - 1n, 0n, -1n]),
      t: ScalarColumn.from([new Date(5), new Date(-1e12), null, new Date(0), new Date(1e12)], 'timestamp'),
    });
    expect(f.sort('f').column('f').toArray()).toEqual([-1, -0, 2.5, Number.POSITIVE_INFINITY, Number.NaN]);
    expect(f.sort('b', { descending: true }).column('b').toArray()).toEqual([
      2n ** 63n - 1n,
      5n,
      0n,
      -1n,
      -(2n ** 63n),
    ]);
    expect(
      f
        .sort('t', { nulls: 'first' })
        .column('t')
        .toArray()
        .map((d) => (d as Date | null)?.getTime() ?? null),
    ).toEqual([null, -1e12, 0, 5, 1e12]);
  });

  it('-0 and 0 tie in every float dtype (the sort keeps their order)', () => {
    const zeros = [0, -0, 0.5, 0, -0];
    for (const values of [
      new Float32Array(zeros),
      new Float64Array(zeros),
      new Float64Array([0, -0, 0, -0]),
    ]) {
      const f = new DataFrame({ z: values });
      const n = values.length;
      const ties = n === 5 ? [0, 1, 3, 4] : [0, 1, 2, 3];
      expect(Array.from(sortIndices(f, 'z', {}))).toEqual(n === 5 ? [...ties, 2] : ties);
      expect(Array.from(sortIndices(f, 'z', { descending: true }))).toEqual(n === 5 ? [2, ...ties] : ties);
    }
  });

  it('empty frames and single rows', () => {
    expect(Array.from(sortIndices(df.head(0), 'x', {}))).toEqual([]);
    expect(Array.from(sortIndices(df.slice(2, 3), ['x', 'i'], { descending: true }))).toEqual([0]);
  });

  it('argsortFloat64 sorts plain arrays stably', () => {
    const v = new Float64Array([0.5, Number.NaN, -2, 0.5, -0]);
    expect(Array.from(argsortFloat64(v))).toEqual([2, 4, 0, 3, 1]);
    expect(Array.from(argsortFloat64(v, true))).toEqual([1, 0, 3, 4, 2]);
  });
});

describe('sort: errors', () => {
  const df = new DataFrame({
    x: [1, 2],
    vec: [
      [1, 2],
      [3, 4],
    ],
    obj: [{ a: 1 }, 'b'],
  }).defer('lazy', ['x'], (x) => (x as number) * 2);

  it('tensor and object columns are not sortable', () => {
    expect(() => df.sort('vec')).toThrow(TypeMismatchError);
    expect(() => df.sort('vec')).toThrow(/"vec".*tensor/);
    expect(() => df.sort(['x', 'obj'])).toThrow(/"obj".*object/);
  });

  it('deferred columns ask to be materialised', () => {
    expect(() => df.sort('lazy')).toThrow(TypeMismatchError);
    expect(() => df.sort('lazy')).toThrow(/"lazy".*materialize/);
  });

  it('bad keys and options', () => {
    expect(() => df.sort('y')).toThrow(ColumnNotFoundError);
    expect(() => df.sort([])).toThrow(InvalidArgumentError);
    expect(() => df.sort({ column: 'x', nulls: 'middle' as never })).toThrow(InvalidArgumentError);
    expect(() => df.sort('x', { descending: 'yes' as never })).toThrow(InvalidArgumentError);
    expect(() => df.sort(3 as never)).toThrow(InvalidArgumentError);
  });
});

// ---- cross-check against DuckDB on data no one here wrote ----

const dataDir = 'node_modules/vega-datasets/data';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

async function duckdb(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create();
  const con = await instance.connect();
  try {
    const result = await con.runAndReadAll(sql);
    return result.getRowObjects() as Record<string, unknown>[];
  } finally {
    con.closeSync();
  }
}

describe('sort agrees with DuckDB on vega-datasets', () => {
  it('cars.json: ORDER BY Horsepower DESC NULLS LAST, Name', async () => {
    const records = JSON.parse(readFileSync(`${dataDir}/cars.json`, 'utf8')) as Row[];
    const df = DataFrame.fromRecords(records);
    const ours = df.sort([{ column: 'Horsepower', descending: true }, 'Name']);
    const theirs = await duckdb(
      `SELECT Horsepower::DOUBLE AS hp, Name FROM read_json_auto('${dataDir}/cars.json')
       ORDER BY Horsepower DESC NULLS LAST, Name`,
    );
    expect(theirs.length).toBe(406);
    expect(ours.select('Horsepower', 'Name').toRecords()).toEqual(
      theirs.map((r) => ({ Horsepower: r.hp, Name: r.Name })),
    );
    // Nulls first, ascending, then by name descending.
    const ours2 = df.sort([
      { column: 'Miles_per_Gallon', nulls: 'first' },
      { column: 'Name', descending: true },
    ]);
    const theirs2 = await duckdb(
      `SELECT Miles_per_Gallon::DOUBLE AS mpg, Name FROM read_json_auto('${dataDir}/cars.json')
       ORDER BY Miles_per_Gallon ASC NULLS FIRST, Name DESC`,
    );
    expect(ours2.select('Miles_per_Gallon', 'Name').toRecords()).toEqual(
      theirs2.map((r) => ({ Miles_per_Gallon: r.mpg, Name: r.Name })),
    );
  });

  it('movies.json: strings with nulls and non-ASCII, dates, integer and float keys', async () => {
    const raw = JSON.parse(readFileSync(`${dataDir}/movies.json`, 'utf8')) as Row[];
    const records = raw.map((r) => {
      const [mon, day, year] = String(r['Release Date']).split(' ');
      return {
        title: r.Title === null ? null : String(r.Title),
        genre: r['Major Genre'],
        released: Date.UTC(Number(year), MONTHS.indexOf(mon), Number(day)) / 86_400_000,
        gross: r['US Gross'],
        imdb: r['IMDB Rating'],
      };
    });
    const df = DataFrame.fromRecords(records, {
      title: 'string',
      genre: 'string',
      released: 'date',
      gross: 'float64',
      imdb: 'float64',
    });
    const source = `read_json('${dataDir}/movies.json', columns = {Title: 'VARCHAR', "Major Genre": 'VARCHAR',
      "Release Date": 'VARCHAR', "US Gross": 'BIGINT', "IMDB Rating": 'DOUBLE'})`;
    const columns = `Title AS title, "Major Genre" AS genre,
      strftime(strptime("Release Date", '%b %d %Y'), '%Y-%m-%d') AS released,
      "US Gross"::DOUBLE AS gross, "IMDB Rating" AS imdb`;
    const keysOf = (frame: DataFrame, names: string[]) =>
      frame
        .toRecords()
        .map((r) =>
          Object.fromEntries(
            names.map((n) => [n, r[n] instanceof Date ? (r[n] as Date).toISOString().slice(0, 10) : r[n]]),
          ),
        );
    const cases: [SortKey[], string][] = [
      [
        [{ column: 'genre', nulls: 'first' }, { column: 'released', descending: true }, 'title'],
        'genre ASC NULLS FIRST, released DESC NULLS LAST, title ASC NULLS LAST',
      ],
      [
        [{ column: 'gross', descending: true, nulls: 'first' }, { column: 'imdb', nulls: 'first' }, 'title'],
        'gross DESC NULLS FIRST, imdb ASC NULLS FIRST, title ASC NULLS LAST',
      ],
      [[{ column: 'title', descending: true }], 'title DESC NULLS LAST'],
    ];
    for (const [by, orderBy] of cases) {
      const names = by.map((k) => (typeof k === 'string' ? k : k.column));
      const theirs = await duckdb(`SELECT ${columns} FROM ${source} ORDER BY ${orderBy}`);
      expect(theirs.length).toBe(3201);
      expect(keysOf(df.sort(by), names)).toEqual(
        theirs.map((r) => Object.fromEntries(names.map((n) => [n, r[n]]))),
      );
    }
  });
});

describe('sort: key boundaries, against the naive comparator sort', () => {
  const placements: SortOptions[] = [
    {},
    { descending: true },
    { nulls: 'first' },
    { descending: true, nulls: 'first' },
  ];

  /** Sort `df` by `by` with every direction and null placement and compare with the naive order. */
  function expectNaive(df: DataFrame, by: SortKey[]) {
    for (const options of placements)
      expect(Array.from(sortIndices(df, by, options)), JSON.stringify(options)).toEqual(
        naiveOrder(df, resolve(by, options)),
      );
  }

  /** Values `base + offsets`, shuffled, with a null and with a tie, as int64. */
  function int64Span(base: bigint, span: bigint, nulls: boolean): DataFrame {
    const values: (bigint | null)[] = [
      base + span,
      base,
      base + span / 2n,
      base + 1n,
      base + span - 1n,
      base,
    ];
    if (nulls) values.splice(2, 0, null);
    return new DataFrame({ k: ScalarColumn.from(values, 'int64'), t: values.map((_, i) => i % 2 === 0) });
  }

  it('int64 keys spanning 2^32 - 1, 2^32 and 2^32 + 1 values apart (the small-range limit)', () => {
    for (const span of [2n ** 32n - 2n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 32n + 1n])
      for (const base of [
        0n,
        -(2n ** 31n),
        -(2n ** 32n) - 3n,
        2n ** 40n + 7n,
        -(2n ** 63n),
        2n ** 63n - 1n - span,
      ])
        for (const nulls of [false, true]) {
          const df = int64Span(base, span, nulls);
          expectNaive(df, ['k']);
          expectNaive(df, ['k', 't']);
          expectNaive(df, ['t', 'k']);
        }
  });

  it('int64 keys near ±2^63 (full-range halves)', () => {
    const min = -(2n ** 63n);
    const max = 2n ** 63n - 1n;
    const values = [max, min, 0n, -1n, max - 1n, min + 1n, null, 2n ** 32n, -(2n ** 32n), max, min];
    const df = new DataFrame({ k: ScalarColumn.from(values, 'int64'), s: values.map((_, i) => `${i % 3}`) });
    expectNaive(df, ['k']);
    expectNaive(df, ['s', 'k']);
  });

  it('integer-valued float64 keys spanning 2^32 - 1, 2^32 and 2^32 + 1 values', () => {
    for (const span of [2 ** 32 - 2, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1])
      for (const base of [0, -(2 ** 31), -(2 ** 52), 2 ** 53 - span])
        for (const nulls of [false, true]) {
          const values: (number | null)[] = [base + span, base, -0 + base, base + 1, base + span - 1, base];
          if (nulls) values.splice(3, 0, null);
          const df = new DataFrame({
            k: ScalarColumn.from(values, 'float64'),
            t: values.map((_, i) => i % 3),
          });
          expectNaive(df, ['k']);
          expectNaive(df, ['k', 't']);
        }
  });

  it('int32 keys over the whole range (exactly 2^32 values) with nulls', () => {
    const values = [2 ** 31 - 1, -(2 ** 31), null, 0, -1, 2 ** 31 - 1, -(2 ** 31), null];
    const df = new DataFrame({ k: ScalarColumn.from(values, 'int32'), t: values.map((_, i) => i % 2 === 0) });
    expectNaive(df, ['k']);
    expectNaive(df, ['k', 't']);
  });

  it('-0, 0, NaN (any payload), ±Infinity and nulls in float64 and float32', () => {
    const n = 12;
    const f64 = new Float64Array([
      0,
      Number.NaN,
      -0,
      Number.POSITIVE_INFINITY,
      1,
      Number.NEGATIVE_INFINITY,
      0,
      -0,
      0,
      0,
      -1,
      -0,
    ]);
    // NaNs with other payloads and sign: still one value above every number.
    const bits = new Uint32Array(f64.buffer);
    const hi = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
    bits[2 * 8 + hi] = 0xfff80000;
    bits[2 * 9 + hi] = 0x7ff00000;
    bits[2 * 9 + 1 - hi] = 1;
    const validity = new Uint8Array([0xff, 0x0f & ~(1 << 2)]); // row 10 is null
    const f32 = Float32Array.from(f64);
    const df = new DataFrame({
      d: new ScalarColumn('float64', n, { values: f64, validity }),
      f: new ScalarColumn('float32', n, { values: f32, validity }),
      t: Array.from({ length: n }, (_, i) => i % 2),
    });
    expect(df.column('d').get(9)).toBeNaN();
    for (const key of ['d', 'f']) {
      expectNaive(df, [key]);
      expectNaive(df, [key, 't']);
      expectNaive(df, ['t', key]);
    }
  });
});
