import { describe, expect, it } from 'vitest';
import {
  exactAttention,
  performerAttention,
  randomFeatureMatrix,
} from '../../../src/core/efficient/attention/index.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import {
  expectCloseResult,
  expectSeeded,
  type Inputs,
  inputs,
  perturbAfter,
  relFrobenius,
  rowsAt,
  toFloat32,
  weightedAttention,
} from './helpers.js';

/** FAVOR+ features written out with every constant: `[heads·n, m]` (or `2m` hyperbolic). */
function naiveFeatures(
  x: Float64Array,
  rows: number,
  d: number,
  w: Float64Array,
  hyperbolic: boolean,
): Float64Array[] {
  const m = w.length / d;
  const s = d ** -0.25;
  const out: Float64Array[] = [];
  for (let r = 0; r < rows; r++) {
    let sq = 0;
    for (let c = 0; c < d; c++) sq += (x[r * d + c] * s) ** 2;
    const f = new Float64Array(hyperbolic ? 2 * m : m);
    for (let a = 0; a < m; a++) {
      let t = 0;
      for (let c = 0; c < d; c++) t += w[a * d + c] * x[r * d + c] * s;
      if (hyperbolic) {
        f[a] = Math.exp(t - sq / 2) / Math.sqrt(2 * m);
        f[m + a] = Math.exp(-t - sq / 2) / Math.sqrt(2 * m);
      } else {
        f[a] = Math.exp(t - sq / 2) / Math.sqrt(m);
      }
    }
    out.push(f);
  }
  return out;
}

function naivePerformer(x: Inputs, w: Float64Array, hyperbolic: boolean, causal: boolean) {
  const rows = x.heads * x.n;
  const fq = naiveFeatures(x.q, rows, x.d, w, hyperbolic);
  const fk = naiveFeatures(x.k, rows, x.d, w, hyperbolic);
  return weightedAttention(x, (h, i, j) => {
    if (causal && j > i) return 0;
    const a = fq[h * x.n + i];
    const b = fk[h * x.n + j];
    let s = 0;
    for (let t = 0; t < a.length; t++) s += a[t] * b[t];
    return s;
  });
}

describe('randomFeatureMatrix', () => {
  it('orthogonal blocks: rows orthogonal within a block, chi or √d norms, last block cut', () => {
    const d = 6;
    const m = 20;
    const w = randomFeatureMatrix(m, d, { seed: 3 });
    expect(w.length).toBe(m * d);
    let meanSq = 0;
    for (let b = 0; b < m; b += d) {
      for (let i = b; i < Math.min(m, b + d); i++) {
        for (let j = b; j < i; j++) {
          let dot = 0;
          for (let c = 0; c < d; c++) dot += w[i * d + c] * w[j * d + c];
          expect(Math.abs(dot)).toBeLessThan(1e-12);
        }
      }
    }
    for (let i = 0; i < m; i++) for (let c = 0; c < d; c++) meanSq += w[i * d + c] ** 2 / m;
    expect(meanSq).toBeGreaterThan(d / 2); // E‖ω‖² = d under chi norms
    expect(meanSq).toBeLessThan(2 * d);
    const fixed = randomFeatureMatrix(m, d, { seed: 3, scaling: 'sqrt-d' });
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += fixed[i * d + c] ** 2;
      expect(s).toBeCloseTo(d, 10);
    }
  });

  it('is reproducible from its seed; iid rows are Gaussian', () => {
    expect(randomFeatureMatrix(10, 4, { seed: 9 })).toEqual(randomFeatureMatrix(10, 4, { seed: 9 }));
    expect(randomFeatureMatrix(10, 4, { seed: 9 })).not.toEqual(randomFeatureMatrix(10, 4, { seed: 10 }));
    const iid = randomFeatureMatrix(4000, 5, { orthogonal: false, seed: 1 });
    let mean = 0;
    let sq = 0;
    for (const t of iid) {
      mean += t / iid.length;
      sq += (t * t) / iid.length;
    }
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(sq - 1)).toBeLessThan(0.05);
  });

  it('rejects bad sizes', () => {
    expect(() => randomFeatureMatrix(0, 4)).toThrow(InvalidArgumentError);
    expect(() => randomFeatureMatrix(4, 1.5)).toThrow(InvalidArgumentError);
    expect(() => randomFeatureMatrix(4, 4, { scaling: 'x' as 'chi' })).toThrow(InvalidArgumentError);
  });
});

