import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MOBILENET_V2_LAYERS, mobileNetV2Encoder } from '../../../src/node/models/mobilenet.js';
import { wasmTfjs } from '../../../src/node/models/tfjs-env.js';
import { fixedFloats } from './fixtures.js';

const SIZE = 224;
let dir: string;

interface Img {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3;
}
const img = (f: (x: number, y: number, c: number) => number, size = SIZE): Img => {
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      for (let c = 0; c < 3; c++)
        data[(y * size + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(f(x, y, c))));
  return { data, width: size, height: size, channels: 3 };
};

// A smooth scene (sky-like gradient with a disc), the same scene slightly brighter and noisier,
// and two unrelated images: uniform noise and a fine checkerboard.
const scene = (x: number, y: number, c: number) => {
  const inDisc = (x - 140) ** 2 + (y - 90) ** 2 < 40 ** 2;
  return inDisc ? [250, 220, 40][c] : [40 + y / 3, 90 + y / 4, 200 - y / 5][c];
};
const noise = fixedFloats(SIZE * SIZE * 3, 99);
const images = {
  scene: img(scene),
  sceneBrighter: img((x, y, c) => scene(x, y, c) * 1.08 + 6 * noise[(y * SIZE + x) * 3 + c]),
  noise: img((x, y, c) => (noise[(y * SIZE + x) * 3 + c] + 0.5) * 255),
  checker: img((x, y) => (((x >> 2) + (y >> 2)) % 2 ? 255 : 0)),
};

const cosine = (a: Float32Array, b: Float32Array) => {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-mobilenet-'));
  const { data, width, height } = images.scene;
  // The scene as a larger PNG: the encoder must resize it to 224 × 224 itself.
  await sharp(data, { raw: { width, height, channels: 3 } })
    .resize(448, 448, { kernel: 'nearest' })
    .png()
    .toFile(path.join(dir, 'scene.png'));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('mobileNetV2Encoder (pretrained weights from nsfwjs)', () => {
  it('gives finite, deterministic 1280-d embeddings in which similar images are closer', async () => {
    const enc = mobileNetV2Encoder();
    expect(enc.dimensions).toBe(1280);
    expect(enc.modality).toBe('image');
    const order = [images.scene, images.sceneBrighter, images.noise, images.checker];
    const out = await enc.encode(order);
    expect(out.length).toBe(4 * 1280);
    expect(out.every(Number.isFinite)).toBe(true);
    const row = (i: number) => out.subarray(i * 1280, (i + 1) * 1280);
    // Post-ReLU6 averages: non-negative, at most 6, and not all zero.
    expect(Math.min(...out)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...out)).toBeLessThanOrEqual(6);
    for (let i = 0; i < 4; i++) expect(Math.max(...row(i))).toBeGreaterThan(0);

    const near = cosine(row(0), row(1));
    expect(near).toBeGreaterThan(cosine(row(0), row(2)));
    expect(near).toBeGreaterThan(cosine(row(0), row(3)));
    expect(near).toBeGreaterThan(0.9);

    // Deterministic, and batch-independent: one image alone gives the same vector as in a batch.
    expect(await enc.encode([images.noise])).toEqual(row(2));
    // An encoded file twice the size is decoded and resized; nearest-neighbour doubling then
    // Lanczos back gives nearly the same pixels.
    const fromFile = await enc.encode([new Uint8Array(fs.readFileSync(path.join(dir, 'scene.png')))]);
    expect(cosine(fromFile, row(0))).toBeGreaterThan(0.98);
    await enc.dispose?.();
  });

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
