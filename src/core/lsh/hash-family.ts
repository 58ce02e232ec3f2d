/**
 * What the LSH search index needs from a family of hash functions: `tables` groups of `hashes` random
 * projections each, the bucket key of a row in each table (computed from its projections, so one
 * matrix product hashes a whole block of rows for every table), and the keys of the buckets to
 * probe for a query, its own bucket first and then its neighbours in multi-probe order.
 */
import type { FloatArray } from '../tensor/kernels.js';

/** The LSH families there are: sign random projections (cosine, dot) and p-stable projections (L2). */
export type LshKind = 'simhash' | 'e2lsh';

export interface HashFamily {
  readonly kind: LshKind;
  /** Number of hash tables (L). */
  readonly tables: number;
  /** Hash functions per table (K), concatenated into one bucket key. */
  readonly hashesPerTable: number;
  /** Length of the vectors hashed. */
  readonly dim: number;
  /**
   * Projection vectors, `[tables · hashesPerTable, dim]` row-major, table after table: the rows'
   * projections are `rows · projectionsᵀ`, of shape `[rows, tables · hashesPerTable]`.
   */
  readonly projections: Float32Array;
  /**
   * Writes the bucket key of each of `rows` rows in every table `t` into `out[t]` from `offset` on,
   * from their projections `proj` (`[rows, tables · hashesPerTable]`, read once, row by row).
   */
  rowKeys(proj: FloatArray, rows: number, out: readonly Uint32Array[], offset: number): void;
  /**
   * Writes the keys of up to `probes` buckets of one query in `table` into `out` (its own bucket
   * first, then the most likely neighbours) and returns how many it wrote. `proj` holds the query's
   * projections from `offset` on (`tables · hashesPerTable` values).
   */
  probeKeys(proj: FloatArray, offset: number, table: number, probes: number, out: Uint32Array): number;
}

/** Positions `0..n-1` sorted by `cost[position]` ascending (small n: an insertion sort). */
export function sortedPositions(cost: Float64Array, n: number, order: Int32Array): void {
  for (let i = 0; i < n; i++) {
    const c = cost[i];
    let j = i;
    while (j > 0 && cost[order[j - 1]] > c) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = i;
  }
}
