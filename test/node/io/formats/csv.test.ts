import * as fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ColumnNotFoundError,
  DataFrame,
  formatCsv,
  InvalidArgumentError,
  ParseError,
  parseCsv,
  readCsv,
  readCsvBatches,
  ScalarColumn,
  TypeMismatchError,
  writeCsv,
} from '../../../../src/index.js';
import { CsvParser } from '../../../../src/node/io/formats/csv.js';
import { arbFrame, columnTypes, plainRows } from '../../../helpers/arbitrary.js';
import { comparableRows, DATA, duckdb, tempDir } from './helpers.js';

const tmp = tempDir('tessera-csv-');

function dtypes(df: DataFrame): string[] {
  return df.schema.map((f) => (f.type.kind === 'scalar' ? f.type.dtype : f.type.kind));
}

function parseError(fn: () => unknown): ParseError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ParseError);
    return e as ParseError;
  }
  throw new Error('expected a ParseError');
}

describe('parseCsv', () => {
  it('reads RFC 4180 quoting: delimiters, line breaks and doubled quotes inside quotes', () => {
    const df = parseCsv('a,b\r\n"x,y","he said ""hi""\r\nbye"\r\n"",plain\r\n');
    expect(df.toRecords()).toEqual([
      { a: 'x,y', b: 'he said "hi"\r\nbye' },
      { a: '', b: 'plain' },
    ]);
  });

  it('infers int32, float64, bool, date, timestamp and string per column', () => {
    const df = parseCsv(
      'i,f,b,d,t,s\n1,1.5,true,2020-02-29,2020-01-02T03:04:05Z,x\n-2,1e3,FALSE,1999-12-31,2020-01-02 03:04:05.25+01:00,1\n',
    );
    expect(dtypes(df)).toEqual(['int32', 'float64', 'bool', 'date', 'timestamp', 'string']);
    expect(df.toRecords()[1]).toEqual({
      i: -2,
      f: 1000,
      b: false,
      d: new Date(Date.UTC(1999, 11, 31)),
      t: new Date(Date.UTC(2020, 0, 2, 2, 4, 5, 250)),
      s: '1',
    });
  });

  it('treats unquoted null tokens as nulls, quoted ones as text', () => {
    const df = parseCsv('a,b\nNA,""\n1,NA\n,"NA"\n');
    expect(df.toRecords()).toEqual([
      { a: null, b: '' },
      { a: 1, b: null },
      { a: null, b: 'NA' },
    ]);
    const custom = parseCsv('a\n-\n2\n', { nullValues: ['-'] });
    expect(custom.column('a').toArray()).toEqual([null, 2]);
  });

  it('reads without a header, with names, other delimiters and quotes, and a byte-order mark', () => {
    expect(parseCsv('1;2\n3;4', { header: false, delimiter: ';' }).toRecords()).toEqual([
      { column_0: 1, column_1: 2 },
      { column_0: 3, column_1: 4 },
    ]);
    expect(
      parseCsv("\ufeffx|y\n'a|b'|c\n", { delimiter: '|', quote: "'", names: ['p', 'q'] }).toRecords(),
    ).toEqual([{ p: 'a|b', q: 'c' }]);
  });

  it('names empty and repeated headers, skips blank lines, keeps a final empty field', () => {
    const df = parseCsv('a,a,\n\n1,2,\n\n');
    expect(df.columnNames).toEqual(['a', 'a_1', 'column_2']);
    expect(df.toRecords()).toEqual([{ a: 1, a_1: 2, column_2: null }]);
  });

  it('parses numbers exactly as Number() does', () => {
    // float64 asked for: integer numerals would otherwise read as integers.
    const types = { x: 'float64' } as const;
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (x) => {
        const text = String(x);
        const got = parseCsv(`x\n${text}\n`, { types }).column('x').get(0);
        expect(Object.is(got, Number(text))).toBe(true);
      }),
      { numRuns: 300 },
    );
    const odd = ['0.1', '-0', '1e-7', '123456789012345678', '.5', '5.', '+3', 'inf', '-Infinity', 'NaN'];
    const got = parseCsv(`x\n${odd.join('\n')}\n`, { types })
      .column('x')
      .toArray();
    expect(got).toEqual(odd.map((t) => (t === 'inf' ? Number.POSITIVE_INFINITY : Number(t))));
  });

  it('parses dates as Date.UTC does, including leap days, and rejects impossible ones', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('0001-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }),
        (d) => {
          const day = d.toISOString().slice(0, 10);
          const got = parseCsv(`d\n${day}\n`).column('d');
          expect(dtypes(new DataFrame({ d: got }))).toEqual(['date']);
          expect((got.get(0) as Date).toISOString().slice(0, 10)).toBe(day);
        },
      ),
      { numRuns: 300 },
    );
    expect(dtypes(parseCsv('d\n2021-02-29\n'))).toEqual(['string']);
  });

  it('uses explicit types, including integers, JSON objects and tensors', () => {
    const df = parseCsv('i,j,o,v\n1,9007199254740993,"{""k"":1}","[[1,2],[3,4]]"\n,,,\n', {
      types: { i: 'int32', j: 'int64', o: 'object', v: { kind: 'tensor', dtype: 'float32', shape: [2, 2] } },
    });
    expect(dtypes(df)).toEqual(['int32', 'int64', 'object', 'tensor']);
    expect(df.column('j').get(0)).toBe(9007199254740993n);
    expect(df.column('o').get(0)).toEqual({ k: 1 });
    expect(Array.from(df.column('v').get(0) as Float32Array)).toEqual([1, 2, 3, 4]);
    expect(df.row(1)).toEqual({ i: null, j: null, o: null, v: null });
  });

  it('selects columns', () => {
    const df = parseCsv('a,b,c\n1,2,3\n', { columns: ['c', 'a'] });
    expect(df.toRecords()).toEqual([{ c: 3, a: 1 }]);
    expect(() => parseCsv('a,b\n1,2\n', { columns: ['x'] })).toThrow(ColumnNotFoundError);
  });

  it('gives an empty frame with the header columns for a file without rows', () => {
    const df = parseCsv('a,b\n');
    expect(df.columnNames).toEqual(['a', 'b']);
    expect(df.length).toBe(0);
    expect(parseCsv('').columnNames).toEqual([]);
  });
});

