// Test images for the MobileNetV2 encoder, made in code: a smooth scene, the same scene slightly
// brighter and noisier, and two unrelated images.
import { fixedFloats } from './fixtures.js';

export const SIZE = 224;

export interface Img {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3;
}
export const img = (f: (x: number, y: number, c: number) => number, size = SIZE): Img => {
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      for (let c = 0; c < 3; c++)
        data[(y * size + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(f(x, y, c))));
  return { data, width: size, height: size, channels: 3 };
};

const scene = (x: number, y: number, c: number) => {
  const inDisc = (x - 140) ** 2 + (y - 90) ** 2 < 40 ** 2;
  return inDisc ? [250, 220, 40][c] : [40 + y / 3, 90 + y / 4, 200 - y / 5][c];
};
const noise = fixedFloats(SIZE * SIZE * 3, 99);
export const images = {
  scene: img(scene),
  sceneBrighter: img((x, y, c) => scene(x, y, c) * 1.08 + 6 * noise[(y * SIZE + x) * 3 + c]),
  noise: img((x, y, c) => (noise[(y * SIZE + x) * 3 + c] + 0.5) * 255),
  checker: img((x, y) => (((x >> 2) + (y >> 2)) % 2 ? 255 : 0)),
};
