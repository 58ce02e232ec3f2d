/**
 * Reformer LSH attention (Kitaev, Kaiser, Levskaya 2020).
 *
 * - Shared QK: the keys are the normalised queries, `k̂_j = q_j / ‖q_j‖` (a zero query gives a zero
 *   key). The `k` argument is only shape- and type-checked and otherwise ignored: pass `q` (or
 *   anything of the same shape).
 * - Angular LSH: with `R ∈ ℝ^{d×b/2}` Gaussian, `h(x) = argmax([xR; −xR])` (first index on ties)
 *   over `b = buckets` buckets; `buckets = 1` puts every position in bucket 0 (no rotation).
 * - Positions are stably sorted by (bucket, position) and the sorted order is cut into chunks of
 *   `bucketSize` (the last may be shorter); each chunk attends to itself and the previous chunk, the
 *   first chunk to the last one (wrap-around, as in the reference implementation; with a single
 *   chunk only to itself).
 * - A position does not attend to itself unless nothing else is available: its own logit is replaced
 *   by {@link REFORMER_SELF_LOGIT}. With `causal`, keys after the query (original positions) are
 *   dropped; the query itself always remains, so every row has support.
 * - Rounds: each round `r` gives `o_i^(r)` and `lse_i^(r)` with `log N_ij` subtracted from each logit,
 *   `N_ij` the number of rounds in which `j` is in the support of `i`; then
 *   `o_i = Σ_r softmax_r(lse_i^(r)) o_i^(r)`. With this duplicate count the result is exactly the
 *   softmax over the union of the rounds' supports (with the self rule above).
 *
 * The rotations are drawn round after round from one seeded generator, so the first `r` rounds of a
 * call with more rounds are the rounds of a call with `r` rounds (supports are nested), and they are
 * shared by all heads. Logits are `scale · q_iᵀk̂_j` (default `scale = 1/√d`); everything is
 * accumulated in float64. Cost O(heads · rounds · n · (d·b/2 + rounds · 2·bucketSize + 2·bucketSize
 * · (d + dv))) plus a counting sort per round.
 */
import { InvalidArgumentError } from '../../errors.js';
import { Random } from '../../random.js';
import type { FloatArray } from '../../tensor/kernels.js';
import { allocLike } from '../../tensor/shapes.js';
import {
  type AttentionOptions,
  type AttentionResult,
  type AttentionShape,
  checkAttention,
  checkBudget,
} from './common.js';

/** The logit a position gives itself (as in the reference notes): used only when nothing else is. */
export const REFORMER_SELF_LOGIT = -5e4;

/** Options of {@link reformerAttention}. */
export interface ReformerOptions extends AttentionOptions {
  /** Chunk length of the sorted sequence (the paper's bucket size, e.g. 64). Required, ≥ 1. */
  bucketSize: number;
  /** Hash rounds (default 1; the paper recommends 8, 4 acceptable). */
  rounds?: number;
  /**
   * Number of hash buckets: 1 or an even number. Default `n / bucketSize` rounded up, then up to
   * an even number (1 when one chunk covers the sequence).
   */
  buckets?: number;
  /** Seed of the rotations (default 0). */
  seed?: number;
  /** Rotations `[rounds, d, buckets/2]` to use instead of drawing them (see {@link reformerRotations}). */
  rotations?: Float64Array;
  /** Multiplier of the logits (default `1/√d`). */
  scale?: number;
}

/** The default bucket count for `n` positions and chunks of `bucketSize`. */
export function reformerDefaultBuckets(n: number, bucketSize: number): number {
  const b = Math.ceil(n / bucketSize);
  return b <= 1 ? 1 : b + (b % 2);
}

/**
 * Random rotations `[rounds, d, buckets/2]` (float64, iid N(0, 1)), round after round from
 * `new Random(seed)`; empty for one bucket.
 */
