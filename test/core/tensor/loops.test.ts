import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/random.js';
import {
  argmax,
  dot,
  gatherRows,
  normalizeRows,
  softmaxInPlace,
  squaredDistance,
  squaredNorms,
  transpose,
} from '../../../src/core/tensor/loops.js';

const rng = new Random(17);
const values = (n: number) => rng.fillNormal(new Float64Array(n));

describe('tight loops, against plain one-line loops', () => {
  it('dot and squared distance at offsets, for every length mod 4', () => {
    for (const len of [0, 1, 2, 3, 4, 5, 7, 8, 33]) {
      const a = values(len + 3);
      const b = values(len + 5);
      let naiveDot = 0;
      let naiveDistance = 0;
      for (let i = 0; i < len; i++) {
        naiveDot += a[3 + i] * b[5 + i];
        naiveDistance += (a[3 + i] - b[5 + i]) ** 2;
      }
      expect(dot(a, 3, b, 5, len)).toBeCloseTo(naiveDot, 12);
      expect(squaredDistance(a, 3, b, 5, len)).toBeCloseTo(naiveDistance, 12);
    }
  });

  it('squared norms and unit rows (a zero row stays zero), in the element type given', () => {
    const x = Float32Array.from([3, 4, 0, 0, 0, 0, 1, -1, 2]);
    expect(Array.from(squaredNorms(x, 3, 3))).toEqual([25, 0, 6]);
    const unit = normalizeRows(x, 3, 3);
    expect(unit).toBeInstanceOf(Float32Array);
    const want = [0.6, 0.8, 0, 0, 0, 0, 1 / Math.sqrt(6), -1 / Math.sqrt(6), 2 / Math.sqrt(6)];
    for (const [i, v] of want.entries()) expect(unit[i]).toBeCloseTo(v, 6);
  });

  it('argmax takes the first of equal values; gather gives zeros for −1; transpose swaps indices', () => {
    expect(argmax([1, 5, 5, 2], 0, 4)).toBe(1);
    expect(argmax([9, 1, 5, 5, 2], 1, 4)).toBe(1);
    expect(argmax([], 0, 0)).toBe(0);
    const x = Float64Array.from([1, 2, 3, 4, 5, 6]); // [3, 2]
    expect(Array.from(gatherRows(x, [2, -1, 0], 2))).toEqual([5, 6, 0, 0, 1, 2]);
    const t = transpose(x, 3, 2);
    expect(t).toBeInstanceOf(Float64Array);
    expect(Array.from(t)).toEqual([1, 3, 5, 2, 4, 6]);
    expect(Array.from(transpose([1, 2, 3, 4, 5, 6], 2, 3, new Float32Array(6)))).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('softmax in place scales, exponentiates and normalises only its slice, even for huge logits', () => {
    const x = Float64Array.from([7, 1, 2, 3, 1000, 1001, 9]);
    softmaxInPlace(x, 1, 5, 0.5);
    // Naive reference, and the closed form of the two largest: 1 / (1 + e^(−0.5)).
    const e = [1, 2, 3, 1000, 1001].map((t) => Math.exp(0.5 * (t - 1001)));
    const z = e.reduce((s, t) => s + t, 0);
    expect(x[0]).toBe(7);
    expect(x[6]).toBe(9);
    for (let j = 0; j < 5; j++) expect(x[1 + j]).toBeCloseTo(e[j] / z, 15);
    expect(x[5]).toBeCloseTo(1 / (1 + Math.exp(-0.5)), 15);
  });
});
