import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mobileNetV2Encoder } from '../../../src/node/models/mobilenet.js';
import { images } from './mobilenet-images.js';

let dir: string;

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
});
