import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  ShapeError,
  TesseraError,
  TypeMismatchError,
} from '../../../src/core/errors.js';
import type { FloatArray, Reduction } from '../../../src/core/tensor/index.js';
import { tsKernels } from '../../../src/core/tensor/index.js';
import { fill, matmulRef, mismatch, reduceRef, rowNormsRef, topkRef } from './reference.js';

const F32_EPS = 2 ** -23;
const F64_EPS = 2 ** -52;

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;
const dtypes: [string, Ctor][] = [
  ['float32', Float32Array],
  ['float64', Float64Array],
];

/** Rounding bound of the TS kernels: float64 sums (any order), then one rounding to the output type. */
function tolerance(ctor: Ctor, terms: number): number {
  return ctor === Float32Array ? F32_EPS : (terms + 2) * F64_EPS;
}

const dim = fc.integer({ min: 0, max: 24 });
const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

describe('TsKernels.matmul', () => {
  it.each(dtypes)('agrees with the naive reference on random shapes (%s)', async (_, ctor) => {
    await fc.assert(
      fc.asyncProperty(dim, dim, dim, fc.boolean(), seed, async (m, k, n, transposeB, s) => {
        const a = fill(new ctor(m * k), s);
        const b = fill(new ctor(k * n), s + 1);
        const c = await tsKernels.matmul(a, b, m, k, n, { transposeB });
        expect(c).toBeInstanceOf(ctor);
        const ref = matmulRef(a, b, m, k, n, transposeB);
        expect(mismatch(c, ref.values, ref.scale, tolerance(ctor, k))).toBeUndefined();
      }),
      { numRuns: 60 },
    );
  });

  it.each([
    [41, 150, 1100, false],
    [37, 301, 130, true],
    [3, 1, 2000, false],
    [1, 1, 1, true],
  ] as const)('agrees across block edges: %i × %i × %i, transposeB %s', async (m, k, n, transposeB) => {
    const a = fill(new Float32Array(m * k), 1);
    const b = fill(new Float32Array(k * n), 2);
    const c = await tsKernels.matmul(a, b, m, k, n, { transposeB });
    const ref = matmulRef(a, b, m, k, n, transposeB);
    expect(mismatch(c, ref.values, ref.scale, F32_EPS)).toBeUndefined();
  });

  it('gives zeros for an empty inner dimension and empty arrays for empty outer ones', async () => {
    expect(await tsKernels.matmul(new Float32Array(0), new Float32Array(0), 2, 0, 3)).toEqual(
      new Float32Array(6),
    );
    expect(await tsKernels.matmul(new Float32Array(0), new Float32Array(12), 0, 4, 3)).toEqual(
      new Float32Array(0),
    );
    expect(await tsKernels.matmul(Float64Array.of(2), Float64Array.of(3), 1, 1, 1)).toEqual(
      Float64Array.of(6),
    );
  });
});

