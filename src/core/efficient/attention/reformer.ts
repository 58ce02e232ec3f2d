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
 * shared by all heads. Logits are `scale · q_iᵀk̂_j` (default `scale = 1/√d`). Each chunk of each
 * round is one group of the clustered-attention engine (its queries against the previous chunk's
 * keys and its own), so the scores and the weighted values are batched products on the kernels;
 * softmax sums and the merging of rounds are in float64. Cost O(heads · rounds · n · (d·b/2 + rounds · 2·bucketSize + 2·bucketSize
 * · (d + dv))) plus a counting sort per round.
 */
import { InvalidArgumentError } from '../../errors.js';
import { Random } from '../../random.js';
import type { FloatArray } from '../../tensor/kernels.js';
import { normalizeRows } from '../../tensor/loops.js';
import { allocLike } from '../../tensor/shapes.js';
import { clusteredAttention } from './clustered.js';
import {
  type AttentionOptions,
  type AttentionResult,
  type AttentionShape,
  checkAttention,
  checkBudget,
  checkFinite,
  emptyResult,
  kernelsOf,
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
  return new Random(seed).fillNormal(new Float64Array(rounds * d * half));
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
  const { heads, n, d } = dims;
  const bs = checkBudget(op, 'bucketSize', opts.bucketSize, 1);
  const rounds = checkBudget(op, 'rounds', opts.rounds ?? 1, 1);
  const buckets = checkBuckets(op, opts.buckets ?? reformerDefaultBuckets(n, bs));
  const scale = checkFinite(op, 'scale', opts.scale ?? 1 / Math.sqrt(d));
  const seed = checkFinite(op, 'seed', opts.seed ?? 0);
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
  if (n === 0) return emptyResult(v, opts.returnMatrix);

  const chunks = Math.ceil(n / bs);
  // Groups: per head, round and chunk, the chunk's queries against the previous chunk's keys and its
  // own (only its own with one chunk), over global rows h·n + i.
  const size = Math.min(bs, n);
  const keySize = chunks > 1 ? 2 * size : size;
  const count = heads * rounds * chunks;
  const queries = new Int32Array(count * size).fill(-1);
  const keyRows = new Int32Array(count * keySize).fill(-1);
  const keys = allocLike(q, heads * n * d); // the normalised queries
  // x R for every row and round (`[heads·n, buckets/2]` each), as products on the kernels.
  const kernels = kernelsOf(opts);
  const projections: FloatArray[] = [];
  for (let r = 0; r < rounds && half > 0; r++) {
    const rr = allocLike(q, d * half);
    rr.set(rot.subarray(r * d * half, (r + 1) * d * half));
    projections.push(await kernels.matmul(q, rr, heads * n, d, half));
  }
  const bucketOf = new Int32Array(n);
  const counts = new Int32Array(buckets + 1);
  const order = new Int32Array(n); // sorted index → position, one round
  for (let h = 0; h < heads; h++) {
    const qb = h * n * d;
    keys.set(normalizeRows(q.subarray(qb, qb + n * d), n, d), qb);
    // Hash, counting-sort (stable: positions in increasing order within a bucket) and chunk.
    for (let r = 0; r < rounds; r++) {
      const pr = projections[r];
      for (let j = 0; j < n; j++) {
        let best = 0;
        if (half > 0) {
          const o = (h * n + j) * half;
          let top = Number.NEGATIVE_INFINITY;
          for (let a = 0; a < half; a++) {
            if (pr[o + a] > top) {
              top = pr[o + a];
              best = a;
            }
          }
          for (let a = 0; a < half; a++) {
            if (-pr[o + a] > top) {
              top = -pr[o + a];
              best = half + a;
            }
          }
        }
        bucketOf[j] = best;
      }
      counts.fill(0);
      for (let j = 0; j < n; j++) counts[bucketOf[j] + 1]++;
      for (let b = 0; b < buckets; b++) counts[b + 1] += counts[b];
      for (let j = 0; j < n; j++) order[counts[bucketOf[j]]++] = j;
      for (let c = 0; c < chunks; c++) {
        const g = (h * rounds + r) * chunks + c;
        const fill = (into: Int32Array, at: number, chunk: number) => {
          const end = Math.min(n, (chunk + 1) * bs);
          for (let t = chunk * bs; t < end; t++) into[at + t - chunk * bs] = h * n + order[t];
        };
        fill(queries, g * size, c);
        if (chunks > 1) {
          fill(keyRows, g * keySize, (c + chunks - 1) % chunks);
          fill(keyRows, g * keySize + size, c);
        } else {
          fill(keyRows, g * keySize, c);
        }
      }
    }
  }
  const groups = { count, size, keySize, queries, keys: keyRows, selfLogit: REFORMER_SELF_LOGIT };
  return clusteredAttention(q, keys, v, dims, groups, scale, opts);
}
