import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  column,
  DataFrame,
  readArrow,
  readJsonLines,
  readParquet,
  writeArrow,
  writeCsv,
  writeJsonLines,
  writeParquet,
} from '../../../../src/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-int64-formats-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('int64 tensor columns in Arrow IPC, Parquet, JSON and CSV files', () => {
  const rows = [[2n ** 63n - 1n, 2n ** 53n + 1n], null, [-(2n ** 63n), -(2n ** 53n) - 1n]];
  const df = new DataFrame({ t: column(rows) });
  const rowsOf = (d: DataFrame) =>
    Array.from({ length: d.length }, (_, i) => {
      const r = d.column('t').get(i) as BigInt64Array | null;
      return r === null ? null : Array.from(r);
    });

  it('round-trip exactly (FixedSizeList<Int64>)', async () => {
    const arrowFile = path.join(dir, 't.arrow');
    await writeArrow(df, arrowFile);
    const fromArrow = await readArrow(arrowFile);
    expect(fromArrow.column('t').type).toEqual({ kind: 'tensor', dtype: 'int64', shape: [2] });
    expect(rowsOf(fromArrow)).toEqual(rows);
    const parquetFile = path.join(dir, 't.parquet');
    await writeParquet(df, parquetFile);
    const fromParquet = await readParquet(parquetFile);
    expect(fromParquet.column('t').type).toEqual({ kind: 'tensor', dtype: 'int64', shape: [2] });
    expect(rowsOf(fromParquet)).toEqual(rows);
  });

  it('write to JSON lines as exact numerals, to CSV cells as numbers (beyond 2^53 as decimal strings), never crash', async () => {
    const small = new DataFrame({ t: column([[[1n, -2n]], null, [[2n ** 53n + 1n, -(2n ** 63n)]]]) });
    const jsonl = path.join(dir, 't.jsonl');
    await writeJsonLines(small, jsonl);
    expect(fs.readFileSync(jsonl, 'utf8').trim().split('\n')).toEqual([
      '{"t":[[1,-2]]}',
      '{"t":null}',
      '{"t":[[9007199254740993,-9223372036854775808]]}',
    ]);
    // Read back exactly (as int64, since they hold integers beyond 2^53).
    expect((await readJsonLines(jsonl)).column('t').toArray()).toEqual(small.column('t').toArray());
    const csv = path.join(dir, 't.csv');
    await writeCsv(small, csv);
    expect(fs.readFileSync(csv, 'utf8').trim().split('\n')).toEqual([
      't',
      '"[[1,-2]]"',
      '',
      '"[[""9007199254740993"",""-9223372036854775808""]]"',
    ]);
  });
});
