/** verify(): every planted problem found; repair(): a damaged dataset opens without fallback again. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { npyHeader } from '../../../../src/core/io/store/npy.js';
import {
  append,
  CorruptDataError,
  DataFrame,
  DatasetNotFoundError,
  read,
  repair,
  TensorColumn,
  VersionNotFoundError,
  verify,
  versions,
  write,
} from '../../../../src/index.js';
import { flipBit, withWarnings } from './damage.js';
import { dataFiles, plainRecords, tempDatasets } from './helpers.js';

const dataset = tempDatasets('tessera-verify-');

function frame(from: number, n: number): DataFrame {
  const ids = Array.from({ length: n }, (_, k) => from + k);
  return new DataFrame({
    x: ids.map((i) => i * 1.5),
    s: ids.map((i) => `value ${i}`),
    emb: TensorColumn.fromRows(
      ids.map((i) => (i % 5 === 0 ? null : [i, i + 1])),
      'float32',
      [2],
    ),
    o: ids.map((i) => ({ i })),
  });
}

async function twoVersions(): Promise<string> {
  const p = dataset();
  await write(frame(0, 40), p, { fsync: false });
  await append(p, frame(40, 20), { fsync: false });
  return p;
}

const rel = (p: string, file: string) => path.relative(p, file).split(path.sep).join('/');

async function records(p: string, version?: number) {
  const df = await read(p, version === undefined ? {} : { version });
  return plainRecords(df.toRecords());
}

describe('verify', () => {
  it('passes an intact dataset, every version', async () => {
    const p = await twoVersions();
    const report = await verify(p);
    expect(report).toEqual({
      ok: true,
      current: 2,
      versions: [
        { version: 1, current: false, ok: true },
        { version: 2, current: true, ok: true },
      ],
      problems: [],
    });
    expect((await verify(p, { version: 1 })).versions).toEqual([{ version: 1, current: false, ok: true }]);
    await expect(verify(p, { version: 3 })).rejects.toBeInstanceOf(VersionNotFoundError);
    await expect(verify(path.join(p, 'nothing'))).rejects.toBeInstanceOf(DatasetNotFoundError);
  });

  it('finds every planted problem: one flipped bit in each kind of file, and a missing file', async () => {
    const p = await twoVersions();
    const data = dataFiles(p);
    const byExt = (ext: string) => data.filter((f) => f.endsWith(ext));
    // One damaged file of each kind, in version 1's files (used by both versions) and version 2's.
    const planted = [
      byExt('.arrow')[0],
      byExt('.jsonl')[1],
      byExt('.npy')[0],
      byExt('.crc')[1],
      byExt('.validity')[0],
      path.join(p, '_versions', '1.json'),
      path.join(p, 'manifest.json'),
    ];
    for (const f of planted) flipBit(f, 0.9);
    const missing = byExt('.arrow')[3];
    fs.rmSync(missing);
    const report = await verify(p);
    expect(report.ok).toBe(false);
    const found = new Set(report.problems.map((q) => q.file));
    for (const f of [...planted, missing]) expect(found, rel(p, f)).toContain(rel(p, f));
    expect(report.current).toBe(2); // manifest.json damaged: a read opens _versions/2.json
    expect(report.versions.map((v) => [v.version, v.ok])).toEqual([
      [1, false],
      [2, false],
    ]);
    expect(report.problems.find((q) => q.file === '_versions/1.json')).toMatchObject({
      version: 1,
      problem: expect.stringContaining('bad manifest'),
    });
  });

  it('checks that an .npy header describes the rows and type of its column', async () => {
    const p = dataset();
    await write(frame(0, 10), p, { fsync: false });
    const npy = dataFiles(p).find((f) => f.endsWith('.npy'))!;
    const bytes = fs.readFileSync(npy);
    const wrong = npyHeader('float32', [10, 3]); // same size, another shape; the checksum catches it too
    expect(wrong.length).toBe(bytes.length - 10 * 2 * 4);
    bytes.set(wrong, 0);
    fs.writeFileSync(npy, bytes);
    const report = await verify(p);
    expect(report.problems.map((q) => q.file)).toEqual([rel(p, npy)]);
  });
});

describe('repair', () => {
  it('rewrites a damaged manifest.json from the identical copy: no fallback, no lost version', async () => {
    const p = await twoVersions();
    const expected = await records(p);
    flipBit(path.join(p, 'manifest.json'));
    expect((await verify(p)).ok).toBe(false);
    expect(await repair(p, { fsync: false })).toEqual({
      version: 2,
      rewroteManifest: true,
      restoredVersionFile: false,
      damagedVersions: [],
      droppedVersions: [],
    });
    const opened = await withWarnings(() => records(p));
    expect(opened).toEqual({ result: expected, codes: [] });
    expect((await verify(p)).ok).toBe(true);
  });

  it('restores a damaged copy of the current version, after which commits work again', async () => {
    const p = await twoVersions();
    flipBit(path.join(p, '_versions', '2.json'));
    await expect(withWarnings(() => append(p, frame(60, 5), { fsync: false }))).resolves.toMatchObject({
      result: expect.any(CorruptDataError),
    });
    expect(await repair(p, { fsync: false })).toMatchObject({ version: 2, restoredVersionFile: true });
    expect((await verify(p)).ok).toBe(true);
    await append(p, frame(60, 5), { fsync: false });
    expect((await versions(p)).map((v) => v.version)).toEqual([1, 2, 3]);
  });

  it('drops damaged version files only when asked, and never a data file', async () => {
    const p = await twoVersions();
    const data = dataFiles(p);
    flipBit(path.join(p, '_versions', '1.json'));
    expect(await repair(p, { fsync: false })).toMatchObject({ damagedVersions: [1], droppedVersions: [] });
    expect(fs.existsSync(path.join(p, '_versions', '1.json'))).toBe(true);
    expect(await repair(p, { dropDamaged: true, fsync: false })).toMatchObject({
      damagedVersions: [1],
      droppedVersions: [1],
    });
    expect(fs.readdirSync(path.join(p, '_versions'))).toEqual(['2.json']);
    expect(dataFiles(p)).toEqual(data);
    expect(await verify(p)).toMatchObject({ ok: true, versions: [{ version: 2, ok: true }] });
    expect((await withWarnings(() => versions(p))).codes).toEqual([]);
  });

  it('rewrites a missing manifest.json; with nothing intact it is a CorruptDataError', async () => {
    const p = await twoVersions();
    const expected = await records(p);
    fs.rmSync(path.join(p, 'manifest.json'));
    expect(await repair(p, { fsync: false })).toMatchObject({ version: 2, rewroteManifest: true });
    expect(await records(p)).toEqual(expected);
    for (const f of ['manifest.json', '_versions/1.json', '_versions/2.json']) flipBit(path.join(p, f));
    await expect(repair(p)).rejects.toBeInstanceOf(CorruptDataError);
    expect(fs.existsSync(path.join(p, '_lock'))).toBe(false);
  });
});
