/**
 * SMYRF (Daras, Kitaev, Odena, Dimakis, NeurIPS 2020): asymmetric LSH clustering of queries and keys
 * into balanced clusters, exact attention inside each cluster.
 *
 * - Asymmetric XBOX+ transform, per head, with `M² = max‖q‖² + max‖k‖²`:
 *   `q̃ = [q, 0, √(M² − ‖q‖²)]`, `k̃ = [k, √(M² − ‖k‖²), 0]`, so `‖q̃ − k̃‖² = 2M² − 2qᵀk`: the
 *   keys nearest a query are those of largest inner product.
 * - E2LSH: `h(x) = aᵀx + b` with `a ~ N(0, I_{d+2})`, one vector per round. Queries and keys are
 *   sorted by their hash (ties by position) separately, and both sorted orders are cut into clusters
 *   of `clusterSize` (the last may be shorter); query cluster `c` attends to key cluster `c`. The
 *   offset `b` shifts every hash alike, so it cannot change the order, and is left out.
 * - Rounds: each round gives another clustering; a query's rounds are merged into the softmax over the
 *   union of its clusters' keys (log-sum-exp with duplicate counts, see {@link clusteredAttention}).
 *
 * The hash vectors are drawn round after round from one seeded generator and shared by every head,
 * so the first `r` rounds of a call with more rounds are the rounds of a call with `r` rounds. With
 * `causal`, keys after the query are dropped inside its clusters (a query with nothing left attends
 * to itself); the clusters themselves still depend on every position (as in Reformer), so future
 * queries and keys may change which earlier keys share a query's cluster, never the weights of a
 * key after it, and future values never change a row. Cost O(heads · rounds · (n log n + n · d +
 * n · clusterSize · (d + dv))).
 */
import { InvalidArgumentError } from '../../errors.js';
import { Random } from '../../random.js';
import type { FloatArray } from '../../tensor/kernels.js';
import { squaredNorms } from '../../tensor/loops.js';
import { type AttentionGroups, clusteredAttention } from './clustered.js';
import {
  type AttentionOptions,
  type AttentionResult,
  type AttentionShape,
  checkAttention,
  checkBudget,
  checkFinite,
  emptyResult,
} from './common.js';

/** Options of {@link smyrfAttention}. */
export interface SmyrfOptions extends AttentionOptions {
  /** Queries (and keys) per cluster, e.g. 32 (official SMYRF-BERT) or 49 (Scatterbrain). Required. */
  clusterSize: number;
  /** Hash rounds (default 1; SMYRF-BERT uses 2). */
  rounds?: number;
  /** Seed of the hash vectors (default 0). */
  seed?: number;
  /** Hash vectors `[rounds, d + 2]` to use instead of drawing them (see {@link smyrfHashVectors}). */
  hashVectors?: Float64Array;
  /** Multiplier of the logits (default `1/√d`). */
  scale?: number;
}

/** E2LSH vectors `[rounds, d + 2]` (float64, iid N(0, 1)), round after round from `new Random(seed)`. */
export function smyrfHashVectors(rounds: number, d: number, seed = 0): Float64Array {
  checkBudget('smyrfHashVectors', 'rounds', rounds, 1);
  checkBudget('smyrfHashVectors', 'd', d, 1);
  return new Random(seed).fillNormal(new Float64Array(rounds * (d + 2)));
}

/** Resolves and checks the hashing options shared by SMYRF and Scatterbrain's SMYRF support. */
export function smyrfHashing(
  op: string,
  d: number,
  opts: { clusterSize?: number; rounds?: number; seed?: number; hashVectors?: Float64Array },
): { clusterSize: number; rounds: number; hashVectors: Float64Array } {
  const clusterSize = checkBudget(op, 'clusterSize', opts.clusterSize, 1);
  const rounds = checkBudget(op, 'rounds', opts.rounds ?? 1, 1);
  const seed = checkFinite(op, 'seed', opts.seed ?? 0);
  if (opts.hashVectors !== undefined) {
    if (!(opts.hashVectors instanceof Float64Array) || opts.hashVectors.length !== rounds * (d + 2)) {
      throw new InvalidArgumentError(
        `${op}: hashVectors must be a Float64Array of shape [rounds=${rounds}, d+2=${d + 2}]`,
      );
    }
    return { clusterSize, rounds, hashVectors: opts.hashVectors };
  }
  return { clusterSize, rounds, hashVectors: smyrfHashVectors(rounds, d, seed) };
}