export function reformerRotations(rounds: number, d: number, buckets: number, seed = 0): Float64Array {
  const op = 'reformerRotations';
  checkBudget(op, 'rounds', rounds, 1);
  checkBudget(op, 'd', d, 1);
  checkBuckets(op, buckets);
  const half = buckets === 1 ? 0 : buckets / 2;
  const rng = new Random(seed);
  const out = new Float64Array(rounds * d * half);
  for (let i = 0; i < out.length; i++) out[i] = rng.normal();
  return out;
}

function checkBuckets(op: string, buckets: unknown): number {
  const b = checkBudget(op, 'buckets', buckets, 1);
  if (b !== 1 && b % 2 !== 0) {
    throw new InvalidArgumentError(`${op}: buckets must be 1 or even, got ${b}`);
  }
  return b;
}

/** Reformer LSH attention (shared QK), bidirectional or causal. */
export async function reformerAttention<T extends FloatArray>(
  q: T,
  k: T,
  v: T,
  shape: AttentionShape,
  options: ReformerOptions,
): Promise<AttentionResult<T>> {
  const op = 'reformerAttention';
  const opts = options ?? ({} as ReformerOptions);
  const dims = checkAttention(op, q, k, v, shape, opts);
  const { heads, n, d, dv } = dims;
  const bs = checkBudget(op, 'bucketSize', opts.bucketSize, 1);
  const rounds = checkBudget(op, 'rounds', opts.rounds ?? 1, 1);
  const buckets = checkBuckets(op, opts.buckets ?? reformerDefaultBuckets(n, bs));
  const scale = opts.scale ?? 1 / Math.sqrt(d);
  if (typeof scale !== 'number' || !Number.isFinite(scale)) {
    throw new InvalidArgumentError(`${op}: scale must be a finite number, got ${String(scale)}`);
  }
  const seed = opts.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new InvalidArgumentError(`${op}: seed must be a finite number, got ${String(seed)}`);
  }
  const half = buckets === 1 ? 0 : buckets / 2;
  let rot: Float64Array;
  if (opts.rotations !== undefined) {
    if (!(opts.rotations instanceof Float64Array) || opts.rotations.length !== rounds * d * half) {
      throw new InvalidArgumentError(
        `${op}: rotations must be a Float64Array of shape [rounds=${rounds}, d=${d}, buckets/2=${half}]`,
      );
    }
    rot = opts.rotations;
  } else {
    rot = reformerRotations(rounds, d, buckets, seed);
  }
  const causal = opts.causal ?? false;
  const output = allocLike(v, heads * n * dv);
  const matrix = opts.returnMatrix ? allocLike(v, heads * n * n) : undefined;
  if (n === 0) return matrix ? { output, matrix } : { output };

  const chunks = Math.ceil(n / bs);
  const keys = new Float64Array(n * d); // normalised queries of one head
  const proj = new Float64Array(half);
  const bucketOf = new Int32Array(n);
  const counts = new Int32Array(buckets + 1);
  const order = new Int32Array(rounds * n); // sorted index → position, per round
  const chunkOf = new Int32Array(rounds * n); // position → chunk, per round
  const rowMax = new Float64Array(n);
  const rowSum = new Float64Array(n);
  const acc = new Float64Array(n * dv);
  const logits = new Float64Array(2 * bs);
  const cols = new Int32Array(2 * bs);
  const roundAcc = new Float64Array(dv);

  for (let h = 0; h < heads; h++) {
    const qb = h * n * d;
    for (let j = 0; j < n; j++) {
      let sq = 0;
      for (let c = 0; c < d; c++) sq += q[qb + j * d + c] * q[qb + j * d + c];
      const inv = sq > 0 ? 1 / Math.sqrt(sq) : 0;
      for (let c = 0; c < d; c++) keys[j * d + c] = q[qb + j * d + c] * inv;
    }
    // Hash, counting-sort (stable: positions in increasing order within a bucket) and chunk.
    for (let r = 0; r < rounds; r++) {
      const ro = r * d * half;
      for (let j = 0; j < n; j++) {
        let best = 0;
        if (half > 0) {
          proj.fill(0);
          for (let c = 0; c < d; c++) {
            const x = q[qb + j * d + c];
            if (x === 0) continue;
            const rr = ro + c * half;
            for (let a = 0; a < half; a++) proj[a] += x * rot[rr + a];
          }
          let top = Number.NEGATIVE_INFINITY;
          for (let a = 0; a < half; a++) {
            if (proj[a] > top) {
              top = proj[a];
              best = a;
            }
          }
          for (let a = 0; a < half; a++) {
            if (-proj[a] > top) {
              top = -proj[a];
              best = half + a;
            }
          }
        }
        bucketOf[j] = best;
      }
      counts.fill(0);
      for (let j = 0; j < n; j++) counts[bucketOf[j] + 1]++;
      for (let b = 0; b < buckets; b++) counts[b + 1] += counts[b];
      for (let j = 0; j < n; j++) {
        const s = counts[bucketOf[j]]++;
        order[r * n + s] = j;
        chunkOf[r * n + j] = Math.floor(s / bs);
      }
    }
    // In how many rounds is j in the support of i?
    const dup = (i: number, j: number): number => {
      let count = 0;
      for (let r = 0; r < rounds; r++) {
        const ci = chunkOf[r * n + i];
        const cj = chunkOf[r * n + j];
        if (cj === ci || (chunks > 1 && cj === (ci + chunks - 1) % chunks)) count++;
      }
      return count;
    };
    rowMax.fill(Number.NEGATIVE_INFINITY);
    rowSum.fill(0);
    acc.fill(0);
    for (let pass = 0; pass < (matrix ? 2 : 1); pass++) {
      for (let r = 0; r < rounds; r++) {
        for (let s = 0; s < n; s++) {
          const i = order[r * n + s];
          const c = Math.floor(s / bs);
          // Support: the previous chunk (if distinct) then the own chunk, in sorted order.
          let m = 0;
          for (let span = chunks > 1 ? 0 : 1; span < 2; span++) {
            const cc = span === 0 ? (c + chunks - 1) % chunks : c;
            const end = Math.min(n, (cc + 1) * bs);
            for (let t = cc * bs; t < end; t++) {
              const j = order[r * n + t];
              if (causal && j > i) continue;
              cols[m++] = j;
            }
          }
          let max = Number.NEGATIVE_INFINITY;
          const qo = qb + i * d;
          for (let t = 0; t < m; t++) {
            const j = cols[t];
            let l: number;
            if (j === i) {
              l = REFORMER_SELF_LOGIT;
            } else {
              let dotp = 0;
              for (let e = 0; e < d; e++) dotp += q[qo + e] * keys[j * d + e];
              l = dotp * scale;
            }
            if (rounds > 1) l -= Math.log(dup(i, j));
            logits[t] = l;
            if (l > max) max = l;
          }
          if (pass === 1 && matrix) {
            const mr = (h * n + i) * n;
            for (let t = 0; t < m; t++) {
              matrix[mr + cols[t]] += Math.exp(logits[t] - rowMax[i]) / rowSum[i];
            }
            continue;
          }
          // This round's (max, sum, Σ e·v), merged into the running ones of row i (log-sum-exp).
          let z = 0;
          roundAcc.fill(0);
          for (let t = 0; t < m; t++) {
            const e = Math.exp(logits[t] - max);
            z += e;
            const vo = (h * n + cols[t]) * dv;
            for (let cv = 0; cv < dv; cv++) roundAcc[cv] += e * v[vo + cv];
          }
          const old = rowMax[i];
          const top = Math.max(old, max);
          const fOld = old === Number.NEGATIVE_INFINITY ? 0 : Math.exp(old - top);
          const fNew = Math.exp(max - top);
          rowMax[i] = top;
          rowSum[i] = rowSum[i] * fOld + z * fNew;
          const ao = i * dv;
          for (let cv = 0; cv < dv; cv++) acc[ao + cv] = acc[ao + cv] * fOld + roundAcc[cv] * fNew;
        }
      }
    }
    for (let i = 0; i < n; i++) {
      const oo = (h * n + i) * dv;
      for (let cv = 0; cv < dv; cv++) output[oo + cv] = acc[i * dv + cv] / rowSum[i];
    }
  }
  return matrix ? { output, matrix } : { output };
}
