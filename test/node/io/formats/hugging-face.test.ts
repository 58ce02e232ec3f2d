import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type DeferredColumn,
  type ImageValue,
  InvalidArgumentError,
  ParseError,
  readHuggingFace,
} from '../../../../src/index.js';

let root: string;

/** A split folder as `datasets.Dataset.save_to_disk` writes it: Arrow stream files + JSON metadata. */
async function saveSplit(dir: string, labels: (number | null)[], widths: number[]) {
  fs.mkdirSync(dir, { recursive: true });
  const images = await Promise.all(
    widths.map(
      async (w) =>
        new Uint8Array(
          await sharp({ create: { width: w, height: 2, channels: 3, background: { r: 1, g: 2, b: 3 } } })
            .png()
            .toBuffer(),
        ),
    ),
  );
  const imageType = new arrow.Struct([
    new arrow.Field('bytes', new arrow.Binary(), true),
    new arrow.Field('path', new arrow.Utf8(), true),
  ]);
  const table = new arrow.Table({
    image: arrow.vectorFromArray(
      images.map((bytes, i) => ({ bytes, path: `img${i}.png` })),
      imageType,
    ),
    label: arrow.vectorFromArray(
      labels.map((l) => (l === null ? null : BigInt(l))),
      new arrow.Int64(),
    ),
  });
  fs.writeFileSync(path.join(dir, 'data-00000-of-00001.arrow'), arrow.tableToIPC(table, 'stream'));
  fs.writeFileSync(
    path.join(dir, 'dataset_info.json'),
    JSON.stringify({
      features: {
        image: { _type: 'Image' },
        label: { names: ['cat', 'dog', 'bird'], _type: 'ClassLabel' },
      },
    }),
  );
  fs.writeFileSync(
    path.join(dir, 'state.json'),
    JSON.stringify({ _data_files: [{ filename: 'data-00000-of-00001.arrow' }], _split: null }),
  );
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-hf-'));
  await saveSplit(path.join(root, 'dict', 'train'), [0, 2, 1], [3, 4, 5]);
  await saveSplit(path.join(root, 'dict', 'test'), [1, -1], [6, 7]);
  fs.writeFileSync(
    path.join(root, 'dict', 'dataset_dict.json'),
    JSON.stringify({ splits: ['train', 'test'] }),
  );
});

describe('readHuggingFace', () => {
  it('reads a saved split: ClassLabel as names, Image as a lazy image column', async () => {
    const df = await readHuggingFace(path.join(root, 'dict', 'train'));
    expect(df.columnNames).toEqual(['image', 'label']);
    expect(df.column('label').toArray()).toEqual(['cat', 'bird', 'dog']);
    const images = df.column<DeferredColumn<ImageValue>>('image');
    expect(images.type).toEqual({ kind: 'deferred', media: 'image' });
    const decoded = await images.load([0, 2]);
    expect(decoded.map((d) => d?.shape)).toEqual([
      [2, 3, 3],
      [2, 5, 3],
    ]);
  });

  it('picks a split of a DatasetDict (train by default), with -1 as a null label', async () => {
    expect((await readHuggingFace(path.join(root, 'dict'))).length).toBe(3);
    const test = await readHuggingFace(path.join(root, 'dict'), { split: 'test' });
    expect(test.column('label').toArray()).toEqual(['dog', null]);
    await expect(readHuggingFace(path.join(root, 'dict'), { split: 'validation' })).rejects.toThrow(
      InvalidArgumentError,
    );
  });

  it('refuses data files outside the folder and broken metadata', async () => {
    const bad = path.join(root, 'bad');
    await saveSplit(bad, [0], [2]);
    fs.writeFileSync(
      path.join(bad, 'state.json'),
      JSON.stringify({ _data_files: [{ filename: '../x.arrow' }] }),
    );
    await expect(readHuggingFace(bad)).rejects.toThrow(ParseError);
    fs.writeFileSync(path.join(bad, 'state.json'), '{not json');
    await expect(readHuggingFace(bad)).rejects.toThrow(/not valid JSON/);
  });
});
