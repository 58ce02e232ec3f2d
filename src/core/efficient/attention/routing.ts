/**
 * Routing attention (Roy, Saffar, Vaswani, Grangier 2021, "Efficient Content-Based Sparse Attention
 * with Routing Transformers"): queries and keys are routed to `clusters` centroids, and attention is
 * exact inside each cluster.
 *
 * - Per head, queries and keys are normalised to unit length (the paper's layer norm without scale,
 *   up to a constant) and clustered jointly by the project's spherical k-means (`kmeansRows` with
 *   `spherical`, seed `seed + head`): k-means++ initial centroids drawn from the normalised queries
 *   and keys, then up to `iterations` Lloyd steps (assign each point to the centroid of largest dot
 *   product; each centroid becomes the normalised mean of its points), stopping once no point
 *   moves. In a trained model the centroids are a running
 *   (EMA) k-means over the training batches ({@link updateRoutingCentroids} is one step of it);
 *   pass them as `centroids` to skip the clustering.
 * - Balanced routing: each cluster takes its `windowSize` queries and its `windowSize` keys of largest
 *   dot product with its centroid (ties: lower position first). A query may fall in several clusters,
 *   or in none.
 * - Every query of a cluster attends exactly to every key of the cluster; a query in several clusters
 *   gets the softmax over the union of their keys (log-sum-exp with duplicate counts, see
 *   {@link clusteredAttention}); a query in none (or, causal, with only later keys) attends to itself.
 *
 * With `causal`, keys after the query are dropped inside its clusters; the clusters depend on every
 * position, so future queries and keys may change which earlier keys a query sees, never the weights
 * of a key after it, and future values never change a row. Cost O(heads · (iterations · n · clusters
 * · d + clusters · windowSize · (windowSize · (d + dv)))) plus the top-w selections.
 */
import { kmeansRows } from '../../cluster/kmeans.js';
import { InvalidArgumentError } from '../../errors.js';
import type { FloatArray, TensorKernels } from '../../tensor/kernels.js';
import { argmax, normalizeRows } from '../../tensor/loops.js';
import { allocLike } from '../../tensor/shapes.js';
import { type AttentionGroups, clusteredAttention } from './clustered.js';
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

/** Options of {@link routingAttention}. */
export interface RoutingOptions extends AttentionOptions {
  /** Number of clusters per head (default `round(√n)`, at least 1; the paper's k ≈ √n). */
  clusters?: number;
  /** Queries and keys each cluster takes (default `⌈n / clusters⌉`, so the clusters tile the sequence). */
  windowSize?: number;
  /** Lloyd iterations of the k-means (default 5; it stops earlier once no point moves). */
  iterations?: number;
  /** Seed of the initial centroids (default 0). */
  seed?: number;
  /** Unit-norm centroids `[heads, clusters, d]` to route with instead of running k-means. */
  centroids?: FloatArray;
  /** Multiplier of the logits (default `1/√d`). */
  scale?: number;
}

/**
 * Spherical k-means of the normalised queries and keys of every head (see the file comment):
 * returns unit-norm centroids `[heads, clusters, d]` in the inputs' element type.
 */
export async function routingCentroids<T extends FloatArray>(
  q: T,
  k: T,
  shape: { heads?: number; n: number; d: number },
  options: { clusters: number; iterations?: number; seed?: number; kernels?: TensorKernels },
): Promise<T> {
  const op = 'routingCentroids';
  const heads = shape.heads ?? 1;
  const { n, d } = shape;
  const clusters = checkBudget(op, 'clusters', options.clusters, 1);
  const iterations = checkBudget(op, 'iterations', options.iterations ?? 5, 0);
  if (clusters > 2 * n) {
    throw new InvalidArgumentError(`${op}: clusters=${clusters} but only ${2 * n} queries and keys per head`);
  }
  const seed = checkFinite(op, 'seed', options.seed ?? 0);
  const kernels = kernelsOf(options);
  const out = allocLike(q, heads * clusters * d);
  const points = allocLike(q, 2 * n * d);
  for (let h = 0; h < heads; h++) {
    points.set(q.subarray(h * n * d, (h + 1) * n * d), 0);
    points.set(k.subarray(h * n * d, (h + 1) * n * d), n * d);
    const { centroids } = await kmeansRows(points, null, d, {
      k: clusters,
      seed: seed + h,
      maxIterations: iterations,
      tolerance: 0,
      spherical: true,
      kernels,
    });
    out.set(centroids, h * clusters * d);
  }
  return out;
}

/**
 * One training-time update of routing centroids, as the Routing Transformer keeps them: every
 * normalised query and key of a head is assigned to its centroid of largest dot product, and each
 * centroid moves to `normalise(decay · c + (1 − decay) · mean of its points)`; a centroid with no
 * points keeps its place. Returns new centroids `[heads, clusters, d]` (the input is not changed).
 */
