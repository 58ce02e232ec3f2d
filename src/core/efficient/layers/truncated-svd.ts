/**
 * Truncated SVD by randomized subspace iteration (Halko, Martinsson & Tropp 2011, Algorithm 4.4):
 * multiply the matrix by `rank + oversample` random vectors, orthonormalise, alternate products with
 * `A` and `Aᵀ` a few times (each followed by a QR, so the small singular directions are not lost to
 * rounding), then take the exact SVD of the small projected matrix `B = QᵀA`. The products with `A`,
 * the only work that grows with both of its sides, run on the tensor kernels; the QR (Householder)
 * and the small SVD (one-sided Jacobi) are in float64. By Eckart–Young the best rank-r approximation
 * in the Frobenius and the spectral norm leaves exactly the tail singular values as its error; the
 * iteration approaches it geometrically in (σ_{l+1}/σ_r)^(2q+1).
 */
import { InvalidArgumentError } from '../../errors.js';
import { Random } from '../../random.js';
import type { FloatArray, TensorKernels } from '../../tensor/kernels.js';
import { dot, transpose } from '../../tensor/loops.js';
import { allocLike } from '../../tensor/shapes.js';
import { tsKernels } from '../../tensor/ts-kernels.js';

/** Options of {@link truncatedSvd}. */
export interface TruncatedSvdOptions {
  /** Extra random vectors beyond the rank (default 10). */
  oversample?: number;
  /** Rounds of subspace (power) iteration (default 4). */
  powerIterations?: number;
  seed?: number;
  /** Kernels for the products with the matrix (default the TypeScript kernels). */
  kernels?: TensorKernels;
}

/** `A ≈ U · diag(S) · Vᵀ`, float64, singular values in decreasing order. */
export interface SvdResult {
  /** Left singular vectors, shape `[m, rank]`. */
  u: Float64Array;
  /** Singular values, shape `[rank]`. */
  s: Float64Array;
  /** Right singular vectors as rows, shape `[rank, n]`. */
  vt: Float64Array;
  rank: number;
}

/**
 * Householder QR of `a` (`[m, k]`, row-major, `m ≥ k`): the thin `Q` (`[m, k]`, orthonormal columns)
 * and the upper-triangular `R` (`[k, k]`) with `a = Q·R`. Rank-deficient inputs still give an
 * orthonormal `Q`.
 */
export function householderQr(
  a: ArrayLike<number>,
  m: number,
  k: number,
): { q: Float64Array; r: Float64Array } {
  if (m < k || a.length !== m * k) {
    throw new InvalidArgumentError(
      `householderQr: need a of shape [m, k] with m ≥ k, got m=${m}, k=${k}, ${a.length} values`,
    );
  }
  // Column-major working copy: reflections run down columns.
  const w = new Float64Array(m * k);
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) w[j * m + i] = a[i * k + j];
  const vs = new Float64Array(m * k); // reflector j in vs[j*m + j .. j*m + m)
  const active = new Uint8Array(k);
  for (let j = 0; j < k; j++) {
    const c = j * m;
    let norm = 0;
    for (let i = j; i < m; i++) norm += w[c + i] * w[c + i];
    norm = Math.sqrt(norm);
    if (norm === 0) continue;
    const alpha = w[c + j] > 0 ? -norm : norm;
    let vnorm = 0;
    for (let i = j; i < m; i++) {
      const v = i === j ? w[c + i] - alpha : w[c + i];
      vs[c + i] = v;
      vnorm += v * v;
    }
    vnorm = Math.sqrt(vnorm);
    if (vnorm === 0) continue;
    for (let i = j; i < m; i++) vs[c + i] /= vnorm;
    active[j] = 1;
    for (let col = j; col < k; col++) reflect(vs, c, w, col * m, j, m);
  }
  const r = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = i; j < k; j++) r[i * k + j] = w[j * m + i];
  // Q = H_0 ⋯ H_{k−1} applied to the first k columns of the identity, last reflector first.
  const q = new Float64Array(m * k);
  for (let j = 0; j < k; j++) q[j * m + j] = 1;
  for (let j = k - 1; j >= 0; j--) {
    if (!active[j]) continue;
    for (let col = 0; col < k; col++) reflect(vs, j * m, q, col * m, j, m);
  }
  const out = new Float64Array(m * k);
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) out[i * k + j] = q[j * m + i];
  return { q: out, r };
}

/** x ← (I − 2vvᵀ)x on rows from..m of one column. */
function reflect(v: Float64Array, vo: number, x: Float64Array, xo: number, from: number, m: number): void {
  const twice = 2 * dot(v, vo + from, x, xo + from, m - from);
  for (let i = from; i < m; i++) x[xo + i] -= twice * v[vo + i];
}

