/**
 * Images decode with the channels and bit depth that Python's PIL reports, pixel for pixel, and the
 * header printout, `mediaInfo` and `imageMetadata` agree with the decoded array. The files are made
 * by PIL (and, for the 16-bit colour PNGs PIL cannot write or read exactly, by numpy and zlib).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect } from 'vitest';
import { column } from '../../../src/core/column/infer.js';
import type { TensorColumn } from '../../../src/core/column/tensor.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { DataFrame } from '../../../src/core/frame/frame.js';
import {
  decodeImage,
  imageColumn,
  imageMetadata,
  imageThumbnail,
  mediaInfo,
  readImageHeader,
  UnsupportedMediaError,
} from '../../../src/index.js';
import { checkImagePreprocessing, pixelsOf } from '../../../src/node/models/image-input.js';
import { needs, PYTHON } from '../../helpers/references.js';

/** Makes the files and prints, per file, what PIL (or the numpy source array) decodes it to. */
const MAKE = String.raw`
import sys, json, struct, zlib
import numpy as np
from PIL import Image
d = sys.argv[1]
W, H = 7, 5
y, x = np.mgrid[0:H, 0:W]
g8 = (x * 30 + y * 7).astype(np.uint8)
rgb = np.stack([x * 30, y * 50, np.full_like(x, 100)], -1).astype(np.uint8)
a = (40 + x * 20 + y).astype(np.uint8)
g16 = (x * 9000 + y * 1234 + 1).astype(np.uint16)
rgb16 = np.stack([x * 9000 + 3, y * 15000 + 5, np.full_like(x, 40000)], -1).astype(np.uint16)
a16 = (x * 5000 + y * 11 + 7).astype(np.uint16)

def chunk(t, b):
    return struct.pack('>I', len(b)) + t + b + struct.pack('>I', zlib.crc32(t + b))

def png16(name, arr, colour):
    # PIL writes no 16-bit colour PNG (and reads one as 8-bit), so these are written by hand.
    big = arr.astype('>u2')
    raw = b''.join(b'\0' + big[r].tobytes() for r in range(H))
    ihdr = struct.pack('>IIBBBBB', W, H, 16, colour, 0, 0, 0)
    open(f'{d}/{name}', 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))

def tiff16(name, arr, photometric):
    # An uncompressed little-endian TIFF: PIL writes no 16-bit colour TIFF either.
    h, w, n = arr.shape
    pixels = arr.astype('<u2').tobytes()
    tags = [(256, 3, 1, w), (257, 3, 1, h), (258, 3, n, 8 + len(pixels)), (259, 3, 1, 1), (262, 3, 1, photometric),
            (273, 4, 1, 8), (277, 3, 1, n), (278, 3, 1, h), (279, 4, 1, len(pixels))]
    ifd_at = 8 + len(pixels) + 2 * n
    ifd = struct.pack('<H', len(tags)) + b''.join(
        struct.pack('<HHI', t, k, c) + (struct.pack('<HH', v, 0) if k == 3 and c == 1 else struct.pack('<I', v))
        for t, k, c, v in tags) + struct.pack('<I', 0)
    open(f'{d}/{name}', 'wb').write(b'II*\0' + struct.pack('<I', ifd_at) + pixels + struct.pack(f'<{n}H', *[16] * n) + ifd)

Image.fromarray(g8, 'L').save(f'{d}/grey.png')
p3 = open(f'{d}/p3.icc', 'rb').read()  # a Display P3 profile (sharp's), embedded by PIL
Image.fromarray(rgb, 'RGB').save(f'{d}/rgb-p3.png', icc_profile=p3)
Image.fromarray(rgb, 'RGB').save(f'{d}/rgb-p3.jpg', quality=95, icc_profile=p3)
Image.fromarray(g8, 'L').save(f'{d}/grey.jpg', quality=95)
Image.fromarray(np.stack([g8, a], -1), 'LA').save(f'{d}/grey-alpha.png')
pal = Image.fromarray(rgb, 'RGB').quantize(8)
pal.save(f'{d}/palette.png')
pal.save(f'{d}/palette-transparent.png', transparency=2)
Image.fromarray(g8, 'L').convert('1').save(f'{d}/one-bit.png')
Image.fromarray(rgb, 'RGB').save(f'{d}/rgb.png')
Image.fromarray(np.dstack([rgb, a]), 'RGBA').save(f'{d}/rgba.png')
Image.fromarray(rgb, 'RGB').convert('CMYK').save(f'{d}/cmyk.jpg', quality=95)
Image.fromarray(rgb, 'RGB').convert('CMYK').save(f'{d}/cmyk.tiff')
Image.fromarray(g16, 'I;16').save(f'{d}/grey16.png')
Image.fromarray(g16, 'I;16').save(f'{d}/grey16.tiff')
pal.convert('RGB').save(f'{d}/palette.gif')
pal.save(f'{d}/palette-transparent.gif', transparency=2)
Image.fromarray(g8.astype(np.float32) / 7, 'F').save(f'{d}/float.tiff')
Image.fromarray(g16.astype(np.int32) * 1000, 'I').save(f'{d}/int32.tiff')
png16('rgb16.png', rgb16, 2)
tiff16('rgb16.tiff', rgb16, 2)
png16('rgba16.png', np.dstack([rgb16, a16]), 6)
png16('grey-alpha16.png', np.stack([g16, a16], -1), 4)

def ref(name, arr, mode, bits, space):
    arr = np.asarray(arr)
    channels = arr.shape[2] if arr.ndim == 3 else 1
    out[name] = dict(mode=mode, width=W, height=H, channels=channels, bitDepth=bits, colourSpace=space,
                     values=arr.reshape(-1).astype(np.int64).tolist())

out = {}
for name, space in [('grey.png', 'grey'), ('rgb-p3.png', 'rgb'), ('rgb-p3.jpg', 'rgb'), ('grey.jpg', 'grey'), ('grey-alpha.png', 'grey'), ('rgb.png', 'rgb'),
                    ('rgba.png', 'rgb'), ('cmyk.jpg', 'cmyk'), ('cmyk.tiff', 'cmyk'), ('grey16.png', 'grey'), ('grey16.tiff', 'grey')]:
    im = Image.open(f'{d}/{name}')
    # 16-bit greyscale: PIL 9 opens PNGs as mode 'I' (int32) and TIFFs as 'I;16'; the values are the same.
    ref(name, im, im.mode, 16 if im.mode in ('I', 'I;16') else 8, space)
for name in ['palette.png', 'palette-transparent.png', 'palette.gif', 'palette-transparent.gif']:
    im = Image.open(f'{d}/{name}')
    ref(name, im.convert('RGBA' if 'transparency' in im.info else 'RGB'), im.mode, 8, 'rgb')
ref('one-bit.png', Image.open(f'{d}/one-bit.png').convert('L'), '1', 8, 'grey')
ref('rgb16.png', rgb16, 'RGB;16 (numpy source)', 16, 'rgb')
ref('rgb16.tiff', rgb16, 'RGB;16 (numpy source)', 16, 'rgb')
ref('rgba16.png', np.dstack([rgb16, a16]), 'RGBA;16 (numpy source)', 16, 'rgb')
ref('grey-alpha16.png', np.stack([g16, a16], -1), 'LA;16 (numpy source)', 16, 'grey')
json.dump(out, sys.stdout)
`;

