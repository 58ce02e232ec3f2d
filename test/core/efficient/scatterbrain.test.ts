import { describe, expect, it } from 'vitest';
import {
  exactAttention,
  localAttention,
  performerAttention,
  randomFeatureMatrix,
  scatterbrainAttention,
} from '../../../src/core/efficient/attention/index.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { ShapeError } from '../../../src/core/tensor/index.js';
import {
  dot,
  gaussian,
  type Inputs,
  inputs,
  maxAbsDiff,
  relFrobenius,
  weightedAttention,
} from './helpers.js';

/** Positive features φ(x) = m^(−1/2) exp(ωᵀx̃ − ‖x̃‖²/2), x̃ = x d^(−1/4), written out: `[rows][m]`. */
function naiveFeatures(x: Float64Array, rows: number, d: number, w: Float64Array): Float64Array[] {
  const m = w.length / d;
  const s = d ** -0.25;
  const out: Float64Array[] = [];
  for (let r = 0; r < rows; r++) {
    let sq = 0;
    for (let c = 0; c < d; c++) sq += (x[r * d + c] * s) ** 2;
    const f = new Float64Array(m);
    for (let a = 0; a < m; a++) {
      let t = 0;
      for (let c = 0; c < d; c++) t += w[a * d + c] * x[r * d + c] * s;
      f[a] = Math.exp(t - sq / 2) / Math.sqrt(m);
    }
    out.push(f);
  }
  return out;
}

/** SB-local written as its weights: exp(qᵀk/√d) on the window, φ(q)ᵀφ(k) elsewhere, in float64. */
function naiveScatterbrain(x: Inputs, w: Float64Array, window: number) {
  const rows = x.heads * x.n;
  const fq = naiveFeatures(x.q, rows, x.d, w);
  const fk = naiveFeatures(x.k, rows, x.d, w);
  return weightedAttention(x, (h, i, j) => {
    const r = h * x.n + i;
    const c = h * x.n + j;
    if (Math.abs(i - j) <= window) return Math.exp(dot(x.q, r * x.d, x.k, c * x.d, x.d) / Math.sqrt(x.d));
    return dot(fq[r], 0, fk[c], 0, fq[r].length);
  });
}

/** q = k = a positional code (sinusoids) plus noise, so attention is concentrated near the diagonal. */
function nearDiagonal(seed: number, heads: number, n: number, d: number, amp: number): Inputs {
  const noise = gaussian(seed, heads * n * d, 0.3);
  const q = new Float64Array(heads * n * d);
  const k = new Float64Array(heads * n * d);
  const freqs = d / 2;
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < freqs; t++) {
        const theta = (i * Math.PI) / (4 * (t + 1));
        const o = (h * n + i) * d + 2 * t;
        q[o] = amp * Math.cos(theta) + noise[o];
        q[o + 1] = amp * Math.sin(theta) + noise[o + 1];
        k[o] = amp * Math.cos(theta) - noise[o + 1];
        k[o + 1] = amp * Math.sin(theta) + noise[o];
      }
    }
  }
  return { q, k, v: gaussian(seed + 1, heads * n * d), heads, n, d, dv: d };
}

