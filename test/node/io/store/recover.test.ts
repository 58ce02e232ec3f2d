/**
 * Damaged manifests: a flipped bit in the current version's file, in manifest.json, in an old
 * version's file. Reads carry on where the data is intact (with a warning), commits refuse to build
 * on damage, and `versions()` lists what is intact.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  append,
  CorruptDataError,
  DataFrame,
  read,
  ScalarColumn,
  versions,
  write,
} from '../../../../src/index.js';
import { serializeManifest } from '../../../../src/node/io/store/manifest-write.js';
import { flipBit, withWarnings } from './damage.js';
import { tempDatasets } from './helpers.js';

const dataset = tempDatasets('tessera-recover-');

const frame = (from: number, n: number) =>
  new DataFrame({
    x: ScalarColumn.from(
      Array.from({ length: n }, (_, i) => from + i),
      'int32',
    ),
  });

async function twoVersions(): Promise<string> {
  const p = dataset();
  await write(frame(0, 10), p, { fsync: false });
  await append(p, frame(10, 5), { fsync: false });
  return p;
}

const xs = async (p: string, version?: number) =>
  Array.from(
    (await read(p, version === undefined ? {} : { version })).column('x').toArray() as ArrayLike<number>,
  );

describe('a flipped bit in the current version file', () => {
  it('is noticed on read (a warning) and a commit refuses to build on it', async () => {
    const p = dataset();
    await write(frame(0, 10), p, { fsync: false });
    flipBit(path.join(p, '_versions', '1.json'));
    const opened = await withWarnings(() => xs(p));
    expect(opened.result).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(opened.codes).toContain('TESSERA_DAMAGED_VERSION');
    const appended = await withWarnings(() => append(p, frame(10, 5), { fsync: false }));
    expect(appended.result).toBeInstanceOf(CorruptDataError);
    expect((appended.result as CorruptDataError).file).toBe(path.join(p, '_versions', '1.json'));
    // Nothing was built on top: the dataset is still version 1 and its history is listable.
    expect((await withWarnings(() => versions(p))).result).toMatchObject([{ version: 1, current: true }]);
    expect(fs.readdirSync(path.join(p, '_versions'))).toEqual(['1.json']);
  });
});

describe('a damaged manifest.json', () => {
  it('falls back to the identical copy in _versions/ with a warning', async () => {
    const p = await twoVersions();
    flipBit(path.join(p, 'manifest.json'));
    const opened = await withWarnings(() => xs(p));
    expect(opened.result).toEqual(Array.from({ length: 15 }, (_, i) => i));
    expect(opened.codes).toContain('TESSERA_FALLBACK');
    expect(await xs(p, 1)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    const listed = await withWarnings(() => versions(p));
    expect((listed.result as { version: number }[]).map((v) => v.version)).toEqual([1, 2]);
  });

  it('that disagrees with an intact copy loses to the copy', async () => {
    const p = await twoVersions();
    const file = path.join(p, 'manifest.json');
    const m = JSON.parse(fs.readFileSync(file, 'utf8'));
    delete m.checksum;
    m.length = 10; // an intact-looking manifest.json that drops the appended rows
    m.columns[0].fragments = m.columns[0].fragments.slice(0, 1);
    fs.writeFileSync(file, serializeManifest(m));
    const opened = await withWarnings(() => xs(p));
    expect(opened.result).toEqual(Array.from({ length: 15 }, (_, i) => i));
    expect(opened.codes).toContain('TESSERA_FALLBACK');
  });

  it('refuses a commit on top of it', async () => {
    const p = await twoVersions();
    flipBit(path.join(p, 'manifest.json'));
    const appended = await withWarnings(() => append(p, frame(15, 5), { fsync: false }));
    expect(appended.result).toBeInstanceOf(CorruptDataError);
    expect(fs.readdirSync(path.join(p, '_versions')).sort()).toEqual(['1.json', '2.json']);
  });

  it('with no intact version left is a CorruptDataError naming manifest.json', async () => {
    const p = dataset();
    await write(frame(0, 10), p, { fsync: false });
    flipBit(path.join(p, 'manifest.json'));
    flipBit(path.join(p, '_versions', '1.json'));
    const opened = await withWarnings(() => read(p));
    expect(opened.result).toBeInstanceOf(CorruptDataError);
    expect((opened.result as CorruptDataError).file).toBe(path.join(p, 'manifest.json'));
  });
});

describe('a damaged old version file', () => {
  it('leaves the current version readable and is reported, not fatal, by versions()', async () => {
    const p = await twoVersions();
    flipBit(path.join(p, '_versions', '1.json'));
    expect(await xs(p)).toEqual(Array.from({ length: 15 }, (_, i) => i));
    const listed = await withWarnings(() => versions(p));
    expect((listed.result as { version: number }[]).map((v) => v.version)).toEqual([2]);
    expect(listed.codes).toEqual(['TESSERA_DAMAGED_VERSION']);
    await expect(read(p, { version: 1 })).rejects.toBeInstanceOf(CorruptDataError);
    // Appending on top of an intact current version still works.
    await append(p, frame(15, 5), { fsync: false });
    expect(await xs(p)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});