describe('performerAttention', () => {
  const shape = { heads: 2, n: 12, d: 4, dv: 3 };
  const x = inputs(31, 2, 12, 4, 3, 0.8);

  it('equals its naive quadratic form with explicit φ⁺ (positive and hyperbolic, bidirectional and causal)', async () => {
    for (const variant of ['positive', 'hyperbolic'] as const) {
      for (const causal of [false, true]) {
        const w = randomFeatureMatrix(10, 4, { seed: 5 });
        const ref = naivePerformer(x, w, variant === 'hyperbolic', causal);
        const got = await performerAttention(x.q, x.k, x.v, shape, {
          features: 10,
          seed: 5,
          variant,
          causal,
          returnMatrix: true,
        });
        expectCloseResult(got, ref, 1e-10);
        const viaProjection = await performerAttention(x.q, x.k, x.v, shape, {
          projection: w,
          variant,
          causal,
        });
        expect(viaProjection.output).toEqual(got.output);
      }
    }
  });

  it('error against exact attention falls as features grow; orthogonal no worse than iid on average', async () => {
    const heads = 2;
    const n = 128;
    const d = 16;
    const sh = { heads, n, d };
    const seeds = 4;
    const data = Array.from({ length: seeds }, (_, s) => inputs(100 + s, heads, n, d, d, 0.7));
    const report: string[] = [];
    for (const causal of [false, true]) {
      const refs = await Promise.all(data.map((y) => exactAttention(y.q, y.k, y.v, sh, { causal })));
      const mean: Record<string, number[]> = {};
      for (const variant of ['positive', 'hyperbolic'] as const) {
        for (const orthogonal of [true, false]) {
          const errs: number[] = [];
          for (const features of [16, 64, 256]) {
            let e = 0;
            for (let s = 0; s < seeds; s++) {
              const y = data[s];
              const got = await performerAttention(y.q, y.k, y.v, sh, {
                causal,
                features,
                seed: s,
                orthogonal,
                variant,
              });
              e += relFrobenius(got.output, refs[s].output) / seeds;
            }
            errs.push(e);
          }
          mean[`${variant}/${orthogonal ? 'orf' : 'iid'}`] = errs;
          report.push(
            `${causal ? 'causal' : 'bidir'} ${variant} ${orthogonal ? 'orf' : 'iid'}: ${errs.map((e) => e.toFixed(3)).join(' ')}`,
          );
          expect(errs[1]).toBeLessThan(errs[0]);
          expect(errs[2]).toBeLessThan(errs[1]);
        }
      }
      const avg = (a: number[]) => a.reduce((p, t) => p + t, 0) / a.length;
      expect(avg(mean['positive/orf'])).toBeLessThanOrEqual(avg(mean['positive/iid']));
      expect(avg(mean['hyperbolic/orf'])).toBeLessThanOrEqual(avg(mean['hyperbolic/iid']));
    }
    if (process.env.TESSERA_REPORT) console.log(report.join('\n'));
  });

  it('causal never looks ahead', async () => {
    for (const variant of ['positive', 'hyperbolic'] as const) {
      const base = await performerAttention(x.q, x.k, x.v, shape, { causal: true, features: 32, variant });
      for (const i of [0, 5, 10]) {
        const y = perturbAfter(x, i, 70 + i);
        const other = await performerAttention(y.q, y.k, y.v, shape, { causal: true, features: 32, variant });
        expect(rowsAt(other.output, 2, 12, 3, i)).toEqual(rowsAt(base.output, 2, 12, 3, i));
      }
    }
  });

  it('is reproducible from its seed; another seed gives another estimate', async () => {
    await expectSeeded((seed) => performerAttention(x.q, x.k, x.v, shape, { features: 16, seed }));
  });

  it('stays finite for large inputs in float32 and matches float64', async () => {
    const big = inputs(41, 1, 32, 8, 8, 4);
    const sh = { n: 32, d: 8 };
    for (const causal of [false, true]) {
      const ref = await performerAttention(big.q, big.k, big.v, sh, { features: 64, causal });
      const big32 = toFloat32(big);
      const f32 = await performerAttention(big32.q, big32.k, big32.v, sh, {
        features: 64,
        causal,
      });
      expect(f32.output).toBeInstanceOf(Float32Array);
      expect(ref.output.every(Number.isFinite)).toBe(true);
      expect(f32.output.every(Number.isFinite)).toBe(true);
      expect(relFrobenius(f32.output, ref.output)).toBeLessThan(1e-3);
    }
  });

  it('rejects bad budgets', async () => {
    for (const features of [0, -3, 2.5]) {
      await expect(performerAttention(x.q, x.k, x.v, shape, { features })).rejects.toThrow(
        InvalidArgumentError,
      );
    }
    await expect(performerAttention(x.q, x.k, x.v, shape, { variant: 'cosh' as 'positive' })).rejects.toThrow(
      InvalidArgumentError,
    );
    const w = randomFeatureMatrix(8, 4);
    await expect(performerAttention(x.q, x.k, x.v, shape, { projection: w, features: 9 })).rejects.toThrow(
      InvalidArgumentError,
    );
    await expect(
      performerAttention(x.q, x.k, x.v, shape, { projection: new Float64Array(7) }),
    ).rejects.toThrow(InvalidArgumentError);
  });
});