export async function updateRoutingCentroids<T extends FloatArray>(
  centroids: T,
  q: T,
  k: T,
  shape: { heads?: number; n: number; d: number },
  options: { decay?: number; kernels?: TensorKernels } = {},
): Promise<T> {
  const op = 'updateRoutingCentroids';
  const heads = shape.heads ?? 1;
  const { n, d } = shape;
  const decay = options.decay ?? 0.999;
  if (typeof decay !== 'number' || !(decay >= 0 && decay <= 1)) {
    throw new InvalidArgumentError(`${op}: decay must be a number in [0, 1], got ${String(decay)}`);
  }
  if (
    centroids.constructor !== q.constructor ||
    centroids.length === 0 ||
    centroids.length % (heads * d) !== 0
  ) {
    throw new InvalidArgumentError(
      `${op}: centroids must be of the element type of q and of shape [heads=${heads}, clusters, d=${d}]`,
    );
  }
  const clusters = centroids.length / (heads * d);
  const kernels = kernelsOf(options);
  const out = allocLike(centroids, centroids.length);
  out.set(centroids);
  const points = allocLike(q, 2 * n * d);
  const sums = new Float64Array(clusters * d);
  const members = new Int32Array(clusters);
  for (let h = 0; h < heads; h++) {
    points.set(normalizeRows(q.subarray(h * n * d, (h + 1) * n * d) as T, n, d), 0);
    points.set(normalizeRows(k.subarray(h * n * d, (h + 1) * n * d) as T, n, d), n * d);
    const c = out.subarray(h * clusters * d, (h + 1) * clusters * d) as T;
    const sims = await kernels.matmul(points, c, 2 * n, d, clusters, { transposeB: true });
    sums.fill(0);
    members.fill(0);
    for (let p = 0; p < 2 * n; p++) {
      const a = argmax(sims, p * clusters, clusters);
      members[a]++;
      for (let t = 0; t < d; t++) sums[a * d + t] += points[p * d + t];
    }
    for (let a = 0; a < clusters; a++) {
      if (members[a] === 0) continue;
      let sq = 0;
      for (let t = 0; t < d; t++) {
        const x = decay * c[a * d + t] + ((1 - decay) * sums[a * d + t]) / members[a];
        sums[a * d + t] = x;
        sq += x * x;
      }
      if (sq === 0) continue;
      const inv = 1 / Math.sqrt(sq);
      for (let t = 0; t < d; t++) c[a * d + t] = sums[a * d + t] * inv;
    }
  }
  return out;
}

/**
 * The routing groups over global rows (`h·n + i`): group `h·clusters + c` holds the `windowSize`
 * queries and keys of head `h` nearest centroid `c`.
 */
export async function routingGroups<T extends FloatArray>(
  q: T,
  k: T,
  heads: number,
  n: number,
  d: number,
  centroids: T,
  clusters: number,
  windowSize: number,
  kernels: TensorKernels,
): Promise<AttentionGroups> {
  const size = windowSize;
  const queries = new Int32Array(heads * clusters * size);
  const keys = new Int32Array(heads * clusters * size);
  for (let h = 0; h < heads; h++) {
    const c = centroids.subarray(h * clusters * d, (h + 1) * clusters * d) as T;
    for (const [x, into] of [
      [q, queries],
      [k, keys],
    ] as const) {
      const xh = normalizeRows(x.subarray(h * n * d, (h + 1) * n * d) as T, n, d);
      const scores = await kernels.matmul(c, xh, clusters, d, n, { transposeB: true }); // [clusters, n]
      const { indices } = await kernels.topk(scores, clusters, n, size);
      for (let t = 0; t < indices.length; t++) into[h * clusters * size + t] = h * n + indices[t];
    }
  }
  return { count: heads * clusters, size, queries, keys };
}

/** Routing attention, bidirectional or causal. */
export async function routingAttention<T extends FloatArray>(
  q: T,
  k: T,
  v: T,
  shape: AttentionShape,
  options: RoutingOptions = {},
): Promise<AttentionResult<T>> {
  const op = 'routingAttention';
  const opts = options ?? {};
  const dims = checkAttention(op, q, k, v, shape, opts);
  const { heads, n, d } = dims;
  if (n === 0) return emptyResult(v, opts.returnMatrix);
  const clusters = checkBudget(op, 'clusters', opts.clusters ?? Math.max(1, Math.round(Math.sqrt(n))), 1);
  if (clusters > n) throw new InvalidArgumentError(`${op}: clusters=${clusters} exceeds n=${n}`);
  const windowSize = checkBudget(op, 'windowSize', opts.windowSize ?? Math.ceil(n / clusters), 1);
  if (windowSize > n) throw new InvalidArgumentError(`${op}: windowSize=${windowSize} exceeds n=${n}`);
  const scale = checkFinite(op, 'scale', opts.scale ?? 1 / Math.sqrt(d));
  const kernels = kernelsOf(opts);
  let centroids: T;
  if (opts.centroids !== undefined) {
    const c = opts.centroids;
    if (!(c instanceof Float32Array || c instanceof Float64Array) || c.length !== heads * clusters * d) {
      throw new InvalidArgumentError(
        `${op}: centroids must be a Float32Array or Float64Array of shape [heads=${heads}, clusters=${clusters}, d=${d}]`,
      );
    }
    centroids = allocLike(q, c.length);
    centroids.set(c);
  } else {
    centroids = await routingCentroids(q, k, dims, {
      clusters,
      iterations: opts.iterations,
      seed: opts.seed,
      kernels,
    });
  }
  const groups = await routingGroups(q, k, heads, n, d, centroids, clusters, windowSize, kernels);
  return clusteredAttention(q, k, v, dims, groups, scale, opts);
}