describe('malformed CSV', () => {
  it('names the line of a record with the wrong number of fields', () => {
    const e = parseError(() => parseCsv('a,b\n1,2\n"x\ny",2\n3\n', { file: 'data.csv' }));
    expect(e.file).toBe('data.csv');
    expect(e.line).toBe(5);
    expect(e.message).toContain('expected 2 fields');
  });

  it('reports an unclosed quote and text after a closing quote', () => {
    expect(parseError(() => parseCsv('a\n"open\n')).message).toContain('not closed');
    const e = parseError(() => parseCsv('a,b\n1,"x"y\n'));
    expect(e.line).toBe(2);
    expect(e.message).toContain('after a closing quote');
  });

  it('reports a value that does not fit its column type, with the line and a hint', () => {
    const e = parseError(() => parseCsv('a\n1\n2\nx\n', { types: { a: 'float64' } }));
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/column "a": expected a number, found "x"/);
    expect(() => parseCsv('a\n1.5\n', { types: { a: 'int32' } })).toThrow(ParseError);
  });

  it('names what each forced type expected, on the line of the bad field', () => {
    const cases: [string, string, string][] = [
      ['bool', 'yes', 'true or false'],
      ['date', '2024-02-30', 'a date (YYYY-MM-DD)'],
      ['timestamp', '2024-01-31T25:00', 'an ISO date-time (e.g. 2024-01-31T12:00:00Z)'],
      ['int64', '1e3', 'an integer'],
      ['int64', '9223372036854775808', 'a 64-bit integer'],
      ['float32', 'x', 'a number'],
      ['int32', '2147483648', 'an integer from -2147483648 to 2147483647 (int32)'],
      ['uint8', '-1', 'an integer from 0 to 255 (uint8)'],
    ];
    for (const [dtype, bad, expected] of cases) {
      const e = parseError(() =>
        parseCsv(`a\n\n${bad}\n`, { types: { a: dtype as never }, nullValues: [''] }),
      );
      expect(e.line, dtype).toBe(3);
      expect(e.message, dtype).toContain(`column "a": expected ${expected}, found "${bad}"`);
    }
  });

  it('rejects bad options', () => {
    expect(() => parseCsv('a', { delimiter: ',,' })).toThrow(InvalidArgumentError);
    expect(() => parseCsv('a', { delimiter: '"' })).toThrow(InvalidArgumentError);
    for (const type of ['float', { kind: 'scalar', dtype: 'float' }, { kind: 'deferred' }])
      expect(() => parseCsv('a\n1\n', { types: { a: type as never } })).toThrow(TypeMismatchError);
  });

  it('bounds the length of a record', () => {
    const parser = new CsvParser('big.csv', { maxRecordBytes: 100 });
    parser.push(new TextEncoder().encode('a\n"'));
    expect(() => parser.push(new Uint8Array(200).fill(65))).toThrow(ParseError);
  });
});