/**
 * The SMYRF clusters of every head and round as {@link AttentionGroups} over global rows
 * (`h·n + i`): group `(h·rounds + r)·clusters + c` holds query cluster `c` and key cluster `c` of
 * round `r` of head `h`.
 */
export function smyrfGroups(
  q: FloatArray,
  k: FloatArray,
  heads: number,
  n: number,
  d: number,
  clusterSize: number,
  rounds: number,
  hashVectors: Float64Array,
): AttentionGroups {
  const size = Math.max(1, Math.min(clusterSize, n));
  const clusters = Math.ceil(n / size);
  const count = heads * rounds * clusters;
  const queries = new Int32Array(count * size).fill(-1);
  const keys = new Int32Array(count * size).fill(-1);
  const qSq = squaredNorms(q, heads * n, d);
  const kSq = squaredNorms(k, heads * n, d);
  const qHash = new Float64Array(n);
  const kHash = new Float64Array(n);
  const qOrder = new Int32Array(n);
  const kOrder = new Int32Array(n);
  for (let h = 0; h < heads; h++) {
    const base = h * n;
    let mq = 0;
    let mk = 0;
    for (let i = 0; i < n; i++) {
      mq = Math.max(mq, qSq[base + i]);
      mk = Math.max(mk, kSq[base + i]);
    }
    const m2 = mq + mk;
    for (let r = 0; r < rounds; r++) {
      const a = hashVectors.subarray(r * (d + 2), (r + 1) * (d + 2));
      for (let i = 0; i < n; i++) {
        let hq = 0;
        let hk = 0;
        const o = (base + i) * d;
        for (let c = 0; c < d; c++) {
          hq += a[c] * q[o + c];
          hk += a[c] * k[o + c];
        }
        // The extra coordinates: [0, √(M² − ‖q‖²)] for queries, [√(M² − ‖k‖²), 0] for keys.
        qHash[i] = hq + a[d + 1] * Math.sqrt(Math.max(0, m2 - qSq[base + i]));
        kHash[i] = hk + a[d] * Math.sqrt(Math.max(0, m2 - kSq[base + i]));
        qOrder[i] = i;
        kOrder[i] = i;
      }
      qOrder.sort((x, y) => qHash[x] - qHash[y] || x - y);
      kOrder.sort((x, y) => kHash[x] - kHash[y] || x - y);
      const g0 = (h * rounds + r) * clusters;
      for (let t = 0; t < n; t++) {
        const slot = (g0 + Math.floor(t / size)) * size + (t % size);
        queries[slot] = base + qOrder[t];
        keys[slot] = base + kOrder[t];
      }
    }
  }
  return { count, size, queries, keys };
}

/** SMYRF attention, bidirectional or causal. */
export async function smyrfAttention<T extends FloatArray>(
  q: T,
  k: T,
  v: T,
  shape: AttentionShape,
  options: SmyrfOptions,
): Promise<AttentionResult<T>> {
  const op = 'smyrfAttention';
  const opts = options ?? ({} as SmyrfOptions);
  const dims = checkAttention(op, q, k, v, shape, opts);
  const { heads, n, d } = dims;
  const { clusterSize, rounds, hashVectors } = smyrfHashing(op, d, opts);
  const scale = checkFinite(op, 'scale', opts.scale ?? 1 / Math.sqrt(d));
  if (n === 0) return emptyResult(v, opts.returnMatrix);
  const groups = smyrfGroups(q, k, heads, n, d, clusterSize, rounds, hashVectors);
  return clusteredAttention(q, k, v, dims, groups, scale, opts);
}