describe('TsKernels.batchedMatmul', () => {
  it('equals one product per batch entry', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 4 }),
        dim,
        dim,
        dim,
        fc.boolean(),
        seed,
        async (batch, m, k, n, tb, s) => {
          const a = fill(new Float64Array(batch * m * k), s);
          const b = fill(new Float64Array(batch * k * n), s + 1);
          const c = await tsKernels.batchedMatmul(a, b, batch, m, k, n, { transposeB: tb });
          expect(c.length).toBe(batch * m * n);
          for (let i = 0; i < batch; i++) {
            const ref = matmulRef(a.subarray(i * m * k), b.subarray(i * k * n), m, k, n, tb);
            const got = c.subarray(i * m * n, (i + 1) * m * n);
            expect(mismatch(got, ref.values, ref.scale, tolerance(Float64Array, k))).toBeUndefined();
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('TsKernels.topk', () => {
  it.each(dtypes)('matches a full sort, ties by lower index first (%s)', async (_, ctor) => {
    await fc.assert(
      fc.asyncProperty(
        dim,
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        fc.constantFrom(undefined, 3),
        seed,
        async (rows, cols, kFraction, largest, levels, s) => {
          const k = Math.round(kFraction * cols);
          const x = fill(new ctor(rows * cols), s, levels);
          const got = await tsKernels.topk(x, rows, cols, k, { largest });
          const ref = topkRef(x, rows, cols, k, largest);
          expect(got.values).toBeInstanceOf(ctor);
          expect(Array.from(got.values)).toEqual(ref.values);
          expect(Array.from(got.indices)).toEqual(ref.indices);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('ranks NaN as the largest value', async () => {
    const x = Float32Array.of(1, Number.NaN, 3, Number.NaN, 2);
    const largest = await tsKernels.topk(x, 1, 5, 3);
    expect(Array.from(largest.indices)).toEqual([1, 3, 2]);
    const smallest = await tsKernels.topk(x, 1, 5, 4, { largest: false });
    expect(Array.from(smallest.indices)).toEqual([0, 4, 2, 1]);
  });

  it('returns empty results for k = 0 and for no rows', async () => {
    const none = await tsKernels.topk(new Float32Array(6), 2, 3, 0);
    expect(none.values).toEqual(new Float32Array(0));
    expect(none.indices).toEqual(new Int32Array(0));
    expect((await tsKernels.topk(new Float32Array(0), 0, 3, 2)).indices.length).toBe(0);
  });
});

describe('TsKernels.rowNorms and reduce', () => {
  it.each(dtypes)('row norms match the reference (%s)', async (_, ctor) => {
    await fc.assert(
      fc.asyncProperty(dim, dim, seed, async (rows, cols, s) => {
        const x = fill(new ctor(rows * cols), s);
        const got = await tsKernels.rowNorms(x, rows, cols);
        const ref = rowNormsRef(x, rows, cols);
        expect(mismatch(got, ref, ref, tolerance(ctor, cols))).toBeUndefined();
      }),
      { numRuns: 40 },
    );
  });

  const ops: Reduction[] = ['sum', 'mean', 'max', 'min'];
  it.each(dtypes)('reductions along both axes match the reference (%s)', async (_, ctor) => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 24 }),
        fc.constantFrom(...ops),
        fc.constantFrom(0 as const, 1 as const),
        seed,
        async (rows, cols, op, axis, s) => {
          const x = fill(new ctor(rows * cols), s);
          const got = await tsKernels.reduce(x, rows, cols, op, axis);
          expect(got).toBeInstanceOf(ctor);
          const ref = reduceRef(x, rows, cols, op, axis);
          const exact = op === 'max' || op === 'min';
          const bound = exact ? 0 : tolerance(ctor, Math.max(rows, cols));
          expect(mismatch(got, ref.values, exact ? 1 : ref.scale, bound)).toBeUndefined();
        },
      ),
      { numRuns: 80 },
    );
  });

  it('propagates NaN through max and min, as numpy does', async () => {
    const x = Float64Array.of(1, Number.NaN, 3, 4, 5, 6);
    expect(Array.from(await tsKernels.reduce(x, 2, 3, 'max', 1))).toEqual([Number.NaN, 6]);
    expect(Array.from(await tsKernels.reduce(x, 2, 3, 'min', 0))).toEqual([1, Number.NaN, 3]);
  });

  it('handles empty axes: sum 0, mean NaN, max/min an error', async () => {
    const x = new Float32Array(0);
    expect(Array.from(await tsKernels.reduce(x, 2, 0, 'sum', 1))).toEqual([0, 0]);
    expect(Array.from(await tsKernels.reduce(x, 0, 2, 'mean', 0))).toEqual([Number.NaN, Number.NaN]);
    expect(Array.from(await tsKernels.rowNorms(x, 3, 0))).toEqual([0, 0, 0]);
    expect(Array.from(await tsKernels.reduce(x, 0, 0, 'max', 1))).toEqual([]);
    await expect(tsKernels.reduce(x, 2, 0, 'max', 1)).rejects.toThrow(ShapeError);
  });
});

describe('argument checks', () => {
  const f32 = (n: number) => new Float32Array(n);

  it('rejects a length that does not match the shape, naming both', async () => {
    const error = await tsKernels.matmul(f32(6), f32(6), 2, 3, 3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShapeError);
    expect(error).toBeInstanceOf(TesseraError);
    expect((error as Error).message).toMatch(/b has 6 values but its shape k=3 × n=3 needs 9/);
    await expect(tsKernels.matmul(f32(6), f32(6), 2, 3, 2, { transposeB: true })).resolves.toHaveLength(4);
    await expect(tsKernels.batchedMatmul(f32(12), f32(12), 2, 2, 3, 3)).rejects.toThrow(ShapeError);
    await expect(tsKernels.rowNorms(f32(5), 2, 3)).rejects.toThrow(/x has 5 values/);
  });

  it('rejects negative or fractional dimensions', async () => {
    await expect(tsKernels.matmul(f32(0), f32(0), -1, 0, 0)).rejects.toThrow(
      /m must be a non-negative integer/,
    );
    await expect(tsKernels.reduce(f32(3), 1.5, 2, 'sum', 1)).rejects.toThrow(ShapeError);
  });

  it('rejects mixed or unsupported element types', async () => {
    await expect(
      tsKernels.matmul(f32(1), new Float64Array(1) as unknown as Float32Array, 1, 1, 1),
    ).rejects.toThrow(TypeMismatchError);
    await expect(tsKernels.rowNorms([1, 2] as unknown as FloatArray, 1, 2)).rejects.toThrow(/got Array/);
  });

  it('rejects k above the row length, unknown reductions and axes', async () => {
    await expect(tsKernels.topk(f32(6), 2, 3, 4)).rejects.toThrow(/k=4 is more than the 3 columns/);
    await expect(tsKernels.reduce(f32(6), 2, 3, 'median' as Reduction, 1)).rejects.toThrow(
      InvalidArgumentError,
    );
    await expect(tsKernels.reduce(f32(6), 2, 3, 'sum', 2 as 0)).rejects.toThrow(InvalidArgumentError);
  });
});
