import { describe, expect, it } from 'vitest';
import {
  exactAttention,
  localAttention,
  performerAttention,
  randomFeatureMatrix,
  scatterbrainAttention,
  smyrfAttention,
  smyrfHashVectors,
} from '../../../src/core/efficient/attention/index.js';
import { InvalidArgumentError, ShapeError } from '../../../src/core/errors.js';
import {
  dot,
  expectCloseResult,
  expectSeeded,
  gaussian,
  type Inputs,
  inputs,
  relFrobenius,
  rowsAt,
  smyrfSupport,
  toFloat32,
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

/**
 * Scatterbrain written as its weights: exp(qᵀk/√d) on the support, φ(q)ᵀφ(k) elsewhere, 0 after i
 * when causal, in float64.
 */
function naiveScatterbrain(
  x: Inputs,
  w: Float64Array,
  inSupport: (h: number, i: number, j: number) => boolean,
  causal = false,
) {
  const rows = x.heads * x.n;
  const fq = naiveFeatures(x.q, rows, x.d, w);
  const fk = naiveFeatures(x.k, rows, x.d, w);
  return weightedAttention(x, (h, i, j) => {
    if (causal && j > i) return 0;
    const r = h * x.n + i;
    const c = h * x.n + j;
    if (inSupport(h, i, j)) return Math.exp(dot(x.q, r * x.d, x.k, c * x.d, x.d) / Math.sqrt(x.d));
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
        expectCloseResult(got, exact, 1e-12);
      }
    }
  });

  it('equals the naive float64 estimator with the same random features', async () => {
    for (const window of [0, 1, 4]) {
      const w = randomFeatureMatrix(10, 4, { seed: 3 });
      const ref = naiveScatterbrain(x, w, (_h, i, j) => Math.abs(i - j) <= window);
      const got = await scatterbrainAttention(x.q, x.k, x.v, shape, {
        window,
        features: 10,
        seed: 3,
        returnMatrix: true,
      });
      expectCloseResult(got, ref, 1e-10);
      const viaProjection = await scatterbrainAttention(x.q, x.k, x.v, shape, { window, projection: w });
      expect(viaProjection.output).toEqual(got.output);
    }
  });

  it('stays finite for large logits, float32 matches float64', async () => {
    const big = inputs(5, 1, 32, 8, 8, 5);
    const sh = { n: 32, d: 8 };
    const ref = await scatterbrainAttention(big.q, big.k, big.v, sh, { window: 2, features: 32 });
    const big32 = toFloat32(big);
    const f32 = await scatterbrainAttention(big32.q, big32.k, big32.v, sh, { window: 2, features: 32 });
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
    await expectSeeded((seed) =>
      scatterbrainAttention(x.q, x.k, x.v, shape, { window: 1, features: 8, seed }),
    );
  });

  it('rejects bad windows, cluster sizes, budgets, variants and shapes', async () => {
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
      scatterbrainAttention(x.q, x.k, x.v, shape, { window: 1, variant: 'lsh' as 'local' }),
    ).rejects.toThrow(InvalidArgumentError);
    await expect(
      scatterbrainAttention(x.q, x.k, x.v, shape, { variant: 'smyrf', rounds: 2 }),
    ).rejects.toThrow(InvalidArgumentError);
    await expect(
      scatterbrainAttention(x.q, x.k, x.v, shape, {
        variant: 'smyrf',
        clusterSize: 4,
        hashVectors: new Float64Array(3),
      }),
    ).rejects.toThrow(InvalidArgumentError);
    await expect(
      scatterbrainAttention(x.q, x.k, x.v, shape, { window: 1, projection: new Float64Array(7) }),
    ).rejects.toThrow(InvalidArgumentError);
    await expect(scatterbrainAttention(x.q, x.k, x.v, { ...shape, n: 13 }, { window: 1 })).rejects.toThrow(
      ShapeError,
    );
  });
});

describe('scatterbrainAttention (causal SB-local)', () => {
  const shape = { heads: 2, n: 14, d: 4, dv: 3 };
  const x = inputs(43, 2, 14, 4, 3, 0.8);

  it('a window covering every position equals causal exact attention', async () => {
    const exact = await exactAttention(x.q, x.k, x.v, shape, { causal: true, returnMatrix: true });
    for (const window of [13, 40]) {
      const got = await scatterbrainAttention(x.q, x.k, x.v, shape, {
        window,
        features: 5,
        causal: true,
        returnMatrix: true,
      });
      expectCloseResult(got, exact, 1e-12);
    }
  });

  it('equals the naive causal estimator with the same random features', async () => {
    for (const window of [0, 2, 5]) {
      const w = randomFeatureMatrix(12, 4, { seed: 8 });
      const ref = naiveScatterbrain(x, w, (_h, i, j) => i - j <= window, true);
      const got = await scatterbrainAttention(x.q, x.k, x.v, shape, {
        window,
        projection: w,
        causal: true,
        returnMatrix: true,
      });
      expectCloseResult(got, ref, 1e-10);
    }
  });

  it('never looks ahead: future queries, keys and values leave earlier rows bit-identical', async () => {
    const opts = { window: 2, features: 16, causal: true, seed: 4 };
    const base = await scatterbrainAttention(x.q, x.k, x.v, shape, opts);
    for (const i of [0, 5, 12]) {
      const noise = inputs(90 + i, 2, 14, 4, 3, 4);
      const y = { q: Float64Array.from(x.q), k: Float64Array.from(x.k), v: Float64Array.from(x.v) };
      for (let h = 0; h < 2; h++) {
        for (let j = i + 1; j < 14; j++) {
          for (let c = 0; c < 4; c++) {
            y.q[(h * 14 + j) * 4 + c] = noise.q[(h * 14 + j) * 4 + c];
            y.k[(h * 14 + j) * 4 + c] = noise.k[(h * 14 + j) * 4 + c];
          }
          for (let c = 0; c < 3; c++) y.v[(h * 14 + j) * 3 + c] = noise.v[(h * 14 + j) * 3 + c];
        }
      }
      const other = await scatterbrainAttention(y.q, y.k, y.v, shape, opts);
      for (let t = 0; t <= i; t++)
        expect(rowsAt(other.output, 2, 14, 3, t)).toEqual(rowsAt(base.output, 2, 14, 3, t));
    }
  });

  it('stays finite for large logits; float32 matches float64', async () => {
    const big = inputs(6, 1, 32, 8, 8, 5);
    const sh = { n: 32, d: 8 };
    const opts = { window: 3, features: 32, causal: true };
    const ref = await scatterbrainAttention(big.q, big.k, big.v, sh, opts);
    const big32 = toFloat32(big);
    const f32 = await scatterbrainAttention(big32.q, big32.k, big32.v, sh, opts);
    expect(ref.output.every(Number.isFinite)).toBe(true);
    expect(relFrobenius(f32.output, ref.output)).toBeLessThan(1e-3);
  });
});

