/**
 * Scatterbrain (Chen, Dao et al. 2021), SB-local variant: sparse + low-rank attention. With φ the
 * Performer positive random-feature map (`exp(qᵀk/√d) = E[φ(q)ᵀφ(k)]`) and `𝒮_i` the local window
 * `|i − j| ≤ window`,
 * ```
 * num_i = Σ_j φ(q_i)ᵀφ(k_j) v_j + Σ_{j∈𝒮_i} (exp(q_iᵀk_j/√d) − φ(q_i)ᵀφ(k_j)) v_j
 * den_i = Σ_j φ(q_i)ᵀφ(k_j)     + Σ_{j∈𝒮_i} (exp(q_iᵀk_j/√d) − φ(q_i)ᵀφ(k_j))
 * out_i = num_i / max(den_i, 1e-24)
 * ```
 * i.e. exact scores on the window and the Performer estimate everywhere else (unbiased, as φ is).
 *
 * Numerics: every feature is kept as `exp(proj − rowmax)` with its log-scale
 * (`rowmax − ‖x‖²/2`, `x` scaled by `d^(−1/4)`) apart; key log-scales are taken relative to the
 * head's largest, and each query row uses one shift `M_i` — the largest of its window logits and
 * of its low-rank log-scale — for the exact and the feature parts alike, so neither overflows and
 * they combine in the same units. The 1e-24 clamp applies to the denominator in those shifted units.
 * Cost O(heads · n · (m · (d + dv) + (2·window + 1) · (d + m + dv))).
 */
import { InvalidArgumentError } from '../../errors.js';
import type { FloatArray } from '../../tensor/kernels.js';
import { allocLike } from '../../tensor/shapes.js';
import {
  type AttentionOptions,
  type AttentionResult,
  type AttentionShape,
  checkAttention,
  checkBudget,
  kernelsOf,
  transpose,
} from './common.js';
import { type RandomFeatureOptions, randomFeatureMatrix } from './performer.js';

/** Smallest denominator (in the row's shifted units), as in the reference implementation. */
export const SCATTERBRAIN_MIN_DENOMINATOR = 1e-24;

/** Options of {@link scatterbrainAttention}. */
export interface ScatterbrainOptions extends AttentionOptions, RandomFeatureOptions {
  /** Half-width of the exact window (keys `i ± window`). Required. */
  window: number;
  /** Number of positive random features m. Default 256. */
  features?: number;
  /** Sparse support: only `local` (SB-local) is implemented. Default `local`. */
  variant?: 'local';
  /** A projection `[m, d]` to use instead of drawing one (as in `performerAttention`). */
  projection?: Float64Array;
}

