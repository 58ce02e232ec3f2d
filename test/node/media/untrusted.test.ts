// Datasets from someone else: their media columns must not read outside the dataset (unless the
// reader grants a root), must not read devices or FIFOs, and must not decode to unbounded sizes.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Column } from '../../../src/core/column/column.js';
import type { DeferredColumn } from '../../../src/core/column/deferred.js';
import { resolveColumn } from '../../../src/core/column/lazy.js';
import { DataFrame } from '../../../src/core/frame/frame.js';
import {
  audioColumn,
  graphColumn,
  InvalidArgumentError,
  imageColumn,
  MediaLimitError,
  MediaRootNotGrantedError,
  mediaInfo,
  PathEscapeError,
  read,
  volumeColumn,
  write,
} from '../../../src/index.js';
import { serializeManifest } from '../../../src/node/io/store/manifest-write.js';

let dir: string;
let secret: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-untrusted-'));
  // A file outside every dataset that an attacker would like to read: a node-link graph prints its counts.
  secret = path.join(dir, 'secret');
  fs.mkdirSync(secret);
  const nodes = Array.from({ length: 7 }, (_, i) => ({ id: i }));
  fs.writeFileSync(path.join(secret, 'notes.json'), JSON.stringify({ nodes, links: [] }));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Write `df` as a dataset (code may use any baseDir: the writer is whoever sends the dataset). */
async function dataset(name: string, df: DataFrame): Promise<string> {
  const p = path.join(dir, name);
  await write(df, p);
  return p;
}

/** A frame of `files` and the media column `build` makes of them (stored as a function of `file`). */
function framed(files: string[], build: Record<string, (c: Column) => DeferredColumn<unknown>>): DataFrame {
  let df = new DataFrame({ file: files });
  for (const [name, make] of Object.entries(build)) df = df.withColumn(name, make(df.column('file')));
  return df;
}

const load = async (df: DataFrame, name: string) =>
  (resolveColumn(df.column(name)) as DeferredColumn<unknown>).load([0]);

/** Edit the current manifest as a hostile sender can: change it and recompute its checksum. */
function editManifest(
  p: string,
  edit: (m: { columns: { deferred?: { params: Record<string, unknown> } }[] }) => void,
) {
  const file = path.join(p, 'manifest.json');
  const m = JSON.parse(fs.readFileSync(file, 'utf8'));
  delete m.checksum;
  edit(m);
  // Both copies of the current version, so the read has no intact original to fall back to.
  fs.writeFileSync(file, serializeManifest(m));
  fs.writeFileSync(path.join(p, '_versions', `${m.version}.json`), serializeManifest(m));
}

describe('a stored media column stays inside its dataset or a granted root', () => {
  it('a stored baseDir outside the dataset is refused, typed and naming the option, until granted', async () => {
    const p = await dataset(
      'outside',
      framed(['notes.json'], { g: (c) => graphColumn(c, { baseDir: secret }) }),
    );
    const back = await read(p);
    expect(() => mediaInfo(back.column('g'), 0)).toThrow(MediaRootNotGrantedError);
    expect(() => mediaInfo(back.column('g'), 0)).toThrow(/mediaRoots/);
    await expect(load(back, 'g')).rejects.toThrow(MediaRootNotGrantedError);
    expect(back.toString()).not.toContain('7 nodes');
    // The reader trusts this dataset and grants the directory.
    const granted = await read(p, { mediaRoots: [secret] });
    expect(mediaInfo(granted.column('g'), 0)).toMatchObject({ nodes: 7 });
  });

  it('"/", a HOME-style path template and the working directory are refused the same way', async () => {
    const template = ['$', '{SECRET_DIR}'].join('');
    const cases: [string, DataFrame, Record<string, string>][] = [
      [
        'root',
        framed([path.join(secret, 'notes.json').slice(1)], { g: (c) => graphColumn(c, { baseDir: '/' }) }),
        {},
      ],
      [
        'template',
        framed(['notes.json'], {
          g: (c) => graphColumn(c, { baseDir: template, env: { SECRET_DIR: secret } }),
        }),
        { SECRET_DIR: secret },
      ],
      ['cwd', framed(['package.json'], { g: (c) => graphColumn(c) }), {}], // no baseDir: the working directory
    ];
    for (const [name, df, env] of cases) {
      const back = await read(await dataset(name, df), { env });
      expect(() => mediaInfo(back.column('g'), 0), name).toThrow(MediaRootNotGrantedError);
    }
  });

  it('media inside the dataset need no grant, but a link inside it may not lead out', async () => {
    const media = path.join(dir, 'inside', 'media');
    const p = await dataset(
      'inside',
      framed(['own.json', 'link.json'], { g: (c) => graphColumn(c, { baseDir: media }) }),
    );
    fs.mkdirSync(media);
    fs.writeFileSync(path.join(media, 'own.json'), JSON.stringify({ nodes: [{ id: 'a' }], links: [] }));
    fs.symlinkSync(path.join(secret, 'notes.json'), path.join(media, 'link.json'));
    const back = await read(p);
    expect(mediaInfo(back.column('g'), 0)).toMatchObject({ nodes: 1 });
    expect(() => mediaInfo(back.column('g'), 1)).toThrow(PathEscapeError);
    expect(mediaInfo((await read(p, { mediaRoots: [secret] })).column('g'), 1)).toMatchObject({ nodes: 7 });
  });

  it('a frame built in code keeps its baseDir as given', () => {
    const g = graphColumn(['notes.json'], { baseDir: secret });
    expect(mediaInfo(g, 0)).toMatchObject({ nodes: 7 });
  });
});

