import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LazyColumn } from '../../../../src/core/column/lazy.js';
import {
  append,
  CorruptDataError,
  DataFrame,
  type DeferredColumn,
  ObjectColumn,
  read,
  registeredColumn,
  registerFunction,
  ScalarColumn,
  TensorColumn,
  write,
} from '../../../../src/index.js';
import { resetStoreIoStats, storeIoStats } from '../../../../src/node/io/store/file-io.js';
import { mulberry32 } from '../../../helpers/random.js';
import { dataFiles, tempDatasets } from './helpers.js';

const dataset = tempDatasets('tessera-lazy-');
const ROWS = 20_000;
const DIM = 128;
const ROW_BYTES = DIM * 4;

/** Row i of the test tensor: a pattern that no other row shares. */
const value = (i: number, k: number) => i * 0.25 + k * 1000;

describe('lazy reading', () => {
  let p: string;
  let npyBytes: number;
  beforeAll(async () => {
    const data = new Float32Array(ROWS * DIM);
    for (let i = 0; i < ROWS; i++) for (let k = 0; k < DIM; k++) data[i * DIM + k] = value(i, k);
    p = dataset();
    await write(
      new DataFrame({
        id: Int32Array.from({ length: ROWS }, (_, i) => i),
        emb: new TensorColumn(data, [DIM], ROWS),
      }),
      p,
      { fsync: false },
    );
    npyBytes = fs.statSync(dataFiles(p).find((f) => f.endsWith('.npy'))!).size;
  });

  it('opening reads only the manifest (and its copy in _versions/, which it is checked against)', async () => {
    resetStoreIoStats();
    const df = await read(p);
    expect(df.length).toBe(ROWS);
    expect(df.schema.map((f) => f.type)).toEqual([
      { kind: 'scalar', dtype: 'int32' },
      { kind: 'tensor', dtype: 'float32', shape: [DIM] },
    ]);
    expect(storeIoStats()).toEqual({
      bytesRead: 2 * fs.statSync(path.join(p, 'manifest.json')).size,
      reads: 2,
      opens: 2,
    });
  });

  it("opening works with a column's files gone; access then names the missing file", async () => {
    const copy = dataset();
    fs.cpSync(p, copy, { recursive: true });
    // The tensor column's files still back the dataset's length (see hostile.test.ts).
    for (const f of dataFiles(copy)) if (f.endsWith('.arrow')) fs.rmSync(f);
    const df = await read(copy);
    expect(df.length).toBe(ROWS);
    expect(df.columnNames).toEqual(['id', 'emb']);
    expect(df.select('emb').columnNames).toEqual(['emb']);
    expect(() => df.column('id')).toThrow(CorruptDataError);
    expect(() => df.column('id')).toThrow(/\.arrow: the file is missing/);
  });

  it('taking 1000 random rows of a tensor column reads only their blocks', async () => {
    const df = await read(p);
    const rng = mulberry32(7);
    const indices = Array.from({ length: 1000 }, () => Math.floor(rng() * ROWS));
    resetStoreIoStats();
    const emb = df.take(indices).column<TensorColumn>('emb');
    const stats = storeIoStats();
    expect(emb).toBeInstanceOf(TensorColumn);
    for (let j = 0; j < indices.length; j++)
      for (const k of [0, 17, DIM - 1]) expect(emb.data[j * DIM + k]).toBe(value(indices[j], k));
    // Each row costs its 4 KiB checksum block at most, plus the block checksums (4 bytes a block)
    // and the 128-byte header: far less than the 10 MB file.
    const sums = 4 * (1 + Math.ceil(ROWS / (4096 / ROW_BYTES)));
    expect(stats.bytesRead).toBeLessThanOrEqual(1000 * 4096 + sums + 128);
    expect(stats.bytesRead).toBeGreaterThanOrEqual(1000 * ROW_BYTES);
    expect(stats.bytesRead).toBeLessThan(npyBytes * 0.45);
    // The scalar column was not touched.
    expect(stats.opens).toBe(2);
  });

  it('reads single rows and slices by position, and a whole column only when asked', async () => {
    const df = await read(p);
    resetStoreIoStats();
    expect(Array.from(df.column('emb').get(12345) as Float32Array).slice(0, 2)).toEqual([
      value(12345, 0),
      value(12345, 1),
    ]);
    const lazy = df.select('emb');
    resetStoreIoStats();
    const row = lazy.row(19_999).emb as Float32Array;
    expect(row[DIM - 1]).toBe(value(19_999, DIM - 1));
    expect(storeIoStats().bytesRead).toBeLessThan(4096 + 20_000 + 256);
    resetStoreIoStats();
    const part = lazy.slice(1000, 1100).column<TensorColumn>('emb');
    expect(part.data[0]).toBe(value(1000, 0));
    expect(part.data[100 * DIM - 1]).toBe(value(1099, DIM - 1));
    // 100 adjacent rows: one read of their blocks (header and checksums already verified).
    expect(storeIoStats().reads).toBeLessThanOrEqual(3);
    const whole = lazy.column<TensorColumn>('emb');
    expect(whole).toBeInstanceOf(TensorColumn);
    expect(whole.data.length).toBe(ROWS * DIM);
    expect(whole.data[ROWS * DIM - 1]).toBe(value(ROWS - 1, DIM - 1));
  });

  it('a deferred column over a stored tensor column reads each batch of rows at once', async () => {
    registerFunction('test.firstOfRows', () => (rows: Float32Array[]) => rows.map((r) => r[0]), {
      batched: true,
    });
    const q = dataset();
    const df = await read(p);
    const emb = df.column('emb');
    await write(df.withColumn('first', registeredColumn('test.firstOfRows', [emb])), q, { fsync: false });
    const back = await read(q);
    resetStoreIoStats();
    const view = back.slice(5000, 5256).column<DeferredColumn>('first');
    const first = view.loadSync(Array.from({ length: 256 }, (_, i) => i));
    expect(first).toEqual(Array.from({ length: 256 }, (_, i) => value(5000 + i, 0)));
    // One coalesced read of the 256 rows' blocks (plus header and block checksums), not 256 reads.
    expect(storeIoStats().reads).toBeLessThanOrEqual(4);
  });

  it('gathers rows across appended fragments, with nulls', async () => {
    const q = dataset();
    const a = TensorColumn.fromRows([[1, 2], null, [5, 6]], 'float32', [2]);
    const b = TensorColumn.fromRows([[7, 8], [9, 10], null, [13, 14]], 'float32', [2]);
    await write(new DataFrame({ t: a }), q, { fsync: false });
    await append(q, new DataFrame({ t: b }), { fsync: false });
    const df = await read(q);
    const got = df.take([6, 0, 3, 1, 4, 3]).column<TensorColumn>('t');
    expect(got.toArray().map((r) => (r === null ? null : Array.from(r as ArrayLike<number>)))).toEqual([
      [13, 14],
      [1, 2],
      [7, 8],
      null,
      [9, 10],
      [7, 8],
    ]);
    expect(df.column('t').nullCount).toBe(2);
    expect(
      df
        .column<TensorColumn>('t')
        .toArray()
        .map((r) => (r === null ? null : r[0])),
    ).toEqual([1, null, 5, 7, 9, null, 13]);
  });

  it('columns of an opened frame are lazy until read; frame operations see concrete columns', async () => {
    const df = await read(p);
    const sorted = df.sort('id', { descending: true }).head(2);
    expect(sorted.column('id').toArray()).toEqual([ROWS - 1, ROWS - 2]);
    expect(df.column('id')).toBeInstanceOf(ScalarColumn);
    const selected = df.select('id');
    expect(selected.column('id')).toBe(df.column('id'));
    let loads = 0;
    const fresh = new LazyColumn({
      type: { kind: 'object' },
      length: 1,
      load: () => {
        loads++;
        return new ObjectColumn([{ a: 1 }]);
      },
    });
    expect(fresh.isLoaded).toBe(false);
    expect(new DataFrame({ fresh }).columnNames).toEqual(['fresh']);
    expect(loads).toBe(0);
    expect(fresh.get(0)).toEqual({ a: 1 });
    expect(new DataFrame({ fresh }).column('fresh')).toBeInstanceOf(ObjectColumn);
    expect(loads).toBe(1);
    const wrong = new LazyColumn({ type: { kind: 'object' }, length: 2, load: () => new ObjectColumn([1]) });
    expect(() => wrong.resolve()).toThrow(/a lazy column of 2 rows loaded as 1 rows/);
  });
});
