/**
 * Scatterbrain (Chen, Dao et al. 2021): sparse + low-rank attention. With φ the Performer positive
 * random-feature map (`exp(qᵀk/√d) = E[φ(q)ᵀφ(k)]`) and `𝒮_i` a sparse support,
 * ```
 * num_i = Σ_j φ(q_i)ᵀφ(k_j) v_j + Σ_{j∈𝒮_i} (exp(q_iᵀk_j/√d) − φ(q_i)ᵀφ(k_j)) v_j
 * den_i = Σ_j φ(q_i)ᵀφ(k_j)     + Σ_{j∈𝒮_i} (exp(q_iᵀk_j/√d) − φ(q_i)ᵀφ(k_j))
 * out_i = num_i / max(den_i, 1e-24)
 * ```
 * i.e. exact scores on the support and the Performer estimate everywhere else (unbiased, as φ is).
 * Supports:
 * - `local` (SB-local): the window `|i − j| ≤ window`;
 * - `smyrf` (SB-SMYRF): the union of a query's SMYRF clusters over the hash rounds (see
 *   `smyrfAttention`; a pair that shares clusters in several rounds is corrected once).
 * With `causal`, every sum runs over `j ≤ i` only: the low-rank part by prefix sums of
 * `φ(k_j) [v_j, 1]ᵀ`, the support with the keys after `i` dropped. SB-local then never looks ahead,
 * not even through rounding; SB-SMYRF's clusters still depend on every position (as SMYRF's do).
 *
 * Numerics: every feature is kept as `exp(proj − rowmax)` with its log-scale (`rowmax − ‖x̃‖²/2`,
 * `x̃ = x d^(−1/4)`) apart. The low-rank sums use key log-scales relative to the head's largest (the
 * running largest when causal), and each query row uses one shift `M_i`, the largest of its support
 * logits and of its low-rank log-scale, for the exact and the feature parts alike, so neither
 * overflows and they combine in the same units. The 1e-24 clamp applies to the denominator in those
 * shifted units. Cost O(heads · n · m · (d + dv)) for the features and the low-rank part plus
 * O(heads · n · s · (d + m + dv)) for a support of `s` keys per query (and SMYRF's sort).
 */
import { InvalidArgumentError } from '../../errors.js';
import { type FloatArray, floatDType, floatTensor, type TensorKernels } from '../../tensor/kernels.js';
import { dot, gatherRows, transpose } from '../../tensor/loops.js';
import { allocLike } from '../../tensor/shapes.js';
import { type AttentionGroups, bandGroups, groupProducts, pairCounts, pairRule } from './clustered.js';
import {
  type AttentionOptions,
  type AttentionResult,
  type AttentionShape,
  causalFeatureSums,
  checkAttention,
  checkBudget,
  type Dims,
  featureSums,
  graphKernelsOf,
  kernelsOf,
  qkvFeeds,
  scalarFeed,
  scaleKeys,
  valuesWithOnes,
} from './common.js';
import { causalChunkFeeds, scatterbrainLowRankGraph } from './graphs.js';
import { localBlock } from './local.js';
import {
  exponentialFeatures,
  featureProjection,
  type RandomFeatureOptions,
  scaledProjection,
} from './performer.js';
import { smyrfGroups, smyrfHashing } from './smyrf.js';

/** Smallest denominator (in the row's shifted units), as in the reference implementation. */
export const SCATTERBRAIN_MIN_DENOMINATOR = 1e-24;

/** Options of {@link scatterbrainAttention}. */
export interface ScatterbrainOptions extends AttentionOptions, RandomFeatureOptions {
  /** Sparse support: `local` (SB-local, default) or `smyrf` (SB-SMYRF). */
  variant?: 'local' | 'smyrf';
  /** SB-local: half-width of the exact window (keys `i ± window`). Required for `local`. */
  window?: number;
  /** SB-SMYRF: queries (and keys) per cluster. Required for `smyrf`. */
  clusterSize?: number;
  /** SB-SMYRF: hash rounds (default 1). */
  rounds?: number;
  /**
   * SB-SMYRF: hash vectors `[rounds, d + 2]`; by default `smyrfHashVectors(rounds, d, seed + 1)`
   * (the random features use `seed`).
   */
  hashVectors?: Float64Array;
  /** Number of positive random features m. Default 256. */
  features?: number;
  /** A projection `[m, d]` to use instead of drawing one (as in `performerAttention`). */
  projection?: Float64Array;
}

