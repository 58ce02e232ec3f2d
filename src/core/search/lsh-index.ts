/**
 * Approximate k-NN with locality-sensitive hashing: `tables` hash tables, each keyed by `hashes`
 * random projections of a row (SimHash for cosine and dot, E2LSH for L2). A query collects the rows
 * of its own bucket and of its `probes − 1` most likely neighbouring buckets in every table
 * (multi-probe), and those candidates are re-ranked by their exact score. Building hashes the whole
 * column with one matrix product per block of rows on the tensor kernels.
 */
import { getBit } from '../column/bitmap.js';
import type { TensorColumn } from '../column/tensor.js';
import { InvalidArgumentError, ShapeError, TypeMismatchError } from '../errors.js';
import { E2LshFamily } from '../lsh/e2lsh.js';
import type { HashFamily, LshKind } from '../lsh/hash-family.js';
import { MAX_SIMHASH_BITS, SimHash } from '../lsh/simhash.js';
import { Random } from '../random.js';
import type { FloatArray, TensorKernels } from '../tensor/kernels.js';
import { dot, squaredDistance, squaredNorms } from '../tensor/loops.js';
import { tsKernels } from '../tensor/ts-kernels.js';
import { type BucketTable, buildBucketTable, findBucket } from './bucket-table.js';
import type { SearchMetric, SearchResult } from './exact.js';

/** Most E2LSH hashes per table (multi-probe tells them apart in one uint32 mask). */
export const MAX_E2LSH_HASHES = 32;

/** Options of {@link buildLshIndex}. */
export interface LshIndexOptions {
  /** `simhash` (sign random projections; cosine or dot) or `e2lsh` (p-stable projections; L2). */
  kind: LshKind;
  /** Score used to re-rank candidates: `cosine` (default) or `dot` for SimHash, `l2` for E2LSH. */
  metric?: SearchMetric;
  /** Number of hash tables L; default 8. More tables: higher recall, more memory and candidates. */
  tables?: number;
  /**
   * Hash functions per table K (bits of a SimHash key, at most 32). More: smaller buckets, fewer
   * candidates, lower recall per table. Default for SimHash about log₂(rows / 16), for E2LSH 8.
   */
  hashes?: number;
  /** Same as `hashes`, the usual name for SimHash. */
  bits?: number;
  /**
   * E2LSH slot width w, in the units of the vectors. Default: 4 times the median distance from a
   * sample of rows to its nearest other sampled row (a scale of near-neighbour distances; Datar et
   * al. found w ≈ 4 near-neighbour radii a good trade-off).
   */
  width?: number;
  /** Seed of the random projections; the same seed gives the same index. Default 1. */
  seed?: number;
  /** Kernels that run the projection products; default the plain TypeScript kernels. */
  kernels?: TensorKernels;
  /** Rows projected per product; default 32768. */
  blockRows?: number;
}

/** Everything that defines an index besides its tables (saved with it). */
export interface LshParams {
  kind: LshKind;
  metric: SearchMetric;
  tables: number;
  hashes: number;
  /** E2LSH slot width (0 for SimHash). */
  width: number;
  seed: number;
  dimensions: number;
  /** Rows of the column when the index was built (null rows are in no bucket). */
  rows: number;
}

/** Options of {@link LshIndex.search}. */
export interface LshSearchOptions {
  /** Matches per query; capped at the number of non-null rows. */
  k: number;
  /** Buckets visited per table, the query's own included; default 1 (no multi-probe). */
  probes?: number;
  /** Kernels for the query projections; default the plain TypeScript kernels. */
  kernels?: TensorKernels;
}

/**
 * The result of {@link LshIndex.search}: like {@link SearchResult}, best match first. A query with
 * fewer than `k` candidates gets index −1 and score NaN in its remaining places.
 */
export interface LshSearchResult extends SearchResult {
  /** Distinct rows re-ranked for each query (found in its probed buckets). */
  candidates: Int32Array;
}

const DEFAULT_TABLES = 8;
const DEFAULT_E2LSH_HASHES = 8;
const DEFAULT_BLOCK_ROWS = 32768;

/** An LSH index over one tensor column; see {@link buildLshIndex}. */
export class LshIndex {
  private inverseNorms: Float64Array | null = null;
  /** Per row, the number of the last query that collected it (so a row is re-ranked once). */
  private seen: Uint32Array | null = null;
  private stamp = 0;

