/**
 * Exact (brute-force) top-k search over a tensor column: blocked matrix products on the kernels,
 * a partial selection per block and a running top-k per query. Nothing is ever fully sorted.
 */
import { getBit } from '../column/bitmap.js';
import type { TensorColumn } from '../column/tensor.js';
import { InvalidArgumentError, ShapeError, TypeMismatchError } from '../errors.js';
import type { FloatArray, TensorKernels } from '../tensor/kernels.js';
import { squaredNorms } from '../tensor/loops.js';
import { tsKernels } from '../tensor/ts-kernels.js';

/**
 * How rows are compared with queries.
 * - `dot`: inner product, larger is better.
 * - `cosine`: inner product of the unit vectors, larger is better. A zero vector (query or row) has
 *   cosine 0 with everything.
 * - `l2`: squared Euclidean distance `‖q − x‖²`, smaller is better.
 */
export type SearchMetric = 'dot' | 'cosine' | 'l2';

/** Options of {@link exactSearch}. */
export interface ExactSearchOptions {
  /** How many rows to return per query: a positive integer. Capped at the number of non-null rows. */
  k: number;
  /** How rows are compared with queries. */
  metric: SearchMetric;
  /** The kernels that run the products and selections; default the plain TypeScript kernels. */
  kernels?: TensorKernels;
  /** Database rows per block (bounds the `[queries, blockRows]` score matrix); default 16384. */
  blockRows?: number;
}

/** The result of {@link exactSearch}: both arrays have shape `[queries, k]`, best match first. */
export interface SearchResult {
  /** Number of queries. */
  queries: number;
  /** Matches per query: the `k` asked for, or the number of non-null rows if that is smaller. */
  k: number;
  /** Row indices into the column. */
  indices: Int32Array;
  /**
   * The score of each match: the inner product (`dot`), the cosine (`cosine`), both descending, or
   * the squared Euclidean distance (`l2`, ascending, never negative).
   */
  scores: Float32Array;
}

/** Default rows per block: a 16k-row block of 512-d float32 rows is 32 MiB. */
export const DEFAULT_BLOCK_ROWS = 16384;

/**
 * The `k` rows of a tensor column closest to each query, exactly.
 *
 * `queries` holds one or more queries of the column's row size `d`, row-major (`[queries, d]`). The
 * column is read in blocks of `blockRows` rows: each block's scores come from one matrix product
 * `queries · blockᵀ` on the kernels, the best `k` of each block per query from the kernels' top-k, and
 * those are merged into a running top-k. Null rows never match; if fewer than `k` rows are not null,
 * all of them are returned (the result's `k` says how many). Equal scores go to the lower row index
 * first. Computation runs in the column's element type (float32 or float64); scores are returned as
 * float32.
 *
 * @throws TypeMismatchError if the column is not of float32 or float64 tensors, or `queries` is not a
 *   Float32Array or Float64Array.
 * @throws ShapeError if the length of `queries` is not a multiple of the column's row size.
 * @throws InvalidArgumentError for a `k` or `blockRows` that is not a positive integer, or an unknown metric.
 */
