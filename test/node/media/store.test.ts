import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeferredColumn } from '../../../src/core/column/deferred.js';
import { resolveColumn } from '../../../src/core/column/lazy.js';
import { DataFrame } from '../../../src/core/frame/frame.js';
import { type ImageValue, imageColumn, mediaInfo, PathEscapeError, read, write } from '../../../src/index.js';
import { resolveMediaPath } from '../../../src/node/media/paths.js';

let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-media-store-'));
  fs.mkdirSync(path.join(dir, 'images'));
  await sharp({ create: { width: 6, height: 4, channels: 3, background: '#204060' } })
    .png()
    .toFile(path.join(dir, 'images', 'a.png'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('media columns in a stored dataset', () => {
  it('are saved as loader name + params and read back with a moved base directory', async () => {
    const template = ['$', '{MEDIA_ROOT}/images'].join('');
    const paths = ['a.png', 'a.png'];
    const df = new DataFrame({
      path: paths,
      img: imageColumn(paths, { baseDir: template, env: { MEDIA_ROOT: dir }, inputNames: ['path'] }),
    });
    await write(df, path.join(dir, 'ds'));
    const manifest = fs.readFileSync(path.join(dir, 'ds', 'manifest.json'), 'utf8');
    expect(manifest).toContain('tessera.media.image');
    expect(manifest).toContain('{MEDIA_ROOT}/images');
    // Move the media: the dataset still reads them through the variable.
    const moved = path.join(dir, 'moved');
    fs.mkdirSync(moved);
    fs.renameSync(path.join(dir, 'images'), path.join(moved, 'images'));
    // The media live outside the dataset's directory: the reader grants that root.
    const back = await read(path.join(dir, 'ds'), { env: { MEDIA_ROOT: moved }, mediaRoots: [moved] });
    const col = back.column('img');
    expect(col.type).toEqual({ kind: 'deferred', media: 'image' });
    expect(col.format(1)).toBe('<image 6×4×3>');
    expect(mediaInfo(col, 0)).toEqual({
      format: 'png',
      width: 6,
      height: 4,
      channels: 3,
      bitDepth: 8,
      colourSpace: 'rgb',
    });
    expect(back.toString()).toContain('<image 6×4×3>');
    const [img] = await (resolveColumn(col) as DeferredColumn<ImageValue>).load([0]);
    expect(img?.shape).toEqual([4, 6, 3]);
  });
});

describe('resolveMediaPath', () => {
  it('keeps paths inside baseDir and rejects the rest', () => {
    expect(resolveMediaPath('a/b.png', '/data')).toBe(path.resolve('/data/a/b.png'));
    expect(resolveMediaPath('a/../b.png', '/data')).toBe(path.resolve('/data/b.png'));
    for (const bad of ['../b.png', 'a/../../b.png', '/etc/passwd', 'C:\\x.png', '', '.', 'a\0b'])
      expect(() => resolveMediaPath(bad, '/data'), bad).toThrow(PathEscapeError);
  });
});
