/**
 * SimHash (signed random projections, Charikar, STOC 2002): bit `j` of a vector `x` is `[rⱼ·x ≥ 0]`
 * for a random direction `rⱼ`. Two vectors at angle θ agree on a bit with probability `1 − θ/π`, so
 * it hashes by angle alone: it serves cosine similarity, and inner products of vectors of similar
 * norms (SLIDE's neurons; search candidates are re-ranked by the true score anyway). Each of the `L`
 * tables keys on `K` bits; all `K·L` directions are one matrix, so hashing many rows is one matrix
 * product on the tensor kernels.
 *
 * The one SimHash of the project: the LSH search index uses its keys and multi-probe order
 * ({@link HashFamily}), SLIDE's layers its keys of whole vectors ({@link NeuronHash}). Multi-probe
 * flips the bits whose projections are closest to zero first: a set of flipped bits costs the sum
 * of their |projection|.
 */
import { InvalidArgumentError } from '../errors.js';
import { Random } from '../random.js';
import type { FloatArray, TensorKernels } from '../tensor/kernels.js';
import { dot } from '../tensor/loops.js';
import { tsKernels } from '../tensor/ts-kernels.js';
import { type HashFamily, sortedPositions } from './hash-family.js';
import { checkHashSizes, checkRows, type NeuronHash } from './neuron-hash.js';
import { PerturbationGenerator } from './perturbation.js';

/** Most bits in one table's key (one 32-bit word). */
export const MAX_SIMHASH_BITS = 32;

/** Options of {@link SimHash}. */
export interface SimHashOptions {
  /** Width of the hashed vectors. */
  dim: number;
  /** Bits per key `K` (at most {@link MAX_SIMHASH_BITS}). */
  hashesPerTable: number;
  /** Number of tables `L`. */
  tables: number;
  /** Seed of the random directions (default 0). */
  seed?: number;
  /**
   * How dense the random directions are: 1 (default) draws Gaussian entries; a value in (0, 1)
   * draws sparse ±1 entries, each non-zero with this probability (SLIDE uses 1/3).
   */
  density?: number;
  /**
   * Given directions instead of random ones, shape `[K·L, dim]` (row `t·K + j` is bit `j` of table
   * `t`), e.g. those learned by `trainLearnableHash` or loaded with a saved index.
   */
  projections?: Float32Array;
}

/** Signed random projections, `K` bits per table. */
export class SimHash implements HashFamily, NeuronHash {
  readonly kind = 'simhash' as const;
  readonly name = 'simhash';
  readonly dim: number;
  readonly tables: number;
  readonly hashesPerTable: number;
  readonly keyBits: number;
  /** The directions, shape `[K·L, dim]`. */
  readonly projections: Float32Array;
  // Scratch of probeKeys, so probing allocates nothing per query.
  private readonly cost: Float64Array;
  private readonly sorted: Float64Array;
  private readonly order: Int32Array;
  private readonly generator = new PerturbationGenerator();
  private masks = new Int32Array(0);

  constructor(options: SimHashOptions) {
    const { dim, hashesPerTable, tables } = options;
    checkHashSizes('SimHash', dim, hashesPerTable, tables);
    if (hashesPerTable > MAX_SIMHASH_BITS) {
      throw new InvalidArgumentError(
        `SimHash: at most ${MAX_SIMHASH_BITS} bits per key, got K=${hashesPerTable}; use more tables instead`,
      );
    }
    this.dim = dim;
    this.tables = tables;
    this.hashesPerTable = hashesPerTable;
    this.keyBits = hashesPerTable;
    this.cost = new Float64Array(hashesPerTable);
    this.sorted = new Float64Array(hashesPerTable);
    this.order = new Int32Array(hashesPerTable);
    const m = hashesPerTable * tables;
    if (options.projections !== undefined) {
      if (!(options.projections instanceof Float32Array) || options.projections.length !== m * dim) {
        throw new InvalidArgumentError(`SimHash: projections must be a Float32Array of shape [${m}, ${dim}]`);
      }
      this.projections = options.projections;
      return;
    }
    const density = options.density ?? 1;
    if (!(density > 0 && density <= 1)) {
      throw new InvalidArgumentError(`SimHash: density must be in (0, 1], got ${density}`);
    }
    const rng = new Random(options.seed ?? 0);
    this.projections = new Float32Array(m * dim);
    if (density === 1) rng.fillNormal(this.projections);
    else {
      for (let i = 0; i < m * dim; i++) {
        if (rng.next() < density) this.projections[i] = rng.next() < 0.5 ? -1 : 1;
      }
    }
  }

  /** The key of one table from its `K` projections `proj[o .. o + K)`: bit `j` is their sign. */
  private signKey(proj: FloatArray, o: number): number {
    let key = 0;
    for (let b = 0; b < this.hashesPerTable; b++) if (proj[o + b] >= 0) key |= 1 << b;
    return key;
  }

  async hashRows(x: Float32Array, rows: number, kernels: TensorKernels = tsKernels): Promise<Int32Array> {
    checkRows('SimHash', x, rows, this.dim);
    const m = this.hashesPerTable * this.tables;
    const keys = new Int32Array(rows * this.tables);
    if (rows === 0) return keys;
    const p = await kernels.matmul(x, this.projections, rows, this.dim, m, { transposeB: true });
    for (let r = 0, o = 0; r < rows; r++)
      for (let t = 0; t < this.tables; t++, o += this.hashesPerTable)
        keys[r * this.tables + t] = this.signKey(p, o);
    return keys;
  }

  hashOne(x: Float32Array, offset: number, out: Int32Array, outOffset: number): void {
    const { dim, hashesPerTable: k, projections } = this;
    for (let t = 0; t < this.tables; t++) {
      let key = 0;
      for (let j = 0; j < k; j++) if (dot(projections, (t * k + j) * dim, x, offset, dim) >= 0) key |= 1 << j;
      out[outOffset + t] = key;
    }
  }

  rowKeys(proj: FloatArray, rows: number, out: readonly Uint32Array[], offset: number): void {
    for (let r = 0, o = 0; r < rows; r++)
      for (let t = 0; t < this.tables; t++, o += this.hashesPerTable)
        out[t][offset + r] = this.signKey(proj, o) >>> 0;
  }

  probeKeys(proj: FloatArray, offset: number, table: number, probes: number, out: Uint32Array): number {
    const bits = this.hashesPerTable;
    const o = offset + table * bits;
    const key = this.signKey(proj, o);
    out[0] = key >>> 0;
    if (probes <= 1) return 1;
    const { cost, sorted, order } = this;
    for (let b = 0; b < bits; b++) cost[b] = Math.abs(proj[o + b]);
    sortedPositions(cost, bits, order);
    for (let i = 0; i < bits; i++) sorted[i] = cost[order[i]];
    if (this.masks.length < probes) this.masks = new Int32Array(probes);
    const sets = this.generator.generate(sorted, probes - 1, null, this.masks);
    for (let s = 0; s < sets; s++) {
      // Each set is a mask over sorted positions; map it to the bits it flips.
      let flipped = key;
      for (let mask = this.masks[s]; mask !== 0; mask &= mask - 1)
        flipped ^= 1 << order[31 - Math.clz32(mask & -mask)];
      out[s + 1] = flipped >>> 0;
    }
    return sets + 1;
  }
}
