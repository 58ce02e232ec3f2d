import { describe, expect, it } from 'vitest';
import { Random } from '../../src/core/random.js';

describe('Random.fillNormal', () => {
  it('gives the same samples, in order, as drawing normal() one at a time', () => {
    const one = new Random(11);
    const expected = Array.from({ length: 7 }, () => one.normal() * 2.5);
    const got = new Random(11).fillNormal(new Float64Array(7), 2.5);
    expect(Array.from(got)).toEqual(expected);
  });

  it('draws N(0, std²): sample mean and deviation within a few standard errors', () => {
    const n = 200_000;
    const std = 3;
    const x = new Random(5).fillNormal(new Float64Array(n), std);
    let sum = 0;
    for (const v of x) sum += v;
    const mean = sum / n;
    let sq = 0;
    for (const v of x) sq += (v - mean) ** 2;
    const sd = Math.sqrt(sq / (n - 1));
    // Standard errors: std/√n for the mean, std/√(2n) for the deviation.
    expect(Math.abs(mean)).toBeLessThan((4 * std) / Math.sqrt(n));
    expect(Math.abs(sd - std)).toBeLessThan((4 * std) / Math.sqrt(2 * n));
  });

  it('rounds into a Float32Array and returns the array it filled', () => {
    const out = new Float32Array(5);
    const reference = new Random(3);
    expect(new Random(3).fillNormal(out)).toBe(out);
    for (let i = 0; i < 5; i++) expect(out[i]).toBe(Math.fround(reference.normal()));
  });
});
