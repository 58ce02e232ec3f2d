import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelError, TypeMismatchError } from '../../../src/core/errors.js';
import { createTfjsEncoder } from '../../../src/node/models/tfjs.js';
import { wasmTfjs } from '../../../src/node/models/tfjs-env.js';
import { fixedFloats } from './fixtures.js';

let dir: string;
let tf: Awaited<ReturnType<typeof wasmTfjs>>;

/** Saves a model as a folder of model.json + weights.bin, the layout `tfjs.io` file handlers write. */
async function saveToFolder(model: tfTypes.LayersModel, folder: string): Promise<void> {
  fs.mkdirSync(folder, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const json = {
        format: 'layers-model',
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      fs.writeFileSync(path.join(folder, 'model.json'), JSON.stringify(json));
      fs.writeFileSync(path.join(folder, 'weights.bin'), new Uint8Array(artifacts.weightData as ArrayBuffer));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

let mlp: tfTypes.LayersModel;
let cnn: tfTypes.LayersModel;

beforeAll(async () => {
  tf = await wasmTfjs();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-tfjs-'));
  const x = tf.input({ shape: [4] });
  const hidden = tf.layers.dense({
    units: 6,
    activation: 'relu',
    name: 'hidden',
    biasInitializer: 'randomNormal',
  });
  const out = tf.layers.dense({ units: 3, name: 'out' });
  mlp = tf.model({ inputs: x, outputs: out.apply(hidden.apply(x)) as tfTypes.SymbolicTensor });
  await saveToFolder(mlp, path.join(dir, 'mlp'));

  const img = tf.input({ shape: [8, 8, 3] });
  const conv = tf.layers.conv2d({
    filters: 5,
    kernelSize: 3,
    padding: 'same',
    activation: 'relu',
    name: 'conv',
  });
  const gap = tf.layers.globalAveragePooling2d({ name: 'gap' });
  const head = tf.layers.dense({ units: 2, name: 'head' });
  cnn = tf.model({
    inputs: img,
    outputs: head.apply(gap.apply(conv.apply(img))) as tfTypes.SymbolicTensor,
  });
  await saveToFolder(cnn, path.join(dir, 'cnn'));
});

afterAll(() => {
  mlp?.dispose();
  cnn?.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThan(tol);
}

describe('TfjsEncoder, LayersModel from a folder', () => {
  const rows = [0, 1, 2].map((i) => fixedFloats(4, 40 + i));

  it('gives what model.predict gives, and cuts at a named layer', async () => {
    const enc = await createTfjsEncoder({ model: path.join(dir, 'mlp'), modality: 'tensor', batchSize: 2 });
    expect(enc.dimensions).toBe(3);
    const expected = mlp.predict(tf.tensor2d(Array.from(rows, (r) => Array.from(r)))) as tfTypes.Tensor;
    expectClose(await enc.encode(rows), await expected.data());
    expected.dispose();
    await expect(enc.encode([BigInt64Array.of(1n, 2n, 3n, 4n)])).rejects.toThrow(TypeMismatchError);
    await enc.dispose();

    // The cut, checked against the hidden layer computed by hand from its weights: relu(x W + b).
    const cut = await createTfjsEncoder({
      model: path.join(dir, 'mlp', 'model.json'),
      modality: 'tensor',
      layer: 'hidden',
    });
    expect(cut.dimensions).toBe(6);
    expect(cut.name).toBe('mlp:hidden');
    const [w, b] = await Promise.all(
      mlp
        .getLayer('hidden')
        .getWeights()
        .map((t) => t.data()),
    );
    const naive = rows.flatMap((r) =>
      Array.from({ length: 6 }, (_, j) => Math.max(0, b[j] + r.reduce((s, v, i) => s + v * w[i * 6 + j], 0))),
    );
    expectClose(await cut.encode(rows), naive);
    await cut.dispose();
  });

  it('images: NHWC pixels / 255, global average pooling over a cut feature map', async () => {
    const px = Uint8Array.from(fixedFloats(8 * 8 * 3, 50), (v) => Math.round((v + 0.5) * 255));
    const image = { data: px, width: 8, height: 8, channels: 3 };
    const x = tf.tensor4d(
      Float32Array.from(px, (v) => v / 255),
      [1, 8, 8, 3],
    );

    const full = await createTfjsEncoder({ model: path.join(dir, 'cnn'), modality: 'image' });
    const expected = cnn.predict(x) as tfTypes.Tensor;
    expectClose(await full.encode([image]), await expected.data());
    expected.dispose();
    await full.dispose();

    // Cut at the conv layer and mean-pooled here = the model's own global average pooling layer.
    const pooled = await createTfjsEncoder({
      model: path.join(dir, 'cnn'),
      modality: 'image',
      layer: 'conv',
      pooling: 'mean',
    });
    const gap = await createTfjsEncoder({
      model: path.join(dir, 'cnn'),
      modality: 'image',
      layer: 'gap',
      normalize: true,
    });
    expect(pooled.dimensions).toBe(5);
    const a = await pooled.encode([image]);
    const norm = Math.hypot(...a);
    expectClose(
      await gap.encode([image]),
      Array.from(a, (v) => v / norm),
    );
    await Promise.all([pooled.dispose(), gap.dispose()]);
    x.dispose();
  });

  it('says what is wrong: missing folder, unknown layer, weights outside the folder', async () => {
    await expect(createTfjsEncoder({ model: path.join(dir, 'none'), modality: 'tensor' })).rejects.toThrow(
      ModelError,
    );
    await expect(
      createTfjsEncoder({ model: path.join(dir, 'mlp'), modality: 'tensor', layer: 'hiden' }),
    ).rejects.toThrow(/no layer "hiden"; the last layers are .*hidden, out/);
    const evil = path.join(dir, 'evil');
    fs.mkdirSync(evil);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'mlp', 'model.json'), 'utf8'));
    json.weightsManifest[0].paths = ['../mlp/weights.bin'];
    fs.writeFileSync(path.join(evil, 'model.json'), JSON.stringify(json));
    await expect(createTfjsEncoder({ model: evil, modality: 'tensor' })).rejects.toThrow(
      /outside the model folder/,
    );
  });
});

describe('TfjsEncoder, GraphModel', () => {
  it('runs a GraphDef model.json (x · W) and can name an inner node', async () => {
    const W = fixedFloats(4 * 3, 60);
    const folder = path.join(dir, 'graph');
    fs.mkdirSync(folder);
    const dim = (size: number) => ({ size: String(size) });
    const json = {
      format: 'graph-model',
      modelTopology: {
        node: [
          {
            name: 'x',
            op: 'Placeholder',
            attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [dim(-1), dim(4)] } } },
          },
          {
            name: 'W',
            op: 'Const',
            attr: {
              dtype: { type: 'DT_FLOAT' },
              value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [dim(4), dim(3)] } } },
            },
          },
          {
            name: 'xw',
            op: 'MatMul',
            input: ['x', 'W'],
            attr: { T: { type: 'DT_FLOAT' }, transpose_a: { b: false }, transpose_b: { b: false } },
          },
          { name: 'y', op: 'Relu', input: ['xw'], attr: { T: { type: 'DT_FLOAT' } } },
        ],
        versions: { producer: 1 },
      },
      weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'W', shape: [4, 3], dtype: 'float32' }] }],
    };
    fs.writeFileSync(path.join(folder, 'model.json'), JSON.stringify(json));
    fs.writeFileSync(path.join(folder, 'w.bin'), new Uint8Array(W.buffer));
    const rows = [fixedFloats(4, 61), fixedFloats(4, 62)];
    const xw = rows.flatMap((r) =>
      Array.from({ length: 3 }, (_, j) => r.reduce((s, v, i) => s + v * W[i * 3 + j], 0)),
    );

    const enc = await createTfjsEncoder({ model: folder, modality: 'tensor' });
    expectClose(
      await enc.encode(rows),
      xw.map((v) => Math.max(0, v)),
    );
    await enc.dispose();
    const inner = await createTfjsEncoder({ model: folder, modality: 'tensor', output: 'xw' });
    expectClose(await inner.encode(rows), xw);
    await inner.dispose();
  });
});
