/**
 * k-means clustering (Lloyd's iterations from a k-means++ start), seeded, with the distance
 * products on the tensor kernels. The one k-means of the project: slice discovery clusters
 * embeddings with it, routing attention its normalised queries and keys (spherical).
 *
 * Spherical k-means (Dhillon & Modha 2001) clusters directions: rows are scaled to unit length and
 * every centroid is the normalised mean of its rows. For unit vectors `‖x − c‖² = 2 − 2·x·c`, so the
 * nearest centroid is the one of largest cosine, and the normalised mean is the unit vector nearest
 * (in summed squared distance) to the cluster's rows: both steps lower the same objective, as in
 * the Euclidean case.
 */
import { TensorColumn } from '../column/tensor.js';
import { InvalidArgumentError, TypeMismatchError } from '../errors.js';
import { Random } from '../random.js';
import type { FloatArray, TensorKernels } from '../tensor/kernels.js';
import { gatherRows, normalizeRows, squaredDistance, squaredNorms } from '../tensor/loops.js';
import { tsKernels } from '../tensor/ts-kernels.js';

/** Options of {@link kmeans} and {@link kmeansRows}. */
export interface KMeansOptions {
  /** Number of clusters: a positive integer, at most the number of non-null rows. */
  k: number;
  /** Seed of the k-means++ start; default 0. Same seed, same data: same result. */
  seed?: number;
  /** Most Lloyd iterations per run; default 100. */
  maxIterations?: number;
  /** Stop when an iteration lowers the objective by less than this share of it; default 1e-6. */
  tolerance?: number;
  /** Independent starts (seeds `seed`, `seed + 1`, ...); the run with the lowest objective wins. Default 1. */
  restarts?: number;
  /**
   * Spherical k-means: cluster the rows' directions (rows scaled to unit length, centroids the
   * normalised means, nearest = largest cosine). Default false (Euclidean).
   */
  spherical?: boolean;
  /** Start from these `k × d` centroids instead of k-means++ (with `restarts` 1). */
  initialCentroids?: FloatArray;
  /** Kernels for the row-to-centroid products; default the plain TypeScript kernels. */
  kernels?: TensorKernels;
  /** Rows per distance product (bounds the `[rows, k]` score block); default 65536. */
  blockRows?: number;
}

/** A clustering of rows: what {@link kmeansRows} returns. */
export interface Clustering {
  /** `k × d` centroids, row-major (float64); unit length when spherical. */
  centroids: Float64Array;
  /** Per clustered row (in the order given), its cluster. */
  labels: Int32Array;
  /**
   * The objective: the sum over rows of the squared distance to their centroid (spherical: of the
   * unit rows, `Σ 2 − 2·cos`).
   */
  inertia: number;
  /** The objective after the first assignment and after each iteration (never increasing). */
  history: number[];
  /** Iterations run (of the winning start). */
  iterations: number;
  /** Whether assignments stopped changing (or the objective stopped improving) before the iteration cap. */
  converged: boolean;
}

/** The result of {@link kmeans}. */
export interface KMeansResult extends Omit<Clustering, 'labels'> {
  /** Clusters. */
  k: number;
  /** Dimensions per row. */
  d: number;
  /** Per row, its cluster; -1 for null rows. */
  assignments: Int32Array;
  /** Rows per cluster. */
  sizes: Int32Array;
}

/** Squared distance of row `row` of `x` to centroid `c`, in float64. */
function distanceTo(x: FloatArray, row: number, centroids: Float64Array, c: number, d: number): number {
  return squaredDistance(x, row * d, centroids, c * d, d);
}

/** k-means++: the first centroid uniformly, each next one with probability ∝ squared distance to the nearest chosen. */
function plusPlusStart(x: FloatArray, rows: Int32Array, k: number, d: number, rng: Random): Float64Array {
  const m = rows.length;
  const centroids = new Float64Array(k * d);
  const setCentroid = (c: number, row: number) => {
    for (let j = 0; j < d; j++) centroids[c * d + j] = x[row * d + j];
  };
  setCentroid(0, rows[rng.int(m)]);
  const nearest = new Float64Array(m);
  for (let r = 0; r < m; r++) nearest[r] = distanceTo(x, rows[r], centroids, 0, d);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let r = 0; r < m; r++) total += nearest[r];
    let pick = m - 1;
    if (total > 0) {
      let target = rng.next() * total;
      for (let r = 0; r < m; r++) {
        target -= nearest[r];
        if (target < 0) {
          pick = r;
          break;
        }
      }
    } else pick = rng.int(m); // every row sits on a centroid already: any row will do
    setCentroid(c, rows[pick]);
    for (let r = 0; r < m; r++) {
      const dist = distanceTo(x, rows[r], centroids, c, d);
      if (dist < nearest[r]) nearest[r] = dist;
    }
  }
  return centroids;
}

