/**
 * SimHash (signed random projections, Charikar 2002): bit `j` of a vector `x` is `[rᵢ·x > 0]` for a
 * random direction `rᵢ`. Two vectors at angle θ agree on a bit with probability `1 − θ/π`, so
 * vectors with a large cosine (for neurons of similar norm: a large inner product) share buckets.
 * Each of the `L` tables keys on `K` bits; all `K·L` projections are one matrix, so hashing many rows
 * is one matrix product on the tensor kernels.
 */
import { InvalidArgumentError } from '../../errors.js';
import { Random } from '../../random.js';
import type { TensorKernels } from '../../tensor/kernels.js';
import { tsKernels } from '../../tensor/ts-kernels.js';
import { checkHashSizes, checkRows, type NeuronHash } from './neuron-hash.js';

/** Options of {@link SimHash}. */
export interface SimHashOptions {
  /** Width of the hashed vectors. */
  dim: number;
  /** Bits per key `K` (at most 30). */
  hashesPerTable: number;
  /** Number of tables `L`. */
  tables: number;
  /** Seed of the random directions. */
  seed?: number;
  /**
   * How dense the random directions are: 1 (default) draws Gaussian entries; a value in (0, 1)
   * draws sparse ±1 entries, each non-zero with this probability (SLIDE uses 1/3).
   */
  density?: number;
  /**
   * Given directions instead of random ones, shape `[K·L, dim]` (row `t·K + j` is bit `j` of table
   * `t`), e.g. those learned by `trainLearnableHash`.
   */
  projection?: Float32Array;
}

/** Signed random projections, `K` bits per table. */
export class SimHash implements NeuronHash {
  readonly name = 'simhash';
  readonly dim: number;
  readonly tables: number;
  readonly hashesPerTable: number;
  readonly keyBits: number;
  /** The directions, shape `[K·L, dim]`. */
  readonly projection: Float32Array;

  constructor(options: SimHashOptions) {
    const { dim, hashesPerTable, tables } = options;
    checkHashSizes('SimHash', dim, hashesPerTable, tables);
    if (hashesPerTable > 30) {
      throw new InvalidArgumentError(`SimHash: at most 30 bits per key, got K=${hashesPerTable}`);
    }
    this.dim = dim;
    this.tables = tables;
    this.hashesPerTable = hashesPerTable;
    this.keyBits = hashesPerTable;
    const m = hashesPerTable * tables;
    if (options.projection !== undefined) {
      if (!(options.projection instanceof Float32Array) || options.projection.length !== m * dim) {
        throw new InvalidArgumentError(`SimHash: projection must be a Float32Array of shape [${m}, ${dim}]`);
      }
      this.projection = options.projection;
      return;
    }
    const density = options.density ?? 1;
    if (!(density > 0 && density <= 1)) {
      throw new InvalidArgumentError(`SimHash: density must be in (0, 1], got ${density}`);
    }
    const rng = new Random(options.seed ?? 0);
    this.projection = new Float32Array(m * dim);
    for (let i = 0; i < m * dim; i++) {
      if (density === 1) this.projection[i] = rng.normal();
      else if (rng.next() < density) this.projection[i] = rng.next() < 0.5 ? -1 : 1;
    }
  }

  async hashRows(x: Float32Array, rows: number, kernels: TensorKernels = tsKernels): Promise<Int32Array> {
    checkRows('SimHash', x, rows, this.dim);
    const m = this.hashesPerTable * this.tables;
    const keys = new Int32Array(rows * this.tables);
    if (rows === 0) return keys;
    const p = await kernels.matmul(x, this.projection, rows, this.dim, m, { transposeB: true });
    packSigns(p, rows, this.tables, this.hashesPerTable, keys);
    return keys;
  }

  hashOne(x: Float32Array, offset: number, out: Int32Array, outOffset: number): void {
    const { dim, hashesPerTable: k, projection } = this;
    for (let t = 0; t < this.tables; t++) {
      let key = 0;
      for (let j = 0; j < k; j++) {
        const r = (t * k + j) * dim;
        let s = 0;
        for (let c = 0; c < dim; c++) s += projection[r + c] * x[offset + c];
        if (s > 0) key |= 1 << j;
      }
      out[outOffset + t] = key;
    }
  }
}

/** Packs the signs of projections `p` (`[rows, L·K]`) into `L` keys per row, bit `j` from column `t·K + j`. */
export function packSigns(p: Float32Array, rows: number, tables: number, k: number, keys: Int32Array): void {
  const m = tables * k;
  for (let i = 0; i < rows; i++) {
    for (let t = 0; t < tables; t++) {
      let key = 0;
      const o = i * m + t * k;
      for (let j = 0; j < k; j++) if (p[o + j] > 0) key |= 1 << j;
      keys[i * tables + t] = key;
    }
  }
}
