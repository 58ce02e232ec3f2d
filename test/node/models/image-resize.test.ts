// The plain-TypeScript resize the browser tab's encoder uses (src/core/models/image-resize.ts)
// against sharp (libvips), which resizes the same pixels in Node's image pipeline: downsizing by
// large and small factors, upsizing, and one side up while the other goes down.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { resizePixels } from '../../../src/core/models/image-resize.js';
import { Random } from '../../../src/core/random.js';

/** Smooth colour waves with ±20 levels of noise: edges and texture, as photos have. */
function noisyImage(width: number, height: number, seed: number): Uint8Array {
  const random = new Random(seed);
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++) {
        const wave = 100 * Math.sin(x / 7 + c) * Math.cos(y / 11);
        out[(y * width + x) * 3 + c] = Math.max(
          0,
          Math.min(255, Math.round(128 + wave + 40 * random.next() - 20)),
        );
      }
  return out;
}

describe('resizePixels', () => {
  it.each([
    [640, 480],
    [1000, 1000],
    [224, 500],
    [225, 224],
    [100, 150],
    [50, 40],
    [300, 200],
    [500, 100],
  ])('brings %i×%i to 224×224 within 2 levels of sharp', async (width, height) => {
    const pixels = noisyImage(width, height, width * 7 + height);
    const expected = await sharp(pixels, { raw: { width, height, channels: 3 } })
      .resize({ width: 224, height: 224, fit: 'fill' })
      .raw()
      .toBuffer();
    const got = resizePixels(pixels, width, height, 3, 224, 224);
    let max = 0;
    let sum = 0;
    for (let i = 0; i < expected.length; i++) {
      const d = Math.abs(expected[i] - got[i]);
      max = Math.max(max, d);
      sum += d;
    }
    expect(got.length).toBe(expected.length);
    expect(max).toBeLessThanOrEqual(2);
    expect(sum / expected.length).toBeLessThan(0.4);
  });

  it('returns pixels of the asked size as they are, and rejects sizes that do not fit', () => {
    const pixels = noisyImage(4, 3, 1);
    expect(resizePixels(pixels, 4, 3, 3, 4, 3)).toBe(pixels);
    expect(() => resizePixels(pixels, 4, 4, 3, 2, 2)).toThrow(InvalidArgumentError);
    expect(() => resizePixels(pixels, 4, 3, 3, 0, 2)).toThrow(InvalidArgumentError);
  });
});
