import * as fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DataFrame,
  jsonRecords,
  ParseError,
  parseJson,
  readJson,
  readJsonLines,
  readJsonLinesBatches,
  ScalarColumn,
  type TensorColumn,
  writeJson,
  writeJsonLines,
} from '../../../../src/index.js';
import { arbFrame, columnTypes, plainRows } from '../../../helpers/arbitrary.js';
import { DATA, duckdb, tempDir } from './helpers.js';

const tmp = tempDir('tessera-json-');

function dtypes(df: DataFrame): string[] {
  return df.schema.map((f) => (f.type.kind === 'scalar' ? f.type.dtype : f.type.kind));
}

/** Random frames with finite floats (JSON has no NaN or infinities, and writes -0 as 0). */
const finiteFrame = arbFrame(['int', 'float', 'str', 'bool', 'vec', 'obj'], 20).filter(({ frame }) =>
  (frame.column('float').toArray() as (number | null)[]).every(
    (v) => v === null || (Number.isFinite(v) && !Object.is(v, -0)),
  ),
);

describe('JSON and JSON lines', () => {
  it('round-trip random frames of every kind through both formats', async () => {
    const types = columnTypes as never;
    const file = tmp();
    await fc.assert(
      fc.asyncProperty(finiteFrame, async ({ frame }) => {
        await writeJson(frame, file);
        expect(plainRows(await readJson(file, { types }))).toEqual(plainRows(frame));
        await writeJsonLines(frame, file);
        expect(plainRows(await readJsonLines(file, { types }))).toEqual(plainRows(frame));
      }),
      { numRuns: 60 },
    );
  });

  it('infers tensors, objects, dates and timestamps, and writes them back as arrays and ISO text', () => {
    const df = parseJson(
      JSON.stringify([
        { v: [[1, 2]], o: { a: 1 }, d: '2020-01-31', t: '2020-01-31T10:00:00Z', n: 1, s: '2020' },
        { v: [[3, 4]], o: [1], d: null, t: '2021-06-01', n: null, s: 'x' },
      ]),
    );
    expect(dtypes(df)).toEqual(['tensor', 'object', 'date', 'timestamp', 'int32', 'string']);
    expect((df.column('v') as TensorColumn).shape).toEqual([1, 2]);
    expect(jsonRecords(df)[0]).toEqual({
      v: [[1, 2]],
      o: { a: 1 },
      d: '2020-01-31',
      t: '2020-01-31T10:00:00.000Z',
      n: 1,
      s: '2020',
    });
    expect(dtypes(parseJson('[{"d":"2020-01-31"}]', { dates: false }))).toEqual(['string']);
  });

  it('writes int64 beyond 2^53 as text and NaN as null', () => {
    const df = new DataFrame({
      n: ScalarColumn.from([2n ** 60n, 3n], 'int64'),
      x: new Float64Array([Number.NaN, 1]),
    });
    expect(jsonRecords(df)).toEqual([
      { n: '1152921504606846976', x: null },
      { n: 3, x: 1 },
    ]);
    const back = parseJson(JSON.stringify(jsonRecords(df)), { types: { n: 'int64' } });
    expect(back.column('n').toArray()).toEqual([2n ** 60n, 3n]);
  });

  it('reads JSON lines in batches with the first batch’s columns', async () => {
    const file = tmp();
    const lines = Array.from({ length: 1000 }, (_, i) => JSON.stringify({ i, s: i % 3 ? `s${i}` : null }));
    fs.writeFileSync(file, `${lines.join('\n')}\n\n`);
    const sizes: number[] = [];
    let sum = 0;
    for await (const b of readJsonLinesBatches(file, { batchRows: 300 })) {
      sizes.push(b.length);
      // Integers stream as int64: a later batch may hold larger ones than the first.
      expect(dtypes(b)).toEqual(['int64', 'string']);
      sum += (b.column('i').toArray() as bigint[]).reduce((a, x) => a + Number(x), 0);
    }
    expect(sizes).toEqual([300, 300, 300, 100]);
    expect(sum).toBe((999 * 1000) / 2);
    fs.appendFileSync(file, '{"i": 1, "extra": 2}\n');
    const all = async () => {
      for await (const _ of readJsonLinesBatches(file, { batchRows: 300 }));
    };
    await expect(all()).rejects.toMatchObject({ name: 'ParseError', line: 1002 });
    expect((await readJsonLines(file)).columnNames).toEqual(['i', 's', 'extra']);
  });

  it('reports malformed input with the file and line', async () => {
    const file = tmp();
    fs.writeFileSync(file, '[\n{"a": 1},\n{"a": 2,,}\n]');
    await expect(readJson(file)).rejects.toMatchObject({ name: 'ParseError', file, line: 3 });
    expect(() => parseJson('{"a": 1}')).toThrow(/expected a JSON array of records/);
    expect(() => parseJson('[1, 2]')).toThrow(ParseError);
    expect(() => parseJson('[{"a": "x"}]', { types: { a: 'float64' } })).toThrow(ParseError);
    fs.writeFileSync(file, '{"a": 1}\n[1]\n');
    await expect(readJsonLines(file)).rejects.toMatchObject({ name: 'ParseError', line: 2 });
    fs.writeFileSync(file, '{"a": 1}\n{"a": \n');
    await expect(readJsonLines(file)).rejects.toMatchObject({ name: 'ParseError', line: 2 });
  });
});