describe('scatterbrainAttention (SB-SMYRF)', () => {
  const shape = { heads: 2, n: 18, d: 4, dv: 3 };
  const x = inputs(47, 2, 18, 4, 3, 0.9);

  it('one cluster covering every position equals exact attention (causal or not)', async () => {
    for (const causal of [false, true]) {
      const exact = await exactAttention(x.q, x.k, x.v, shape, { causal, returnMatrix: true });
      for (const rounds of [1, 2]) {
        const got = await scatterbrainAttention(x.q, x.k, x.v, shape, {
          variant: 'smyrf',
          clusterSize: 18,
          rounds,
          features: 6,
          causal,
          returnMatrix: true,
        });
        expectCloseResult(got, exact, 1e-12);
      }
    }
  });

  it('equals the naive estimator on the naive SMYRF support with the same features and hashes', async () => {
    for (const [clusterSize, rounds, causal, seed] of [
      [3, 1, false, 1],
      [4, 3, false, 2],
      [5, 2, true, 3],
    ] as const) {
      const w = randomFeatureMatrix(10, 4, { seed });
      const a = smyrfHashVectors(rounds, 4, seed + 1);
      const support = smyrfSupport(x, clusterSize, a, rounds, causal);
      const ref = naiveScatterbrain(x, w, (h, i, j) => support[h * 18 + i].has(j), causal);
      const got = await scatterbrainAttention(x.q, x.k, x.v, shape, {
        variant: 'smyrf',
        clusterSize,
        rounds,
        features: 10,
        seed,
        causal,
        returnMatrix: true,
      });
      expectCloseResult(got, ref, 1e-10);
      const given = await scatterbrainAttention(x.q, x.k, x.v, shape, {
        variant: 'smyrf',
        clusterSize,
        rounds,
        projection: w,
        hashVectors: a,
        causal,
      });
      expect(given.output).toEqual(got.output);
    }
  });

  it('error falls as clusters grow (mean over seeds) and beats SMYRF alone at the same clusters', async () => {
    const n = 64;
    const d = 8;
    const sh = { heads: 1, n, d };
    const seeds = 6;
    const sizes = [4, 8, 16, 32];
    const sb = sizes.map(() => 0);
    const smyrf = sizes.map(() => 0);
    for (let s = 0; s < seeds; s++) {
      const y = inputs(400 + s, 1, n, d, d, 1);
      const ref = await exactAttention(y.q, y.k, y.v, sh);
      for (const [t, clusterSize] of sizes.entries()) {
        const a = await scatterbrainAttention(y.q, y.k, y.v, sh, {
          variant: 'smyrf',
          clusterSize,
          features: 32,
          seed: s,
        });
        sb[t] += relFrobenius(a.output, ref.output) / seeds;
        // The same clusters: scatterbrain's hashes use seed + 1.
        const b = await smyrfAttention(y.q, y.k, y.v, sh, { clusterSize, seed: s + 1 });
        smyrf[t] += relFrobenius(b.output, ref.output) / seeds;
      }
    }
    if (process.env.TESSERA_REPORT) {
      console.log(`sb-smyrf ${sb.map((e) => e.toFixed(3))} smyrf ${smyrf.map((e) => e.toFixed(3))}`);
    }
    for (let t = 1; t < sizes.length; t++) expect(sb[t]).toBeLessThan(sb[t - 1]);
    for (let t = 0; t < sizes.length; t++) expect(sb[t]).toBeLessThan(smyrf[t]);
  });

  it('causal: never attends ahead; future values never change a row', async () => {
    const opts = { variant: 'smyrf', clusterSize: 4, rounds: 2, features: 8, causal: true } as const;
    const got = await scatterbrainAttention(x.q, x.k, x.v, shape, { ...opts, returnMatrix: true });
    const m = got.matrix as Float64Array;
    for (let r = 0; r < 36; r++) for (let j = (r % 18) + 1; j < 18; j++) expect(m[r * 18 + j]).toBe(0);
    for (const i of [0, 9, 17]) {
      const v = Float64Array.from(x.v);
      const noise = gaussian(70 + i, v.length, 3);
      for (let h = 0; h < 2; h++)
        for (let j = i + 1; j < 18; j++)
          for (let c = 0; c < 3; c++) v[(h * 18 + j) * 3 + c] = noise[(h * 18 + j) * 3 + c];
      const other = await scatterbrainAttention(x.q, x.k, v, shape, opts);
      expect(rowsAt(other.output, 2, 18, 3, i)).toEqual(rowsAt(got.output, 2, 18, 3, i));
    }
  });
});
