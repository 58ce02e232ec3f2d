import type * as tfTypes from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeWeights, kerasToOnnx } from '../../../src/core/models/keras-onnx.js';
import { encodeModel } from '../../../src/core/tensor/onnx-builder.js';
import { wasmTfjs } from '../../../src/node/models/tfjs-env.js';
import { fixedFloats } from './fixtures.js';

let tf: Awaited<ReturnType<typeof wasmTfjs>>;
beforeAll(async () => {
  tf = await wasmTfjs();
});

/** The model's save artifacts (topology, weight specs, weight bytes), as a model.json would hold them. */
async function artifactsOf(model: tfTypes.LayersModel): Promise<tfTypes.io.ModelArtifacts> {
  let saved: tfTypes.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved as tfTypes.io.ModelArtifacts;
}

/** Gives every weight deterministic non-trivial values (variances positive), so no layer is an identity. */
function randomiseWeights(model: tfTypes.LayersModel): void {
  let seed = 1;
  for (const layer of model.layers) {
    const weights = layer.getWeights();
    if (weights.length === 0) continue;
    layer.setWeights(
      weights.map((w, i) => {
        const values = fixedFloats(w.size, seed++);
        const variance = layer.getClassName() === 'BatchNormalization' && i === weights.length - 1;
        return tf.tensor(variance ? values.map((v) => Math.abs(v) + 0.5) : values, w.shape);
      }),
    );
  }
}

/** Runs the converted graph with ONNX Runtime and returns each requested output. */
async function runOnnx(model: tfTypes.LayersModel, x: Float32Array, dims: number[], outputs?: string[]) {
  const a = await artifactsOf(model);
  const graph = kerasToOnnx(
    a.modelTopology as Parameters<typeof kerasToOnnx>[0],
    decodeWeights(a.weightSpecs ?? [], a.weightData as ArrayBuffer),
    outputs,
  );
  const session = await ort.InferenceSession.create(encodeModel(graph));
  const result = await session.run({ input: new ort.Tensor('float32', x, dims) });
  await session.release();
  return result;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThan(tol);
}

