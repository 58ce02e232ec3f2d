import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type DeferredColumn,
  type ImageValue,
  InvalidArgumentError,
  ParseError,
  read,
  readImageFolder,
  write,
} from '../../../../src/index.js';
import { needs, PYTHON } from '../../../helpers/references.js';

let root: string;
const pil = needs('PIL');

async function png(file: string, width: number, height: number) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await sharp({ create: { width, height, channels: 3, background: { r: 10, g: 20, b: 30 } } })
    .png()
    .toFile(file);
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-imagefolder-'));
  await png(path.join(root, 'dog', 'b.png'), 4, 3);
  await png(path.join(root, 'dog', 'a.PNG'), 5, 2);
  await png(path.join(root, 'cat', 'nested', 'c.png'), 2, 2);
  await png(path.join(root, 'loose.png'), 1, 1); // not in a class folder: skipped
  fs.writeFileSync(path.join(root, 'cat', 'notes.txt'), 'not an image');
  await png(path.join(root, 'cat', '.hidden.png'), 1, 1);
  fs.mkdirSync(path.join(root, 'empty'));
});

describe('readImageFolder', () => {
  it('gives one row per image with its class label, sorted, and a lazy image column', async () => {
    const df = await readImageFolder(root);
    expect(df.columnNames).toEqual(['path', 'label', 'image']);
    expect(df.select('path', 'label').toRecords()).toEqual([
      { path: 'cat/nested/c.png', label: 'cat' },
      { path: 'dog/a.PNG', label: 'dog' },
      { path: 'dog/b.png', label: 'dog' },
    ]);
    const images = df.column<DeferredColumn<ImageValue>>('image');
    expect(images.format(1)).toBe('<image 5×2×3>');
    const [img] = await images.load([2]);
    expect(img?.shape).toEqual([3, 4, 3]);
  });

  it('stores its images as a templated base directory that moves with the data', async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a path template, expanded by Tessera.
    const df = await readImageFolder(root, { baseDir: '${PETS}', env: { PETS: root } });
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-imagefolder-ds-')), 'ds');
    await write(df, out);
    // The images live outside the dataset's directory: the reader grants their root.
    const back = await read(out, { env: { PETS: root }, mediaRoots: [root] });
    const [img] = await back.column<DeferredColumn<ImageValue>>('image').load([1]);
    expect(img?.shape).toEqual([2, 5, 3]);
  });

  it('rejects a root that is not a directory', async () => {
    await expect(readImageFolder(path.join(root, 'missing'))).rejects.toThrow(InvalidArgumentError);
  });

  it('refuses a folder with no images in class sub-folders, saying why, as the in-tab reader does', async () => {
    const empty = path.join(root, 'empty');
    await expect(readImageFolder(empty)).rejects.toThrow(ParseError);
    await expect(readImageFolder(empty)).rejects.toThrow(
      `cannot parse ${empty}: no images (.jpg, .jpeg, .png, .webp, .gif, .tif, .tiff) in its sub-folders: an image folder holds one sub-folder per class (${empty}/<class>/<image>)`,
    );
    // Images of another extension than the ones asked for do not count either.
    await expect(readImageFolder(root, { extensions: ['.bmp'] })).rejects.toThrow(/no images \(\.bmp\)/);
  });
});

pil.it('refuses a flat folder of images (no class sub-folders) with a ParseError', async () => {
  const flat = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-imagefolder-flat-'));
  try {
    // Real PNGs from Debian's PIL, straight in the folder, beside a hidden one and a text file.
    execFileSync(PYTHON, [
      '-c',
      `import sys
from PIL import Image
for i, p in enumerate(sys.argv[1:]): Image.new('RGB', (8 + i, 6), (10 * i, 20, 30)).save(p)`,
      ...['a.png', 'b.PNG', 'c.png', '.hidden.png'].map((f) => path.join(flat, f)),
    ]);
    fs.writeFileSync(path.join(flat, 'notes.txt'), 'not an image');
    const refused = await readImageFolder(flat).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(ParseError);
    expect((refused as ParseError).message).toBe(
      `cannot parse ${flat}: its 3 image(s) lie directly in the folder; an image folder holds one sub-folder per class (${flat}/<class>/<image>)`,
    );
  } finally {
    fs.rmSync(flat, { recursive: true, force: true });
  }
});
