import { describe, expect, it } from 'vitest';
import { MOBILENET_V2_LAYERS, mobileNetV2Encoder } from '../../../src/node/models/mobilenet.js';
import { wasmTfjs } from '../../../src/node/models/tfjs-env.js';
import { images, SIZE } from './mobilenet-images.js';

// The independent reference that the weights load right: nsfwjs's own loader, preprocessing and
// full classifier, against our network cut at its last layer.
describe('mobileNetV2Encoder against nsfwjs', () => {
  it("cut at the head's output, equals the class probabilities nsfwjs's own API gives", async () => {
    const tf = await wasmTfjs();
    const { load } = await import('nsfwjs/core');
    const { MobileNetV2Model } = await import('nsfwjs/models/mobilenet_v2');
    const info = console.info;
    console.info = () => {}; // nsfwjs announces the model it loads
    const reference = await load('MobileNetV2', { modelDefinitions: [MobileNetV2Model] });
    console.info = info;

    const batch = [images.scene, images.noise];
    const classes = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'];
    const expected: number[] = [];
    for (const image of batch) {
      const pixels = tf.tensor3d(image.data, [SIZE, SIZE, 3], 'int32');
      const top = await reference.classify(pixels, 5);
      pixels.dispose();
      expected.push(
        ...classes.map((name) => top.find((t) => t.className === name)?.probability ?? Number.NaN),
      );
    }
    // TensorFlow.js runs the same kernels as nsfwjs; ONNX Runtime runs our conversion of the graph.
    for (const [runtime, tol] of [
      ['tfjs', 1e-6],
      ['onnx', 1e-4],
    ] as const) {
      const enc = mobileNetV2Encoder({ layer: 'dense_3', runtime });
      expect(enc.dimensions).toBe(MOBILENET_V2_LAYERS.dense_3);
      const ours = await enc.encode(batch);
      for (let i = 0; i < expected.length; i++) expect(Math.abs(ours[i] - expected[i])).toBeLessThan(tol);
      await enc.dispose?.();
    }
    reference.dispose();
  });
});
