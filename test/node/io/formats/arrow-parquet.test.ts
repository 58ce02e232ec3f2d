import * as fs from 'node:fs';
import * as arrow from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ColumnNotFoundError,
  DataFrame,
  formatArrow,
  formatParquet,
  ObjectColumn,
  ParseError,
  parseArrow,
  parseParquet,
  readArrow,
  readArrowBatches,
  readJson,
  readParquet,
  readParquetBatches,
  ScalarColumn,
  TensorColumn,
  writeArrow,
  writeParquet,
} from '../../../../src/index.js';
import { arbFrame, plainRows } from '../../../helpers/arbitrary.js';
import { comparableRows, DATA, duckdb, tempDir } from './helpers.js';

const tmp = tempDir('tessera-arrow-');

function kinds(df: DataFrame): string[] {
  return df.schema.map((f) =>
    f.type.kind === 'scalar'
      ? f.type.dtype
      : f.type.kind === 'tensor'
        ? `tensor<${f.type.dtype}>[${f.type.shape}]`
        : f.type.kind,
  );
}

/** A frame with a column of every kind and dtype, with nulls. */
function everyKind(): DataFrame {
  return new DataFrame({
    f64: ScalarColumn.from([1.5, null, Number.NaN], 'float64'),
    f32: ScalarColumn.from([0.25, -1, null], 'float32'),
    i32: ScalarColumn.from([null, -(2 ** 31), 7], 'int32'),
    i64: ScalarColumn.from([2n ** 62n, null, -1n], 'int64'),
    u8: ScalarColumn.from([0, 255, null], 'uint8'),
    bool: ScalarColumn.from([true, null, false], 'bool'),
    str: ScalarColumn.from(['a', '', null], 'string'),
    date: ScalarColumn.from([new Date('2020-02-29'), null, new Date('1900-01-01')], 'date'),
    ts: ScalarColumn.from([new Date('2020-01-02T03:04:05.678Z'), new Date(-1), null], 'timestamp'),
    vec: TensorColumn.fromRows([[1, 2, 3, 4, 5, 6], null, [0, 0, 0, 0, 0, 1]], 'float32', [2, 3]),
    ids: TensorColumn.fromRows(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      'int32',
      [2],
    ),
    pix: TensorColumn.fromRows([[1], [2], [255]], 'uint8', [1]),
    f64vec: TensorColumn.fromRows([[0.1], [0.2], null], 'float64', [1]),
    obj: new ObjectColumn([{ a: [1, { b: 'c' }] }, null, 'text']),
  });
}

