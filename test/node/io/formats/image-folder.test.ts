import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type DeferredColumn,
  type ImageValue,
  InvalidArgumentError,
  read,
  readImageFolder,
  write,
} from '../../../../src/index.js';

let root: string;

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
    const empty = await readImageFolder(path.join(root, 'empty'));
    expect(empty.length).toBe(0);
  });
});