interface Reference {
  mode: string;
  width: number;
  height: number;
  channels: number;
  bitDepth: 8 | 16;
  colourSpace: 'grey' | 'rgb' | 'cmyk';
  values: number[];
}

const pil = needs('PIL');
let dir: string;
let refs: Record<string, Reference> = {};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-image-fidelity-'));
  const withP3 = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } })
    .withIccProfile('p3')
    .png()
    .toBuffer();
  fs.writeFileSync(path.join(dir, 'p3.icc'), (await sharp(withP3).metadata()).icc!);
  if (pil.present) refs = JSON.parse(execFileSync(PYTHON, ['-c', MAKE, dir], { encoding: 'utf8' }));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * JPEG decoders may round the inverse DCT differently (PIL uses libjpeg, sharp mozjpeg): allow a
 * difference of 1; every lossless format must match exactly.
 */
const tolerance = (file: string) => (file.endsWith('.jpg') ? 1 : 0);

/**
 * libvips's GIF decoder makes fully transparent pixels (0, 0, 0, 0) where PIL keeps the palette
 * colour under alpha 0: the colour of an invisible GIF pixel is not compared.
 */
function invisible(file: string, ref: Reference, i: number): boolean {
  if (!file.endsWith('.gif') || ref.channels !== 4 || i % 4 === 3) return false;
  return ref.values[i - (i % 4) + 3] === 0;
}