describe('Arrow IPC', () => {
  it('round-trips every column kind through the file and stream formats', async () => {
    const df = everyKind();
    for (const format of ['file', 'stream'] as const) {
      const file = tmp();
      await writeArrow(df, file, { format });
      const back = await readArrow(file);
      expect(kinds(back)).toEqual(kinds(df));
      expect(plainRows(back)).toEqual(plainRows(df));
    }
  });

  it('round-trips random frames', () => {
    fc.assert(
      fc.property(arbFrame(undefined, 20), ({ frame }) => {
        expect(plainRows(parseArrow(formatArrow(frame)))).toEqual(plainRows(frame));
      }),
      { numRuns: 100 },
    );
  });

  it('shares the file’s buffers instead of copying numbers', () => {
    const bytes = formatArrow(
      new DataFrame({ x: new Float64Array([1, 2, 3]), v: everyKind().column('vec') }),
    );
    const back = parseArrow(bytes);
    expect((back.column('x') as ScalarColumn).values.buffer).toBe(bytes.buffer);
    expect((back.column('v') as TensorColumn).data.buffer).toBe(bytes.buffer);
  });

  it('reads flights-200k.arrow like its JSON twin, whole, by column and by batch', async () => {
    const df = await readArrow(`${DATA}flights-200k.arrow`);
    const json = await readJson(`${DATA}flights-200k.json`);
    expect(df.columnNames).toEqual(json.columnNames);
    expect(df.length).toBe(json.length);
    for (const name of df.columnNames) {
      const f32 = kinds(df.select(name))[0] === 'float32';
      const a = df.column(name).toArray() as number[];
      const b = (json.column(name).toArray() as number[]).map((x) => (f32 ? Math.fround(x) : x));
      expect(a.reduce((s, x) => s + x, 0)).toBeCloseTo(
        b.reduce((s, x) => s + x, 0),
        0,
      );
      expect(a.slice(0, 1000)).toEqual(b.slice(0, 1000));
    }
    const some = await readArrow(`${DATA}flights-200k.arrow`, { columns: ['distance'] });
    expect(some.columnNames).toEqual(['distance']);
    await expect(readArrow(`${DATA}flights-200k.arrow`, { columns: ['nope'] })).rejects.toThrow(
      ColumnNotFoundError,
    );
    let rows = 0;
    for await (const b of readArrowBatches(`${DATA}flights-200k.arrow`)) rows += b.length;
    expect(rows).toBe(200_000);
  });

  it('converts Arrow types that Tessera does not hold as they are', () => {
    const table = arrow.tableFromArrays({
      i16: Int16Array.from([1, -2]),
      u32: Uint32Array.from([1, 4_000_000_000]),
    });
    const withTs = arrow.tableFromIPC(arrow.tableToIPC(table));
    const df = parseArrow(arrow.tableToIPC(withTs));
    expect(kinds(df)).toEqual(['int32', 'float64']);
    expect(df.toRecords()).toEqual([
      { i16: 1, u32: 1 },
      { i16: -2, u32: 4_000_000_000 },
    ]);
  });

  it('turns bad bytes into a ParseError', () => {
    expect(() => parseArrow(new Uint8Array([1, 2, 3]))).toThrow(ParseError);
    expect(() => parseArrow(new TextEncoder().encode('not arrow at all, just text'))).toThrow(ParseError);
  });
});

