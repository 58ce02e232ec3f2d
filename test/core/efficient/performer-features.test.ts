/**
 * The random-feature sampler of Performer and Scatterbrain (`randomFeatureMatrix`) against references
 * that share nothing with it: the chi distribution's closed forms and CDF, and the softmax kernel
 * exp(qᵀk) that FAVOR+ estimates without bias (Choromanski et al. 2021, Lemma 1). The other Performer
 * tests build their reference from the same sampler, so a wrong norm distribution passes them.
 */
import { describe, expect, it } from 'vitest';
import { randomFeatureMatrix } from '../../../src/core/efficient/attention/index.js';

/** Γ(n/2) for a positive integer n, exactly: Γ(1/2) = √π, Γ(1) = 1, Γ(a + 1) = a Γ(a). */
function gammaHalf(n: number): number {
  let a = n % 2 === 0 ? 1 : 0.5;
  let g = n % 2 === 0 ? 1 : Math.sqrt(Math.PI);
  while (a < n / 2) {
    g *= a;
    a += 1;
  }
  return g;
}

/** E[χ_d] = √2 Γ((d+1)/2) / Γ(d/2). */
const chiMean = (d: number) => (Math.SQRT2 * gammaHalf(d + 1)) / gammaHalf(d);

/**
 * The χ_d CDF, P(d/2, x²/2), by the series of the regularised lower incomplete gamma function:
 * P(a, z) = zᵃ e^(−z) / Γ(a + 1) · Σₙ zⁿ / ((a + 1)⋯(a + n)).
 */
function chiCdf(x: number, d: number): number {
  if (x <= 0) return 0;
  const a = d / 2;
  const z = (x * x) / 2;
  let term = 1;
  let sum = 1;
  for (let n = 1; n < 1000 && term > 1e-17 * sum; n++) {
    term *= z / (a + n);
    sum += term;
  }
  return Math.exp(a * Math.log(z) - z - Math.log(gammaHalf(d + 2))) * sum;
}

/** Kolmogorov–Smirnov statistic of `samples` against the continuous CDF `cdf`. */
function ksStatistic(samples: number[], cdf: (x: number) => number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  let worst = 0;
  sorted.forEach((x, i) => {
    const f = cdf(x);
    worst = Math.max(worst, Math.abs(f - i / n), Math.abs((i + 1) / n - f));
  });
  return worst;
}

/** Asymptotic KS critical value at level 0.001: sqrt(−ln(0.0005) / 2) / √n. */
const ksCritical = (n: number) => Math.sqrt(-Math.log(0.0005) / 2) / Math.sqrt(n);

/** Row norms of `w` ([m, d]). */
function rowNorms(w: Float64Array, d: number): number[] {
  return Array.from({ length: w.length / d }, (_, i) => Math.hypot(...w.subarray(i * d, (i + 1) * d)));
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: number[]) => {
  const mu = mean(xs);
  return xs.reduce((a, x) => a + (x - mu) ** 2, 0) / (xs.length - 1);
};

describe('the test-side chi distribution', () => {
  it('matches the closed forms for even d and the moments of the half-integer gamma', () => {
    // χ_2 is Rayleigh: 1 − e^(−x²/2); χ_4: 1 − e^(−x²/2)(1 + x²/2).
    for (const x of [0.1, 0.7, 1.5, 3, 6]) {
      expect(chiCdf(x, 2)).toBeCloseTo(1 - Math.exp(-(x * x) / 2), 12);
      expect(chiCdf(x, 4)).toBeCloseTo(1 - Math.exp(-(x * x) / 2) * (1 + (x * x) / 2), 12);
    }
    expect(chiMean(1)).toBeCloseTo(Math.sqrt(2 / Math.PI), 14); // E|N(0,1)|
    expect(chiMean(3)).toBeCloseTo(2 * Math.sqrt(2 / Math.PI), 14); // Maxwell
    expect(gammaHalf(11)).toBeCloseTo((945 / 32) * Math.sqrt(Math.PI), 10); // Γ(5.5)
  });
});