const FILES = [
  'grey.png',
  'grey.jpg',
  'grey-alpha.png',
  'palette.png',
  'palette-transparent.png',
  'palette.gif',
  'palette-transparent.gif',
  'one-bit.png',
  'rgb.png',
  'rgba.png',
  'rgb-p3.png',
  'rgb-p3.jpg',
  'cmyk.jpg',
  'cmyk.tiff',
  'grey16.png',
  'grey16.tiff',
  'rgb16.png',
  'rgb16.tiff',
  'rgba16.png',
  'grey-alpha16.png',
];

pil.describe('images decode as PIL reports them: channels, bit depth, every pixel', () => {
  for (const file of FILES)
    pil.it(file, async () => {
      const ref = refs[file];
      const { width, height, channels, bitDepth, colourSpace } = ref;
      const info = { width, height, channels, bitDepth, colourSpace };
      const img = await decodeImage(file, { baseDir: dir });
      expect(img.shape).toEqual([height, width, channels]);
      expect(img.data).toBeInstanceOf(bitDepth === 16 ? Uint16Array : Uint8Array);
      expect(img.data.length).toBe(ref.values.length);
      let worst = 0;
      for (let i = 0; i < ref.values.length; i++)
        if (!invisible(file, ref, i)) worst = Math.max(worst, Math.abs(img.data[i] - ref.values[i]));
      expect(worst, `largest difference from PIL (${ref.mode})`).toBeLessThanOrEqual(tolerance(file));
      expect(readImageHeader(file, dir), 'header').toMatchObject(info);
      expect(await imageMetadata(file, { baseDir: dir }), 'imageMetadata').toMatchObject(info);
      const col = imageColumn([file], { baseDir: dir });
      expect(mediaInfo(col, 0), 'mediaInfo').toMatchObject(info);
      const notes = `${bitDepth === 16 ? ' uint16' : ''}${colourSpace === 'cmyk' ? ' cmyk' : ''}`;
      expect(new DataFrame({ img: col }).toString()).toContain(
        `<image ${width}×${height}×${channels}${notes}>`,
      );
    });

  pil.it('float32 scales by the stored maximum (65535 for 16-bit), uint8 asks for 8 bits', async () => {
    const ref = refs['grey16.tiff'].values;
    const f = await decodeImage('grey16.tiff', { baseDir: dir, dtype: 'float32' });
    const u8 = await decodeImage('grey16.tiff', { baseDir: dir, dtype: 'uint8' });
    expect(u8.data).toBeInstanceOf(Uint8Array);
    for (let i = 0; i < ref.length; i++) {
      expect(f.data[i]).toBeCloseTo(ref[i] / 65535, 6);
      expect(u8.data[i]).toBe(Math.round(ref[i] / 257));
    }
    const up = await decodeImage('grey.png', { baseDir: dir, dtype: 'uint16' });
    expect(Array.from(up.data)).toEqual(refs['grey.png'].values.map((v) => v * 257));
  });

  pil.it('asked-for channels still convert, keeping 16 bits', async () => {
    const grey = refs['grey16.png'].values;
    const rgb = await decodeImage('grey16.png', { baseDir: dir, channels: 3 });
    expect(rgb.data).toBeInstanceOf(Uint16Array);
    expect(rgb.shape).toEqual([5, 7, 3]);
    for (let i = 0; i < grey.length; i++)
      expect(Array.from(rgb.data.subarray(3 * i, 3 * i + 3))).toEqual([grey[i], grey[i], grey[i]]);
    const rgba = await decodeImage('rgb16.png', { baseDir: dir, channels: 4 });
    expect(rgba.shape).toEqual([5, 7, 4]);
    expect(rgba.data[3]).toBe(65535);
    const one = await decodeImage('grey-alpha16.png', { baseDir: dir, channels: 1 });
    expect(Array.from(one.data)).toEqual(grey);
    const la = await decodeImage('grey-alpha.png', { baseDir: dir, channels: 3 });
    expect(la.shape).toEqual([5, 7, 3]);
    const cmyk = await decodeImage('cmyk.jpg', { baseDir: dir, channels: 3 });
    expect(cmyk).toMatchObject({ channels: 3, shape: [5, 7, 3] });
  });
});