describe('Parquet', () => {
  it('round-trips every column kind, including tensors as FixedSizeList', async () => {
    const df = everyKind();
    for (const compression of ['snappy', 'zstd', 'uncompressed'] as const) {
      const file = tmp();
      await writeParquet(df, file, { compression });
      const back = await readParquet(file);
      expect(kinds(back)).toEqual(kinds(df));
      expect(plainRows(back)).toEqual(plainRows(df));
    }
  });

  it('round-trips random frames and reads column subsets and row windows', () => {
    fc.assert(
      fc.property(arbFrame(undefined, 20), ({ frame }) => {
        const bytes = formatParquet(frame, { rowGroupSize: 7 });
        expect(plainRows(parseParquet(bytes))).toEqual(plainRows(frame));
        expect(plainRows(parseParquet(bytes, { columns: ['vec', 'str'] }))).toEqual(
          plainRows(frame.select('vec', 'str')),
        );
        if (frame.length > 8)
          expect(plainRows(parseParquet(bytes, { rowGroups: [1] }))).toEqual(plainRows(frame.slice(7, 14)));
      }),
      { numRuns: 60 },
    );
  });

  it('reads columns of flights-3m.parquet as DuckDB does', async () => {
    const file = `${DATA}flights-3m.parquet`;
    const df = await readParquet(file, { columns: ['delay', 'origin', 'date'], rowGroups: [0] });
    const n = df.length;
    expect(n).toBeGreaterThan(100_000);
    expect(kinds(df)).toEqual(['int64', 'string', 'timestamp']);
    const [ref] = await duckdb(
      `SELECT sum(delay)::DOUBLE AS delay, count(DISTINCT origin)::DOUBLE AS origins, max(date)::VARCHAR AS last
       FROM read_parquet('${file}', file_row_number = true) WHERE file_row_number < ${n}`,
    );
    const delays = df.column('delay').toArray() as bigint[];
    expect(Number(delays.reduce((a, b) => a + b, 0n))).toBe(ref.delay);
    expect(new Set(df.column('origin').toArray()).size).toBe(ref.origins);
    const last = (df.column('date').toArray() as Date[]).reduce((m, d) => Math.max(m, d.getTime()), 0);
    expect(new Date(last).toISOString().replace('T', ' ').slice(0, 19)).toBe(ref.last);
    const head = await duckdb(
      `SELECT delay, origin, epoch_ms(date)::DOUBLE AS date FROM read_parquet('${file}') LIMIT 3`,
    );
    expect(comparableRows(df.head(3).toRecords())).toEqual(comparableRows(head));
  });

  it('writes files DuckDB reads', async () => {
    const file = tmp();
    await writeParquet(everyKind(), file);
    const rows = await duckdb(
      `SELECT f64, i64::VARCHAR AS i64, str, date::VARCHAR AS date FROM read_parquet('${file}')`,
    );
    expect(rows[0]).toEqual({ f64: 1.5, i64: String(2n ** 62n), str: 'a', date: '2020-02-29' });
    expect(rows[1].f64).toBeNull();
  });

  it('streams batches of every kind, by column and row group, equal to the whole read', async () => {
    const n = 1000;
    const rows = Array.from({ length: n }, (_, i) => ({
      i,
      s: i % 9 === 0 ? null : `s${i}`,
      v: [i, -i],
      o: { i },
    }));
    const df = DataFrame.fromRecords(rows);
    const file = tmp();
    await writeParquet(df, file, { rowGroupSize: 300 });
    const frames: DataFrame[] = [];
    for await (const b of readParquetBatches(file, { batchSize: 128 })) {
      expect(b.length).toBeLessThanOrEqual(128);
      frames.push(b);
    }
    expect(frames.length).toBeGreaterThanOrEqual(8);
    const whole = DataFrame.concat(frames);
    expect(kinds(whole)).toEqual(kinds(df));
    expect(plainRows(whole)).toEqual(plainRows(df));
    const picked: DataFrame[] = [];
    for await (const b of readParquetBatches(file, { columns: ['s', 'i'], rowGroups: [1, 3] }))
      picked.push(b);
    expect(plainRows(DataFrame.concat(picked))).toEqual(
      plainRows(DataFrame.concat([df.slice(300, 600), df.slice(900, 1000)]).select('s', 'i')),
    );
  });

  it('streaming reports missing columns, non-Parquet and damaged files with typed errors', async () => {
    const drain = async (file: string, columns?: string[]) => {
      for await (const _ of readParquetBatches(file, { columns })) {
        // drain
      }
    };
    const file = tmp();
    await writeParquet(everyKind(), file);
    await expect(drain(file, ['nope'])).rejects.toBeInstanceOf(ColumnNotFoundError);
    const text = tmp();
    fs.writeFileSync(text, 'a,b\n1,2\n');
    await expect(drain(text)).rejects.toBeInstanceOf(ParseError);
    const bad = fs.readFileSync(file);
    bad.fill(0, 8, bad.length - 12);
    fs.writeFileSync(file, bad);
    await expect(drain(file)).rejects.toBeInstanceOf(ParseError);
    await expect(drain('/no/such.parquet')).rejects.toThrow(/no file/);
  });

  it('turns bad bytes into a ParseError', () => {
    expect(() => parseParquet(new Uint8Array(4))).toThrow(ParseError);
    const good = formatParquet(everyKind());
    const bad = good.slice();
    bad.fill(0, 8, bad.length - 12);
    expect(() => parseParquet(bad)).toThrow(ParseError);
  });
});

