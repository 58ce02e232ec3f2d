/**
 * Slice discovery: cluster the rows by an embedding and rank the clusters by the model's error
 * rate, so coherent groups where the model fails stand out without naming them in advance.
 */
import { type KMeansResult, kmeans } from '../cluster/kmeans.js';
import { ScalarColumn } from '../column/scalar.js';
import type { TensorColumn } from '../column/tensor.js';
import { formatType } from '../column/types.js';
import { InvalidArgumentError, TypeMismatchError } from '../errors.js';
import { DataFrame } from '../frame/frame.js';
import type { TensorKernels } from '../tensor/kernels.js';
import { type ClassData, prepareEvaluation } from './evaluate.js';
import { wilsonInterval } from './intervals.js';
import type { Label } from './labels.js';

/** Options of {@link discoverSlices}. */
export interface DiscoverSlicesOptions {
  /** The tensor column to cluster (e.g. a model's penultimate-layer embeddings). */
  embedding: string;
  /** Number of clusters. */
  k: number;
  /**
   * Which rows the model got wrong: a bool column (true = error) or a numeric one (non-zero =
   * error). Or give `label` with `prediction` and/or `scores`, as for `evaluate`.
   */
  error?: string;
  label?: string;
  prediction?: string;
  scores?: string;
  classes?: readonly Label[];
  positive?: Label;
  /** Name of the per-row cluster column added to the frame; default `cluster`. */
  column?: string;
  /** Confidence level of the Wilson intervals of the error rates (default 0.95), or false. */
  confidence?: number | false;
  /** k-means settings (see {@link kmeans}). */
  seed?: number;
  maxIterations?: number;
  restarts?: number;
  kernels?: TensorKernels;
}

/** The result of {@link discoverSlices}. */
export interface DiscoveredSlices {
  /**
   * One row per cluster, highest error rate first: `cluster` (its id), `count` (rows with an
   * error known), `errors`, `error_rate`, `error_rate_lower`/`_upper` (Wilson), `gap` (error rate
   * minus the overall error rate) and `size` (rows in the cluster).
   */
  clusters: DataFrame;
  /** The per-row cluster (int32; null where the embedding is null). */
  assignments: ScalarColumn<number>;
  /** The input frame with the assignment column added. */
  frame: DataFrame;
  /** The clustering itself (centroids, objective history, ...). */
  kmeans: KMeansResult;
}

/** Per row: 1 = error, 0 = correct, -1 = unknown. */
function rowErrors(df: DataFrame, options: DiscoverSlicesOptions): Int8Array {
  const out = new Int8Array(df.length).fill(-1);
  if (options.error !== undefined) {
    const c = df.column(options.error);
    if (!(c instanceof ScalarColumn) || c.dtype === 'string')
      throw new TypeMismatchError(
        `error column "${options.error}" is ${formatType(c.type)}; it must be bool (true = error) or numeric`,
      );
    for (let i = 0; i < df.length; i++) if (!c.isNull(i)) out[i] = c.numberAt(i) !== 0 ? 1 : 0;
    return out;
  }
  if (options.label === undefined)
    throw new InvalidArgumentError(
      'discoverSlices needs { error: column } or { label, prediction and/or scores } to know which rows are wrong',
    );
  const { data, rows } = prepareEvaluation(df, { ...options, label: options.label }, 'classification');
  const d = data as ClassData;
  for (let r = 0; r < rows.length; r++) out[rows[r]] = d.truth[r] === d.pred[r] ? 0 : 1;
  return out;
}

/**
 * Find slices where a model does badly: k-means (seeded, k-means++ start, distances on the tensor
 * kernels) on an embedding column, then each cluster's error rate with its Wilson interval,
 * clusters ranked worst first.
 *
 * ```ts
 * const { clusters, frame } = await discoverSlices(df, { embedding: 'emb', label: 'y', prediction: 'pred', k: 8 });
 * console.log(clusters.toString());
 * const worst = frame.filter('cluster', '==', clusters.column('cluster').get(0));
 * ```
 */
export async function discoverSlices(
  df: DataFrame,
  options: DiscoverSlicesOptions,
): Promise<DiscoveredSlices> {
  const emb = df.column(options.embedding);
  if (emb.type.kind !== 'tensor')
    throw new TypeMismatchError(
      `embedding column "${options.embedding}" is ${formatType(emb.type)}; slice discovery clusters a tensor column`,
    );
  const level = options.confidence === undefined ? 0.95 : options.confidence;
  const errors = rowErrors(df, options);
  const result = await kmeans(emb as TensorColumn, {
    k: options.k,
    seed: options.seed,
    maxIterations: options.maxIterations,
    restarts: options.restarts,
    kernels: options.kernels,
  });
  const k = result.k;
  const count = new Int32Array(k);
  const wrong = new Int32Array(k);
  let totalCount = 0;
  let totalWrong = 0;
  for (let i = 0; i < df.length; i++) {
    const c = result.assignments[i];
    if (c < 0 || errors[i] < 0) continue;
    count[c]++;
    wrong[c] += errors[i];
    totalCount++;
    totalWrong += errors[i];
  }
  const overall = totalCount ? totalWrong / totalCount : Number.NaN;
  const rate = Float64Array.from(count, (n, c) => (n ? wrong[c] / n : Number.NaN));
  const order = Array.from({ length: k }, (_, c) => c).sort((a, b) => {
    const ra = Number.isNaN(rate[a]) ? -1 : rate[a];
    const rb = Number.isNaN(rate[b]) ? -1 : rate[b];
    return rb - ra || count[b] - count[a] || a - b;
  });
  const cols: Record<string, ArrayLike<unknown>> = {
    cluster: Int32Array.from(order),
    size: Int32Array.from(order, (c) => result.sizes[c]),
    count: Int32Array.from(order, (c) => count[c]),
    errors: Int32Array.from(order, (c) => wrong[c]),
    error_rate: Float64Array.from(order, (c) => rate[c]),
  };
  if (level !== false) {
    const ci = order.map((c) => (count[c] ? wilsonInterval(wrong[c], count[c], level) : null));
    cols.error_rate_lower = Float64Array.from(ci, (x) => x?.lower ?? Number.NaN);
    cols.error_rate_upper = Float64Array.from(ci, (x) => x?.upper ?? Number.NaN);
  }
  cols.gap = Float64Array.from(order, (c) => rate[c] - overall);

  const validity = new Uint8Array(Math.ceil(df.length / 8));
  for (let i = 0; i < df.length; i++) if (result.assignments[i] >= 0) validity[i >> 3] |= 1 << (i & 7);
  const hasNull = result.assignments.some((c) => c < 0);
  const assignments = new ScalarColumn<number>('int32', df.length, {
    values: result.assignments,
    validity: hasNull ? validity : null,
  });
  return {
    clusters: new DataFrame(cols),
    assignments,
    frame: df.withColumn(options.column ?? 'cluster', assignments),
    kmeans: result,
  };
}