describe('real data', () => {
  it('reads cars.json as DuckDB does', async () => {
    const file = `${DATA}cars.json`;
    const df = await readJson(file);
    // Cylinders, Horsepower and Weight_in_lbs hold only integers (DuckDB: BIGINT).
    expect(dtypes(df)).toEqual([
      'string',
      'float64',
      'int32',
      'float64',
      'int32',
      'int32',
      'float64',
      'date',
      'string',
    ]);
    const [ref] = await duckdb(
      `SELECT count(*)::DOUBLE AS n, sum(Miles_per_Gallon) AS mpg, count(Miles_per_Gallon)::DOUBLE AS mpg_n,
        sum(Horsepower)::DOUBLE AS hp, min("Year")::VARCHAR AS first_year, count(DISTINCT Name)::DOUBLE AS names
       FROM read_json_auto('${file}')`,
    );
    const mpg = df
      .column('Miles_per_Gallon')
      .toArray()
      .filter((v) => v !== null) as number[];
    const hp = df
      .column('Horsepower')
      .toArray()
      .filter((v) => v !== null) as number[];
    expect(df.length).toBe(ref.n);
    expect(mpg.length).toBe(ref.mpg_n);
    expect(mpg.reduce((a, b) => a + b, 0)).toBeCloseTo(ref.mpg as number, 6);
    expect(hp.reduce((a, b) => a + b, 0)).toBe(ref.hp);
    const years = df.column('Year').toArray() as Date[];
    expect(new Date(Math.min(...years.map((d) => d.getTime()))).toISOString().slice(0, 10)).toBe(
      ref.first_year,
    );
    expect(new Set(df.column('Name').toArray()).size).toBe(ref.names);
  });
});

describe('JSON boundaries (fixed examples beside the property test)', () => {
  it('int64 at ±2^53: safe integers are JSON numbers, ±2^53 and beyond (to ±2^63) are text; all read back exactly', () => {
    const values = [
      2n ** 53n - 1n,
      2n ** 53n,
      2n ** 53n + 1n,
      -(2n ** 53n) + 1n,
      -(2n ** 53n),
      2n ** 63n - 1n,
      -(2n ** 63n),
      null,
    ];
    const df = new DataFrame({ n: ScalarColumn.from(values, 'int64') });
    // Reference: a JSON number is exact only for safe integers (Number.isSafeInteger), so those stay numbers.
    const want = values.map((v) =>
      v === null ? null : Number.isSafeInteger(Number(v)) ? Number(v) : String(v),
    );
    expect(jsonRecords(df).map((r) => r.n)).toEqual(want);
    const back = parseJson(JSON.stringify(jsonRecords(df)), { types: { n: 'int64' } });
    expect(back.column('n').toArray()).toEqual(values);
  });

  it('int64 text one past ±2^63 is a ParseError (was wrapped silently to the other end)', () => {
    const read = (t: string) =>
      parseJson(`[{"n":"${t}"}]`, { types: { n: 'int64' } })
        .column('n')
        .get(0);
    expect(read('-9223372036854775808')).toBe(-(2n ** 63n));
    expect(() => read('9223372036854775808')).toThrow(ParseError);
    expect(() => read('-9223372036854775809')).toThrow(ParseError);
  });

  it('0 rows: an empty array and an empty JSON lines file read as frames without rows', async () => {
    expect(parseJson('[]').length).toBe(0);
    const file = tmp();
    await writeJson(new DataFrame({ x: ScalarColumn.from([], 'float64') }), file);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual([]);
    fs.writeFileSync(file, '');
    expect((await readJsonLines(file)).length).toBe(0);
  });

  it('JSON lines batches at batchRows 1, = rows and > rows', async () => {
    const file = tmp();
    fs.writeFileSync(
      file,
      `${[0, 1, 2].map((i) => JSON.stringify({ i, s: i === 1 ? '' : `é${i}\u0000` })).join('\n')}\n`,
    );
    for (const [batchRows, sizes] of [
      [1, [1, 1, 1]],
      [3, [3]],
      [4, [3]],
    ] as const) {
      const got: number[] = [];
      const strings: unknown[] = [];
      for await (const b of readJsonLinesBatches(file, { batchRows })) {
        got.push(b.length);
        strings.push(...b.column('s').toArray());
      }
      expect(got, `batchRows ${batchRows}`).toEqual(sizes);
      expect(strings).toEqual(['é0\u0000', '', 'é2\u0000']);
    }
  });
});