describe('randomFeatureMatrix samples the right distribution', () => {
  const d = 16;
  const perDraw = 64 * d; // 64 orthogonal blocks per draw
  const seeds = [1, 2, 3, 4];
  const chiNorms = (options: { orthogonal?: boolean }) =>
    seeds.flatMap((seed) => rowNorms(randomFeatureMatrix(perDraw, d, { seed, ...options }), d));

  for (const orthogonal of [true, false]) {
    it(`row norms follow chi with d degrees of freedom (${orthogonal ? 'orthogonal blocks' : 'iid rows'})`, () => {
      const norms = chiNorms({ orthogonal });
      const n = norms.length;
      // First two moments against the closed forms, within 4 standard errors (independent rows).
      const meanNorm = mean(norms);
      expect(Math.abs(meanNorm - chiMean(d))).toBeLessThan(4 * Math.sqrt((d - chiMean(d) ** 2) / n));
      const squares = norms.map((r) => r * r);
      expect(Math.abs(mean(squares) - d)).toBeLessThan(4 * Math.sqrt((2 * d) / n)); // Var χ²_d = 2d
      // The whole distribution: Kolmogorov–Smirnov against the chi CDF at level 0.001.
      expect(ksStatistic(norms, (x) => chiCdf(x, d))).toBeLessThan(ksCritical(n));
    });
  }

  it('a wrong degree of freedom would be seen: chi_(d−1) norms fail the same KS test', () => {
    // The KS check's power on this sample size: rescaled norms from χ_(d−1) are rejected.
    const norms = chiNorms({}).map((r) => r * (chiMean(d - 1) / chiMean(d)));
    expect(ksStatistic(norms, (x) => chiCdf(x, d))).toBeGreaterThan(ksCritical(norms.length));
  });

  it('rows are orthogonal within each block, not across blocks, and isotropic overall', () => {
    const m = 40; // blocks of 16, 16 and 8 rows
    let crossMax = 0;
    const second = new Float64Array(d * d); // Σ ω ωᵀ over all rows of all draws
    let rows = 0;
    for (let seed = 0; seed < 100; seed++) {
      const w = randomFeatureMatrix(m, d, { seed });
      const row = (i: number) => w.subarray(i * d, (i + 1) * d);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < i; j++) {
          let dot = 0;
          for (let c = 0; c < d; c++) dot += row(i)[c] * row(j)[c];
          const cosine = dot / (Math.hypot(...row(i)) * Math.hypot(...row(j)));
          if (Math.floor(i / d) === Math.floor(j / d)) expect(Math.abs(cosine)).toBeLessThan(1e-12);
          else crossMax = Math.max(crossMax, Math.abs(cosine));
        }
        for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) second[a * d + b] += row(i)[a] * row(i)[b];
        rows++;
      }
    }
    expect(crossMax).toBeGreaterThan(0.5); // blocks are independent draws, not copies
    // E[ω ωᵀ] = I for ω ~ N(0, I): diagonal entries have sd √(2/rows), off-diagonal 1/√rows.
    for (let a = 0; a < d; a++)
      for (let b = 0; b < d; b++) {
        const tol = 5 * Math.sqrt((a === b ? 2 : 1) / rows);
        expect(Math.abs(second[a * d + b] / rows - (a === b ? 1 : 0))).toBeLessThan(tol);
      }
  });

  it('sqrt-d scaling gives every row the norm √d', () => {
    for (const r of rowNorms(randomFeatureMatrix(40, d, { seed: 5, scaling: 'sqrt-d' }), d))
      expect(r).toBeCloseTo(Math.sqrt(d), 12);
  });
});

describe('FAVOR+ with these features estimates the softmax kernel without bias', () => {
  const d = 16;
  const m = 256;
  const draws = 400;
  // Query/key pairs (already scaled by d^(−1/4)): qᵀk ≈ 0.03, 0.97 and −0.6. Features drawn with
  // χ_(d−1) norms bias the first pair's kernel by about −5%, outside its interval (±1.7%).
  const unit = (f: (c: number) => number) => {
    const v = Float64Array.from({ length: d }, (_, c) => f(c));
    return v.map((x) => x / Math.hypot(...v));
  };
  const pairs = [
    { q: unit((c) => Math.sin(c + 1)), k: unit((c) => Math.cos(2 * c)) },
    { q: unit((c) => (c % 3) - 1), k: unit((c) => (c % 3) - 0.8) },
    { q: unit((c) => c / d - 0.5).map((x) => 0.8 * x), k: unit((c) => 0.5 - c / d).map((x) => 0.75 * x) },
  ];
  const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * b[i], 0);

  /** One draw's estimate φ(q)ᵀφ(k), the features written out from the paper. */
  function estimate(w: Float64Array, q: Float64Array, k: Float64Array, hyperbolic: boolean): number {
    const qq = dot(q, q) / 2;
    const kk = dot(k, k) / 2;
    let s = 0;
    for (let a = 0; a < m; a++) {
      const wa = w.subarray(a * d, (a + 1) * d);
      const wq = dot(wa, q);
      const wk = dot(wa, k);
      s += hyperbolic
        ? (Math.exp(wq - qq) * Math.exp(wk - kk) + Math.exp(-wq - qq) * Math.exp(-wk - kk)) / 2
        : Math.exp(wq - qq) * Math.exp(wk - kk);
    }
    return s / m;
  }

  // Simultaneous 95% intervals over the 6 (pair, variant) checks (Bonferroni: 0.05 / 6 each).
  const z = 2.64;
  for (const variant of ['positive', 'hyperbolic'] as const) {
    it(`${variant}: the mean over ${draws} draws is within its 95% interval of exp(qᵀk)`, () => {
      const ws = Array.from({ length: draws }, (_, seed) => randomFeatureMatrix(m, d, { seed: 1000 + seed }));
      for (const { q, k } of pairs) {
        const exact = Math.exp(dot(q, k));
        const estimates = ws.map((w) => estimate(w, q, k, variant === 'hyperbolic'));
        const halfWidth = z * Math.sqrt(variance(estimates) / draws);
        expect(halfWidth / exact).toBeLessThan(0.05); // tight enough to see a few percent of bias
        expect(Math.abs(mean(estimates) - exact)).toBeLessThan(halfWidth);
      }
    });
  }
});
