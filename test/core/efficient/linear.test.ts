import { describe, expect, it } from 'vitest';
import { eluPlusOne, linearAttention } from '../../../src/core/efficient/attention/index.js';
import {
  dot,
  expectCloseResult,
  inputs,
  maxAbsDiff,
  perturbAfter,
  rowsAt,
  toFloat32,
  weightedAttention,
} from './helpers.js';

describe('linearAttention', () => {
  const shape = { heads: 2, n: 14, d: 5, dv: 3 };
  const x = inputs(21, 2, 14, 5, 3);
  const fq = eluPlusOne(x.q);
  const fk = eluPlusOne(x.k);
  const weight = (h: number, i: number, j: number) => dot(fq, (h * 14 + i) * 5, fk, (h * 14 + j) * 5, 5);

  it('φ is elu + 1', () => {
    expect(Array.from(eluPlusOne(Float64Array.of(-2, 0, 0.5)))).toEqual([Math.exp(-2), 1, 1.5]);
  });

  it('equals its naive quadratic form (bidirectional and causal)', async () => {
    const ref = weightedAttention(x, weight);
    const got = await linearAttention(x.q, x.k, x.v, shape, { eps: 0, returnMatrix: true });
    expectCloseResult(got, ref, 1e-12);
    const refC = weightedAttention(x, (h, i, j) => (j <= i ? weight(h, i, j) : 0));
    const gotC = await linearAttention(x.q, x.k, x.v, shape, { eps: 0, causal: true, returnMatrix: true });
    expectCloseResult(gotC, refC, 1e-12);
    // the default eps = 1e-6 changes little
    const withEps = await linearAttention(x.q, x.k, x.v, shape);
    expect(maxAbsDiff(withEps.output, ref.output)).toBeLessThan(1e-6);
  });

  it('causal never looks ahead', async () => {
    const base = await linearAttention(x.q, x.k, x.v, shape, { causal: true });
    for (const i of [0, 6, 12]) {
      const y = perturbAfter(x, i, 40 + i);
      const other = await linearAttention(y.q, y.k, y.v, shape, { causal: true });
      expect(rowsAt(other.output, 2, 14, 3, i)).toEqual(rowsAt(base.output, 2, 14, 3, i));
    }
  });

  it('float32 matches the float64 result', async () => {
    const ref = await linearAttention(x.q, x.k, x.v, shape, { causal: true });
    const x32 = toFloat32(x);
    const got = await linearAttention(x32.q, x32.k, x32.v, shape, {
      causal: true,
    });
    expect(got.output).toBeInstanceOf(Float32Array);
    expect(maxAbsDiff(got.output, ref.output)).toBeLessThan(1e-5);
  });
});
