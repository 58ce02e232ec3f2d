/**
 * Row-range reads of stored scalar columns (format 2: record batches with a block index): windows
 * equal the rows that were written, cost the blocks that hold them, damage names its block, and
 * format 1 datasets still read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LazyColumn } from '../../../../src/core/column/lazy.js';
import { blockCount, decodeBlockIndex } from '../../../../src/core/io/store/block-index.js';
import {
  append,
  CorruptDataError,
  DataFrame,
  IndexOutOfRangeError,
  InvalidArgumentError,
  read,
  readRows,
  ScalarColumn,
  verify,
  write,
} from '../../../../src/index.js';
import { resetStoreIoStats, storeIoStats } from '../../../../src/node/io/store/index.js';
import { mulberry32 } from '../../../helpers/random.js';
import { blockValues, fragmentsOf, frameOf, manifestOf } from './block-data.js';
import { plainValue, tempDatasets } from './helpers.js';

const dataset = tempDatasets('tessera-rows-');
const fast = { fsync: false };

/** Rows: enough for several blocks of every column, and a partial last block. */
const N = 100_003;
const rng = mulberry32(7);
/** The values written, per column: the naive reference a window is compared with. */
const values = blockValues(N, rng);

/** Byte offsets of the blocks of a column's first fragment, from its block index. */
function offsetsOf(p: string, name: string): Float64Array {
  const f = fragmentsOf(manifestOf(p), name)[0];
  const file = path.join(p, f.blocks!.file.path);
  return decodeBlockIndex(
    fs.readFileSync(file),
    file,
    blockCount(f.rows, f.blocks!.rowsPerBlock),
    f.file.bytes,
  ).offsets;
}

/** Expect the window's values to be the reference's rows `[start, end)` (compared as JSON text: fast). */
function expectWindow(df: DataFrame, start: number, end: number, ref = values): void {
  expect(df.length).toBe(end - start);
  for (const name of Object.keys(ref))
    expect(
      JSON.stringify(df.column(name).toArray().map(plainValue)),
      `column ${name}, rows ${start} to ${end}`,
    ).toBe(JSON.stringify(ref[name].slice(start, end).map(plainValue)));
}