/** Scatterbrain SB-local attention (bidirectional). */
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
  const win = checkBudget(op, 'window', opts.window, 0);
  const variant = opts.variant ?? 'local';
  if (variant !== 'local') {
    throw new InvalidArgumentError(`${op}: variant must be "local" (SB-local), got ${String(variant)}`);
  }
  if (opts.causal) {
    throw new InvalidArgumentError(`${op}: causal SB-local is not implemented; use causal: false`);
  }
  let m: number;
  let w: Float64Array;
  if (opts.projection !== undefined) {
    if (!(opts.projection instanceof Float64Array) || opts.projection.length % d !== 0) {
      throw new InvalidArgumentError(`${op}: projection must be a Float64Array of shape [m, d=${d}]`);
    }
    m = checkBudget(op, 'projection rows', opts.projection.length / d, 1);
    if (opts.features !== undefined && opts.features !== m) {
      throw new InvalidArgumentError(`${op}: features=${opts.features} but the projection has ${m} rows`);
    }
    w = opts.projection;
  } else {
    m = checkBudget(op, 'features', opts.features ?? 256, 1);
    w = randomFeatureMatrix(m, d, opts);
  }
  const kernels = kernelsOf(opts);
  const xScale = d ** -0.25;
  const logM = Math.log(m);
  const wT = allocLike(q, m * d);
  for (let i = 0; i < wT.length; i++) wT[i] = w[i] * xScale;
  const rows = heads * n;
  const qp = await kernels.matmul(q, wT, rows, d, m, { transposeB: true });
  const kp = await kernels.matmul(k, wT, rows, d, m, { transposeB: true });
  // exp(proj − rowmax) in place; log-scales rowmax − ‖x̃‖²/2 in float64.
  const toFeatures = (p: T, x: T, logs: Float64Array) => {
    for (let r = 0; r < rows; r++) {
      const o = r * m;
      let max = Number.NEGATIVE_INFINITY;
      for (let a = 0; a < m; a++) if (p[o + a] > max) max = p[o + a];
      for (let a = 0; a < m; a++) p[o + a] = Math.exp(p[o + a] - max);
      let sq = 0;
      for (let c = 0; c < d; c++) {
        const t = x[r * d + c] * xScale;
        sq += t * t;
      }
      logs[r] = max - sq / 2;
    }
  };
  const qLog = new Float64Array(rows);
  const kLog = new Float64Array(rows);
  toFeatures(qp, q, qLog);
  toFeatures(kp, k, kLog);
  const scale = 1 / Math.sqrt(d);
  const wv = dv + 1;
  const output = allocLike(v, rows * dv);
  const matrix = opts.returnMatrix ? allocLike(v, rows * n) : undefined;
  const span = 2 * Math.min(win, n) + 1;
  const exact = new Float64Array(span);
  const lowOnS = new Float64Array(span);
  const acc = new Float64Array(wv);
  for (let h = 0; h < heads; h++) {
    const base = h * n;
    // Key features scaled relative to the head's largest key log-scale, and Σ_j φ̃(k_j) [v_j, 1]ᵀ.
    let top = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < n; j++) if (kLog[base + j] > top) top = kLog[base + j];
    const kh = allocLike(q, n * m);
    for (let j = 0; j < n; j++) {
      const c = Math.exp(kLog[base + j] - top);
      for (let a = 0; a < m; a++) kh[j * m + a] = kp[(base + j) * m + a] * c;
    }
    const v1 = allocLike(v, n * wv);
    for (let j = 0; j < n; j++) {
      for (let c = 0; c < dv; c++) v1[j * wv + c] = v[(base + j) * dv + c];
      v1[j * wv + dv] = 1;
    }
    const qh = qp.subarray(base * m, (base + n) * m) as T;
    const kv = await kernels.matmul(transpose(kh, n, m), v1, m, n, wv); // [m, dv+1]
    const low = await kernels.matmul(qh, kv, n, m, wv); // [n, dv+1], × exp(qLog_i + top − log m)
    for (let i = 0; i < n; i++) {
      const r = base + i;
      const lo = Math.max(0, i - win);
      const hi = Math.min(n - 1, i + win);
      const lowLog = qLog[r] + top - logM; // log-scale of the low-rank terms of row i
      let shift = lowLog;
      for (let j = lo; j <= hi; j++) {
        const s = scale * dotRows(q, r * d, k, (base + j) * d, d);
        exact[j - lo] = s;
        if (s > shift) shift = s;
      }
      const lowFactor = Math.exp(lowLog - shift);
      for (let c = 0; c < wv; c++) acc[c] = lowFactor * low[i * wv + c];
      for (let j = lo; j <= hi; j++) {
        const e = Math.exp(exact[j - lo] - shift);
        const f = lowFactor * dotRows(qp, r * m, kh, j * m, m);
        exact[j - lo] = e;
        lowOnS[j - lo] = f;
        const corr = e - f;
        for (let c = 0; c < dv; c++) acc[c] += corr * v1[j * wv + c];
        acc[dv] += corr;
      }
      const z = Math.max(acc[dv], SCATTERBRAIN_MIN_DENOMINATOR);
      for (let c = 0; c < dv; c++) output[r * dv + c] = acc[c] / z;
      if (matrix) {
        const o = r * n;
        for (let j = 0; j < n; j++) {
          matrix[o + j] =
            j >= lo && j <= hi ? exact[j - lo] / z : (lowFactor * dotRows(qp, r * m, kh, j * m, m)) / z;
        }
      }
    }
  }
  return matrix ? { output, matrix } : { output };
}

function dotRows(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, len: number): number {
  let s = 0;
  for (let c = 0; c < len; c++) s += a[ao + c] * b[bo + c];
  return s;
}