  /**
   * An index from its parts (as {@link buildLshIndex} or loading makes them) over `column`.
   * @throws ShapeError if the column does not have the rows and row size the index was built for.
   */
  constructor(
    readonly params: LshParams,
    readonly family: HashFamily,
    readonly buckets: readonly BucketTable[],
    readonly column: TensorColumn,
  ) {
    const data = column.data;
    if (!(data instanceof Float32Array || data instanceof Float64Array))
      throw new TypeMismatchError(
        `LSH index: the column holds ${column.dtype} tensors; it needs float32 or float64 rows`,
      );
    if (column.length !== params.rows || column.rowSize !== params.dimensions)
      throw new ShapeError(
        `LSH index: it was built for ${params.rows} rows of size ${params.dimensions}, but the column has ${column.length} rows of size ${column.rowSize}; rebuild it with buildLshIndex`,
      );
  }

  /**
   * The `k` best rows for each query among the candidates found in the probed buckets, re-ranked
   * by the index's metric (scores as {@link exactSearch} gives them). `queries` is `[queries, d]`
   * row-major. Ties go to the lower row index.
   */
  async search(queries: Float32Array | Float64Array, options: LshSearchOptions): Promise<LshSearchResult> {
    const { k: kWanted, probes = 1, kernels = tsKernels } = options;
    const { dimensions: d, metric, tables } = this.params;
    if (!(queries instanceof Float32Array || queries instanceof Float64Array))
      throw new TypeMismatchError('LSH search: queries must be a Float32Array or Float64Array [queries, d]');
    if (queries.length % d !== 0)
      throw new ShapeError(
        `LSH search: queries hold ${queries.length} values, not a whole number of rows of size ${d}`,
      );
    if (!Number.isSafeInteger(kWanted) || kWanted < 1)
      throw new InvalidArgumentError(`LSH search: k must be a positive integer, got ${kWanted}`);
    if (!Number.isSafeInteger(probes) || probes < 1)
      throw new InvalidArgumentError(
        `LSH search: probes (buckets per table) must be a positive integer, got ${probes}`,
      );
    const nq = queries.length / d;
    const column = this.column;
    const data = column.data as FloatArray;
    const k = Math.min(kWanted, column.length - column.nullCount);
    const indices = new Int32Array(nq * k).fill(-1);
    const scores = new Float32Array(nq * k).fill(Number.NaN);
    const candidates = new Int32Array(nq);
    if (nq === 0 || k === 0) return { queries: nq, k, indices, scores, candidates };

    const q = sameType(queries, data);
    const stride = tables * this.family.hashesPerTable;
    const proj = await kernels.matmul(q, sameType(this.family.projections, data), nq, d, stride, {
      transposeB: true,
    });
    const inv = metric === 'cosine' ? this.rowInverseNorms() : null;

    // Kept between calls, so a one-query search does not clear an array of every row.
    this.seen ??= new Uint32Array(column.length);
    const seen = this.seen;
    let found = new Int32Array(1024);
    const keys = new Uint32Array(probes);
    const topScore = new Float64Array(k);
    const topIndex = new Int32Array(k);
    for (let qi = 0; qi < nq; qi++) {
      // 1. Candidates: every row in a probed bucket of any table, once.
      if (this.stamp === 0xffffffff) {
        seen.fill(0);
        this.stamp = 0;
      }
      const stamp = ++this.stamp;
      let count = 0;
      for (let t = 0; t < tables; t++) {
        const table = this.buckets[t];
        const probed = this.family.probeKeys(proj, qi * stride, t, probes, keys);
        for (let p = 0; p < probed; p++) {
          const b = findBucket(table, keys[p]);
          if (b < 0) continue;
          const end = table.starts[b + 1];
          for (let s = table.starts[b]; s < end; s++) {
            const id = table.ids[s];
            if (seen[id] === stamp) continue;
            seen[id] = stamp;
            if (count === found.length) {
              const grown = new Int32Array(found.length * 2);
              grown.set(found);
              found = grown;
            }
            found[count++] = id;
          }
        }
      }
      candidates[qi] = count;

      // 2. Exact re-ranking, keeping the k best (larger is better; −distance for L2).
      const qo = qi * d;
      let qScale = 1;
      if (inv !== null) {
        const s = dot(q, qo, q, qo, d);
        qScale = s > 0 ? 1 / Math.sqrt(s) : 0;
      }
      let held = 0;
      for (let c = 0; c < count; c++) {
        const id = found[c];
        const xo = id * d;
        let s: number;
        if (metric === 'l2') s = -squaredDistance(q, qo, data, xo, d);
        else {
          s = dot(q, qo, data, xo, d);
          if (inv !== null) s = s * qScale * inv[id];
        }
        if (held === k) {
          const ws = topScore[k - 1];
          if (s < ws || (s === ws && id > topIndex[k - 1]) || Number.isNaN(s)) continue;
        } else held++;
        let at = held - 1;
        while (at > 0 && (topScore[at - 1] < s || (topScore[at - 1] === s && topIndex[at - 1] > id))) {
          topScore[at] = topScore[at - 1];
          topIndex[at] = topIndex[at - 1];
          at--;
        }
        topScore[at] = s;
        topIndex[at] = id;
      }
      for (let t = 0; t < held; t++) {
        indices[qi * k + t] = topIndex[t];
        scores[qi * k + t] = metric === 'l2' ? -topScore[t] : topScore[t];
      }
    }
    return { queries: nq, k, indices, scores, candidates };
  }