pil.describe('what Tessera does not decode is refused, not changed', () => {
  for (const file of ['float.tiff', 'int32.tiff'])
    pil.it(
      `${file}: 32-bit samples raise UnsupportedMediaError (sharp would cast them to 8 bits)`,
      async () => {
        await expect(decodeImage(file, { baseDir: dir })).rejects.toBeInstanceOf(UnsupportedMediaError);
        await expect(imageMetadata(file, { baseDir: dir })).rejects.toBeInstanceOf(UnsupportedMediaError);
        expect(readImageHeader(file, dir)).toBeUndefined(); // prints as <image>, claims nothing
      },
    );
});

pil.it('16-bit images stack into a float32 tensor column that holds every value exactly', async () => {
  const a = await decodeImage('grey16.png', { baseDir: dir });
  const b = await decodeImage('rgb16.png', { baseDir: dir, channels: 1 });
  const stacked = column([a.data, b.data]) as TensorColumn<Float32Array>;
  expect(stacked.type).toEqual({ kind: 'tensor', dtype: 'float32', shape: [35] });
  expect(Array.from(stacked.getUnchecked(0)!)).toEqual(refs['grey16.png'].values);
  expect(Array.from(stacked.getUnchecked(1)!)).toEqual(Array.from(b.data));
});

pil.it(
  'encoders take 16-bit images at 8 bits and refuse CMYK ones rather than read them as RGBA',
  async () => {
    const p = checkImagePreprocessing({ width: 7, height: 5, channels: 1 });
    const grey = await pixelsOf(await decodeImage('grey16.tiff', { baseDir: dir }), p);
    expect(Array.from(grey)).toEqual(refs['grey16.tiff'].values.map((v) => Math.round(v / 257)));
    const cmyk = await decodeImage('cmyk.jpg', { baseDir: dir });
    expect(cmyk.colourSpace).toBe('cmyk');
    await expect(pixelsOf(cmyk, p)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect((await pixelsOf('cmyk.jpg', p, dir)).length).toBe(35); // from a file: converted on decode
  },
);

/** Mean grey level (0..255) of an image file as PIL sees it, after `convert` where 8-bit. */
function pilMean(file: string, sixteenBit: boolean): number {
  const script = sixteenBit
    ? 'import sys,numpy as n,PIL.Image as I;print(float((n.asarray(I.open(sys.argv[1]),dtype=n.float64)/257).mean()))'
    : 'import sys,numpy as n,PIL.Image as I;print(float(n.asarray(I.open(sys.argv[1]).convert("RGB").convert("L"),dtype=n.float64).mean()))';
  return Number(execFileSync(PYTHON, ['-c', script, file], { encoding: 'utf8' }));
}

pil.describe('thumbnails of 16-bit and CMYK images look like the image (PIL mean grey level)', () => {
  for (const file of ['grey16.png', 'grey16.tiff', 'rgb16.png', 'cmyk.jpg'])
    pil.it(file, async () => {
      const thumb = await imageThumbnail(file, { baseDir: dir, size: 64 });
      const out = path.join(dir, `thumb-${file}.jpg`);
      fs.writeFileSync(out, thumb);
      // PIL reads 48-bit PNGs as 8-bit RGB (the high bytes): near enough for a mean.
      const source = pilMean(path.join(dir, file), file.startsWith('grey16'));
      // sharp converts CMYK through a colour profile, PIL by a plain formula: means differ by ~7 of
      // 255 there. A black, blank or inverted thumbnail is off by far more.
      expect(Math.abs(pilMean(out, false) - source)).toBeLessThan(file === 'cmyk.jpg' ? 12 : 4);
    });
});