export async function exactSearch(
  column: TensorColumn,
  queries: Float32Array | Float64Array,
  options: ExactSearchOptions,
): Promise<SearchResult> {
  const { k: kWanted, metric, kernels = tsKernels, blockRows = DEFAULT_BLOCK_ROWS } = options;
  const data = column.data;
  if (!(data instanceof Float32Array || data instanceof Float64Array))
    throw new TypeMismatchError(
      `exactSearch: the column holds ${column.dtype} tensors; search needs float32 or float64 rows (convert the column first)`,
    );
  if (!(queries instanceof Float32Array || queries instanceof Float64Array))
    throw new TypeMismatchError(
      'exactSearch: queries must be a Float32Array or Float64Array of shape [queries, d]',
    );
  if (metric !== 'dot' && metric !== 'cosine' && metric !== 'l2')
    throw new InvalidArgumentError(`exactSearch: unknown metric "${metric}"; use 'dot', 'cosine' or 'l2'`);
  if (!Number.isSafeInteger(kWanted) || kWanted < 1)
    throw new InvalidArgumentError(`exactSearch: k must be a positive integer, got ${kWanted}`);
  if (!Number.isSafeInteger(blockRows) || blockRows < 1)
    throw new InvalidArgumentError(`exactSearch: blockRows must be a positive integer, got ${blockRows}`);
  const d = column.rowSize;
  if (d === 0)
    throw new ShapeError('exactSearch: the column has rows of size 0; there is nothing to compare');
  if (queries.length % d !== 0)
    throw new ShapeError(
      `exactSearch: queries hold ${queries.length} values, not a whole number of rows of the column's size ${d}; pass them row-major as [queries, ${d}]`,
    );
  const nq = queries.length / d;
  const n = column.length;
  const validity = column.validity;
  const valid = n - column.nullCount;
  const k = Math.min(kWanted, valid);

  const make = (len: number): FloatArray =>
    data instanceof Float64Array ? new Float64Array(len) : new Float32Array(len);
  let q: FloatArray = queries;
  if (q.constructor !== data.constructor) {
    q = make(queries.length);
    q.set(queries);
  }

  // Query-side factors: 1/‖q‖ for cosine (0 for a zero query), ‖q‖² for l2.
  let qFactor: FloatArray | null = null;
  if (metric === 'cosine' && nq > 0) {
    const norms = await kernels.rowNorms(q, nq, d);
    qFactor = make(nq);
    for (let i = 0; i < nq; i++) qFactor[i] = norms[i] > 0 ? 1 / norms[i] : 0;
  } else if (metric === 'l2') qFactor = squaredNorms(q, nq, d);

  // Running top-k per query, as "larger is better" scores; for l2 the score is 2q·x − ‖x‖².
  const bestScore = new Float64Array(nq * k);
  const bestIndex = new Int32Array(nq * k);
  let filled = 0; // entries per query held so far (equal for every query)
  const mergeScore = new Float64Array(k);
  const mergeIndex = new Int32Array(k);

  for (let start = 0; start < n && k > 0 && nq > 0; start += blockRows) {
    const end = Math.min(n, start + blockRows);
    // Rows of this block that are not null; compact the block when some are.
    let rows: FloatArray = data.subarray(start * d, end * d);
    let rowIds: Int32Array | null = null;
    let m = end - start;
    if (validity !== null) {
      let count = 0;
      for (let i = start; i < end; i++) if (getBit(validity, i)) count++;
      if (count < m) {
        if (count === 0) continue;
        const packed = make(count * d);
        rowIds = new Int32Array(count);
        let j = 0;
        for (let i = start; i < end; i++) {
          if (!getBit(validity, i)) continue;
          packed.set(data.subarray(i * d, (i + 1) * d), j * d);
          rowIds[j++] = i;
        }
        rows = packed;
        m = count;
      }
    }

    const scores = await kernels.matmul(q, rows, nq, d, m, { transposeB: true });
    if (metric === 'cosine') {
      const norms = await kernels.rowNorms(rows, m, d);
      const inv = make(m);
      for (let j = 0; j < m; j++) inv[j] = norms[j] > 0 ? 1 / norms[j] : 0;
      for (let i = 0; i < nq; i++) {
        const qi = (qFactor as FloatArray)[i];
        const row = i * m;
        for (let j = 0; j < m; j++) scores[row + j] = scores[row + j] * qi * inv[j];
      }
    } else if (metric === 'l2') {
      // Squared norms summed directly (not squared from rowNorms): exact for exactly representable sums.
      const sq = squaredNorms(rows, m, d);
      for (let i = 0; i < nq; i++) {
        const row = i * m;
        for (let j = 0; j < m; j++) scores[row + j] = 2 * scores[row + j] - sq[j];
      }
    }

    const kb = Math.min(k, m);
    const top = await kernels.topk(scores, nq, m, kb);
    const take = Math.min(k, filled + kb);
    for (let i = 0; i < nq; i++) {
      // Merge the held list (lower row indices, so it wins ties) with this block's list.
      const base = i * k;
      const tb = i * kb;
      let a = 0;
      let b = 0;
      for (let t = 0; t < take; t++) {
        if (b >= kb || (a < filled && bestScore[base + a] >= top.values[tb + b])) {
          mergeScore[t] = bestScore[base + a];
          mergeIndex[t] = bestIndex[base + a];
          a++;
        } else {
          const local = top.indices[tb + b];
          mergeScore[t] = top.values[tb + b];
          mergeIndex[t] = rowIds !== null ? rowIds[local] : start + local;
          b++;
        }
      }
      bestScore.set(mergeScore.subarray(0, take), base);
      bestIndex.set(mergeIndex.subarray(0, take), base);
    }
    filled = take;
  }

  const out = new Float32Array(nq * k);
  for (let i = 0; i < nq; i++)
    for (let t = 0; t < k; t++) {
      const s = bestScore[i * k + t];
      out[i * k + t] = metric === 'l2' ? Math.max(0, (qFactor as FloatArray)[i] - s) : s;
    }
  return { queries: nq, k, indices: bestIndex, scores: out };
}