/**
 * SVD of a small `g` (`[n, k]`, row-major, n ≥ k) by one-sided Jacobi (Hestenes): rotate pairs of
 * columns until all are orthogonal; then the column norms are the singular values. Accurate to
 * rounding even for tiny singular values, unlike an eigen-decomposition of gᵀg.
 * Returns `g = U·diag(s)·Vᵀ` with `U` `[n, k]` and `V` `[k, k]`, unsorted.
 */
function jacobiSvd(
  g: Float64Array,
  n: number,
  k: number,
): { u: Float64Array; s: Float64Array; v: Float64Array } {
  const cols = new Float64Array(n * k); // column-major
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) cols[j * n + i] = g[i * k + j];
  const v = new Float64Array(k * k); // column-major too
  for (let j = 0; j < k; j++) v[j * k + j] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < k - 1; p++) {
      for (let q = p + 1; q < k; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        const po = p * n;
        const qo = q * n;
        for (let i = 0; i < n; i++) {
          const x = cols[po + i];
          const y = cols[qo + i];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < n; i++) {
          const x = cols[po + i];
          const y = cols[qo + i];
          cols[po + i] = c * x - s * y;
          cols[qo + i] = s * x + c * y;
        }
        for (let i = 0; i < k; i++) {
          const x = v[p * k + i];
          const y = v[q * k + i];
          v[p * k + i] = c * x - s * y;
          v[q * k + i] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const s = new Float64Array(k);
  const u = new Float64Array(n * k);
  for (let j = 0; j < k; j++) {
    let norm = 0;
    for (let i = 0; i < n; i++) norm += cols[j * n + i] ** 2;
    norm = Math.sqrt(norm);
    s[j] = norm;
    if (norm > 0) for (let i = 0; i < n; i++) u[i * k + j] = cols[j * n + i] / norm;
  }
  const vr = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) vr[i * k + j] = v[j * k + i];
  return { u, s, v: vr };
}

/**
 * The best rank-`rank` approximation of `a` (`[m, n]`, row-major, float32 or float64) as its leading
 * singular triplets. With `rank + oversample ≥ min(m, n)` the subspace is the whole range and the
 * result is an exact SVD up to rounding.
 */
export async function truncatedSvd(
  a: FloatArray,
  m: number,
  n: number,
  rank: number,
  options: TruncatedSvdOptions = {},
): Promise<SvdResult> {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 1 || n < 1 || a.length !== m * n) {
    throw new InvalidArgumentError(
      `truncatedSvd: a must have shape [m, n]; got m=${m}, n=${n}, ${a.length} values`,
    );
  }
  if (!Number.isSafeInteger(rank) || rank < 1 || rank > Math.min(m, n)) {
    throw new InvalidArgumentError(
      `truncatedSvd: rank must be an integer from 1 to min(m, n)=${Math.min(m, n)}, got ${rank}`,
    );
  }
  const kernels = options.kernels ?? tsKernels;
  const l = Math.min(rank + (options.oversample ?? 10), m, n);
  const iterations = options.powerIterations ?? 4;
  const rng = new Random(options.seed ?? 0);
  const omegaT = rng.fillNormal(allocLike(a, l * n)); // Ωᵀ, [l, n]
  // Y = A·Ω, Q = qr(Y)
  let q = householderQr(await kernels.matmul(a, omegaT, m, n, l, { transposeB: true }), m, l).q;
  for (let it = 0; it < iterations; it++) {
    const qt = transpose(q, m, l, allocLike(a, l * m));
    const bt = await kernels.matmul(qt, a, l, m, n); // QᵀA, [l, n]
    const z = householderQr(transpose(bt, l, n, new Float64Array(n * l)), n, l).q; // qr(AᵀQ), [n, l]
    const zt = transpose(z, n, l, allocLike(a, l * n));
    q = householderQr(await kernels.matmul(a, zt, m, n, l, { transposeB: true }), m, l).q;
  }
  const qt = transpose(q, m, l, allocLike(a, l * m));
  const b = await kernels.matmul(qt, a, l, m, n); // B = QᵀA, [l, n]
  // Bᵀ = Û Σ V̂ᵀ, so B = V̂ Σ Ûᵀ and A ≈ (Q V̂) Σ Ûᵀ.
  const {
    u: uHat,
    s,
    v: vHat,
  } = jacobiSvd(Float64Array.from(transpose(b, l, n, new Float64Array(n * l))), n, l);
  const order = Array.from({ length: l }, (_, i) => i)
    .sort((x, y) => s[y] - s[x])
    .slice(0, rank);
  const u = new Float64Array(m * rank);
  const vt = new Float64Array(rank * n);
  const sv = new Float64Array(rank);
  order.forEach((j, c) => {
    sv[c] = s[j];
    for (let i = 0; i < m; i++) {
      let acc = 0;
      for (let p = 0; p < l; p++) acc += q[i * l + p] * vHat[p * l + j];
      u[i * rank + c] = acc;
    }
    for (let i = 0; i < n; i++) vt[c * n + i] = uHat[i * l + j];
  });
  return { u, s: sv, vt, rank };
}