describe('scatterbrainAttention (SB-local)', () => {
  const shape = { heads: 2, n: 14, d: 4, dv: 3 };
  const x = inputs(41, 2, 14, 4, 3, 0.8);

  it('a window covering every position equals exact attention', async () => {
    const exact = await exactAttention(x.q, x.k, x.v, shape, { returnMatrix: true });
    const empty = await scatterbrainAttention(
      new Float64Array(0),
      new Float64Array(0),
      new Float64Array(0),
      { n: 0, d: 4 },
      { window: 2, features: 4 },
    );
    expect(empty.output.length).toBe(0);
    for (const window of [13, 40]) {
      for (const features of [1, 8]) {
        const got = await scatterbrainAttention(x.q, x.k, x.v, shape, {
          window,
          features,
          returnMatrix: true,
        });
        expect(maxAbsDiff(got.output, exact.output)).toBeLessThan(1e-12);
        expect(maxAbsDiff(got.matrix as Float64Array, exact.matrix as Float64Array)).toBeLessThan(1e-12);
      }
    }
  });

  it('equals the naive float64 estimator with the same random features', async () => {
    for (const window of [0, 1, 4]) {
      const w = randomFeatureMatrix(10, 4, { seed: 3 });
      const ref = naiveScatterbrain(x, w, window);
      const got = await scatterbrainAttention(x.q, x.k, x.v, shape, {
        window,
        features: 10,
        seed: 3,
        returnMatrix: true,
      });
      expect(maxAbsDiff(got.output, ref.output)).toBeLessThan(1e-10);
      expect(maxAbsDiff(got.matrix as Float64Array, ref.matrix)).toBeLessThan(1e-10);
      const viaProjection = await scatterbrainAttention(x.q, x.k, x.v, shape, { window, projection: w });
      expect(viaProjection.output).toEqual(got.output);
    }
  });

  it('stays finite for large logits, float32 matches float64', async () => {
    const big = inputs(5, 1, 32, 8, 8, 5);
    const sh = { n: 32, d: 8 };
    const ref = await scatterbrainAttention(big.q, big.k, big.v, sh, { window: 2, features: 32 });
    const f32 = await scatterbrainAttention(
      Float32Array.from(big.q),
      Float32Array.from(big.k),
      Float32Array.from(big.v),
      sh,
      { window: 2, features: 32 },
    );
    expect(ref.output.every(Number.isFinite)).toBe(true);
    expect(f32.output).toBeInstanceOf(Float32Array);
    expect(f32.output.every(Number.isFinite)).toBe(true);
    expect(relFrobenius(f32.output, ref.output)).toBeLessThan(1e-3);
    const wide = await scatterbrainAttention(big.q, big.k, big.v, sh, { window: 31, features: 32 });
    const exact = await exactAttention(big.q, big.k, big.v, sh);
    expect(relFrobenius(wide.output, exact.output)).toBeLessThan(1e-10);
  });

  it('beats Performer at the same feature count on near-diagonal attention (mean over seeds)', async () => {
    const heads = 2;
    const n = 96;
    const d = 8;
    const sh = { heads, n, d };
    const seeds = 5;
    const report: string[] = [];
    for (const features of [16, 64]) {
      let sb = 0;
      let perf = 0;
      let local = 0;
      for (let s = 0; s < seeds; s++) {
        const y = nearDiagonal(200 + s, heads, n, d, 2);
        const ref = await exactAttention(y.q, y.k, y.v, sh);
        const a = await scatterbrainAttention(y.q, y.k, y.v, sh, { window: 4, features, seed: s });
        const b = await performerAttention(y.q, y.k, y.v, sh, { features, seed: s });
        sb += relFrobenius(a.output, ref.output) / seeds;
        perf += relFrobenius(b.output, ref.output) / seeds;
        const c = await localAttention(y.q, y.k, y.v, sh, { window: 4 });
        local += relFrobenius(c.output, ref.output) / seeds;
      }
      report.push(
        `m=${features}: sb-local ${sb.toFixed(3)} performer ${perf.toFixed(3)} local ${local.toFixed(3)}`,
      );
      expect(sb).toBeLessThan(perf);
      expect(sb).toBeLessThan(local);
    }
    if (process.env.TESSERA_REPORT) console.log(report.join('\n'));
  });

  it('is reproducible from its seed', async () => {
    const a = await scatterbrainAttention(x.q, x.k, x.v, shape, { window: 1, features: 8, seed: 1 });
    const b = await scatterbrainAttention(x.q, x.k, x.v, shape, { window: 1, features: 8, seed: 1 });
    const c = await scatterbrainAttention(x.q, x.k, x.v, shape, { window: 1, features: 8, seed: 2 });
    expect(a.output).toEqual(b.output);
    expect(a.output).not.toEqual(c.output);
  });

  it('rejects bad windows, budgets, variants, causal and shapes', async () => {
    for (const window of [-1, 1.5, Number.NaN, undefined]) {
      await expect(
        scatterbrainAttention(x.q, x.k, x.v, shape, { window } as { window: number }),
      ).rejects.toThrow(InvalidArgumentError);
    }
    for (const features of [0, 2.5]) {
      await expect(scatterbrainAttention(x.q, x.k, x.v, shape, { window: 1, features })).rejects.toThrow(
        InvalidArgumentError,
      );
    }
    await expect(
      scatterbrainAttention(x.q, x.k, x.v, shape, { window: 1, variant: 'smyrf' as 'local' }),
    ).rejects.toThrow(InvalidArgumentError);
    await expect(scatterbrainAttention(x.q, x.k, x.v, shape, { window: 1, causal: true })).rejects.toThrow(
      InvalidArgumentError,
    );
    await expect(
      scatterbrainAttention(x.q, x.k, x.v, shape, { window: 1, projection: new Float64Array(7) }),
    ).rejects.toThrow(InvalidArgumentError);
    await expect(scatterbrainAttention(x.q, x.k, x.v, { ...shape, n: 13 }, { window: 1 })).rejects.toThrow(
      ShapeError,
    );
  });
});
