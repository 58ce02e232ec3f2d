import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaDecodeError } from '../../../src/core/errors.js';
import { DataFrame } from '../../../src/core/frame/frame.js';
import {
  decodeImage,
  imageColumn,
  imageMetadata,
  imageThumbnail,
  mediaInfo,
  PathEscapeError,
  readImageHeader,
  thumbnailColumn,
  UnsupportedMediaError,
} from '../../../src/index.js';
import { parseImageHeader } from '../../../src/node/media/image.js';
import { needs, PYTHON } from '../../helpers/references.js';

let dir: string;
const W = 7;
const H = 5;

/** A 7×5 RGB(A) image whose pixel (x, y) is (10x, 20y, 100 [, 200]). */
function pixels(channels: 3 | 4): Buffer {
  const buf = Buffer.alloc(W * H * channels);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const o = (y * W + x) * channels;
      buf[o] = 10 * x;
      buf[o + 1] = 20 * y;
      buf[o + 2] = 100;
      if (channels === 4) buf[o + 3] = 200;
    }
  return buf;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-image-'));
  const rgb = sharp(pixels(3), { raw: { width: W, height: H, channels: 3 } });
  const rgba = sharp(pixels(4), { raw: { width: W, height: H, channels: 4 } });
  await rgb.clone().png().toFile(path.join(dir, 'rgb.png'));
  await rgba.clone().png().toFile(path.join(dir, 'rgba.png'));
  await rgb.clone().jpeg({ quality: 95 }).toFile(path.join(dir, 'rgb.jpg'));
  await rgb.clone().webp({ lossless: true }).toFile(path.join(dir, 'rgb.webp'));
  await rgba.clone().webp({ lossless: true }).toFile(path.join(dir, 'rgba.webp'));
  await rgb.clone().webp({ quality: 80 }).toFile(path.join(dir, 'lossy.webp'));
  await rgb.clone().gif().toFile(path.join(dir, 'rgb.gif'));
  await rgb.clone().tiff({ compression: 'lzw' }).toFile(path.join(dir, 'rgb.tiff'));
  await rgba.clone().tiff({ compression: 'lzw' }).toFile(path.join(dir, 'rgba.tiff'));
  await rgb.clone().greyscale().toColourspace('b-w').png().toFile(path.join(dir, 'grey.png'));
  // A JPEG with a large EXIF-like APP segment before its frame header.
  const jpg = fs.readFileSync(path.join(dir, 'rgb.jpg'));
  const app = Buffer.alloc(4 + 65000);
  app[0] = 0xff;
  app[1] = 0xe1;
  app.writeUInt16BE(65002, 2);
  fs.writeFileSync(path.join(dir, 'big-app.jpg'), Buffer.concat([jpg.subarray(0, 2), app, jpg.subarray(2)]));
  fs.writeFileSync(path.join(dir, 'not-image.png'), 'hello, not an image');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('image header (sync, no decoding) agrees with sharp', () => {
  const files = [
    'rgb.png',
    'rgba.png',
    'grey.png',
    'rgb.jpg',
    'big-app.jpg',
    'rgb.webp',
    'rgba.webp',
    'lossy.webp',
    'rgb.gif',
    'rgb.tiff',
    'rgba.tiff',
  ];
  for (const f of files)
    it(f, async () => {
      const header = readImageHeader(f, dir);
      const m = await sharp(path.join(dir, f)).metadata();
      expect(header).toEqual({
        format: m.format === 'jpeg' ? 'jpeg' : m.format,
        width: m.width,
        height: m.height,
        channels: m.channels,
        bitDepth: 8,
        colourSpace: m.space === 'b-w' ? 'grey' : 'rgb',
      });
    });
  it('TIFF (first IFD, often at the end of the file), also through sharp metadata', async () => {
    const rgb = { format: 'tiff', width: W, height: H, bitDepth: 8, colourSpace: 'rgb' };
    expect(readImageHeader('rgb.tiff', dir)).toEqual({ ...rgb, channels: 3 });
    expect(readImageHeader('rgba.tiff', dir)).toEqual({ ...rgb, channels: 4 });
    expect(readImageHeader(new Uint8Array(fs.readFileSync(path.join(dir, 'rgb.tiff'))))).toMatchObject({
      width: W,
    });
    expect(await imageMetadata('rgb.tiff', { baseDir: dir })).toMatchObject({
      format: 'tiff',
      width: W,
      height: H,
      channels: 3,
    });
  });
  it('returns undefined for unknown bytes', () => {
    expect(parseImageHeader(new Uint8Array([1, 2, 3, 4]))).toBeUndefined();
  });
});