  /** 1/‖x‖ of every row (0 for a zero or null row), computed on first use. */
  private rowInverseNorms(): Float64Array {
    if (this.inverseNorms !== null) return this.inverseNorms;
    const { data, length: n, rowSize: d } = this.column;
    // The constructor admits float32/float64 rows only.
    const inv = squaredNorms(data as Float32Array | Float64Array, n, d);
    for (let i = 0; i < n; i++) inv[i] = inv[i] > 0 ? 1 / Math.sqrt(inv[i]) : 0;
    this.inverseNorms = inv;
    return inv;
  }
}

/**
 * Builds an LSH index over a float32 or float64 tensor column. Null rows are left out (they never
 * match). Every row's projections for every table come from one matrix product per block of rows.
 *
 * @example
 * ```ts
 * const index = await buildLshIndex(df.column('embedding'), { kind: 'simhash', tables: 16, bits: 14 });
 * const { indices, scores } = await index.search(queries, { k: 10, probes: 8 });
 * ```
 * @throws TypeMismatchError if the column is not of float32 or float64 tensors.
 * @throws InvalidArgumentError for a bad option (unknown kind, a metric the kind cannot serve, a
 *   count that is not a positive integer, more than 32 SimHash bits, a width that is not positive).
 */
export async function buildLshIndex(column: TensorColumn, options: LshIndexOptions): Promise<LshIndex> {
  const data = column.data;
  if (!(data instanceof Float32Array || data instanceof Float64Array))
    throw new TypeMismatchError(
      `buildLshIndex: the column holds ${column.dtype} tensors; LSH needs float32 or float64 rows`,
    );
  const { kind, seed = 1, kernels = tsKernels, blockRows = DEFAULT_BLOCK_ROWS } = options;
  const n = column.length;
  const d = column.rowSize;
  if (d === 0) throw new ShapeError('buildLshIndex: the column has rows of size 0');
  const tables = options.tables ?? DEFAULT_TABLES;
  positive('tables', tables);
  positive('blockRows', blockRows);
  if (!Number.isSafeInteger(seed)) throw new InvalidArgumentError(`buildLshIndex: seed must be an integer`);
  const valid = n - column.nullCount;
  let family: HashFamily;
  let metric: SearchMetric;
  let width = 0;
  let hashes: number;
  if (kind === 'simhash') {
    metric = options.metric ?? 'cosine';
    if (metric !== 'cosine' && metric !== 'dot')
      throw new InvalidArgumentError(
        `buildLshIndex: SimHash hashes by angle and serves 'cosine' or 'dot', not '${metric}'; use kind 'e2lsh' for 'l2'`,
      );
    hashes = options.hashes ?? options.bits ?? Math.max(2, Math.min(24, Math.round(Math.log2(valid / 16))));
    positive('bits', hashes);
    if (hashes > MAX_SIMHASH_BITS)
      throw new InvalidArgumentError(
        `buildLshIndex: at most ${MAX_SIMHASH_BITS} SimHash bits per table, got ${hashes}; use more tables instead`,
      );
    family = new SimHash({ dim: d, hashesPerTable: hashes, tables, seed });
  } else if (kind === 'e2lsh') {
    metric = options.metric ?? 'l2';
    if (metric !== 'l2')
      throw new InvalidArgumentError(
        `buildLshIndex: E2LSH serves 'l2', not '${metric}'; use kind 'simhash' for '${metric}'`,
      );
    hashes = options.hashes ?? DEFAULT_E2LSH_HASHES;
    positive('hashes', hashes);
    if (hashes > MAX_E2LSH_HASHES)
      throw new InvalidArgumentError(
        `buildLshIndex: at most ${MAX_E2LSH_HASHES} E2LSH hashes per table, got ${hashes}; use more tables or a smaller width instead`,
      );
    width = options.width ?? estimateWidth(column, seed);
    if (!(width > 0) || !Number.isFinite(width))
      throw new InvalidArgumentError(`buildLshIndex: width must be a positive number, got ${width}`);
    family = E2LshFamily.random(tables, hashes, d, width, seed);
  } else {
    throw new InvalidArgumentError(`buildLshIndex: unknown kind "${kind}"; use 'simhash' or 'e2lsh'`);
  }

  const stride = tables * hashes;
  const projections = sameType(family.projections, data);
  const keys = Array.from({ length: tables }, () => new Uint32Array(valid));
  const rowIds = valid < n ? new Int32Array(valid) : null;
  const validity = column.validity;
  let filled = 0;
  for (let start = 0; start < n; start += blockRows) {
    const end = Math.min(n, start + blockRows);
    let rows: FloatArray = data.subarray(start * d, end * d);
    let m = end - start;
    if (rowIds !== null && validity !== null) {
      // Compact the block to its non-null rows.
      const packed = data instanceof Float64Array ? new Float64Array(m * d) : new Float32Array(m * d);
      let j = 0;
      for (let i = start; i < end; i++) {
        if (!getBit(validity, i)) continue;
        packed.set(data.subarray(i * d, (i + 1) * d), j * d);
        rowIds[filled + j++] = i;
      }
      rows = packed.subarray(0, j * d);
      m = j;
    }
    if (m === 0) continue;
    const proj = await kernels.matmul(rows, projections, m, d, stride, { transposeB: true });
    family.rowKeys(proj, m, keys, filled);
    filled += m;
  }
  const buckets = keys.map((k) => buildBucketTable(k, rowIds));
  const params: LshParams = { kind, metric, tables, hashes, width, seed, dimensions: d, rows: n };
  return new LshIndex(params, family, buckets, column);
}

