/**
 * Performer FAVOR+ (Choromanski et al. 2021): softmax attention approximated with positive random
 * features, `exp(qᵀk/√d) = E_ω[φ(q)ᵀφ(k)]` for
 * `φ(x) = m^(−1/2) exp(−‖x‖²/2) [exp(ω₁ᵀx), …, exp(ω_mᵀx)]` with `x` scaled by `d^(−1/4)`, or the
 * hyperbolic variant `(2m)^(−1/2) exp(−‖x‖²/2) [exp(±ω_iᵀx)]`. Random features are orthogonal by
 * default (blocks of a Gram–Schmidt-orthogonalised Gaussian matrix, rows rescaled by chi-distributed
 * norms), which lowers the variance.
 *
 * Numerics: query features are divided by their row max (a per-row factor, which cancels in the
 * normalisation, as do `m^(−1/2)` and `exp(−‖q‖²/2)`); key features are divided by their row max
 * too, and the rest of their scale (`row max − ‖k‖²/2`) is kept as a log-scale that
 * {@link featureAttention} applies relative to a (running, when causal) maximum. Cost
 * O(heads · n · m · (d + dv)).
 *
 * On kernels that run graphs (ONNX Runtime) the whole method is one ONNX graph (`performerGraph`);
 * there key log-scales are taken relative to the head's largest even when causal, which equals the
 * running form up to rounding unless a future key's log-scale exceeds an earlier one's by more than
 * the float range (then earlier keys underflow); pass `graph: false` to rule that out.
 */
import { InvalidArgumentError } from '../../errors.js';
import { Random } from '../../random.js';
import { type FloatArray, floatDType, floatTensor } from '../../tensor/kernels.js';
import { dot, transpose } from '../../tensor/loops.js';
import { allocLike } from '../../tensor/shapes.js';
import {
  type AttentionOptions,
  type AttentionResult,
  type AttentionShape,
  checkAttention,
  checkBudget,
  featureAttention,
  graphKernelsOf,
  kernelsOf,
  qkvFeeds,
  scalarFeed,
} from './common.js';
import { cachedDraw } from './draw-cache.js';
import { causalChunkFeeds, performerGraph } from './graphs.js';

/** Options of {@link randomFeatureMatrix}. */
export interface RandomFeatureOptions {
  /** Orthogonal blocks (default true) rather than iid Gaussian rows. */
  orthogonal?: boolean;
  /**
   * Row norms of orthogonal blocks: `chi` (default; norms of fresh Gaussian d-vectors, so each row
   * is marginally N(0, I)) or `sqrt-d` (every row of norm √d).
   */
  scaling?: 'chi' | 'sqrt-d';
  /** Seed of the generator (default 0). */
  seed?: number;
}

/**
 * The random projection `[m, d]` (float64): iid N(0, I) rows, or `⌈m/d⌉` blocks of `d` orthonormal
 * rows (modified Gram–Schmidt, applied twice, of a Gaussian d×d matrix), the last block cut to size,
 * each row rescaled per `scaling`.
 */
export function randomFeatureMatrix(m: number, d: number, options: RandomFeatureOptions = {}): Float64Array {
  checkBudget('randomFeatureMatrix', 'm', m, 1);
  checkBudget('randomFeatureMatrix', 'd', d, 1);
  const rng = new Random(options.seed ?? 0);
  const w = new Float64Array(m * d);
  if (options.orthogonal === false) return rng.fillNormal(w);
  const scaling = options.scaling ?? 'chi';
  if (scaling !== 'chi' && scaling !== 'sqrt-d') {
    throw new InvalidArgumentError(
      `randomFeatureMatrix: scaling must be "chi" or "sqrt-d", got ${String(scaling)}`,
    );
  }
  const block = new Float64Array(d * d);
  for (let b0 = 0; b0 < m; b0 += d) {
    rng.fillNormal(block);
    for (let i = 0; i < d; i++) {
      const ri = i * d;
      for (let pass = 0; pass < 2; pass++) {
        for (let j = 0; j < i; j++) {
          const rj = j * d;
          const p = dot(block, ri, block, rj, d);
          for (let c = 0; c < d; c++) block[ri + c] -= p * block[rj + c];
        }
      }
      const norm = Math.sqrt(dot(block, ri, block, ri, d));
      for (let c = 0; c < d; c++) block[ri + c] /= norm;
    }
    const rows = Math.min(d, m - b0);
    for (let i = 0; i < rows; i++) {
      let len: number;
      if (scaling === 'chi') {
        let s = 0;
        for (let c = 0; c < d; c++) {
          const g = rng.normal();
          s += g * g;
        }
        len = Math.sqrt(s);
      } else {
        len = Math.sqrt(d);
      }
      for (let c = 0; c < d; c++) w[(b0 + i) * d + c] = block[i * d + c] * len;
    }
  }
  return w;
}

/** {@link randomFeatureMatrix}, kept for repeated calls (read-only; see `draw-cache.ts`). */
function cachedRandomFeatures(m: number, d: number, options: RandomFeatureOptions): Float64Array {
  const key = `performer:${m}:${d}:${options.orthogonal}:${options.scaling}:${options.seed ?? 0}`;
  return cachedDraw(key, () => randomFeatureMatrix(m, d, options));
}

/** Options of {@link performerAttention}. */
export interface PerformerOptions extends AttentionOptions, RandomFeatureOptions {
  /** Number of random features m (the hyperbolic variant uses 2m). Default 256. */
  features?: number;
  /** `positive` (default) or `hyperbolic` (the cosh estimator: features for ω and −ω). */
  variant?: 'positive' | 'hyperbolic';
  /** A projection `[m, d]` to use instead of drawing one (e.g. to share it across calls). */
  projection?: Float64Array;
  /** Added to the denominator (default 0; a zero denominator gives a zero row). */
  eps?: number;
}