describe('decodeImage', () => {
  it('decodes PNG exactly to HWC uint8', async () => {
    const img = await decodeImage('rgb.png', { baseDir: dir });
    expect(img).toMatchObject({ width: W, height: H, channels: 3, shape: [H, W, 3] });
    expect(Buffer.from(img.data as Uint8Array).equals(pixels(3))).toBe(true);
  });
  it('decodes lossless WebP, RGBA and TIFF exactly', async () => {
    expect(
      Buffer.from((await decodeImage('rgb.webp', { baseDir: dir })).data as Uint8Array).equals(pixels(3)),
    ).toBe(true);
    expect(
      Buffer.from((await decodeImage('rgba.png', { baseDir: dir })).data as Uint8Array).equals(pixels(4)),
    ).toBe(true);
    expect(
      Buffer.from((await decodeImage('rgb.tiff', { baseDir: dir })).data as Uint8Array).equals(pixels(3)),
    ).toBe(true);
  });
  it('decodes JPEG and GIF close to the source', async () => {
    const jpg = await decodeImage('rgb.jpg', { baseDir: dir });
    const src = pixels(3);
    let err = 0;
    for (let i = 0; i < src.length; i++) err = Math.max(err, Math.abs(jpg.data[i] - src[i]));
    expect(err).toBeLessThan(24);
    const gif = await decodeImage('rgb.gif', { baseDir: dir });
    expect(gif).toMatchObject({ width: W, height: H, channels: 4 });
  });
  it('float32, resize and channel options', async () => {
    const f = await decodeImage('rgb.png', { baseDir: dir, dtype: 'float32' });
    expect(f.data).toBeInstanceOf(Float32Array);
    expect(f.data[3 * 1]).toBeCloseTo(10 / 255, 6);
    const r = await decodeImage('rgb.png', { baseDir: dir, resize: { width: 4, height: 4 }, channels: 4 });
    expect(r).toMatchObject({ width: 4, height: 4, channels: 4, shape: [4, 4, 4] });
    expect(r.data.length).toBe(64);
    const g = await decodeImage('rgba.png', { baseDir: dir, channels: 1 });
    expect(g.channels).toBe(1);
    expect(g.data.length).toBe(W * H);
    const c3 = await decodeImage('rgba.png', { baseDir: dir, channels: 3 });
    expect(Buffer.from(c3.data as Uint8Array).equals(pixels(3))).toBe(true);
  });
  it('decodes bytes', async () => {
    const bytes = new Uint8Array(fs.readFileSync(path.join(dir, 'rgb.png')));
    expect((await decodeImage(bytes)).shape).toEqual([H, W, 3]);
  });
  it('typed errors: not an image, missing file, escaping paths', async () => {
    await expect(decodeImage('not-image.png', { baseDir: dir })).rejects.toBeInstanceOf(
      UnsupportedMediaError,
    );
    await expect(decodeImage('missing.png', { baseDir: dir })).rejects.toBeInstanceOf(MediaDecodeError);
    await expect(decodeImage('../x.png', { baseDir: dir })).rejects.toBeInstanceOf(PathEscapeError);
    await expect(decodeImage(path.join(dir, 'rgb.png'), { baseDir: dir })).rejects.toBeInstanceOf(
      PathEscapeError,
    );
  });
});

describe('thumbnails', () => {
  it('JPEG and WebP thumbnails are bounded and never enlarged', async () => {
    const big = await sharp({ create: { width: 300, height: 150, channels: 3, background: '#3366cc' } })
      .png()
      .toBuffer();
    const t = await imageThumbnail(new Uint8Array(big), { size: 64 });
    expect([t[0], t[1]]).toEqual([0xff, 0xd8]);
    expect(await sharp(t).metadata()).toMatchObject({ format: 'jpeg', width: 64, height: 32 });
    const w = await imageThumbnail('rgba.png', { baseDir: dir, size: 64, format: 'webp' });
    expect(await sharp(w).metadata()).toMatchObject({ format: 'webp', width: W, height: H });
  });
  it('thumbnailColumn', async () => {
    const col = thumbnailColumn(['rgb.png'], { baseDir: dir, size: 4 });
    const [t] = await col.load([0]);
    expect((await sharp(t!).metadata()).width).toBe(4);
  });
});

