// What embed and map do with the inputs of a frame that are not plain values: null cells (null in,
// null out: the encoder never sees them) and media files that are missing or do not decode (a
// BatchFailedError naming the frame's rows and the file, with the MediaDecodeError as its cause),
// inline and on worker threads.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchFailedError,
  DataFrame,
  type DeferredColumn,
  type EncoderRef,
  type LazyCell,
  MediaDecodeError,
  type TensorColumn,
} from '../../../src/core/index.js';
import { WorkerPoolExecutor } from '../../../src/node/exec/index.js';
import type { MappedTensorColumn } from '../../../src/node/io/store/mapped-tensor.js';
import { type ImageValue, imageColumn } from '../../../src/node/media/image.js';
import { mobileNetV2Encoder } from '../../../src/node/models/mobilenet.js';
import { MeanColourEncoder, ProjectionEncoder } from './fixtures/encoders.js';

const ENCODERS = new URL('./fixtures/encoders.ts', import.meta.url);
const FNS = new URL('./fixtures/fns.ts', import.meta.url);
const ICONS = path.resolve('node_modules/vega-datasets/data');
const pool = new WorkerPoolExecutor({ size: 2 });
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-embed-inputs-'));
  for (const icon of ['7zip.png', 'ffox.png', 'gimp.png'])
    fs.copyFileSync(path.join(ICONS, icon), path.join(dir, icon));
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3080c0' } })
    .jpeg()
    .toBuffer();
  fs.writeFileSync(path.join(dir, 'ok.jpg'), jpeg);
  // A JPEG cut short: its header reads, its pixels do not.
  fs.writeFileSync(path.join(dir, 'corrupt.jpg'), jpeg.subarray(0, Math.floor(jpeg.length / 2)));
});