/**
 * FAVOR+ features of one set of rows from their projections `proj` (`[rows, m]`): `exp(proj − rowmax)`
 * (hyperbolic: with `exp(−proj − rowmax)` beside, `[rows, 2m]`) and, when `logScale` is given, the
 * log-scale `rowmax − ‖x̃‖²/2` of each row (`x̃ = x · xScale`), kept apart so nothing overflows.
 * Shared by Performer and Scatterbrain's low-rank part.
 */
export function exponentialFeatures<T extends FloatArray>(
  proj: T,
  x: T,
  rows: number,
  d: number,
  m: number,
  hyperbolic: boolean,
  xScale: number,
  logScale: Float64Array | undefined,
): T {
  const f = hyperbolic ? 2 * m : m;
  const out = allocLike(proj, rows * f);
  for (let r = 0; r < rows; r++) {
    const o = r * m;
    let max = Number.NEGATIVE_INFINITY;
    for (let a = 0; a < m; a++) {
      const t = proj[o + a];
      const u = hyperbolic ? Math.abs(t) : t;
      if (u > max) max = u;
    }
    const fo = r * f;
    for (let a = 0; a < m; a++) {
      const t = proj[o + a];
      out[fo + a] = Math.exp(t - max);
      if (hyperbolic) out[fo + m + a] = Math.exp(-t - max);
    }
    if (logScale) {
      let sq = 0;
      for (let c = 0; c < d; c++) {
        const t = x[r * d + c] * xScale;
        sq += t * t;
      }
      logScale[r] = max - sq / 2;
    }
  }
  return out;
}

/**
 * The projection `ω` (`[m, d]`) scaled by `d^(−1/4)`, in the element type of `like`: scaling `ω`
 * scales `x`, so `x̃·ω = x·(ω d^(−1/4))`. Returns it with the scale.
 */
export function scaledProjection<T extends FloatArray>(
  w: Float64Array,
  like: T,
  d: number,
): { wT: T; xScale: number } {
  const xScale = d ** -0.25;
  const wT = allocLike(like, w.length);
  for (let i = 0; i < wT.length; i++) wT[i] = w[i] * xScale;
  return { wT, xScale };
}

/**
 * The projection `[m, d]` of a random-feature method (Performer, Scatterbrain): the given
 * `projection`, checked against `d` and `features`, or `features` (default 256) rows drawn per
 * {@link RandomFeatureOptions} and cached.
 */
export function featureProjection(
  op: string,
  d: number,
  options: RandomFeatureOptions & { features?: number; projection?: Float64Array },
): Float64Array {
  const { projection, features } = options;
  if (projection === undefined)
    return cachedRandomFeatures(checkBudget(op, 'features', features ?? 256, 1), d, options);
  if (!(projection instanceof Float64Array) || projection.length % d !== 0) {
    throw new InvalidArgumentError(`${op}: projection must be a Float64Array of shape [m, d=${d}]`);
  }
  const m = checkBudget(op, 'projection rows', projection.length / d, 1);
  if (features !== undefined && features !== m) {
    throw new InvalidArgumentError(`${op}: features=${features} but the projection has ${m} rows`);
  }
  return projection;
}

/** Performer FAVOR+ attention, bidirectional or causal. */
export async function performerAttention<T extends FloatArray>(
  q: T,
  k: T,
  v: T,
  shape: AttentionShape,
  options: PerformerOptions = {},
): Promise<AttentionResult<T>> {
  const op = 'performerAttention';
  const dims = checkAttention(op, q, k, v, shape, options);
  const { heads, n, d } = dims;
  const variant = options.variant ?? 'positive';
  if (variant !== 'positive' && variant !== 'hyperbolic') {
    throw new InvalidArgumentError(
      `${op}: variant must be "positive" or "hyperbolic", got ${String(variant)}`,
    );
  }
  const hyperbolic = variant === 'hyperbolic';
  const w = featureProjection(op, d, options);
  const m = w.length / d;
  const kernels = kernelsOf(options);
  const { wT, xScale } = scaledProjection(w, q, d);
  const causal = options.causal ?? false;
  const graphs = graphKernelsOf(options, n);
  if (graphs) {
    const { dv } = dims;
    const out = await graphs.runGraph(performerGraph(floatDType(q), variant, causal, m, dv), {
      ...qkvFeeds(q, k, v, dims),
      wt: floatTensor(transpose(wT, m, d), [d, m]),
      halfSq: scalarFeed(q, xScale * xScale * 0.5),
      eps: scalarFeed(q, options.eps ?? 0),
      ...(causal ? causalChunkFeeds(n) : {}),
    });
    return { output: out.output.data as T };
  }
  const rows = heads * n;
  const qp = await kernels.matmul(q, wT, rows, d, m, { transposeB: true });
  const kp = await kernels.matmul(k, wT, rows, d, m, { transposeB: true });
  const kLog = new Float64Array(rows);
  const qf = exponentialFeatures(qp, q, rows, d, m, hyperbolic, xScale, undefined);
  const kf = exponentialFeatures(kp, k, rows, d, m, hyperbolic, xScale, kLog);
  return featureAttention(
    qf,
    kf,
    v,
    dims,
    hyperbolic ? 2 * m : m,
    causal,
    options.eps ?? 0,
    kernels,
    options.returnMatrix ?? false,
    kLog,
  );
}
