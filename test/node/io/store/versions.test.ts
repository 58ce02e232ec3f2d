import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  append,
  ConcurrentWriteError,
  DataFrame,
  DatasetNotFoundError,
  read,
  registeredColumn,
  registerFunction,
  TensorColumn,
  TypeMismatchError,
  VersionNotFoundError,
  vacuum,
  versions,
  write,
} from '../../../../src/index.js';
import { dataFiles, tempDatasets } from './helpers.js';

const dataset = tempDatasets('tessera-versions-');
const fast = { fsync: false };

function rows(start: number, n: number): DataFrame {
  return new DataFrame({
    id: Int32Array.from({ length: n }, (_, i) => start + i),
    name: Array.from({ length: n }, (_, i) => `row ${start + i}`),
    emb: new TensorColumn(
      Float32Array.from({ length: n * 16 }, (_, i) => start * 16 + i),
      [16],
      n,
    ),
    meta: Array.from({ length: n }, (_, i) => ({ k: (start + i) % 3 })),
  });
}

const ids = (df: DataFrame) => Array.from(df.column('id').toArray() as number[]);
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

describe('versions', () => {
  it('commits each write and append as a version; old versions stay readable', async () => {
    const p = dataset();
    expect((await write(rows(0, 10), p, fast)).version).toBe(1);
    expect((await append(p, rows(10, 5), fast)).version).toBe(2);
    expect((await append(p, rows(15, 7), fast)).version).toBe(3);
    const list = await versions(p);
    expect(list.map((v) => [v.version, v.parent, v.operation, v.length, v.current])).toEqual([
      [1, null, 'write', 10, false],
      [2, 1, 'append', 15, false],
      [3, 2, 'append', 22, true],
    ]);
    expect(ids(await read(p))).toEqual(range(0, 22));
    expect(ids(await read(p, { version: 1 }))).toEqual(range(0, 10));
    const v2 = await read(p, { version: 2 });
    expect(ids(v2)).toEqual(range(0, 15));
    expect(Array.from(v2.column<TensorColumn<Float32Array>>('emb').data)).toEqual(range(0, 15 * 16));
    expect(v2.column('meta').get(14)).toEqual({ k: 14 % 3 });
    // A new write replaces the content but keeps history.
    await write(rows(100, 3), p, fast);
    expect(ids(await read(p))).toEqual([100, 101, 102]);
    expect(ids(await read(p, { version: 3 }))).toEqual(range(0, 22));
    await expect(read(p, { version: 9 })).rejects.toThrow(VersionNotFoundError);
    await expect(read(p, { version: 9 })).rejects.toThrow(/available versions: 1, 2, 3, 4/);
  });

  it('appending writes only the new rows: old files are untouched', async () => {
    const p = dataset();
    await write(rows(0, 2000), p, fast);
    const before = new Map(dataFiles(p).map((f) => [f, fs.statSync(f)]));
    await append(p, rows(2000, 10), fast);
    const after = dataFiles(p);
    for (const [f, st] of before) {
      const now = fs.statSync(f);
      expect([now.size, now.mtimeMs, now.ino]).toEqual([st.size, st.mtimeMs, st.ino]);
    }
    const added = after.filter((f) => !before.has(f));
    const addedBytes = added.reduce((a, f) => a + fs.statSync(f).size, 0);
    const oldBytes = [...before.values()].reduce((a, st) => a + st.size, 0);
    // One fragment per stored column (+ block checksums of the tensor); sized by 10 rows, not 2010.
    expect(added.filter((f) => /\.(arrow|npy|jsonl)$/.test(f))).toHaveLength(4);
    const npy = added.find((f) => f.endsWith('.npy'))!;
    expect(fs.statSync(npy).size).toBe(128 + 10 * 16 * 4);
    expect(addedBytes).toBeLessThan(oldBytes / 20);
    expect(ids(await read(p))).toEqual(range(0, 2010));
  });

  it('append checks the schema and names the column that differs', async () => {
    const p = dataset();
    await write(rows(0, 3), p, fast);
    const bad = rows(3, 2).withColumn('id', [1.5, 2.5]);
    await expect(append(p, bad, fast)).rejects.toThrow(TypeMismatchError);
    await expect(append(p, bad, fast)).rejects.toThrow(/column "id" is int32 in the dataset but float64/);
    const shape = rows(3, 2).withColumn('emb', new TensorColumn(new Float32Array(2 * 8), [8], 2));
    await expect(append(p, shape, fast)).rejects.toThrow(
      /column "emb" is tensor<float32>\[16\] in the dataset/,
    );
    await expect(append(p, rows(3, 2).drop('meta'), fast)).rejects.toThrow(/the frame has no column "meta"/);
    await expect(append(p, rows(3, 2).withColumn('extra', [1, 2]), fast)).rejects.toThrow(
      /column "extra" is not in the dataset/,
    );
    expect((await versions(p)).length).toBe(1);
    expect(fs.readdirSync(path.join(p, 'data')).length).toBe(dataFiles(p).length);
  });

  it('append keeps deferred columns, which the appended frame may leave out', async () => {
    registerFunction('test.double', () => (x: number) => 2 * x);
    const base = new DataFrame({ x: [1, 2] });
    const p = dataset();
    await write(base.withColumn('d', registeredColumn('test.double', [base.column('x')])), p, fast);
    await append(p, new DataFrame({ x: [3] }), fast);
    expect((await read(p)).column('d').toArray()).toEqual([2, 4, 6]);
  });

  it('vacuum removes old versions and the files only they used', async () => {
    const p = dataset();
    await write(rows(0, 5), p, fast);
    await append(p, rows(5, 5), fast);
    const shared = dataFiles(p);
    await write(rows(50, 4), p, fast); // replaces everything: v1/v2 files are now old
    await append(p, rows(54, 1), fast);
    const dry = await vacuum(p, { keep: 2, dryRun: true });
    expect(dry.removedVersions).toEqual([1, 2]);
    expect(dataFiles(p)).toEqual(expect.arrayContaining(shared));
    const result = await vacuum(p, { keep: 2 });
    expect(result.kept).toEqual([3, 4]);
    expect(result.removedVersions).toEqual([1, 2]);
    expect(result.bytesFreed).toBeGreaterThan(0);
    for (const f of shared) expect(fs.existsSync(f)).toBe(false);
    expect((await versions(p)).map((v) => v.version)).toEqual([3, 4]);
    await expect(read(p, { version: 1 })).rejects.toThrow(VersionNotFoundError);
    expect(ids(await read(p, { version: 3 }))).toEqual(range(50, 54));
    await vacuum(p);
    expect((await versions(p)).map((v) => v.version)).toEqual([4]);
    expect(ids(await read(p))).toEqual(range(50, 55));
    // Only the current version's files remain (a scalar fragment's block index is a file too).
    const m = JSON.parse(fs.readFileSync(path.join(p, 'manifest.json'), 'utf8'));
    type Fragments = { fragments: { blocks?: unknown }[] };
    expect(dataFiles(p).length).toBe(
      m.columns.reduce(
        (a: number, c: Fragments) => a + c.fragments.length + c.fragments.filter((f) => f.blocks).length,
        0,
      ) + 2,
    );
  });

  it('what an interrupted write left is never taken for a version, and vacuum removes it', async () => {
    const p = dataset();
    await write(rows(0, 3), p, fast);
    // What a crash between writing data and committing leaves: data files and an uncommitted manifest.
    const orphan = path.join(p, 'data', '2-0-id-deadbeef0000.arrow');
    fs.writeFileSync(orphan, 'partial');
    fs.copyFileSync(path.join(p, '_versions', '1.json'), path.join(p, '_versions', '2.json'));
    fs.writeFileSync(path.join(p, 'manifest.json.tmp-1-abcd'), '{"trunc');
    expect((await versions(p)).map((v) => v.version)).toEqual([1]);
    await expect(read(p, { version: 2 })).rejects.toThrow(VersionNotFoundError);
    // The next commit removes the uncommitted manifest before it numbers its own version.
    expect((await append(p, rows(3, 1), fast)).version).toBe(2);
    expect(ids(await read(p, { version: 2 }))).toEqual([0, 1, 2, 3]);
    const result = await vacuum(p, { keep: 5 });
    expect(result.removedVersions).toEqual([]);
    expect(result.removedFiles).toBe(2);
    expect(fs.existsSync(orphan)).toBe(false);
    expect(ids(await read(p, { version: 1 }))).toEqual([0, 1, 2]);
    expect(ids(await read(p))).toEqual([0, 1, 2, 3]);
  });

  it('missing datasets and appends to nothing are typed errors', async () => {
    const p = dataset();
    await expect(read(p)).rejects.toThrow(DatasetNotFoundError);
    await expect(read(p)).rejects.toThrow(/the directory does not exist/);
    await expect(append(p, rows(0, 1), fast)).rejects.toThrow(DatasetNotFoundError);
    await expect(versions(p)).rejects.toThrow(DatasetNotFoundError);
    await expect(vacuum(p)).rejects.toThrow(DatasetNotFoundError);
  });

  it('one writer at a time: without waiting a second concurrent write fails, a dead writer’s lock is taken over', async () => {
    const p = dataset();
    await write(rows(0, 1), p, fast);
    const noWait = { ...fast, lockTimeoutMs: 0 };
    const outcomes = await Promise.allSettled([append(p, rows(1, 1), noWait), append(p, rows(1, 1), noWait)]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const failed = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(failed.reason).toBeInstanceOf(ConcurrentWriteError);
    expect(ids(await read(p))).toEqual([0, 1]);
    // A lock left by a process that has exited.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    fs.writeFileSync(path.join(p, '_lock'), JSON.stringify({ pid: dead, host: os.hostname(), since: '' }));
    await append(p, rows(2, 1), fast);
    expect(fs.existsSync(path.join(p, '_lock'))).toBe(false);
    // A lock held by a live process.
    fs.writeFileSync(
      path.join(p, '_lock'),
      JSON.stringify({ pid: process.ppid, host: os.hostname(), since: 'x' }),
    );
    await expect(append(p, rows(3, 1), noWait)).rejects.toThrow(/being written by process/);
    fs.rmSync(path.join(p, '_lock'));
  });
});