describe('streaming', () => {
  it('gives the same frame for any chunking of the input', () => {
    const text =
      'id,name,score,ok\n' +
      Array.from({ length: 60 }, (_, i) => `${i},"n ""${i}""\r\nx",${i / 4 + 0.1},${i % 2 === 0}`).join(
        '\r\n',
      ) +
      '\n';
    const bytes = new TextEncoder().encode(text);
    // The reference: the same parser given all bytes at once (it streams integers as int64).
    const one = new CsvParser('<chunks>');
    const whole = DataFrame.concat([one.push(bytes), one.finish()].filter((f): f is DataFrame => f !== null));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 12 }), (cuts) => {
        const points = [...new Set([0, ...cuts, bytes.length])].sort((a, b) => a - b);
        const parser = new CsvParser('<chunks>');
        const frames: DataFrame[] = [];
        for (let k = 1; k < points.length; k++) {
          const f = parser.push(bytes.slice(points[k - 1], points[k]));
          if (f) frames.push(f);
        }
        const last = parser.finish();
        if (last) frames.push(last);
        expect(DataFrame.concat(frames).toRecords()).toEqual(whole.toRecords());
      }),
      { numRuns: 200 },
    );
  });

  it('reads a file in batches with the types of the first batch, and readCsv joins them', async () => {
    const file = tmp();
    const lines = ['k,v,d'];
    for (let i = 0; i < 5000; i++)
      lines.push(`${i},${i % 7 === 0 ? '' : `v${i}`},2024-01-${String((i % 28) + 1).padStart(2, '0')}`);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    let batches = 0;
    let rows = 0;
    for await (const b of readCsvBatches(file, { batchBytes: 4096 })) {
      // Streamed integers are int64: a later batch may hold larger ones than the first.
      expect(dtypes(b)).toEqual(['int64', 'string', 'date']);
      batches++;
      rows += b.length;
    }
    expect(batches).toBeGreaterThan(10);
    expect(rows).toBe(5000);
    const df = await readCsv(file, { batchBytes: 4096 });
    expect(df.column('k').toArray()).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(df.column('v').get(7)).toBeNull();
    expect(df.column('v').get(8)).toBe('v8');
  });

  it('readCsvBatches reports a later value that does not fit the first batch’s type with its line', async () => {
    const file = tmp();
    fs.writeFileSync(file, `a\n${'1\n'.repeat(3000)}oops\n`);
    const read = async () => {
      for await (const _ of readCsvBatches(file, { batchBytes: 1024 })) {
        // drain
      }
    };
    await expect(read()).rejects.toMatchObject({ name: 'ParseError', line: 3002 });
  });

  it('readCsv widens types across batches, rereading so every field keeps its text', async () => {
    const file = tmp();
    // a: numbers then a word (→ string, text kept: "1.50" stays "1.50"); b: null, then numbers;
    // c: dates then a date-time (→ timestamp); d: numbers throughout.
    const rows = ['a,b,c,d'];
    for (let i = 0; i < 3000; i++) rows.push(`1.50,${i < 2000 ? '' : i},2024-01-02,${i}`);
    rows.push('oops,7,2024-01-02T03:04:05Z,9');
    fs.writeFileSync(file, `${rows.join('\n')}\n`);
    const df = await readCsv(file, { batchBytes: 1024 });
    expect(dtypes(df)).toEqual(['string', 'int32', 'timestamp', 'int32']);
    expect(df.length).toBe(3001);
    expect(df.column('a').get(0)).toBe('1.50');
    expect(df.column('a').get(3000)).toBe('oops');
    expect(df.column('b').get(1999)).toBeNull();
    expect(df.column('b').get(2000)).toBe(2000);
    expect(df.column('c').get(0)).toEqual(new Date(Date.UTC(2024, 0, 2)));
    expect(df.column('c').get(3000)).toEqual(new Date(Date.UTC(2024, 0, 2, 3, 4, 5)));
    // The reference: the same text parsed as one batch infers over everything at once.
    expect(df.toRecords()).toEqual(parseCsv(fs.readFileSync(file)).toRecords());
  });

  it('readCsv with any batch size equals one-batch parsing of the whole text', async () => {
    const cell = fc.oneof(
      fc.constantFrom('', 'NA', 'true', 'false', '2024-02-29', '2024-02-29T10:00:00Z', 'x', '007'),
      fc.integer({ min: -1000, max: 1000 }).map(String),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
    );
    const table = fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 300 });
    await fc.assert(
      fc.asyncProperty(table, fc.integer({ min: 1024, max: 4096 }), async (cells, batchBytes) => {
        const text = `p,q,r\n${cells.map((r) => r.join(',')).join('\n')}\n`;
        const file = tmp();
        fs.writeFileSync(file, text);
        const df = await readCsv(file, { batchBytes });
        const whole = parseCsv(text);
        expect(dtypes(df)).toEqual(dtypes(whole));
        expect(df.toRecords()).toEqual(whole.toRecords());
      }),
      { numRuns: 60 },
    );
  });

  it('readCsv keeps explicit types and still reports values that do not fit them', async () => {
    const file = tmp();
    fs.writeFileSync(file, `a\n${'1\n'.repeat(3000)}oops\n`);
    await expect(readCsv(file, { batchBytes: 1024, types: { a: 'float64' } })).rejects.toMatchObject({
      name: 'ParseError',
      line: 3002,
    });
    await expect(readCsv(file, { batchBytes: 1024, types: { a: 'string' } })).resolves.toHaveProperty(
      'length',
      3001,
    );
  });

  it('says when the file is missing', async () => {
    await expect(readCsv('/no/such/file.csv')).rejects.toThrow(InvalidArgumentError);
  });
});

