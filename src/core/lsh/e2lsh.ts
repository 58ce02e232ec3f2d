/**
 * E2LSH (Datar, Immorlica, Indyk, Mirrokni, SoCG 2004): p-stable projections for L2. Each hash is
 * `⌊(a·v + b) / w⌋` with `a` Gaussian (2-stable) and `b` uniform in `[0, w)`, so near vectors fall
 * in the same slot of width `w` with high probability. A table's key combines its `hashesPerTable` slots into
 * one uint32 as `Σ rᵢ·hᵢ mod 2³²` with random odd `rᵢ` (different slot tuples rarely share a key,
 * and when they do the extra candidates are only re-ranked away). Multi-probe (Lv et al. 2007) steps
 * single slots left or right; a step costs the squared distance, in units of `w`, from the query's
 * projection to that boundary, and a set of steps the sum of its costs. The key of a perturbed
 * bucket is the home key plus `Σ ±rᵢ`, so probing needs no rehashing.
 */
import { Random } from '../random.js';
import type { FloatArray } from '../tensor/kernels.js';
import { type HashFamily, sortedPositions } from './hash-family.js';
import { PerturbationGenerator } from './perturbation.js';

export class E2LshFamily implements HashFamily {
  readonly kind = 'e2lsh' as const;
  private readonly cost: Float64Array;
  private readonly sorted: Float64Array;
  private readonly order: Int32Array;
  private readonly owner: Int32Array;
  private readonly generator = new PerturbationGenerator();
  private masks = new Int32Array(0);

  /**
   * @param offsets `b` of each hash (`[tables · hashesPerTable]`, in `[0, width)`).
   * @param multipliers `r` of each hash (`[tables · hashesPerTable]`, odd).
   */
  constructor(
    readonly tables: number,
    readonly hashesPerTable: number,
    readonly dim: number,
    readonly width: number,
    readonly projections: Float32Array,
    readonly offsets: Float32Array,
    readonly multipliers: Uint32Array,
  ) {
    this.cost = new Float64Array(2 * hashesPerTable);
    this.sorted = new Float64Array(2 * hashesPerTable);
    this.order = new Int32Array(2 * hashesPerTable);
    this.owner = new Int32Array(2 * hashesPerTable);
  }

  /** A family with Gaussian directions, uniform offsets and odd multipliers drawn from `seed`. */
  static random(
    tables: number,
    hashes: number,
    dimensions: number,
    width: number,
    seed: number,
  ): E2LshFamily {
    const rng = new Random(seed);
    const projections = rng.fillNormal(new Float32Array(tables * hashes * dimensions));
    const offsets = new Float32Array(tables * hashes);
    const multipliers = new Uint32Array(tables * hashes);
    for (let i = 0; i < offsets.length; i++) {
      // float32 rounding could lift b to w; keep it inside [0, w).
      offsets[i] = Math.min(rng.next() * width, width * (1 - 2 ** -23));
      multipliers[i] = (rng.nextUint32() | 1) >>> 0;
    }
    return new E2LshFamily(tables, hashes, dimensions, width, projections, offsets, multipliers);
  }

  /** Slot of projection `p` for hash `h` (index into offsets). */
  private slot(p: number, h: number): number {
    return Math.floor((p + this.offsets[h]) / this.width) | 0;
  }

  rowKeys(proj: FloatArray, rows: number, out: readonly Uint32Array[], offset: number): void {
    const stride = this.tables * this.hashesPerTable;
    for (let r = 0; r < rows; r++) {
      const o = r * stride;
      for (let t = 0; t < this.tables; t++) {
        let key = 0;
        for (let h = t * this.hashesPerTable, e = h + this.hashesPerTable; h < e; h++)
          key = (key + Math.imul(this.multipliers[h], this.slot(proj[o + h], h))) | 0;
        out[t][offset + r] = key >>> 0;
      }
    }
  }

  probeKeys(proj: FloatArray, offset: number, table: number, probes: number, out: Uint32Array): number {
    const K = this.hashesPerTable;
    const first = table * K;
    const { cost, sorted, order, owner } = this;
    let key = 0;
    for (let j = 0; j < K; j++) {
      const h = first + j;
      const f = (proj[offset + h] + this.offsets[h]) / this.width;
      const s = Math.floor(f);
      key = (key + Math.imul(this.multipliers[h], s | 0)) | 0;
      const left = f - s; // distance to the lower boundary, in units of w
      cost[2 * j] = left * left; // step −1
      cost[2 * j + 1] = (1 - left) * (1 - left); // step +1
    }
    out[0] = key >>> 0;
    if (probes <= 1) return 1;
    const m = 2 * K;
    sortedPositions(cost, m, order);
    for (let i = 0; i < m; i++) {
      sorted[i] = cost[order[i]];
      owner[i] = order[i] >> 1;
    }
    if (this.masks.length < probes) this.masks = new Int32Array(probes);
    const sets = this.generator.generate(sorted, probes - 1, owner, this.masks);
    for (let s = 0; s < sets; s++) {
      let k2 = key;
      for (let mask = this.masks[s]; mask !== 0; mask &= mask - 1) {
        const item = order[31 - Math.clz32(mask & -mask)];
        const r = this.multipliers[first + (item >> 1)];
        k2 = (item & 1 ? k2 + r : k2 - r) | 0;
      }
      out[s + 1] = k2 >>> 0;
    }
    return sets + 1;
  }
}