describe('kerasToOnnx', () => {
  it('converts MobileNet-style layers: outputs equal model.predict', async () => {
    const input = tf.input({ shape: [13, 13, 3] });
    const L = tf.layers;
    let x = L.zeroPadding2d({
      padding: [
        [0, 1],
        [0, 1],
      ],
    }).apply(input) as tfTypes.SymbolicTensor;
    x = L.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'valid', name: 'stem' }).apply(
      x,
    ) as tfTypes.SymbolicTensor;
    x = L.batchNormalization({ epsilon: 0.001 }).apply(x) as tfTypes.SymbolicTensor;
    x = L.reLU({ maxValue: 6 }).apply(x) as tfTypes.SymbolicTensor;
    x = L.depthwiseConv2d({
      kernelSize: 3,
      depthMultiplier: 2,
      padding: 'same',
      useBias: true,
      name: 'dw',
    }).apply(x) as tfTypes.SymbolicTensor;
    x = L.batchNormalization({ center: false }).apply(x) as tfTypes.SymbolicTensor;
    const a = L.conv2d({ filters: 6, kernelSize: 1, useBias: false, activation: 'relu' }).apply(
      x,
    ) as tfTypes.SymbolicTensor;
    const b = L.conv2d({ filters: 6, kernelSize: 3, padding: 'same', name: 'branch' }).apply(
      x,
    ) as tfTypes.SymbolicTensor;
    x = L.add({ name: 'sum' }).apply([a, b]) as tfTypes.SymbolicTensor;
    x = L.conv2d({ filters: 5, kernelSize: 3, strides: 2, padding: 'same', name: 'odd_same' }).apply(
      x,
    ) as tfTypes.SymbolicTensor;
    const pooled = L.globalAveragePooling2d({ name: 'gap' }).apply(x) as tfTypes.SymbolicTensor;
    let y = L.maxPooling2d({ poolSize: 2, strides: 1, padding: 'valid' }).apply(x) as tfTypes.SymbolicTensor;
    y = L.averagePooling2d({ poolSize: 2, padding: 'valid' }).apply(y) as tfTypes.SymbolicTensor;
    y = L.flatten({ name: 'flat' }).apply(y) as tfTypes.SymbolicTensor;
    y = L.dropout({ rate: 0.5 }).apply(y) as tfTypes.SymbolicTensor;
    y = L.dense({ units: 7, activation: 'relu' }).apply(y) as tfTypes.SymbolicTensor;
    y = L.concatenate().apply([y, pooled]) as tfTypes.SymbolicTensor;
    // Concatenate is not converted: cut before it.
    const head = L.dense({ units: 4, activation: 'softmax', name: 'probs' }).apply(
      pooled,
    ) as tfTypes.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: [head, y] });
    randomiseWeights(model);

    const n = 2;
    const xs = fixedFloats(n * 13 * 13 * 3, 77);
    const cut = (name: string) =>
      tf.model({ inputs: model.inputs, outputs: model.getLayer(name).output as tfTypes.SymbolicTensor });
    const names = ['probs', 'flat', 'dw', 'sum', 'gap'];
    const out = await runOnnx(model, xs, [n, 13, 13, 3], names);
    const xt = tf.tensor4d(xs, [n, 13, 13, 3]);
    for (const name of names) {
      const expected = cut(name).predict(xt) as tfTypes.Tensor;
      expect(out[name].dims).toEqual(expected.shape);
      expectClose(out[name].data as Float32Array, await expected.data());
      expected.dispose();
    }
    // The dense layer after Flatten: converted up to it alone.
    const denseName = model.layers.find((l) => l.getClassName() === 'Dense' && l.name !== 'probs')
      ?.name as string;
    const dense = await runOnnx(model, xs, [n, 13, 13, 3], [denseName]);
    const expectedDense = cut(denseName).predict(xt) as tfTypes.Tensor;
    expectClose(dense[denseName].data as Float32Array, await expectedDense.data());
    await expect(
      runOnnx(
        model,
        xs,
        [n, 13, 13, 3],
        [model.layers.find((l) => l.getClassName() === 'Concatenate')?.name as string],
      ),
    ).rejects.toThrow(/Concatenate does not convert/);
    xt.dispose();
    model.dispose();
  });

  it('decodes uint8 and uint16 quantised weights as TensorFlow.js does', async () => {
    const q8 = Uint8Array.from({ length: 6 }, (_, i) => i * 40);
    const q16 = Uint16Array.from({ length: 4 }, (_, i) => i * 9000);
    const plain = fixedFloats(3, 5);
    const specs: tfTypes.io.WeightsManifestEntry[] = [
      {
        name: 'a/kernel',
        shape: [2, 3],
        dtype: 'float32',
        quantization: { dtype: 'uint8', min: -0.7, scale: 0.013 },
      },
      {
        name: 'b/kernel',
        shape: [4],
        dtype: 'float32',
        quantization: { dtype: 'uint16', min: 0.1, scale: 1e-4 },
      },
      { name: 'c/bias', shape: [3], dtype: 'float32' },
    ];
    const bytes = new Uint8Array(6 + 8 + 12);
    bytes.set(q8, 0);
    bytes.set(new Uint8Array(q16.buffer), 6);
    bytes.set(new Uint8Array(plain.buffer), 14);
    const ours = decodeWeights(specs, bytes.buffer);
    const reference = tf.io.decodeWeights(bytes.buffer, specs);
    for (const spec of specs) {
      expect(ours.get(spec.name)?.shape).toEqual(spec.shape);
      expect(Array.from(ours.get(spec.name)?.values ?? [])).toEqual(
        Array.from(await reference[spec.name].data()),
      );
    }
  });
});