describe('Arrow and Parquet boundaries (fixed examples beside the property tests)', () => {
  const extremes = {
    i64: [2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n, -(2n ** 53n) - 1n, 0n, null],
    i32: [2 ** 31 - 1, -(2 ** 31), 0, 1, -1, null],
    u8: [255, 0, 1, 254, 128, null],
    str: ['', '\u0000', 'a\u0000b', 'é', '😀日本', null],
  };
  const frameOfExtremes = () =>
    new DataFrame({
      i64: ScalarColumn.from(extremes.i64, 'int64'),
      i32: ScalarColumn.from(extremes.i32, 'int32'),
      u8: ScalarColumn.from(extremes.u8, 'uint8'),
      str: ScalarColumn.from(extremes.str, 'string'),
    });

  it('int64 at ±2^63 and ±(2^53 + 1), int32 at ±2^31, uint8 at 0/255, NUL and multi-byte strings: round trips', () => {
    const df = frameOfExtremes();
    for (const back of [parseArrow(formatArrow(df)), parseParquet(formatParquet(df))]) {
      expect(kinds(back)).toEqual(['int64', 'int32', 'uint8', 'string']);
      for (const [name, values] of Object.entries(extremes))
        expect(back.column(name).toArray(), name).toEqual(values);
    }
  });

  it('the same extremes (without NUL) as DuckDB reads them from our Parquet file', async () => {
    const file = tmp();
    const df = frameOfExtremes();
    await writeParquet(
      df.withColumn('str', ScalarColumn.from(['', 'x', 'ab', 'é', '😀日本', null], 'string')),
      file,
    );
    const rows = await duckdb(`SELECT i64::VARCHAR AS i64, i32, u8, str FROM read_parquet('${file}')`);
    expect(rows.map((r) => r.i64)).toEqual(extremes.i64.map((v) => (v === null ? null : String(v))));
    expect(rows.map((r) => r.i32)).toEqual(extremes.i32);
    expect(rows.map((r) => r.u8)).toEqual(extremes.u8);
    expect(rows.map((r) => r.str)).toEqual(['', 'x', 'ab', 'é', '😀日本', null]);
  });

  it('0-row frames keep their column types through Arrow and Parquet', () => {
    const df = new DataFrame({
      i64: ScalarColumn.from([], 'int64'),
      s: ScalarColumn.from([], 'string'),
      b: ScalarColumn.from([], 'bool'),
      v: TensorColumn.fromRows([], 'float32', [2]),
    });
    for (const back of [parseArrow(formatArrow(df)), parseParquet(formatParquet(df))]) {
      expect(back.length).toBe(0);
      expect(kinds(back)).toEqual(['int64', 'string', 'bool', 'tensor<float32>[2]']);
    }
  });

  it('validity at 7, 8, 9, 63, 64, 65 rows, in row groups of 8 (one group, exactly full, one row over)', async () => {
    for (const n of [7, 8, 9, 63, 64, 65]) {
      const values = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? null : i % 2 === 0));
      const nums = Array.from({ length: n }, (_, i) => (i % 5 === 4 ? null : i));
      const df = new DataFrame({ b: ScalarColumn.from(values, 'bool'), x: ScalarColumn.from(nums, 'int32') });
      expect(parseArrow(formatArrow(df)).toRecords(), `arrow n=${n}`).toEqual(df.toRecords());
      const file = tmp();
      await writeParquet(df, file, { rowGroupSize: 8 });
      expect((await readParquet(file)).toRecords(), `parquet n=${n}`).toEqual(df.toRecords());
      const [ref] = await duckdb(
        `SELECT count(*)::INT AS n, count(b)::INT AS b, count(x)::INT AS x, sum(b::INT)::INT AS t FROM read_parquet('${file}')`,
      );
      expect(ref).toEqual({
        n,
        b: values.filter((v) => v !== null).length,
        x: nums.filter((v) => v !== null).length,
        t: values.filter((v) => v === true).length,
      });
      const [groups] = await duckdb(
        `SELECT count(DISTINCT row_group_id)::INT AS g FROM parquet_metadata('${file}')`,
      );
      expect(groups.g, `row groups n=${n}`).toBe(Math.ceil(n / 8));
    }
  });
});