afterAll(async () => {
  await pool.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A frame with an `image` column over `files` under the test folder. */
const imageFrame = (files: (string | null)[]) => {
  const df = new DataFrame({ id: Int32Array.from(files, (_, i) => i), file: files });
  return df.withColumn('image', imageColumn(df.column('file'), { baseDir: dir }));
};

const rowOf = (col: TensorColumn, i: number) =>
  col.isNull(i) ? null : Array.from(col.get(i) as Float32Array);

describe('embed with null cells: null in, null out', () => {
  it('never passes a null to the encoder and gives null rows (a text column)', async () => {
    const seen: unknown[] = [];
    const lengths = {
      name: 'lengths',
      dimensions: 2,
      modality: 'text' as const,
      encode: async (texts: readonly unknown[]) => {
        seen.push(...texts);
        return Float32Array.from(
          texts.flatMap((t) => [(t as string).length, (t as string).split(' ').length]),
        );
      },
    };
    const texts = [null, 'good food', null, null, 'bad service here', 'fine', null];
    const df = new DataFrame({ text: texts });
    const col = (await df.embed('text', lengths, { batchSize: 2 })) as TensorColumn;
    expect(seen).not.toContain(null);
    expect(col.length).toBe(texts.length);
    expect(col.nullCount).toBe(4);
    // Reference: the non-null texts alone, by hand.
    expect(texts.map((_, i) => rowOf(col, i))).toEqual(
      texts.map((t) => (t === null ? null : [t.length, t.split(' ').length])),
    );
  });

  it('gives the built-in image encoder only the images; their vectors are those of the images alone', async () => {
    const files = ['7zip.png', null, 'ffox.png', null, null, 'gimp.png'];
    const df = imageFrame(files);
    const encoder = mobileNetV2Encoder({ threads: 1 });
    const col = (await df.embed('image', encoder, { batchSize: 2 })) as TensorColumn;
    // Reference: the encoder called on the non-null images alone, in one batch.
    const present = files.flatMap((f, i) => (f === null ? [] : [i]));
    const alone = await encoder.encode(await df.column<DeferredColumn<ImageValue>>('image').load(present));
    await encoder.dispose?.();
    expect(col.nullCount).toBe(3);
    present.forEach((row, k) => {
      expect(rowOf(col, row)).toEqual(Array.from(alone.subarray(k * 1280, (k + 1) * 1280)));
    });
    for (const row of [1, 3, 4]) expect(col.isNull(row)).toBe(true);
  });

  it('keeps null rows on workers and in a streamed .npy output', async () => {
    const v = [
      null,
      Float32Array.of(1, 2, 3, 4),
      null,
      Float32Array.of(0, -1, 0.5, 2),
      Float32Array.of(3, 3, 3, 3),
    ];
    const df = new DataFrame({ v });
    const ref: EncoderRef = { module: ENCODERS, export: 'ProjectionEncoder', args: [4, 3, 7] };
    const projection = new ProjectionEncoder(4, 3, 7);
    const expected = await Promise.all(
      v.map(async (x) => (x === null ? null : Array.from(await projection.encode([x])))),
    );
    const onWorkers = (await df.embed('v', ref, { batchSize: 2, executor: pool })) as TensorColumn;
    expect(v.map((_, i) => rowOf(onWorkers, i))).toEqual(expected);
    const file = path.join(dir, 'nulls.npy');
    const streamed = (await df.embed('v', ref, {
      batchSize: 2,
      output: { path: file },
    })) as MappedTensorColumn;
    const loaded = streamed.load();
    expect(v.map((_, i) => rowOf(loaded, i))).toEqual(expected);
  });
});

describe('a media file that fails during embed or map', () => {
  const cases = [
    { file: 'missing.jpg', detail: /does not exist/ },
    { file: 'corrupt.jpg', detail: /premature end|corrupt|truncated/i },
  ];
  const mean: EncoderRef = { module: ENCODERS, export: 'MeanColourEncoder' };
  const width = { module: FNS, export: 'imageWidth' };

  for (const { file, detail } of cases)
    it(`is a BatchFailedError naming the frame's row and ${file}, with the MediaDecodeError as cause`, async () => {
      // Rows 0..5; the bad file at row 5, in the second batch of 4.
      const df = imageFrame(['ok.jpg', '7zip.png', 'ok.jpg', 'ffox.png', 'gimp.png', file]);
      const runs: [string, () => Promise<unknown>][] = [
        ['embed inline', () => df.embed('image', new MeanColourEncoder(), { batchSize: 4 })],
        ['embed on workers', () => df.embed('image', mean, { batchSize: 4, executor: pool })],
        ['map inline', () => df.map((r) => (r.image as { width: number }).width, { batchSize: 4 })],
        ['map on workers', () => df.map(width, { batchSize: 4, executor: pool, inputs: ['image'] })],
      ];
      for (const [what, run] of runs) {
        const e = await run().catch((error: unknown) => error);
        expect(e, what).toBeInstanceOf(BatchFailedError);
        const failed = e as BatchFailedError;
        expect(failed.rows, what).toEqual([5]);
        expect([failed.start, failed.end, failed.attempts], what).toEqual([4, 6, 1]);
        expect(failed.message, what).toMatch(/^row 5 /);
        expect(failed.message, what).toContain(file);
        expect(failed.cause, what).toBeInstanceOf(MediaDecodeError);
        expect((failed.cause as MediaDecodeError).message, what).toMatch(detail);
        // The folder the file was resolved against, as for every media error.
        expect(failed.message, what).toContain(`(under ${path.resolve(dir)})`);
      }
    });

  it('names every failing row of a batch, counted in the frame (a view of a larger frame too)', async () => {
    const all = imageFrame(['ok.jpg', 'ok.jpg', 'missing.jpg', 'ok.jpg', 'corrupt.jpg', 'gimp.png']);
    const view = all.slice(1); // its rows 1 and 3 are the bad files
    const e = (await view
      .embed('image', new MeanColourEncoder(), { batchSize: 8 })
      .catch((x) => x)) as BatchFailedError;
    expect(e).toBeInstanceOf(BatchFailedError);
    expect(e.rows).toEqual([1, 3]);
    expect(e.message).toMatch(/^rows 1, 3 /);
    // The good rows still embed, and the column is untouched.
    const good = view.take([0, 2, 4]);
    const col = (await good.embed('image', new MeanColourEncoder())) as TensorColumn;
    expect(col.length).toBe(3);
    expect(all.column('file').toArray()).toEqual([
      'ok.jpg',
      'ok.jpg',
      'missing.jpg',
      'ok.jpg',
      'corrupt.jpg',
      'gimp.png',
    ]);
  });

  it('a row with a failing file is a lazy cell whose load rejects, and leaves no unhandled rejection', async () => {
    const df = imageFrame(['missing.jpg']);
    const cell = df.row(0).image as LazyCell<unknown>;
    await expect(cell.load()).rejects.toThrow(MediaDecodeError);
    // A decode that nobody awaits must not surface as an unhandled rejection (vitest fails the run on one).
    df.row(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
  });
});
