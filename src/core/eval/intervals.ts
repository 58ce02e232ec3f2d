/**
 * Confidence intervals for metrics: Wilson score intervals for proportions (accuracy, error rate)
 * and seeded bootstrap percentile intervals for everything else.
 */
import { InvalidArgumentError } from '../errors.js';
import { Random } from '../random.js';

/** A two-sided interval `[lower, upper]`. */
export interface Interval {
  lower: number;
  upper: number;
}

function checkLevel(level: number): void {
  if (!(level > 0 && level < 1))
    throw new InvalidArgumentError(`confidence level must be between 0 and 1 (e.g. 0.95), got ${level}`);
}

/**
 * The standard normal quantile `Φ⁻¹(p)`, by Acklam's rational approximation (relative error below
 * 1.2e-9: ample for interval bounds).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1))
    return p === 0 ? Number.NEGATIVE_INFINITY : p === 1 ? Number.POSITIVE_INFINITY : Number.NaN;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
      (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  return x;
}

/**
 * Wilson score interval of a proportion `successes / n` at a confidence `level` (default 0.95).
 * Unlike the normal approximation it stays inside [0, 1] and behaves at 0 and n successes.
 * An empty sample gives `[0, 1]`.
 */
export function wilsonInterval(successes: number, n: number, level = 0.95): Interval {
  checkLevel(level);
  if (n === 0) return { lower: 0, upper: 1 };
  const z = normalQuantile(1 - (1 - level) / 2);
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { lower: Math.max(0, center - half), upper: Math.min(1, center + half) };
}

/** Options of {@link bootstrapInterval}. */
export interface BootstrapOptions {
  /** Resamples; default 200. */
  samples?: number;
  /** Confidence level; default 0.95. */
  level?: number;
  /** Seed of the resampling; default 0, so intervals are reproducible. */
  seed?: number;
}

/** The `q`-quantile of sorted values, interpolating linearly between neighbours (numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Bootstrap percentile interval of a statistic of `n` rows: draw `samples` resamples of `n` row
 * positions with replacement (seeded), evaluate `statistic` on each, and take the `(1 − level)/2`
 * and `(1 + level)/2` quantiles of the values. Resamples where the statistic is NaN (e.g. an AUC
 * of a resample with one class) are left out; NaN bounds when all are.
 */
export function bootstrapInterval(
  n: number,
  statistic: (rows: Int32Array) => number,
  options: BootstrapOptions = {},
): Interval {
  return bootstrapIntervals(n, [statistic], options)[0];
}

/**
 * {@link bootstrapInterval} of several statistics of the same rows from the same resamples: each
 * interval is the one `bootstrapInterval` gives that statistic alone (same seed, same draws), at
 * one draw per row for all of them.
 */
export function bootstrapIntervals(
  n: number,
  statistics: readonly ((rows: Int32Array) => number)[],
  options: BootstrapOptions = {},
): Interval[] {
  const { samples = 200, level = 0.95, seed = 0 } = options;
  checkLevel(level);
  if (!Number.isSafeInteger(samples) || samples < 1)
    throw new InvalidArgumentError(`bootstrap samples must be a positive integer, got ${samples}`);
  if (n === 0) return statistics.map(() => ({ lower: Number.NaN, upper: Number.NaN }));
  const values: number[][] = statistics.map(() => []);
  const draws = resampleDraws(n, samples, seed);
  const rng = draws === null ? new Random(seed) : null;
  const rows = new Int32Array(n);
  for (let s = 0; s < samples; s++) {
    // A copy of kept draws: a statistic may write into its rows.
    if (draws !== null) rows.set(draws.subarray(s * n, (s + 1) * n));
    else drawRows(rng as Random, rows);
    statistics.forEach((statistic, j) => {
      const v = statistic(rows);
      if (!Number.isNaN(v)) values[j].push(v);
    });
  }
  return values.map((v) => {
    v.sort((a, b) => a - b);
    return { lower: quantileSorted(v, (1 - level) / 2), upper: quantileSorted(v, (1 + level) / 2) };
  });
}

/** Most draws (resamples × rows) kept for the next call: 16 MB. */
const MAX_KEPT_DRAWS = 1 << 22;
/** The draws of the last call, and what they were drawn for. */
let kept: { n: number; samples: number; seed: number; draws: Int32Array } | null = null;

/** One resample: a row position per row, from `rng`. */
function drawRows(rng: Random, rows: Int32Array): void {
  const n = rows.length;
  // One 32-bit draw per row (rng.int takes two): a bias below n / 2^32, far under the bootstrap's own noise.
  for (let i = 0; i < n; i++) rows[i] = Math.floor((rng.nextUint32() * n) / 4294967296);
}

/**
 * The row positions of `samples` resamples of `n` rows, one resample after another, as drawing
 * them one by one from `seed` gives them; null when they are too many to keep (draw them then).
 * The same (n, samples, seed) gives the same draws, so the last ones are kept: the slices panel
 * bootstraps many slices of the same size with the same seed.
 */
function resampleDraws(n: number, samples: number, seed: number): Int32Array | null {
  if (n * samples > MAX_KEPT_DRAWS) return null;
  if (kept !== null && kept.n === n && kept.samples === samples && kept.seed === seed) return kept.draws;
  const rng = new Random(seed);
  const draws = new Int32Array(n * samples);
  for (let s = 0; s < samples; s++) drawRows(rng, draws.subarray(s * n, (s + 1) * n));
  kept = { n, samples, seed, draws };
  return draws;
}