/**
 * Assign each row to its nearest centroid. Candidates come from the kernels' products
 * (`‖c‖² − 2x·c`, in the data's precision); a row changes cluster only if the candidate is
 * strictly nearer in exact float64 distance, so no assignment step raises the objective.
 * Returns the number of rows that changed.
 */
async function assign(
  x: FloatArray,
  rows: Int32Array,
  centroids: Float64Array,
  k: number,
  d: number,
  labels: Int32Array,
  kernels: TensorKernels,
  blockRows: number,
): Promise<number> {
  const c = x instanceof Float64Array ? Float64Array.from(centroids) : Float32Array.from(centroids);
  const norms = squaredNorms(centroids, k, d);
  let changed = 0;
  for (let from = 0; from < rows.length; from += blockRows) {
    const to = Math.min(rows.length, from + blockRows);
    const block = gatherRows(x, rows.subarray(from, to), d);
    const dots = await kernels.matmul(block, c, to - from, d, k, { transposeB: true });
    for (let r = from; r < to; r++) {
      const o = (r - from) * k;
      let best = 0;
      let bestScore = norms[0] - 2 * dots[o];
      for (let j = 1; j < k; j++) {
        const s = norms[j] - 2 * dots[o + j];
        if (s < bestScore) {
          best = j;
          bestScore = s;
        }
      }
      const old = labels[r];
      if (best === old) continue;
      if (old < 0 || distanceTo(x, rows[r], centroids, best, d) < distanceTo(x, rows[r], centroids, old, d)) {
        labels[r] = best;
        changed++;
      }
    }
  }
  return changed;
}

function objective(
  x: FloatArray,
  rows: Int32Array,
  centroids: Float64Array,
  labels: Int32Array,
  d: number,
): number {
  let s = 0;
  for (let r = 0; r < rows.length; r++) s += distanceTo(x, rows[r], centroids, labels[r], d);
  return s;
}

/**
 * Centroids as the means of their rows (spherical: the normalised means; a zero mean keeps its
 * centroid); an empty cluster moves onto the row farthest from its centroid.
 */
function update(
  x: FloatArray,
  rows: Int32Array,
  centroids: Float64Array,
  labels: Int32Array,
  k: number,
  d: number,
  spherical: boolean,
): void {
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  for (let r = 0; r < rows.length; r++) {
    const c = labels[r];
    counts[c]++;
    const xo = rows[r] * d;
    for (let j = 0; j < d; j++) sums[c * d + j] += x[xo + j];
  }
  const taken = new Set<number>();
  for (let c = 0; c < k; c++) {
    if (counts[c] > 0) {
      let scale = 1 / counts[c];
      if (spherical) {
        let sq = 0;
        for (let j = 0; j < d; j++) sq += sums[c * d + j] ** 2;
        if (sq === 0) continue;
        scale = 1 / Math.sqrt(sq);
      }
      for (let j = 0; j < d; j++) centroids[c * d + j] = sums[c * d + j] * scale;
      continue;
    }
    // No rows moved in or out, so moving it changes no distance now; the next assignment gains.
    let far = -1;
    let farDistance = -1;
    for (let r = 0; r < rows.length; r++) {
      if (taken.has(r)) continue;
      const dist = distanceTo(x, rows[r], centroids, labels[r], d);
      if (dist > farDistance) {
        far = r;
        farDistance = dist;
      }
    }
    if (far < 0) continue;
    taken.add(far);
    for (let j = 0; j < d; j++) centroids[c * d + j] = x[rows[far] * d + j];
  }
}

/**
 * k-means of rows `rows` of `x` (`[·, d]`, row-major; every row when `rows` is null). Starts from
 * k-means++ seeding (or `initialCentroids`), then alternates assigning rows to their nearest
 * centroid and moving each centroid to the mean of its rows until assignments stop changing. The
 * objective never increases from one iteration to the next; `history` records it.
 *
 * @throws InvalidArgumentError for a bad option (k outside 1 to the number of rows, ...).
 */
