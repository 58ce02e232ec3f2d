import { describe, expect, it } from 'vitest';
import { exactAttention, MAX_MATRIX_ENTRIES } from '../../../src/core/efficient/attention/index.js';
import { InvalidArgumentError, ShapeError, TypeMismatchError } from '../../../src/core/errors.js';
import type { TensorKernels } from '../../../src/core/tensor/index.js';
import { tsKernels } from '../../../src/core/tensor/index.js';
import { causalMask, inputs, maxAbsDiff, naiveSoftmax, perturbAfter, rowsAt, toFloat32 } from './helpers.js';

describe('exactAttention', () => {
  it('equals naive float64 softmax attention (multi-head, dv ≠ d)', async () => {
    const x = inputs(1, 3, 17, 8, 5);
    const ref = naiveSoftmax(x);
    const { output, matrix } = await exactAttention(
      x.q,
      x.k,
      x.v,
      { heads: 3, n: 17, d: 8, dv: 5 },
      { returnMatrix: true },
    );
    expect(output).toBeInstanceOf(Float64Array);
    expect(maxAbsDiff(output, ref.output)).toBeLessThan(1e-12);
    expect(maxAbsDiff(matrix as Float64Array, ref.matrix)).toBeLessThan(1e-12);
  });

  it('causal equals a naive masked loop, and rows of the matrix sum to 1 with zeros above the diagonal', async () => {
    const x = inputs(2, 2, 13, 6);
    const ref = naiveSoftmax(x, causalMask);
    const { output, matrix } = await exactAttention(
      x.q,
      x.k,
      x.v,
      { heads: 2, n: 13, d: 6 },
      { causal: true, returnMatrix: true },
    );
    expect(maxAbsDiff(output, ref.output)).toBeLessThan(1e-12);
    const p = matrix as Float64Array;
    for (let r = 0; r < 2 * 13; r++) {
      const i = r % 13;
      let s = 0;
      for (let j = 0; j < 13; j++) {
        s += p[r * 13 + j];
        if (j > i) expect(p[r * 13 + j]).toBe(0);
      }
      expect(s).toBeCloseTo(1, 12);
    }
  });

  it('causal never looks ahead', async () => {
    const x = inputs(3, 2, 12, 4);
    const shape = { heads: 2, n: 12, d: 4 };
    const base = await exactAttention(x.q, x.k, x.v, shape, { causal: true });
    for (const i of [0, 5, 10]) {
      const y = perturbAfter(x, i, 99 + i);
      const other = await exactAttention(y.q, y.k, y.v, shape, { causal: true });
      expect(rowsAt(other.output, 2, 12, 4, i)).toEqual(rowsAt(base.output, 2, 12, 4, i));
    }
  });

  it('float32 inputs give float32 outputs close to the float64 reference', async () => {
    const x = inputs(4, 1, 20, 8);
    const ref = naiveSoftmax(x);
    const x32 = toFloat32(x);
    const { output } = await exactAttention(x32.q, x32.k, x32.v, { n: 20, d: 8 });
    expect(output).toBeInstanceOf(Float32Array);
    expect(maxAbsDiff(output, ref.output)).toBeLessThan(1e-5);
  });

  it('is stable for huge logits (row max subtracted)', async () => {
    const x = inputs(5, 1, 10, 4, 4, 40);
    const ref = naiveSoftmax(x);
    const x32 = toFloat32(x);
    const f32 = await exactAttention(x32.q, x32.k, x32.v, {
      n: 10,
      d: 4,
    });
    expect(f32.output.every(Number.isFinite)).toBe(true);
    expect(maxAbsDiff(f32.output, ref.output)).toBeLessThan(1e-3);
  });

  it('uses the kernels it is given', async () => {
    let calls = 0;
    const counting: TensorKernels = {
      name: 'counting',
      matmul: (...a) => tsKernels.matmul(...a),
      batchedMatmul: (...a) => {
        calls++;
        return tsKernels.batchedMatmul(...a);
      },
      topk: (...a) => tsKernels.topk(...a),
      rowNorms: (...a) => tsKernels.rowNorms(...a),
      reduce: (...a) => tsKernels.reduce(...a),
    };
    const x = inputs(6, 1, 5, 3);
    await exactAttention(x.q, x.k, x.v, { n: 5, d: 3 }, { kernels: counting });
    expect(calls).toBe(2);
  });

  it('handles n = 0 and a custom scale', async () => {
    const empty = new Float64Array(0);
    const { output } = await exactAttention(empty, empty, empty, { heads: 2, n: 0, d: 3 });
    expect(output.length).toBe(0);
    const x = inputs(7, 1, 6, 4);
    const a = await exactAttention(x.q, x.k, x.v, { n: 6, d: 4 }, { scale: 0 });
    // scale 0: uniform weights, every row is the mean of v.
    for (let c = 0; c < 4; c++) {
      let mean = 0;
      for (let j = 0; j < 6; j++) mean += x.v[j * 4 + c] / 6;
      expect(a.output[c]).toBeCloseTo(mean, 12);
    }
  });

  it('rejects bad shapes and mixed types with typed errors', async () => {
    const x = inputs(8, 1, 4, 3);
    await expect(exactAttention(x.q, x.k, x.v, { n: 5, d: 3 })).rejects.toThrow(ShapeError);
    await expect(exactAttention(x.q, x.k, x.v, { n: 4, d: 0 })).rejects.toThrow(ShapeError);
    await expect(exactAttention(x.q, x.k, x.v, { n: 4, d: 3, heads: 1.5 })).rejects.toThrow(ShapeError);
    await expect(exactAttention(x.q, x.k, x.v, { n: 4, d: 3, dv: 2 })).rejects.toThrow(/v has 12 values/);
    await expect(
      exactAttention(x.q, Float32Array.from(x.k) as unknown as Float64Array, x.v, { n: 4, d: 3 }),
    ).rejects.toThrow(TypeMismatchError);
    await expect(
      exactAttention(x.q as unknown as Float64Array, [1] as unknown as Float64Array, x.v, { n: 4, d: 3 }),
    ).rejects.toThrow(TypeMismatchError);
    const n = Math.ceil(Math.sqrt(MAX_MATRIX_ENTRIES)) + 1;
    const big = new Float32Array(n);
    await expect(exactAttention(big, big, big, { n, d: 1 }, { returnMatrix: true })).rejects.toThrow(
      InvalidArgumentError,
    );
  });
});