async function errorOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('row ranges of stored scalar columns', () => {
  let p: string;
  let rowsPerBlock: Record<string, number>;
  beforeAll(async () => {
    p = dataset();
    await write(frameOf(values), p, fast);
    const m = manifestOf(p);
    expect(m.formatVersion).toBe(2);
    rowsPerBlock = Object.fromEntries(
      Object.keys(values).map((n) => [n, fragmentsOf(m, n)[0].blocks!.rowsPerBlock]),
    );
  });

  it('every column is stored in several blocks, the last one partial, each value once', () => {
    const strings = values.s.reduce(
      (a: number, v) => a + (v === null ? 0 : Buffer.byteLength(v as string)),
      0,
    );
    // Values and offsets, plus a little metadata per block (Arrow JS once wrote every string batch
    // with all the bytes before it).
    expect(fragmentsOf(manifestOf(p), 's')[0].file.bytes).toBeLessThan(1.1 * (strings + 4 * N));
    for (const [name, rpb] of Object.entries(rowsPerBlock)) {
      expect(blockCount(N, rpb), name).toBeGreaterThan(1);
      expect(N % rpb, name).not.toBe(0);
    }
  });

  it('windows (empty, single rows, across block boundaries, the partial last block, random) equal the rows written', async () => {
    const windows: [number, number][] = [
      [0, 0],
      [0, 1],
      [N - 1, N],
      [N, N],
    ];
    for (const rpb of new Set(Object.values(rowsPerBlock))) {
      const last = Math.floor((N - 1) / rpb) * rpb;
      windows.push(
        [rpb - 3, rpb + 2],
        [rpb, rpb + 1],
        [rpb - 1, rpb],
        [2 * rpb - 1, 2 * rpb + 1],
        [last - 2, N],
        [last, N],
      );
    }
    for (let t = 0; t < 20; t++) {
      const start = Math.floor(rng() * N);
      windows.push([start, Math.min(N, start + Math.floor(rng() * 3000))]);
    }
    for (const [start, end] of windows.filter(([s]) => s <= N))
      expectWindow(await readRows(p, { start, end: Math.min(N, end) }), start, Math.min(N, end));
  });

  it('a window reads only the blocks that hold it (and the block indexes), not the files', async () => {
    const m = manifestOf(p);
    const start = 50_000;
    const end = 50_100;
    let bound = 2 * fs.statSync(path.join(p, 'manifest.json')).size;
    let total = 0;
    for (const name of Object.keys(values)) {
      const f = fragmentsOf(m, name)[0];
      const offsets = offsetsOf(p, name);
      const rpb = rowsPerBlock[name];
      bound +=
        f.blocks!.file.bytes + offsets[Math.floor((end - 1) / rpb) + 1] - offsets[Math.floor(start / rpb)];
      total += f.file.bytes;
    }
    resetStoreIoStats();
    expectWindow(await readRows(p, { start, end }), start, end);
    const read = storeIoStats().bytesRead;
    expect(read).toBeLessThanOrEqual(bound);
    expect(read).toBeLessThan(total / 5);
  });

  it('a slice of a frame read from the dataset reads only its blocks and leaves the columns unloaded', async () => {
    const df = await read(p);
    resetStoreIoStats();
    const start = N - 1500;
    expectWindow(df.slice(start, N), start, N);
    let total = 0;
    for (const f of Object.keys(values)) total += fragmentsOf(manifestOf(p), f)[0].file.bytes;
    expect(storeIoStats().bytesRead).toBeLessThan(total / 5);
    for (const name of df.columnNames)
      expect((df.columnSource(name).column as LazyColumn).isLoaded).toBe(false);
    // Single rows in order, across a block boundary (nulls included), read the blocks that hold them.
    const stored = df.columnSource('s').column;
    const rpb = rowsPerBlock.s;
    const rows = Array.from({ length: 20 }, (_, k) => rpb - 10 + k);
    expect(rows.map((i) => stored.getUnchecked(i))).toEqual(rows.map((i) => values.s[i]));
    expect(rows.map((i) => stored.isNull(i))).toEqual(rows.map((i) => values.s[i] === null));
    expect((stored as LazyColumn).isLoaded).toBe(false);
    // Single rows come from the same blocks; the whole column still loads whole.
    expect(plainValue(df.columnSource('n').column.getUnchecked(N - 2))).toBe(plainValue(values.n[N - 2]));
    expect(JSON.stringify(df.column('s').toArray())).toBe(JSON.stringify(values.s));
  });

  it('a window of chosen columns, of an older version', async () => {
    const q = dataset();
    await write(frameOf(values), q, fast);
    await append(
      q,
      frameOf(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.slice(0, 10)]))),
      fast,
    );
    const w = await readRows(q, { start: N - 2, end: N + 3, columns: ['s', 'i'] });
    expect(w.columnNames).toEqual(['s', 'i']);
    expect(w.column('s').toArray()).toEqual([...values.s.slice(N - 2), ...values.s.slice(0, 3)]);
    const old = await readRows(q, { start: N - 2, end: N, version: 1 });
    expectWindow(old, N - 2, N);
    await expect(readRows(q, { start: N - 2, end: N + 1, version: 1 })).rejects.toThrow(IndexOutOfRangeError);
  });

  it('a window outside the rows is an IndexOutOfRangeError; a bad window an InvalidArgumentError', async () => {
    expect(await errorOf(() => readRows(p, { start: -1, end: 3 }))).toBeInstanceOf(IndexOutOfRangeError);
    expect(await errorOf(() => readRows(p, { start: N - 1, end: N + 1 }))).toBeInstanceOf(
      IndexOutOfRangeError,
    );
    expect(await errorOf(() => readRows(p, { start: N + 1, end: N + 1 }))).toBeInstanceOf(
      IndexOutOfRangeError,
    );
    expect(await errorOf(() => readRows(p, { start: 5, end: 4 }))).toBeInstanceOf(InvalidArgumentError);
    expect(await errorOf(() => readRows(p, { start: 0.5, end: 4 }))).toBeInstanceOf(InvalidArgumentError);
    expect(await errorOf(() => readRows(p, { start: 0, end: Number.NaN }))).toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});