/** Positive features of queries and keys: `exp(proj − rowmax)` (`[rows, m]`) and log-scales. */
interface Features<T extends FloatArray> {
  m: number;
  qf: T;
  kf: T;
  qLog: Float64Array;
  kLog: Float64Array;
}

async function positiveFeatures<T extends FloatArray>(
  q: T,
  k: T,
  rows: number,
  d: number,
  w: Float64Array,
  kernels: TensorKernels,
): Promise<Features<T>> {
  const m = w.length / d;
  const { wT, xScale } = scaledProjection(w, q, d);
  const qLog = new Float64Array(rows);
  const kLog = new Float64Array(rows);
  const qp = await kernels.matmul(q, wT, rows, d, m, { transposeB: true });
  const kp = await kernels.matmul(k, wT, rows, d, m, { transposeB: true });
  const qf = exponentialFeatures(qp, q, rows, d, m, false, xScale, qLog);
  const kf = exponentialFeatures(kp, k, rows, d, m, false, xScale, kLog);
  return { m, qf, kf, qLog, kLog };
}

/**
 * The low-rank part of every row: `low[i] = Σ_j φ(q_i)ᵀφ(k_j) [v_j, 1]` (over `j ≤ i` when causal)
 * in units of `exp(lowLog[i])`, `[rows, dv + 1]` and `[rows]`, float64.
 */
async function lowRankPart<T extends FloatArray>(
  f: Features<T>,
  v: T,
  heads: number,
  n: number,
  dv: number,
  causal: boolean,
  kernels: TensorKernels,
): Promise<{ low: Float64Array; lowLog: Float64Array }> {
  const { m, qf, kf, qLog, kLog } = f;
  const wv = dv + 1;
  const logM = Math.log(m);
  const low = new Float64Array(heads * n * wv);
  const lowLog = new Float64Array(heads * n);
  const tops = new Float64Array(n);
  for (let h = 0; h < heads; h++) {
    const base = h * n;
    const qh = qf.subarray(base * m, (base + n) * m) as T;
    const kh = kf.subarray(base * m, (base + n) * m) as T;
    const logs = kLog.subarray(base, base + n);
    const v1 = valuesWithOnes(v, h, n, dv);
    if (causal) {
      low.set(causalFeatureSums(qh, kh, v1, logs, n, m, wv, tops), base * wv);
    } else {
      const { scaled, top } = scaleKeys(kh, logs, n, m);
      low.set(await featureSums(qh, scaled, v1, n, m, wv, kernels), base * wv);
      tops.fill(top);
    }
    for (let i = 0; i < n; i++) lowLog[base + i] = qLog[base + i] + tops[i] - logM;
  }
  return { low, lowLog };
}

/**
 * Features and low-rank part: on the TypeScript path, or as one ONNX graph
 * (`scatterbrainLowRankGraph`) where {@link graphKernelsOf} allows. When causal, the graph takes key
 * log-scales relative to the head's largest, not a running one: the same sums up to rounding, but a
 * far larger future key could underflow earlier ones, which the TypeScript path rules out.
 */
async function featuresAndLowRank<T extends FloatArray>(
  q: T,
  k: T,
  v: T,
  dims: Dims,
  w: Float64Array,
  options: AttentionOptions,
): Promise<{ f: Features<T>; low: Float64Array; lowLog: Float64Array }> {
  const { heads, n, d, dv } = dims;
  const causal = options.causal ?? false;
  const graphs = graphKernelsOf(options, n);
  if (!graphs) {
    const kernels = kernelsOf(options);
    const f = await positiveFeatures(q, k, heads * n, d, w, kernels);
    return { f, ...(await lowRankPart(f, v, heads, n, dv, causal, kernels)) };
  }
  const m = w.length / d;
  const { wT, xScale } = scaledProjection(w, q, d);
  const out = await graphs.runGraph(scatterbrainLowRankGraph(floatDType(q), causal, m, dv), {
    ...qkvFeeds(q, k, v, dims),
    wt: floatTensor(transpose(wT, m, d), [d, m]),
    halfSq: scalarFeed(q, xScale * xScale * 0.5),
    ...(causal ? causalChunkFeeds(n) : {}),
  });
  const f: Features<T> = {
    m,
    qf: out.qf.data as T,
    kf: out.kf.data as T,
    qLog: Float64Array.from(out.qLog.data as FloatArray),
    kLog: Float64Array.from(out.kLog.data as FloatArray),
  };
  const top = out.top.data as FloatArray;
  const lowLog = new Float64Array(heads * n);
  const logM = Math.log(m);
  for (let r = 0; r < heads * n; r++) lowLog[r] = f.qLog[r] + top[Math.floor(r / n)] - logM;
  return { f, low: Float64Array.from(out.low.data as FloatArray), lowLog };
}

