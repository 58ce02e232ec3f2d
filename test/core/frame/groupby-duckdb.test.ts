// Cross-check of groupby and aggregate against DuckDB on real data (vega-datasets' cars and movies).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AggregateSpec, DataFrame, type Row } from '../../../src/index.js';

const DATA = fileURLToPath(new URL('../../../node_modules/vega-datasets/data/', import.meta.url));
const CARS = `${DATA}cars.json`;
const MOVIES = `${DATA}movies.json`;

type Connection = Awaited<ReturnType<DuckDBInstance['connect']>>;
let con: Connection;

beforeAll(async () => {
  const inst = await DuckDBInstance.create();
  con = await inst.connect();
});
afterAll(() => con?.closeSync());

async function sql(query: string): Promise<Row[]> {
  return (await con.runAndReadAll(query)).getRowObjects() as Row[];
}

/** DuckDB values as ours: BIGINT/HUGEINT as numbers, everything else as it is. */
function fromDuck(v: unknown): unknown {
  return typeof v === 'bigint' ? Number(v) : v;
}

function expectClose(actual: Row[], expected: Row[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    for (const [k, e] of Object.entries(expected[i])) {
      const a = actual[i][k];
      const want = fromDuck(e);
      if (typeof want === 'number' && typeof a === 'number' && a !== want) {
        const ok = Math.abs(a - want) <= 1e-9 * Math.max(1, Math.abs(want));
        if (!ok) expect({ row: i, column: k, value: a }).toEqual({ row: i, column: k, value: want });
      } else {
        expect({ row: i, column: k, value: a }).toEqual({ row: i, column: k, value: want });
      }
    }
  }
}

/** Spec and matching SQL for one numeric column `c` under output prefix `p`. */
function numericStats(p: string, c: string): { spec: AggregateSpec; sql: string } {
  const q = `"${c}"`;
  return {
    spec: {
      [`${p}_n`]: [c, 'count'],
      [`${p}_sum`]: [c, 'sum'],
      [`${p}_mean`]: [c, 'mean'],
      [`${p}_min`]: [c, 'min'],
      [`${p}_max`]: [c, 'max'],
      [`${p}_std`]: [c, 'std'],
      [`${p}_var`]: [c, 'var'],
      [`${p}_median`]: [c, 'median'],
      [`${p}_u`]: [c, 'nunique'],
      [`${p}_first`]: [c, 'first'],
      [`${p}_last`]: [c, 'last'],
    },
    sql: [
      `count(${q}) AS ${p}_n`,
      `coalesce(sum(${q}::DOUBLE), 0) AS ${p}_sum`, // pandas' min_count 0: no values sum to 0
      `avg(${q}::DOUBLE) AS ${p}_mean`,
      `min(${q}::DOUBLE) AS ${p}_min`,
      `max(${q}::DOUBLE) AS ${p}_max`,
      `stddev_samp(${q}::DOUBLE) AS ${p}_std`,
      `var_samp(${q}::DOUBLE) AS ${p}_var`,
      `median(${q}::DOUBLE) AS ${p}_median`,
      `count(DISTINCT ${q}) AS ${p}_u`,
      `first(${q}::DOUBLE ORDER BY rn) FILTER (WHERE ${q} IS NOT NULL) AS ${p}_first`,
      `last(${q}::DOUBLE ORDER BY rn) FILTER (WHERE ${q} IS NOT NULL) AS ${p}_last`,
    ].join(', '),
  };
}

function table(file: string): string {
  return `(SELECT *, row_number() OVER () AS rn FROM read_json_auto('${file}'))`;
}

describe('groupby matches DuckDB on vega-datasets', () => {
  it('cars: GROUP BY Origin, Cylinders over Horsepower and Miles_per_Gallon', async () => {
    const cars = DataFrame.fromRecords(JSON.parse(readFileSync(CARS, 'utf8')));
    const hp = numericStats('hp', 'Horsepower');
    const mpg = numericStats('mpg', 'Miles_per_Gallon');
    const spec: AggregateSpec = {
      rows: ['*', 'size'],
      ...hp.spec,
      ...mpg.spec,
      name_min: ['Name', 'min'],
      name_max: ['Name', 'max'],
      years: ['Year', 'nunique'],
    };
    const ours = cars.groupby(['Origin', 'Cylinders']).agg(spec).toRecords();
    const theirs = await sql(
      `SELECT Origin, Cylinders::DOUBLE AS Cylinders, count(*) AS rows, ${hp.sql}, ${mpg.sql},
              min(Name) AS name_min, max(Name) AS name_max, count(DISTINCT Year) AS years
       FROM ${table(CARS)} GROUP BY Origin, Cylinders ORDER BY Origin NULLS LAST, Cylinders NULLS LAST`,
    );
    expect(ours.length).toBeGreaterThan(5);
    expectClose(ours, theirs);

    const whole = cars.aggregate({ rows: ['*', 'size'], ...hp.spec });
    const [duck] = await sql(`SELECT count(*) AS rows, ${hp.sql} FROM ${table(CARS)}`);
    expectClose([whole], [duck]);
  });

  it('movies: null keys and null values (GROUP BY "MPAA Rating", "Major Genre")', async () => {
    const movies = DataFrame.fromRecords(JSON.parse(readFileSync(MOVIES, 'utf8')));
    const imdb = numericStats('imdb', 'IMDB Rating');
    const rt = numericStats('rt', 'Rotten Tomatoes Rating');
    const spec: AggregateSpec = {
      rows: ['*', 'size'],
      ...imdb.spec,
      ...rt.spec,
      dist_u: ['Distributor', 'nunique'],
      dist_min: ['Distributor', 'min'],
      dist_max: ['Distributor', 'max'],
    };
    const ours = movies.groupby(['MPAA Rating', 'Major Genre']).agg(spec).toRecords();
    const theirs = await sql(
      `SELECT "MPAA Rating", "Major Genre", count(*) AS rows, ${imdb.sql}, ${rt.sql},
              count(DISTINCT Distributor) AS dist_u, min(Distributor) AS dist_min, max(Distributor) AS dist_max
       FROM ${table(MOVIES)} GROUP BY ALL ORDER BY "MPAA Rating" NULLS LAST, "Major Genre" NULLS LAST`,
    );
    expect(ours.some((r) => r['MPAA Rating'] === null)).toBe(true);
    expect(ours.some((r) => r.rt_n === 0)).toBe(true); // an all-null group: count 0, sum 0
    expectClose(ours, theirs);
  });
});
