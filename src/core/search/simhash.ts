/**
 * SimHash (Charikar, STOC 2002): sign random projections. Each hash is the sign of the projection on
 * a random Gaussian direction, so two vectors at angle θ agree on it with probability 1 − θ/π; a
 * table's key is `bits` such signs. It hashes by angle alone, so it serves cosine similarity (and
 * dot products of vectors of similar norms; candidates are re-ranked by the true score anyway).
 * Multi-probe flips the bits whose projections are closest to zero first: a set of flipped bits
 * costs the sum of their |projection|.
 */
import { Random } from '../random.js';
import type { FloatArray } from '../tensor/kernels.js';
import { type HashFamily, sortedPositions } from './hash-family.js';
import { PerturbationGenerator } from './perturbation.js';

/** Most bits in one table's key (one uint32). */
export const MAX_SIMHASH_BITS = 32;

export class SimHashFamily implements HashFamily {
  readonly kind = 'simhash' as const;
  private readonly cost: Float64Array;
  private readonly sorted: Float64Array;
  private readonly order: Int32Array;
  private readonly generator = new PerturbationGenerator();
  private masks = new Int32Array(0);

  constructor(
    readonly tables: number,
    readonly hashes: number,
    readonly dimensions: number,
    readonly projections: Float32Array,
  ) {
    this.cost = new Float64Array(hashes);
    this.sorted = new Float64Array(hashes);
    this.order = new Int32Array(hashes);
  }

  /** A family with Gaussian projection directions drawn from `seed`. */
  static random(tables: number, bits: number, dimensions: number, seed: number): SimHashFamily {
    const rng = new Random(seed);
    const projections = new Float32Array(tables * bits * dimensions);
    for (let i = 0; i < projections.length; i++) projections[i] = rng.normal();
    return new SimHashFamily(tables, bits, dimensions, projections);
  }

  rowKeys(proj: FloatArray, rows: number, out: readonly Uint32Array[], offset: number): void {
    const bits = this.hashes;
    let o = 0;
    for (let r = 0; r < rows; r++)
      for (let t = 0; t < this.tables; t++) {
        let key = 0;
        for (let b = 0; b < bits; b++, o++) if (proj[o] >= 0) key |= 1 << b;
        out[t][offset + r] = key >>> 0;
      }
  }

  probeKeys(proj: FloatArray, offset: number, table: number, probes: number, out: Uint32Array): number {
    const bits = this.hashes;
    const o = offset + table * bits;
    let key = 0;
    for (let b = 0; b < bits; b++) if (proj[o + b] >= 0) key |= 1 << b;
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