describe('media reads refuse devices, FIFOs and oversized decodes', () => {
  it('baseDir "/" + dev/zero, stored and granted: printing returns promptly, loading is a typed error', async () => {
    const df = framed(['dev/zero'], {
      g: (c) => graphColumn(c, { baseDir: '/' }),
      img: (c) => imageColumn(c, { baseDir: '/' }),
      vol: (c) => volumeColumn(c, { baseDir: '/' }),
      wav: (c) => audioColumn(c, { baseDir: '/' }),
    });
    const back = await read(await dataset('zero', df), { mediaRoots: ['/'] });
    for (const frame of [df, back]) {
      expect(frame.toString()).toContain('g');
      for (const name of ['g', 'img', 'vol', 'wav'])
        await expect(load(frame, name), name).rejects.toThrow(MediaLimitError);
    }
  }, 10_000);

  it('a FIFO is refused, never waited on', async () => {
    const fifoDir = path.join(dir, 'fifo');
    fs.mkdirSync(fifoDir);
    execFileSync('mkfifo', [path.join(fifoDir, 'pipe.png')]);
    const df = new DataFrame({
      g: graphColumn(['pipe.png'], { baseDir: fifoDir }),
      img: imageColumn(['pipe.png'], { baseDir: fifoDir }),
    });
    expect(df.toString()).toContain('img');
    for (const name of ['g', 'img']) await expect(load(df, name), name).rejects.toThrow(MediaLimitError);
  }, 10_000);

  it('stored resize parameters edited to huge sizes are refused before decoding', async () => {
    const media = path.join(dir, 'resize', 'media');
    const p = await dataset(
      'resize',
      framed(['a.png'], { img: (c) => imageColumn(c, { baseDir: media, resize: { width: 8, height: 8 } }) }),
    );
    fs.mkdirSync(media);
    await sharp({ create: { width: 6, height: 4, channels: 3, background: '#204060' } })
      .png()
      .toFile(path.join(media, 'a.png'));
    expect(((await load(await read(p), 'img')) as { shape: number[] }[])[0]?.shape).toEqual([8, 8, 3]);
    const huge: Record<string, unknown>[] = [
      { resize: { width: 20000, height: 15000 }, channels: 1 }, // 3e8 elements, 300 MB
      { resize: { width: 50000, height: 50000 }, dtype: 'float32' }, // 7.5e9 elements, 30 GB
      { resize: { width: 50000 }, dtype: 'float32' }, // the other side from the aspect ratio
    ];
    for (const params of huge) {
      editManifest(p, (m) => Object.assign(m.columns[1]!.deferred!.params, params));
      const started = Date.now();
      await expect(load(await read(p), 'img'), JSON.stringify(params)).rejects.toThrow(MediaLimitError);
      expect(Date.now() - started).toBeLessThan(2000);
    }
    // A stored dataset may not raise the limit for itself.
    editManifest(p, (m) => Object.assign(m.columns[1]!.deferred!.params, { maxElements: 2 ** 40 }));
    await expect(load(await read(p), 'img')).rejects.toThrow(InvalidArgumentError);
  }, 15_000);

  it('maxElements bounds a decode built in code', async () => {
    const media = path.join(dir, 'resize', 'media');
    const small = imageColumn(['a.png'], { baseDir: media, maxElements: 10 });
    await expect(small.load([0])).rejects.toThrow(MediaLimitError);
    const big = imageColumn(['a.png'], {
      baseDir: media,
      resize: { width: 4000, height: 4000 },
      maxElements: 2 ** 26,
    });
    expect((await big.load([0]))[0]?.shape).toEqual([4000, 4000, 3]);
  });
});
