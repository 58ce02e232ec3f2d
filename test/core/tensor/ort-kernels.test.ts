import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { OrtKernelError, ShapeError } from '../../../src/core/errors.js';
import type { Reduction } from '../../../src/core/tensor/index.js';
import { OrtKernels, SizeDispatchKernels } from '../../../src/core/tensor/index.js';
import {
  DEFAULT_THRESHOLDS,
  nodeKernels,
  ortNodeKernels,
  tsKernels,
} from '../../../src/node/tensor/node-kernels.js';
import { fill, matmulRef, mismatch, reduceRef } from './reference.js';

// ONNX Runtime computes float32 in float32: a sum of n terms is off by at most about n·u·Σ|terms|
// (u = 2⁻²⁴) in any order; the TS kernels are within u·Σ|terms| of exact. Double u for margin.
const F32_UNIT = 2 ** -23;
const F64_UNIT = 2 ** -52;
const unit = (x: Float32Array | Float64Array) => (x instanceof Float32Array ? F32_UNIT : F64_UNIT);

const ort = ortNodeKernels({ intraOpNumThreads: 2 });
afterAll(() => ort.release());

const dim = fc.integer({ min: 0, max: 48 });
const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const ctor = fc.constantFrom(Float32Array, Float64Array);

describe('OrtKernels agree with TsKernels', () => {
  it('matmul, on random shapes, both element types, b plain or transposed', async () => {
    await fc.assert(
      fc.asyncProperty(dim, dim, dim, fc.boolean(), ctor, seed, async (m, k, n, transposeB, C, s) => {
        const a = fill(new C(m * k), s);
        const b = fill(new C(k * n), s + 1);
        const got = await ort.matmul(a, b, m, k, n, { transposeB });
        expect(got).toBeInstanceOf(C);
        const want = await tsKernels.matmul(a, b, m, k, n, { transposeB });
        const { scale } = matmulRef(a, b, m, k, n, transposeB);
        expect(mismatch(got, want, scale, (k + 2) * unit(a))).toBeUndefined();
      }),
      { numRuns: 40 },
    );
  });

  it.each([
    [256, 384, 200, false],
    [129, 257, 65, true],
  ] as const)(
    'matmul %i × %i × %i (transposeB %s), past the small-size paths',
    async (m, k, n, transposeB) => {
      const a = fill(new Float32Array(m * k), 7);
      const b = fill(new Float32Array(k * n), 8);
      const got = await ort.matmul(a, b, m, k, n, { transposeB });
      const want = await tsKernels.matmul(a, b, m, k, n, { transposeB });
      const { scale } = matmulRef(a, b, m, k, n, transposeB);
      expect(mismatch(got, want, scale, (k + 2) * F32_UNIT)).toBeUndefined();
    },
  );

  it('batchedMatmul', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 5 }),
        dim,
        dim,
        dim,
        fc.boolean(),
        ctor,
        seed,
        async (batch, m, k, n, tb, C, s) => {
          const a = fill(new C(batch * m * k), s);
          const b = fill(new C(batch * k * n), s + 1);
          const got = await ort.batchedMatmul(a, b, batch, m, k, n, { transposeB: tb });
          const want = await tsKernels.batchedMatmul(a, b, batch, m, k, n, { transposeB: tb });
          const scale = new Float64Array(batch * m * n);
          for (let i = 0; i < batch; i++) {
            scale.set(matmulRef(a.subarray(i * m * k), b.subarray(i * k * n), m, k, n, tb).scale, i * m * n);
          }
          expect(mismatch(got, want, scale, (k + 2) * unit(a))).toBeUndefined();
        },
      ),
      { numRuns: 30 },
    );
  });

  it('topk, exactly, ties included (lower index first)', async () => {
    await fc.assert(
      fc.asyncProperty(
        dim,
        fc.integer({ min: 1, max: 64 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        fc.constantFrom(undefined, 3),
        ctor,
        seed,
        async (rows, cols, kFraction, largest, levels, C, s) => {
          const k = Math.round(kFraction * cols);
          const x = fill(new C(rows * cols), s, levels);
          const got = await ort.topk(x, rows, cols, k, { largest });
          const want = await tsKernels.topk(x, rows, cols, k, { largest });
          expect(got.values).toEqual(want.values);
          expect(got.indices).toEqual(want.indices);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('rowNorms', async () => {
    await fc.assert(
      fc.asyncProperty(dim, fc.integer({ min: 0, max: 300 }), ctor, seed, async (rows, cols, C, s) => {
        const x = fill(new C(rows * cols), s);
        const got = await ort.rowNorms(x, rows, cols);
        const want = await tsKernels.rowNorms(x, rows, cols);
        expect(mismatch(got, want, want, (cols + 2) * unit(x))).toBeUndefined();
      }),
      { numRuns: 40 },
    );
  });

  const ops: Reduction[] = ['sum', 'mean', 'max', 'min'];
  it('reduce, every reduction along both axes', async () => {
    await fc.assert(
      fc.asyncProperty(
        dim,
        dim,
        fc.constantFrom(...ops),
        fc.constantFrom(0 as const, 1 as const),
        ctor,
        seed,
        async (rows, cols, op, axis, C, s) => {
          const x = fill(new C(rows * cols), s);
          if (rows * cols === 0 && (op === 'max' || op === 'min') && (axis === 1 ? rows : cols) > 0) {
            await expect(ort.reduce(x, rows, cols, op, axis)).rejects.toThrow(ShapeError);
            return;
          }
          const got = await ort.reduce(x, rows, cols, op, axis);
          const want = await tsKernels.reduce(x, rows, cols, op, axis);
          const { scale } = reduceRef(x, rows, cols, op, axis);
          const exact = op === 'max' || op === 'min';
          const bound = exact ? 0 : (Math.max(rows, cols) + 2) * unit(x);
          expect(mismatch(got, want, exact ? 1 : scale, bound)).toBeUndefined();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reads inputs that are views into a larger buffer', async () => {
    const buffer = fill(new Float32Array(200), 3);
    const a = buffer.subarray(3, 3 + 4 * 5);
    const b = buffer.subarray(101, 101 + 5 * 6);
    const { values, scale } = matmulRef(a, b, 4, 5, 6);
    expect(mismatch(await ort.matmul(a, b, 4, 5, 6), values, scale, 7 * F32_UNIT)).toBeUndefined();
    expect(await ort.topk(b, 5, 6, 2)).toEqual(await tsKernels.topk(b, 5, 6, 2));
  });

  it('keeps one session per graph, whatever the sizes', async () => {
    const kernels = ortNodeKernels({ intraOpNumThreads: 1 });
    for (const n of [1, 5, 33]) {
      await kernels.matmul(new Float32Array(n * 2), new Float32Array(2 * n), n, 2, n);
      await kernels.matmul(new Float32Array(n * 2), new Float32Array(2 * 3), n, 2, 3);
      await kernels.topk(new Float32Array(n * 4), n, 4, 2);
      await kernels.topk(new Float32Array(n * 4), n, 4, 3);
    }
    expect(kernels.sessionCount).toBe(2);
    await kernels.topk(new Float32Array(4), 1, 4, 2, { largest: false });
    await kernels.matmul(new Float64Array(1), new Float64Array(1), 1, 1, 1);
    expect(kernels.sessionCount).toBe(4);
    await kernels.release();
    expect(kernels.sessionCount).toBe(0);
  });

  it('checks arguments before running anything', async () => {
    await expect(ort.matmul(new Float32Array(5), new Float32Array(6), 2, 3, 2)).rejects.toThrow(ShapeError);
    await expect(ort.topk(new Float32Array(6), 2, 3, 4)).rejects.toThrow(ShapeError);
  });

  it('wraps failures of ONNX Runtime in OrtKernelError', async () => {
    const broken = ortNodeKernels({ sessionOptions: { executionProviders: ['no-such-provider'] } });
    await expect(broken.rowNorms(new Float32Array(4), 2, 2)).rejects.toThrow(OrtKernelError);
    expect(broken.sessionCount).toBe(0);
  });

  it('loads a runtime given as a loader once, at the first call', async () => {
    let loads = 0;
    const lazy = new OrtKernels(async () => {
      loads++;
      return import('onnxruntime-node');
    });
    expect(loads).toBe(0);
    const x = fill(new Float64Array(6 * 5), 3);
    const [sums, max] = await Promise.all([lazy.reduce(x, 6, 5, 'sum', 0), lazy.reduce(x, 6, 5, 'max', 1)]);
    expect(loads).toBe(1);
    const want = reduceRef(x, 6, 5, 'sum', 0);
    expect(mismatch(sums, want.values, want.scale, 8 * F64_UNIT)).toBeUndefined();
    expect(max).toEqual(reduceRef(x, 6, 5, 'max', 1).values);
    await lazy.release();
  });
});

describe('nodeKernels', () => {
  it('sends small calls to TypeScript and large ones to ONNX Runtime', () => {
    const kernels = nodeKernels();
    expect(kernels).toBeInstanceOf(SizeDispatchKernels);
    expect(nodeKernels()).toBe(kernels);
    const dispatch = kernels as SizeDispatchKernels;
    expect(dispatch.pick('matmul', 8 * 8 * 8).name).toBe('ts');
    expect(dispatch.pick('matmul', 512 * 512 * 512).name).toBe('ort');
    expect(dispatch.pick('reduce', DEFAULT_THRESHOLDS.reduce).name).toBe('ort');
    const custom = nodeKernels({ thresholds: { matmul: 0 } }) as SizeDispatchKernels;
    expect(custom.pick('matmul', 1).name).toBe('ort');
  });

  it('gives the same products on both sides of the crossover', async () => {
    const kernels = nodeKernels();
    for (const n of [8, 64, 100]) {
      const a = fill(new Float32Array(n * n), n);
      const b = fill(new Float32Array(n * n), n + 1);
      const got = await kernels.matmul(a, b, n, n, n);
      const { values, scale } = matmulRef(a, b, n, n, n);
      expect(mismatch(got, values, scale, (n + 2) * F32_UNIT)).toBeUndefined();
    }
  });
});