export async function kmeansRows(
  data: FloatArray,
  rows: Int32Array | null,
  d: number,
  options: KMeansOptions,
): Promise<Clustering> {
  const {
    k,
    seed = 0,
    maxIterations = 100,
    tolerance = 1e-6,
    restarts = 1,
    spherical = false,
    initialCentroids,
    kernels = tsKernels,
    blockRows = 65536,
  } = options;
  if (d < 1) throw new InvalidArgumentError('kmeans needs rows with at least one value');
  const ids = rows ?? Int32Array.from({ length: Math.floor(data.length / d) }, (_, i) => i);
  if (!Number.isSafeInteger(k) || k < 1 || k > ids.length)
    throw new InvalidArgumentError(
      `k must be an integer from 1 to the number of non-null rows (${ids.length}), got ${k}`,
    );
  if (!Number.isSafeInteger(maxIterations) || maxIterations < 0)
    throw new InvalidArgumentError(`maxIterations must be a non-negative integer, got ${maxIterations}`);
  if (!Number.isSafeInteger(restarts) || restarts < 1)
    throw new InvalidArgumentError(`restarts must be a positive integer, got ${restarts}`);
  if (initialCentroids !== undefined && (initialCentroids.length !== k * d || restarts !== 1))
    throw new InvalidArgumentError(
      `initialCentroids must hold k × d = ${k * d} values (and restarts be 1), got ${initialCentroids.length}`,
    );
  const x = spherical ? normalizeRows(data, data.length / d, d) : data;

  let best: Clustering | null = null;
  for (let run = 0; run < restarts; run++) {
    const centroids =
      initialCentroids !== undefined
        ? Float64Array.from(initialCentroids)
        : plusPlusStart(x, ids, k, d, new Random(seed + run));
    const labels = new Int32Array(ids.length).fill(-1);
    await assign(x, ids, centroids, k, d, labels, kernels, blockRows);
    const history = [objective(x, ids, centroids, labels, d)];
    let iterations = 0;
    let converged = false;
    while (iterations < maxIterations) {
      iterations++;
      update(x, ids, centroids, labels, k, d, spherical);
      const changed = await assign(x, ids, centroids, k, d, labels, kernels, blockRows);
      const prev = history[history.length - 1];
      const now = objective(x, ids, centroids, labels, d);
      history.push(now);
      if (changed === 0 || prev - now <= tolerance * prev) {
        converged = true;
        break;
      }
    }
    // Leave the centroids at the means of the final assignment (a no-op once converged).
    update(x, ids, centroids, labels, k, d, spherical);
    const inertia = objective(x, ids, centroids, labels, d);
    if (inertia < history[history.length - 1]) history.push(inertia);
    if (best === null || inertia < best.inertia)
      best = { centroids, labels, inertia, history, iterations, converged };
  }
  return best as Clustering;
}

/**
 * k-means clustering of the rows of a tensor column (each row flattened to a vector), see
 * {@link kmeansRows}. Null rows are not clustered (assignment -1).
 *
 * ```ts
 * const { assignments, centroids } = await kmeans(df.column('embedding'), { k: 8, seed: 1 });
 * ```
 */
export async function kmeans(column: TensorColumn, options: KMeansOptions): Promise<KMeansResult> {
  if (!(column instanceof TensorColumn))
    throw new TypeMismatchError('kmeans needs a tensor column (one vector per row)');
  if (column.data instanceof BigInt64Array)
    throw new TypeMismatchError(
      'kmeans needs number rows; this column holds int64 tensors (bigints): convert it to float64 first if its values fit',
    );
  const d = column.rowSize;
  if (d === 0) throw new InvalidArgumentError('kmeans needs rows with at least one value');
  const x: FloatArray =
    column.data instanceof Float32Array || column.data instanceof Float64Array
      ? column.data
      : Float32Array.from(column.data);
  const valid: number[] = [];
  for (let i = 0; i < column.length; i++) if (!column.isNull(i)) valid.push(i);
  const rows = Int32Array.from(valid);
  const { labels, ...clustering } = await kmeansRows(x, rows, d, options);
  const assignments = new Int32Array(column.length).fill(-1);
  const sizes = new Int32Array(options.k);
  for (let r = 0; r < rows.length; r++) {
    assignments[rows[r]] = labels[r];
    sizes[labels[r]]++;
  }
  return { k: options.k, d, assignments, sizes, ...clustering };
}