describe('imageColumn', () => {
  it('prints metadata without decoding, loads async, keeps name + params', async () => {
    const col = imageColumn(['rgb.png', 'rgba.webp', null, 'rgb.tiff'], { baseDir: dir });
    expect(col.type).toEqual({ kind: 'deferred', media: 'image' });
    expect(col.options.name).toBe('tessera.media.image');
    expect(col.options.params).toEqual({ baseDir: dir });
    expect(col.format(0)).toBe(`<image ${W}×${H}×3>`);
    expect(col.format(1)).toBe(`<image ${W}×${H}×4>`);
    expect(col.format(2)).toBe('null');
    expect(col.format(3)).toBe(`<image ${W}×${H}×3>`);
    expect(col.cachedRows).toBe(0);
    expect(mediaInfo(col, 1)).toEqual({
      format: 'webp',
      width: W,
      height: H,
      channels: 4,
      bitDepth: 8,
      colourSpace: 'rgb',
    });
    expect(mediaInfo(col, 2)).toBeNull();
    expect(() => col.get(0)).toThrow(/load/);
    const [a, , n] = await col.load([0, 1, 2]);
    expect(a?.shape).toEqual([H, W, 3]);
    expect(n).toBeNull();
    expect(col.get(0)).toBe(a); // cached rows read synchronously
    const df = new DataFrame({ id: [1, 2, 3, 4], img: col });
    const view = df.take([1, 0]);
    expect(view.column('img').format(0)).toBe(`<image ${W}×${H}×4>`);
    expect(df.toString()).toContain(`<image ${W}×${H}×3>`);
  });
  const template = ['$', '{IMG_ROOT}'].join(''); // a `${VAR}` path template
  it('expands a path template baseDir at read time', async () => {
    const col = imageColumn(['rgb.png'], {
      baseDir: template,
      env: { IMG_ROOT: dir },
      dtype: 'float32',
    });
    expect(col.options.params).toEqual({ baseDir: template, dtype: 'float32' });
    const [v] = await col.load([0]);
    expect(v?.data).toBeInstanceOf(Float32Array);
  });
  it('a path escaping baseDir raises a typed error on load', async () => {
    const col = imageColumn(['../etc/passwd', '/etc/passwd'], { baseDir: dir });
    expect(col.format(0)).toBe('<image>');
    await expect(col.load([0])).rejects.toBeInstanceOf(PathEscapeError);
    await expect(col.load([1])).rejects.toBeInstanceOf(PathEscapeError);
  });
});

const pil = needs('PIL');

describe('real PNGs from vega-datasets', () => {
  const data = path.resolve('node_modules/vega-datasets/data');
  // vega-datasets is a devDependency: its PNGs are always there.
  const files = fs.readdirSync(data).filter((f) => f.endsWith('.png'));
  it('header, sharp metadata and decode agree', async () => {
    expect(files.length).toBeGreaterThan(0);
    const col = imageColumn(files, { baseDir: data });
    const values = await col.load(files.map((_, i) => i));
    for (let i = 0; i < files.length; i++) {
      const m = await sharp(path.join(data, files[i])).metadata();
      expect(mediaInfo(col, i)).toEqual({
        format: 'png',
        width: m.width,
        height: m.height,
        channels: m.channels,
        bitDepth: m.depth === 'ushort' ? 16 : 8,
        colourSpace: m.space === 'b-w' || m.space === 'grey16' ? 'grey' : 'rgb',
      });
      expect(values[i]).toMatchObject({ width: m.width, height: m.height, channels: m.channels });
      expect(values[i]?.data.length).toBe(m.width! * m.height! * m.channels!);
    }
  });
  pil.it('an independent decoder (Python PIL) gives the same pixels', async () => {
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const out = execFileSync(PYTHON, [
        '-c',
        'import sys,PIL.Image as I;im=I.open(sys.argv[1]).convert("RGBA");sys.stdout.buffer.write(im.tobytes())',
        path.join(data, f),
      ]);
      const img = await decodeImage(f, { baseDir: data, channels: 4 });
      expect(Buffer.from(img.data as Uint8Array).equals(out)).toBe(true);
    }
  });
});

describe('loading sharp', () => {
  it('importing the media columns does not load sharp (a native library); the first decode does', () => {
    const media = path.resolve(import.meta.dirname, '../../../src/node/media/index.ts');
    // The native libraries the process has loaded (sharp's addon and libvips), however it imported them.
    const script = `
      const nativeSharp = () => process.report.getReport().sharedObjects.filter((f) => /sharp|vips/.test(f)).length;
      const media = await import(${JSON.stringify(media)});
      const afterImport = nativeSharp();
      const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
      const image = await media.decodeImage(new Uint8Array(png));
      console.log(JSON.stringify({ afterImport, afterDecode: nativeSharp(), width: image.width }));
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    const { afterImport, afterDecode, width } = JSON.parse(out);
    expect(afterImport).toBe(0);
    expect(afterDecode).toBeGreaterThan(0);
    expect(width).toBe(1);
  });
});
