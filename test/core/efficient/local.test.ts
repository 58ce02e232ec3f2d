import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exactAttention, localAttention } from '../../../src/core/efficient/attention/index.js';
import { InvalidArgumentError, ShapeError } from '../../../src/core/errors.js';
import {
  causalMask,
  expectCloseResult,
  inputs,
  maxAbsDiff,
  naiveSoftmax,
  perturbAfter,
  rowsAt,
  toFloat32,
} from './helpers.js';

describe('localAttention', () => {
  const shape = { heads: 2, n: 15, d: 6, dv: 4 };
  const x = inputs(11, 2, 15, 6, 4);

  it('a window covering every position equals exact attention (bidirectional and causal)', async () => {
    for (const causal of [false, true]) {
      const exact = await exactAttention(x.q, x.k, x.v, shape, { causal });
      for (const window of [14, 100]) {
        const local = await localAttention(x.q, x.k, x.v, shape, { window, causal });
        expect(maxAbsDiff(local.output, exact.output)).toBeLessThan(1e-12);
      }
    }
  });

  it('equals naive banded softmax attention', async () => {
    for (const window of [0, 1, 3]) {
      const ref = naiveSoftmax(x, (i, j) => Math.abs(i - j) <= window);
      const got = await localAttention(x.q, x.k, x.v, shape, { window, returnMatrix: true });
      expectCloseResult(got, ref, 1e-12);
      const refC = naiveSoftmax(x, (i, j) => j <= i && i - j <= window);
      const gotC = await localAttention(x.q, x.k, x.v, shape, { window, causal: true, returnMatrix: true });
      expectCloseResult(gotC, refC, 1e-12);
    }
  });

  it('causal window 0 returns v itself; causal never looks ahead', async () => {
    const zero = await localAttention(x.q, x.k, x.v, shape, { window: 0, causal: true });
    expect(maxAbsDiff(zero.output, x.v)).toBeLessThan(1e-15);
    const base = await localAttention(x.q, x.k, x.v, shape, { window: 4, causal: true });
    for (const i of [0, 7, 13]) {
      const y = perturbAfter(x, i, 5 + i);
      const other = await localAttention(y.q, y.k, y.v, shape, { window: 4, causal: true });
      expect(rowsAt(other.output, 2, 15, 4, i)).toEqual(rowsAt(base.output, 2, 15, 4, i));
    }
    const full = naiveSoftmax(x, causalMask);
    const wide = await localAttention(x.q, x.k, x.v, shape, { window: 15, causal: true });
    expect(maxAbsDiff(wide.output, full.output)).toBeLessThan(1e-12);
  });

  it('float32 keeps its type and precision', async () => {
    const ref = naiveSoftmax(x, (i, j) => Math.abs(i - j) <= 2);
    const x32 = toFloat32(x);
    const got = await localAttention(x32.q, x32.k, x32.v, shape, {
      window: 2,
    });
    expect(got.output).toBeInstanceOf(Float32Array);
    expect(maxAbsDiff(got.output, ref.output)).toBeLessThan(1e-5);
  });

  it('equals the naive banded loop for random shapes, windows and masks (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          heads: fc.integer({ min: 1, max: 3 }),
          n: fc.integer({ min: 0, max: 9 }),
          d: fc.integer({ min: 1, max: 5 }),
          dv: fc.integer({ min: 1, max: 4 }),
          window: fc.integer({ min: 0, max: 11 }),
          causal: fc.boolean(),
          seed: fc.nat(1000),
        }),
        async ({ heads, n, d, dv, window, causal, seed }) => {
          const y = inputs(seed, heads, n, d, dv);
          const allowed = (i: number, j: number) =>
            causal ? j <= i && i - j <= window : Math.abs(i - j) <= window;
          const ref = naiveSoftmax(y, allowed);
          const got = await localAttention(y.q, y.k, y.v, { heads, n, d, dv }, { window, causal });
          expect(maxAbsDiff(got.output, ref.output)).toBeLessThan(1e-12);
          if (window >= n - 1) {
            const exact = await exactAttention(y.q, y.k, y.v, { heads, n, d, dv }, { causal });
            expect(maxAbsDiff(got.output, exact.output)).toBeLessThan(1e-12);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('rejects bad windows and shapes', async () => {
    for (const window of [-1, 1.5, Number.NaN, undefined]) {
      await expect(localAttention(x.q, x.k, x.v, shape, { window } as { window: number })).rejects.toThrow(
        InvalidArgumentError,
      );
    }
    await expect(localAttention(x.q, x.k, x.v, { ...shape, n: 14 }, { window: 1 })).rejects.toThrow(
      ShapeError,
    );
  });
});