function positive(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 1)
    throw new InvalidArgumentError(`buildLshIndex: ${name} must be a positive integer, got ${v}`);
}

/** `x` as an array of `like`'s element type (itself when it already is). */
function sameType(x: FloatArray, like: FloatArray): FloatArray {
  if (x.constructor === like.constructor) return x;
  return like instanceof Float64Array ? Float64Array.from(x) : Float32Array.from(x);
}

/**
 * The default E2LSH width: 4 × the median, over up to 256 sampled non-null rows, of the distance to
 * the nearest other row of a sample of up to 2048 (exact duplicates ignored).
 */
function estimateWidth(column: TensorColumn, seed: number): number {
  const { data, length: n, rowSize: d } = column;
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (!column.isNull(i)) rows.push(i);
  if (rows.length < 2) return 1;
  const rng = new Random(seed ^ 0x5bd1e995);
  for (let i = rows.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  const pool = rows.slice(0, 2048);
  const probesCount = Math.min(256, pool.length);
  const nearest: number[] = [];
  for (let a = 0; a < probesCount; a++) {
    let best = Number.POSITIVE_INFINITY;
    for (let b = 0; b < pool.length; b++) {
      if (a === b) continue;
      const dist = squaredDistance(data as FloatArray, pool[a] * d, data as FloatArray, pool[b] * d, d);
      if (dist > 0 && dist < best) best = dist;
    }
    if (Number.isFinite(best)) nearest.push(Math.sqrt(best));
  }
  if (nearest.length === 0) return 1;
  nearest.sort((x, y) => x - y);
  return 4 * nearest[nearest.length >> 1];
}