/** Scatterbrain attention (SB-local or SB-SMYRF), bidirectional or causal. */
export async function scatterbrainAttention<T extends FloatArray>(
  q: T,
  k: T,
  v: T,
  shape: AttentionShape,
  options: ScatterbrainOptions,
): Promise<AttentionResult<T>> {
  const op = 'scatterbrainAttention';
  const opts = options ?? ({} as ScatterbrainOptions);
  const dims = checkAttention(op, q, k, v, shape, opts);
  const { heads, n, d, dv } = dims;
  const variant = opts.variant ?? 'local';
  if (variant !== 'local' && variant !== 'smyrf') {
    throw new InvalidArgumentError(`${op}: variant must be "local" or "smyrf", got ${String(variant)}`);
  }
  const win = variant === 'local' ? checkBudget(op, 'window', opts.window, 0) : 0;
  const hashing =
    variant === 'smyrf' ? smyrfHashing(op, d, { ...opts, seed: (opts.seed ?? 0) + 1 }) : undefined;
  const w = featureProjection(op, d, opts);
  const causal = opts.causal ?? false;
  const kernels = kernelsOf(opts);
  const rows = heads * n;
  const { f, low, lowLog } = await featuresAndLowRank(q, k, v, dims, w, opts);
  const sparse = {
    q,
    k,
    v,
    heads,
    n,
    d,
    dv,
    causal,
    f,
    low,
    lowLog,
    matrix: opts.returnMatrix ? allocLike(v, rows * n) : undefined,
  };
  const output =
    hashing === undefined
      ? await clusterSupport(sparse, bandGroups(heads, n, win, causal, localBlock(win)), kernels)
      : await clusterSupport(
          sparse,
          smyrfGroups(q, k, heads, n, d, hashing.clusterSize, hashing.rounds, hashing.hashVectors),
          kernels,
        );
  return sparse.matrix ? { output, matrix: sparse.matrix } : { output };
}

/** What the sparse parts need: inputs, features, the low-rank part and the matrix to fill. */
interface SparseInput<T extends FloatArray> {
  q: T;
  k: T;
  v: T;
  heads: number;
  n: number;
  d: number;
  dv: number;
  causal: boolean;
  f: Features<T>;
  low: Float64Array;
  lowLog: Float64Array;
  matrix: T | undefined;
}

/** `φ(q_r)ᵀφ(k_c)` in units of `exp(shift)`. */
function lowPair<T extends FloatArray>(f: Features<T>, r: number, c: number, shift: number): number {
  const { m, qf, kf, qLog, kLog } = f;
  return dot(qf, r * m, kf, c * m, m) * Math.exp(qLog[r] + kLog[c] - Math.log(m) - shift);
}

/**
 * Writes row `r` of the output from its accumulated numerator and denominator, and the low-rank
 * entries of the matrix row (support entries are added by the caller).
 */
function finishRow<T extends FloatArray>(
  s: SparseInput<T>,
  output: T,
  r: number,
  acc: Float64Array,
  shift: number,
): number {
  const { dv, n, causal, matrix } = s;
  const z = Math.max(acc[dv], SCATTERBRAIN_MIN_DENOMINATOR);
  for (let c = 0; c < dv; c++) output[r * dv + c] = acc[c] / z;
  if (matrix) {
    const h = Math.floor(r / n);
    const end = causal ? (r % n) + 1 : n;
    for (let j = 0; j < end; j++) matrix[r * n + j] = lowPair(s.f, r, h * n + j, shift) / z;
  }
  return z;
}