describe('damage in one block', () => {
  it('a flipped bit in a block fails the windows over that block, naming it, and no other window', async () => {
    const p = dataset();
    await write(frameOf(values), p, fast);
    const f = fragmentsOf(manifestOf(p), 's')[0];
    const rpb = f.blocks!.rowsPerBlock;
    const offsets = offsetsOf(p, 's');
    const file = path.join(p, f.file.path);
    const bytes = fs.readFileSync(file);
    const block = 2;
    const at = Math.floor((offsets[block] + offsets[block + 1]) / 2);
    bytes[at] ^= 0x10;
    fs.writeFileSync(file, bytes);
    const inside = block * rpb + 5;
    // Other blocks read as before.
    expectWindow(await readRows(p, { start: 0, end: 10 }), 0, 10);
    expectWindow(
      await readRows(p, { start: (block + 1) * rpb, end: (block + 1) * rpb + 10 }),
      (block + 1) * rpb,
      (block + 1) * rpb + 10,
    );
    const rows = `block ${block} (rows ${block * rpb} to ${(block + 1) * rpb - 1} of this file)`;
    for (const run of [
      () => readRows(p, { start: inside, end: inside + 1 }),
      () => readRows(p, { start: block * rpb - 2, end: block * rpb + 1 }),
      async () => (await read(p)).column('s'),
    ]) {
      const error = await errorOf(run);
      expect(error).toBeInstanceOf(CorruptDataError);
      expect((error as CorruptDataError).file).toBe(file);
      expect((error as Error).message).toContain(rows);
    }
    const report = await verify(p);
    expect(report.ok).toBe(false);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0].file).toBe(f.file.path);
    expect(report.problems[0].problem).toContain(rows);
  });

  it('a flipped bit in the footer or in the block index is found by verify and names its file', async () => {
    const p = dataset();
    await write(frameOf(values), p, fast);
    const f = fragmentsOf(manifestOf(p), 'i')[0];
    const file = path.join(p, f.file.path);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 12] ^= 0x01; // inside the footer
    fs.writeFileSync(file, bytes);
    expectWindow(await readRows(p, { start: 10, end: 20 }), 10, 20); // windows do not read the footer
    let report = await verify(p);
    expect(report.problems.map((x) => [x.file, x.problem.includes('footer')])).toEqual([[f.file.path, true]]);
    bytes[bytes.length - 12] ^= 0x01;
    fs.writeFileSync(file, bytes);
    const index = path.join(p, f.blocks!.file.path);
    const indexBytes = fs.readFileSync(index);
    indexBytes[indexBytes.length - 3] ^= 0x01;
    fs.writeFileSync(index, indexBytes);
    const error = await errorOf(() => readRows(p, { start: 10, end: 20 }));
    expect(error).toBeInstanceOf(CorruptDataError);
    expect((error as CorruptDataError).file).toBe(index);
    report = await verify(p);
    expect(report.problems.map((x) => x.file)).toEqual([f.blocks!.file.path]);
  });
});

describe('format 1 datasets', () => {
  // Written by the store of commit 6c3a4d0 (format 1: one record batch per fragment, no block index):
  // a write of 5 rows and an append of 3.
  const fixture = path.join(import.meta.dirname, 'fixtures', 'format-1');
  const expected: Record<string, unknown[]> = {
    id: [1, 2, null, 4, 5, 6, 7, 8],
    x: [0.5, -1.25, 3, null, 1e300, 6.5, null, -0.125],
    name: ['a', 'héllo', null, '日本', '', '🙂', 'z', null],
    flag: [true, false, null, true, false, false, true, true],
    big: [1n, -2n, 2n ** 62n, null, 0n, 7n, null, -(2n ** 63n)],
  };

  function copyFixture(): string {
    const p = dataset();
    fs.cpSync(fixture, p, { recursive: true });
    return p;
  }

  it('read whole, by window and by slice, and verify clean', async () => {
    const p = copyFixture();
    expect(manifestOf(p).formatVersion).toBe(1);
    expectWindow(await read(p), 0, 8, expected);
    for (const [start, end] of [
      [0, 0],
      [3, 7],
      [4, 6],
      [7, 8],
    ])
      expectWindow(await readRows(p, { start, end }), start, end, expected);
    expectWindow((await read(p)).slice(2, 6), 2, 6, expected);
    expect((await verify(p)).ok).toBe(true);
  });

  it('appended to, it holds format 1 and format 2 fragments side by side, and both read', async () => {
    const p = copyFixture();
    const more: Record<string, unknown[]> = {
      id: [9, null],
      x: [9.5, 10],
      name: ['ß', null],
      flag: [null, true],
      big: [9n, 10n],
    };
    await append(
      p,
      new DataFrame({
        id: ScalarColumn.from(more.id, 'int32'),
        x: ScalarColumn.from(more.x, 'float64'),
        name: ScalarColumn.from(more.name, 'string'),
        flag: ScalarColumn.from(more.flag, 'bool'),
        big: ScalarColumn.from(more.big, 'int64'),
      }),
      fast,
    );
    const m = manifestOf(p);
    expect(m.formatVersion).toBe(2);
    expect(fragmentsOf(m, 'name').map((f) => f.blocks !== undefined)).toEqual([false, false, true]);
    const all = Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, [...v, ...more[k]]]));
    expectWindow(await read(p), 0, 10, all);
    expectWindow(await readRows(p, { start: 6, end: 10 }), 6, 10, all);
    expect((await verify(p)).ok).toBe(true);
  });
});
