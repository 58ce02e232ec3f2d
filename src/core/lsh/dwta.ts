/**
 * Densified winner-take-all hashing (DWTA; Chen & Shrivastava 2018, used by SLIDE). Each of the
 * `K·L` hashes looks at a bin of `binSize` coordinates drawn from a random permutation and records
 * which of them holds the largest value (its position in the bin, `log2(binSize)` bits). WTA codes
 * collide more often for vectors whose coordinates rank alike, a proxy for a large inner product.
 * Zeros count as missing (sparse inputs, ReLU outputs), so a bin can be empty; densification then
 * borrows the code of another, non-empty hash, found by a fixed sequence of random probes, so that
 * two vectors still collide with the right probability. The hashes touch `K·L·binSize` coordinates
 * in all, whatever `dim` is.
 */
import { InvalidArgumentError } from '../errors.js';
import { Random } from '../random.js';
import { checkHashSizes, checkRows, type NeuronHash } from './neuron-hash.js';

/** Options of {@link DwtaHash}. */
export interface DwtaOptions {
  /** Width of the hashed vectors. */
  dim: number;
  /** Hashes per key `K`; a key has `K·log2(binSize)` bits (at most 30). */
  hashesPerTable: number;
  /** Number of tables `L`. */
  tables: number;
  /** Coordinates per bin: a power of two from 2 to `dim` (default 8, as in SLIDE). */
  binSize?: number;
  /** Seed of the permutations and of the densification probes. */
  seed?: number;
  /** Probes tried for an empty bin before it falls back to code 0 (default 100). */
  maxProbes?: number;
}

/** DWTA hashing, `K` winner codes per table. */
export class DwtaHash implements NeuronHash {
  readonly name = 'dwta';
  readonly dim: number;
  readonly tables: number;
  readonly hashesPerTable: number;
  readonly keyBits: number;
  readonly binSize: number;
  readonly maxProbes: number;
  /** Coordinates of each bin, shape `[K·L, binSize]`: bin `h` is hash `h`. */
  readonly binDims: Int32Array;
  private readonly bitsPerHash: number;
  private readonly probeSeed: number;
  private readonly codes: Int32Array;

  constructor(options: DwtaOptions) {
    const { dim, hashesPerTable, tables } = options;
    checkHashSizes('DwtaHash', dim, hashesPerTable, tables);
    const binSize = options.binSize ?? 8;
    if (!Number.isSafeInteger(binSize) || binSize < 2 || (binSize & (binSize - 1)) !== 0 || binSize > dim) {
      throw new InvalidArgumentError(
        `DwtaHash: binSize must be a power of two from 2 to dim=${dim}, got ${binSize}`,
      );
    }
    this.bitsPerHash = Math.log2(binSize);
    if (hashesPerTable * this.bitsPerHash > 30) {
      throw new InvalidArgumentError(
        `DwtaHash: a key of K=${hashesPerTable} hashes of ${this.bitsPerHash} bits exceeds 30 bits; lower K or binSize`,
      );
    }
    this.dim = dim;
    this.tables = tables;
    this.hashesPerTable = hashesPerTable;
    this.binSize = binSize;
    this.keyBits = hashesPerTable * this.bitsPerHash;
    this.maxProbes = options.maxProbes ?? 100;
    const m = hashesPerTable * tables;
    this.codes = new Int32Array(m);
    // Each permutation of the coordinates is cut into floor(dim / binSize) bins; as many
    // permutations as it takes to fill K·L bins.
    const rng = new Random(options.seed ?? 0);
    this.probeSeed = rng.nextUint32();
    const binsPerPermutation = Math.floor(dim / binSize);
    const perm = new Int32Array(dim);
    this.binDims = new Int32Array(m * binSize);
    for (let h = 0; h < m; h++) {
      const b = h % binsPerPermutation;
      if (b === 0) {
        for (let i = 0; i < dim; i++) perm[i] = i;
        for (let i = dim - 1; i > 0; i--) {
          const j = rng.int(i + 1);
          const t = perm[i];
          perm[i] = perm[j];
          perm[j] = t;
        }
      }
      this.binDims.set(perm.subarray(b * binSize, (b + 1) * binSize), h * binSize);
    }
  }

  /** The hash whose code an empty hash `h` borrows on probe `attempt` (1, 2, ...). */
  probe(h: number, attempt: number): number {
    let z = (Math.imul(h + 1, 0x9e3779b1) ^ Math.imul(attempt, 0x85ebca6b) ^ this.probeSeed) >>> 0;
    z = Math.imul(z ^ (z >>> 16), 0x7feb352d);
    z = Math.imul(z ^ (z >>> 15), 0x846ca68b);
    return ((z ^ (z >>> 16)) >>> 0) % (this.hashesPerTable * this.tables);
  }

  async hashRows(x: Float32Array, rows: number): Promise<Int32Array> {
    checkRows('DwtaHash', x, rows, this.dim);
    const keys = new Int32Array(rows * this.tables);
    for (let i = 0; i < rows; i++) this.hashOne(x, i * this.dim, keys, i * this.tables);
    return keys;
  }

  hashOne(x: Float32Array, offset: number, out: Int32Array, outOffset: number): void {
    const { binSize, binDims, codes } = this;
    const m = codes.length;
    let empty = 0;
    for (let h = 0; h < m; h++) {
      let best = -1;
      let bestValue = Number.NEGATIVE_INFINITY;
      const o = h * binSize;
      for (let i = 0; i < binSize; i++) {
        const v = x[offset + binDims[o + i]];
        if (v !== 0 && v > bestValue) {
          bestValue = v;
          best = i;
        }
      }
      codes[h] = best;
      if (best < 0) empty++;
    }
    const k = this.hashesPerTable;
    const bits = this.bitsPerHash;
    for (let t = 0; t < this.tables; t++) {
      let key = 0;
      for (let j = 0; j < k; j++) {
        const h = t * k + j;
        let code = codes[h];
        if (code < 0 && empty < m) code = this.densify(h);
        key |= Math.max(code, 0) << (j * bits);
      }
      out[outOffset + t] = key;
    }
  }

  /** The code of the first non-empty hash on `h`'s probe sequence (0 if none within maxProbes). */
  private densify(h: number): number {
    for (let a = 1; a <= this.maxProbes; a++) {
      const c = this.codes[this.probe(h, a)];
      if (c >= 0) return c;
    }
    return 0;
  }
}