describe('writeCsv', () => {
  it('round-trips random frames of every kind (objects and tensors as JSON text)', () => {
    const specs = ['int', 'float', 'str', 'bool', 'vec', 'obj'] as const;
    fc.assert(
      fc.property(arbFrame([...specs], 20), ({ frame }) => {
        const text = formatCsv(frame);
        const back = parseCsv(text, { types: columnTypes });
        expect(plainRows(back)).toEqual(plainRows(frame));
      }),
      { numRuns: 150 },
    );
  });

  it('round-trips strings of any text, and a one-column frame with nulls', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.string({ unit: 'grapheme' }), { nil: null }), { maxLength: 20 }),
        (values) => {
          const df = new DataFrame({ s: ScalarColumn.from(values, 'string') });
          for (const delimiter of [',', '\t']) {
            const back = parseCsv(formatCsv(df, { delimiter }), { delimiter, types: { s: 'string' } });
            expect(back.column('s').toArray()).toEqual(values);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('round-trips dates, timestamps, int64 and CRLF through a file', async () => {
    const df = new DataFrame({
      d: ScalarColumn.from([new Date('2020-02-29'), null, new Date('1969-12-31')], 'date'),
      t: ScalarColumn.from([new Date('2020-01-02T03:04:05.678Z'), new Date(-1), null], 'timestamp'),
      n: ScalarColumn.from([1n, -(2n ** 63n), null], 'int64'),
    });
    const file = tmp();
    await writeCsv(df, file, { lineEnd: '\r\n' });
    const back = await readCsv(file, { types: { n: 'int64' } });
    expect(dtypes(back)).toEqual(['date', 'timestamp', 'int64']);
    expect(back.toRecords()).toEqual(df.toRecords());
  });
});

describe('real data', () => {
  it('reads airports.csv as DuckDB does', async () => {
    const file = `${DATA}airports.csv`;
    // DuckDB reads NA as text; so do we with only '' as a null token (by default NA is null).
    expect((await readCsv(file)).column('state').nullCount).toBe(12);
    const df = await readCsv(file, { nullValues: [''] });
    const [ref] = await duckdb(
      `SELECT count(*)::DOUBLE AS n, sum(latitude) AS lat, sum(longitude) AS lon, count(DISTINCT state)::DOUBLE AS states,
        count(state)::DOUBLE AS with_state FROM read_csv_auto('${file}')`,
    );
    const lat = df.column<ScalarColumn>('latitude').toArray() as number[];
    const lon = df.column<ScalarColumn>('longitude').toArray() as number[];
    const state = df.column('state').toArray();
    expect(df.length).toBe(ref.n);
    expect(lat.reduce((a, b) => a + b, 0)).toBeCloseTo(ref.lat as number, 6);
    expect(lon.reduce((a, b) => a + b, 0)).toBeCloseTo(ref.lon as number, 6);
    expect(new Set(state.filter((s) => s !== null)).size).toBe(ref.states);
    expect(state.filter((s) => s !== null).length).toBe(ref.with_state);
    const first = await duckdb(`SELECT * FROM read_csv_auto('${file}') LIMIT 3`);
    expect(comparableRows(df.head(3).toRecords())).toEqual(comparableRows(first));
  });
});

describe('CSV boundaries (fixed examples beside the property tests)', () => {
  // With batchBytes 1024, a header "abc\n" and 5-byte rows ("xxxx\n"), the first chunk ends exactly
  // after row 203: batch 1 is rows 0..203, batch 2 rows 204..408, and so on.
  const EDGE = 204;
  const batchBytes = 1024;

  /** A one-column file "abc" whose row i holds text(i), each exactly 4 bytes. */
  function fixedWidthFile(rows: number, text: (i: number) => string): string {
    const cells = Array.from({ length: rows }, (_, i) => text(i));
    for (const c of cells) expect(Buffer.byteLength(c)).toBe(4);
    const file = tmp();
    fs.writeFileSync(file, `abc\n${cells.map((c) => `${c}\n`).join('')}`);
    return file;
  }

  /** Row counts of the batches, read as text so no batch can fail. */
  async function batchLengths(file: string): Promise<number[]> {
    const out: number[] = [];
    for await (const b of readCsvBatches(file, { batchBytes, types: { abc: 'string' } })) out.push(b.length);
    return out;
  }

  it('the setup: row 203 ends the first batch exactly at the chunk edge', async () => {
    const file = fixedWidthFile(600, () => '1.50');
    expect(await batchLengths(file)).toEqual([EDGE, EDGE, 600 - 2 * EDGE]);
  });

  it('widening at the batch edge: a word as the first row of batch 2 keeps "1.50" as text', async () => {
    const text = (i: number) => (i === EDGE ? 'oops' : i < EDGE ? '1.50' : '2.25');
    const df = await readCsv(fixedWidthFile(500, text), { batchBytes });
    expect(dtypes(df)).toEqual(['string']);
    expect(df.column('abc').toArray()).toEqual(Array.from({ length: 500 }, (_, i) => text(i)));
  });

  it('widening at the batch edge: a word as the last row of batch 1 turns later numbers into their text', async () => {
    const text = (i: number) => (i === EDGE - 1 ? 'oops' : '0.10');
    const df = await readCsv(fixedWidthFile(500, text), { batchBytes });
    expect(dtypes(df)).toEqual(['string']);
    expect(df.column('abc').toArray()).toEqual(Array.from({ length: 500 }, (_, i) => text(i)));
  });

  it('a first batch all null, then integers: nulls stay null, integers are int32', async () => {
    const text = (i: number) => (i < EDGE ? 'NULL' : String(1000 + i));
    const df = await readCsv(fixedWidthFile(500, text), { batchBytes });
    expect(dtypes(df)).toEqual(['int32']);
    expect(df.column('abc').toArray()).toEqual(
      Array.from({ length: 500 }, (_, i) => (i < EDGE ? null : 1000 + i)),
    );
  });

  it('integers, then a last batch all null: int32 with the nulls', async () => {
    const text = (i: number) => (i >= 2 * EDGE ? 'NULL' : String(1000 + i));
    const df = await readCsv(fixedWidthFile(500, text), { batchBytes });
    expect(dtypes(df)).toEqual(['int32']);
    expect(df.column('abc').toArray()).toEqual(
      Array.from({ length: 500 }, (_, i) => (i >= 2 * EDGE ? null : 1000 + i)),
    );
  });

  it('only nulls in every batch: a string column of nulls', async () => {
    const df = await readCsv(
      fixedWidthFile(500, () => 'NULL'),
      { batchBytes },
    );
    expect(dtypes(df)).toEqual(['string']);
    expect(df.column('abc').nullCount).toBe(500);
  });

  it('date -> timestamp across batches after a first batch all null: values as Date.UTC gives them', async () => {
    // 400 nulls (1200 bytes), 100 dates (1100 bytes), 60 date-times (1260 bytes): each kind fills a batch.
    const rows = [
      ...Array.from({ length: 400 }, () => null),
      ...Array.from({ length: 100 }, () => '2024-02-29'),
      ...Array.from({ length: 60 }, (_, i) => `2024-02-29T10:11:${String(i).padStart(2, '0')}Z`),
    ];
    const file = tmp();
    fs.writeFileSync(file, `abc\n${rows.map((r) => `${r ?? 'NA'}\n`).join('')}`);
    const lengths = await batchLengths(file);
    expect(lengths[0]).toBeLessThan(400); // precondition: the first batch holds only nulls
    expect(lengths.length).toBeGreaterThanOrEqual(3);
    const df = await readCsv(file, { batchBytes });
    expect(dtypes(df)).toEqual(['timestamp']);
    expect(df.column('abc').toArray()).toEqual([
      ...Array.from({ length: 400 }, () => null),
      ...Array.from({ length: 100 }, () => new Date(Date.UTC(2024, 1, 29))),
      ...Array.from({ length: 60 }, (_, i) => new Date(Date.UTC(2024, 1, 29, 10, 11, i))),
    ]);
  });

  it('date -> timestamp -> string across batches: every field keeps its own text', async () => {
    // 100 dates (1100 bytes), then 60 date-times (1260 bytes), then words: each kind fills a batch.
    const rows = [
      ...Array.from({ length: 100 }, () => '2024-01-02'),
      ...Array.from({ length: 60 }, (_, i) => `2024-01-02T03:04:${String(i).padStart(2, '0')}Z`),
      ...Array.from({ length: 60 }, (_, i) => `w${i}`),
    ];
    const file = tmp();
    fs.writeFileSync(file, `abc\n${rows.map((r) => `${r}\n`).join('')}`);
    const lengths = await batchLengths(file);
    expect(lengths[0]).toBeLessThan(100); // precondition: the first batch holds only dates
    expect(lengths.length).toBeGreaterThanOrEqual(3);
    const df = await readCsv(file, { batchBytes });
    expect(dtypes(df)).toEqual(['string']);
    expect(df.column('abc').toArray()).toEqual(rows);
  });

  it('multi-byte UTF-8 split by the chunk edge (each of the 1..3 continuation bytes)', async () => {
    for (const lead of [1, 2, 3]) {
      // The 4-byte 😀 starts `lead` bytes before byte 1024, so the chunk edge falls inside it.
      const header = 'abc\n';
      // The emoji's first byte sits after the header, `"pad"\n` and its own opening quote.
      const pad = 'x'.repeat(1024 - header.length - 4 - lead);
      const rows = [pad, '😀é日', '', 'ü'];
      const file = tmp();
      fs.writeFileSync(file, `${header}${rows.map((r) => `"${r}"\n`).join('')}`);
      const bytes = fs.readFileSync(file);
      expect(bytes[1024 - lead]).toBe(0xf0); // the emoji's lead byte
      const df = await readCsv(file, { batchBytes });
      expect(df.column('abc').toArray(), `lead ${lead}`).toEqual(rows);
      const streamed: unknown[] = [];
      for await (const b of readCsvBatches(file, { batchBytes })) streamed.push(...b.column('abc').toArray());
      expect(streamed).toEqual(rows);
    }
  });

  it('chunks of one byte: CRLF, doubled quotes, empty quoted fields, NUL and multi-byte text', () => {
    const text = 'a,b\r\n"",""""\r\n"x\u0000y","é😀"\r\nNA,"a\r\nb"\r\n';
    const want = [
      { a: '', b: '"' },
      { a: 'x\u0000y', b: 'é😀' },
      { a: null, b: 'a\r\nb' },
    ];
    const bytes = new TextEncoder().encode(text);
    const parser = new CsvParser('<bytes>', { types: { a: 'string', b: 'string' } });
    const frames: DataFrame[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const f = parser.push(bytes.subarray(i, i + 1));
      if (f) frames.push(f);
    }
    const last = parser.finish();
    if (last) frames.push(last);
    expect(DataFrame.concat(frames).toRecords()).toEqual(want);
  });

  it('explicit int64 at ±2^63 and int32 at ±2^31: the extremes parse, one past them is a ParseError', () => {
    const int64 = (t: string) =>
      parseCsv(`n\n${t}\n`, { types: { n: 'int64' } })
        .column('n')
        .get(0);
    expect(int64('9223372036854775807')).toBe(2n ** 63n - 1n);
    expect(int64('-9223372036854775808')).toBe(-(2n ** 63n));
    expect(() => int64('9223372036854775808')).toThrow(ParseError);
    expect(() => int64('-9223372036854775809')).toThrow(ParseError);
    const int32 = (t: string) =>
      parseCsv(`n\n${t}\n`, { types: { n: 'int32' } })
        .column('n')
        .get(0);
    expect([int32('2147483647'), int32('-2147483648')]).toEqual([2 ** 31 - 1, -(2 ** 31)]);
    expect(() => int32('2147483648')).toThrow(ParseError);
    expect(() => int32('-2147483649')).toThrow(ParseError);
  });

  it('strings with empty values, NUL and multi-byte text round-trip through formatCsv', () => {
    const values = ['', null, '\u0000', 'a,b', '"', '\r\n', '😀', ' lead', 'NA'];
    const df = new DataFrame({ s: ScalarColumn.from(values, 'string') });
    expect(
      parseCsv(formatCsv(df), { types: { s: 'string' } })
        .column('s')
        .toArray(),
    ).toEqual(values);
  });
});
