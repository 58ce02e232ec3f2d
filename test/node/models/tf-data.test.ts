import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { DataFrame, InvalidArgumentError, read, TensorColumn } from '../../../src/index.js';
import { type TfBatch, toTfDataset } from '../../../src/node/models/tf-data.js';

const n = 23;
const df = new DataFrame({
  id: Int32Array.from({ length: n }, (_, i) => i),
  a: Float64Array.from({ length: n }, (_, i) => i * 0.5),
  b: Float64Array.from({ length: n }, (_, i) => -i),
  emb: new TensorColumn(
    Float32Array.from({ length: n * 3 }, (_, i) => i / 10),
    [3],
  ),
  label: Array.from({ length: n }, (_, i) => ['x', 'y', 'z'][i % 3]),
  target: Float64Array.from({ length: n }, (_, i) => i * i),
});

/** One pass over the dataset, as plain arrays (tensors disposed). */
async function epoch(ds: tfTypes.data.Dataset<TfBatch>) {
  const out: { xs: number[][]; ys: number[] | number[][]; xShape: number[]; yDtype: string }[] = [];
  await ds.forEachAsync((b) => {
    out.push({
      xs: b.xs.arraySync() as number[][],
      ys: b.ys.arraySync() as number[],
      xShape: b.xs.shape,
      yDtype: b.ys.dtype,
    });
    b.xs.dispose();
    b.ys.dispose();
  });
  return out;
}

describe('toTfDataset', () => {
  it('yields tensors equal to the frame data, batch by batch', async () => {
    const ds = await toTfDataset(df, { features: 'emb', label: 'label', batchSize: 5, labelDtype: 'int32' });
    const batches = await epoch(ds);
    expect(batches.map((b) => b.xShape)).toEqual([
      [5, 3],
      [5, 3],
      [5, 3],
      [5, 3],
      [3, 3],
    ]);
    const xs = batches.flatMap((b) => b.xs);
    const ys = batches.flatMap((b) => b.ys as number[]);
    expect(batches[0].yDtype).toBe('int32');
    for (let i = 0; i < n; i++) {
      Array.from(df.row(i).emb as Float32Array).forEach((v, j) => {
        expect(xs[i][j]).toBe(v);
      });
      expect(['x', 'y', 'z'][ys[i]]).toBe(df.row(i).label);
    }
  });

  it('labels are float32 by default, as tfjs losses take them', async () => {
    const [b] = await epoch(await toTfDataset(df, { features: 'emb', label: 'label', batchSize: 4 }));
    expect(b.yDtype).toBe('float32');
    expect(b.ys).toEqual([0, 1, 2, 0]);
  });

  it('concatenates several feature columns, and float labels stay floats', async () => {
    const ds = await toTfDataset(df, {
      features: ['a', 'emb', 'b'],
      label: 'target',
      batchSize: 8,
      dropLast: true,
    });
    const batches = await epoch(ds);
    expect(batches.length).toBe(2);
    expect(batches[0].xShape).toEqual([8, 5]);
    expect(batches[0].yDtype).toBe('float32');
    const row = 9;
    const r = df.row(row);
    expect(batches[1].xs[1]).toEqual([r.a, ...Array.from(r.emb as Float32Array), r.b]);
    expect((batches[1].ys as number[])[1]).toBe(r.target);
  });

  it('visits every row once per epoch, reshuffled each epoch, reproducibly', async () => {
    const make = () =>
      toTfDataset(df, { features: ['id'], label: 'label', batchSize: 4, shuffle: true, seed: 5 });
    const ds = await make();
    const ids = async (d: tfTypes.data.Dataset<TfBatch>) => (await epoch(d)).flatMap((b) => b.xs.flat());
    const first = await ids(ds);
    const second = await ids(ds);
    const all = Array.from({ length: n }, (_, i) => i);
    expect([...first].sort((x, y) => x - y)).toEqual(all);
    expect([...second].sort((x, y) => x - y)).toEqual(all);
    expect(second).not.toEqual(first);
    const again = await make();
    expect(await ids(again)).toEqual(first);
    expect(await ids(again)).toEqual(second);
  });

  it('reads a frame opened from a dataset on disk, batch by batch', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tessera-tfdata-')), 'ds');
    await df.write(path);
    const lazy = await read(path);
    const fromDisk = await epoch(
      await toTfDataset(lazy, { features: ['a', 'emb'], label: 'label', batchSize: 7 }),
    );
    const inMemory = await epoch(
      await toTfDataset(df, { features: ['a', 'emb'], label: 'label', batchSize: 7 }),
    );
    expect(fromDisk).toEqual(inMemory);
  });

  it('one-hot labels, and typed errors for bad options', async () => {
    const ds = await toTfDataset(df, { features: 'a', label: 'label', oneHot: 3, batchSize: 30 });
    const [b] = await epoch(ds);
    expect((b.ys as number[][]).slice(0, 4)).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [1, 0, 0],
    ]);
    await expect(toTfDataset(df, { features: 'a', label: 'a', batchSize: 2 })).rejects.toThrow(
      InvalidArgumentError,
    );
    await expect(toTfDataset(df, { features: 'nope', batchSize: 2 })).rejects.toThrow(/no column "nope"/);
    await expect(toTfDataset(df, { features: 'a', batchSize: 0 })).rejects.toThrow(InvalidArgumentError);
  });
});
