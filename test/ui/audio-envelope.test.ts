// The waveform's envelope per pixel column against a naive reference over the raw samples: the
// server's buckets (samples [⌊b·n/B⌋, ⌊(b+1)·n/B⌋) per bucket) made here by a plain loop, and each
// pixel's min/max equal to the min/max of the raw samples of the buckets it covers; with at least
// as many buckets as pixels every sample is under exactly one pixel, with fewer no pixel is empty.
import { describe, expect, it } from 'vitest';
import { bucketsOfPixel, pixelEnvelope } from '../../ui/src/cells/audio-envelope.js';

/** A reproducible signal: channel c, sample t. */
const sample = (c: number, t: number) => Math.fround((Math.sin(t * 0.37 + c) * ((t * 7 + c * 13) % 11)) / 11);

/** The server's bucket bounds and peaks of `n` samples of `channels` channels, by a plain loop. */
function naivePeaks(channels: number, n: number, buckets: number): { bounds: number[]; peaks: Float32Array } {
  const bounds = Array.from({ length: buckets + 1 }, (_, b) => Math.floor((b * n) / buckets));
  const peaks = new Float32Array(channels * buckets * 2);
  for (let c = 0; c < channels; c++)
    for (let b = 0; b < buckets; b++) {
      const xs = Array.from({ length: bounds[b + 1] - bounds[b] }, (_, i) => sample(c, bounds[b] + i));
      peaks[2 * (c * buckets + b)] = Math.min(...xs);
      peaks[2 * (c * buckets + b) + 1] = Math.max(...xs);
    }
  return { bounds, peaks };
}

describe('pixelEnvelope', () => {
  const cases: [number, number, number, number][] = [
    // channels, samples, buckets, pixels
    [1, 1000, 320, 117],
    [2, 1000, 320, 117],
    [2, 5000, 1024, 1024],
    [1, 300, 64, 200], // fewer buckets than pixels
    [3, 7, 7, 3],
    [1, 1, 1, 40],
  ];
  for (const [channels, n, buckets, pixels] of cases)
    it(`${channels} ch, ${n} samples, ${buckets} buckets on ${pixels} px`, () => {
      const { bounds, peaks } = naivePeaks(channels, n, buckets);
      for (const [first, last] of [
        [0, channels - 1],
        [channels - 1, channels - 1],
      ]) {
        const envelope = pixelEnvelope(peaks, buckets, pixels, first, last);
        const covered = new Array<number>(n).fill(0);
        for (let x = 0; x < pixels; x++) {
          const [b0, b1] = bucketsOfPixel(x, pixels, buckets);
          expect(b1).toBeGreaterThan(b0);
          const xs: number[] = [];
          for (let c = first; c <= last; c++)
            for (let t = bounds[b0]; t < bounds[b1]; t++) xs.push(sample(c, t));
          for (let t = bounds[b0]; t < bounds[b1]; t++) covered[t]++;
          expect([envelope[2 * x], envelope[2 * x + 1]], `pixel ${x}`).toEqual([
            Math.min(...xs),
            Math.max(...xs),
          ]);
        }
        if (buckets >= pixels) expect(covered.every((k) => k === 1)).toBe(true);
        else expect(covered.every((k) => k >= 1)).toBe(true);
      }
    });
});