/**
 * The sparse part on a support given as groups of queries and keys (SMYRF clusters, or the blocks of
 * a band for SB-local): the exact and feature scores of every group pair come from batched products;
 * a pair in `N` groups adds `1/N` of its correction per group.
 */
async function clusterSupport<T extends FloatArray>(
  s: SparseInput<T>,
  groups: AttentionGroups,
  kernels: TensorKernels,
): Promise<T> {
  const { q, k, v, heads, n, d, dv, causal, f, low, lowLog, matrix } = s;
  const rows = heads * n;
  const { count, size, queries, keys } = groups;
  const ks = groups.keySize ?? size;
  const pairs = count * size * ks;
  const attends = pairRule(groups, causal);
  const scale = 1 / Math.sqrt(d);
  const logM = Math.log(f.m);
  const dots = await groupProducts(q, k, groups, d, kernels);
  const featureDots = await groupProducts(f.qf, f.kf, groups, f.m, kernels);
  const counts = pairCounts(groups, rows);
  const allowed = (g: number, a: number, b: number): boolean => {
    const i = queries[g * size + a];
    const j = keys[g * ks + b];
    return i >= 0 && j >= 0 && attends(i, j);
  };
  // The shift of each row: its low-rank log-scale or its largest support logit.
  const shift = Float64Array.from(lowLog);
  for (let g = 0; g < count; g++) {
    for (let a = 0; a < size; a++) {
      const i = queries[g * size + a];
      for (let b = 0; b < ks; b++) {
        if (!allowed(g, a, b)) continue;
        const t = scale * dots[(g * size + a) * ks + b];
        if (t > shift[i]) shift[i] = t;
      }
    }
  }
  // (exp(logit) − φᵀφ) / N per pair, in the row's shifted units.
  const corr = new Float64Array(pairs);
  const den = new Float64Array(rows);
  for (let g = 0; g < count; g++) {
    for (let a = 0; a < size; a++) {
      const i = queries[g * size + a];
      for (let b = 0; b < ks; b++) {
        if (!allowed(g, a, b)) continue;
        const p = (g * size + a) * ks + b;
        const j = keys[g * ks + b];
        const e = Math.exp(scale * dots[p] - shift[i]);
        const lowOnPair = featureDots[p] * Math.exp(f.qLog[i] + f.kLog[j] - logM - shift[i]);
        corr[p] = (e - lowOnPair) / counts[p];
        den[i] += corr[p];
      }
    }
  }
  const corrT = allocLike(v, pairs);
  corrT.set(corr);
  const partial = await kernels.batchedMatmul(corrT, gatherRows(v, keys, dv), count, size, ks, dv);
  const wv = dv + 1;
  const acc = new Float64Array(rows * wv);
  for (let t = 0; t < count * size; t++) {
    const i = queries[t];
    if (i < 0) continue;
    for (let c = 0; c < dv; c++) acc[i * wv + c] += partial[t * dv + c];
  }
  const output = allocLike(v, rows * dv);
  const z = new Float64Array(rows);
  const row = new Float64Array(wv);
  for (let r = 0; r < rows; r++) {
    const lowFactor = Math.exp(lowLog[r] - shift[r]);
    for (let c = 0; c < dv; c++) row[c] = acc[r * wv + c] + lowFactor * low[r * wv + c];
    row[dv] = den[r] + lowFactor * low[r * wv + dv];
    z[r] = finishRow(s, output, r, row, shift[r]);
  }
  if (matrix) {
    // Support entries: the low-rank estimate written by finishRow is replaced by the exact score.
    for (let g = 0; g < count; g++) {
      for (let a = 0; a < size; a++) {
        const i = queries[g * size + a];
        const h = Math.floor(i / n);
        for (let b = 0; b < ks; b++) {
          if (!allowed(g, a, b)) continue;
          const p = (g * size + a) * ks + b;
          const j = keys[g * ks + b] - h * n;
          matrix[i * n + j] += corr[p] / z[i];
        }
      }
    }
  }
  return output;
}
