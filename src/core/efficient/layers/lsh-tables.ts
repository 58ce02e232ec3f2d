/**
 * The `L` hash tables of an LSH layer. Each table maps a key to the bucket of neurons whose weight
 * rows hash to it. Tables are rebuilt in one pass from every neuron's keys (a counting sort per
 * table, compact and cache-friendly), which makes a rehash of changed neurons cost O(L·(n + buckets))
 * on top of hashing them. A bucket keeps at most `bucketCapacity` neurons, first in first out: the
 * neurons inserted last (those rehashed most recently) stay, as in SLIDE's FIFO buckets.
 */
import { InvalidArgumentError } from '../../errors.js';

/** Options of {@link LshTables}. */
export interface LshTablesOptions {
  /** Number of tables `L`. */
  tables: number;
  /** Keys lie in `[0, 2^keyBits)`. */
  keyBits: number;
  /** Neurons kept per bucket (default 128, as in SLIDE). */
  bucketCapacity?: number;
  /** Buckets per table at most `2^maxBucketBits` (default 18, as SLIDE's RangePow); wider keys are folded by a hash. */
  maxBucketBits?: number;
}

/** `L` tables of buckets of neuron ids. */
export class LshTables {
  readonly tables: number;
  readonly keyBits: number;
  readonly bucketBits: number;
  readonly bucketCapacity: number;
  /** Number of neurons in the last build. */
  size = 0;
  private offsets: Int32Array;
  private items: Int32Array = new Int32Array(0);

  constructor(options: LshTablesOptions) {
    const { tables, keyBits } = options;
    const capacity = options.bucketCapacity ?? 128;
    const maxBits = options.maxBucketBits ?? 18;
    if (!Number.isSafeInteger(tables) || tables < 1) {
      throw new InvalidArgumentError(`LshTables: tables must be an integer ≥ 1, got ${tables}`);
    }
    if (!Number.isSafeInteger(keyBits) || keyBits < 0 || keyBits > 30) {
      throw new InvalidArgumentError(`LshTables: keyBits must be an integer from 0 to 30, got ${keyBits}`);
    }
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new InvalidArgumentError(`LshTables: bucketCapacity must be an integer ≥ 1, got ${capacity}`);
    }
    if (!Number.isSafeInteger(maxBits) || maxBits < 1 || maxBits > 26) {
      throw new InvalidArgumentError(
        `LshTables: maxBucketBits must be an integer from 1 to 26, got ${maxBits}`,
      );
    }
    this.tables = tables;
    this.keyBits = keyBits;
    this.bucketBits = Math.min(keyBits, maxBits);
    this.bucketCapacity = capacity;
    this.offsets = new Int32Array(tables * ((1 << this.bucketBits) + 1));
  }

  /** The bucket a key falls in: the key itself, or a hash of it when keys are wider than the table. */
  bucketOf(key: number): number {
    return this.keyBits === this.bucketBits ? key : Math.imul(key, 0x9e3779b1) >>> (32 - this.bucketBits);
  }

  /**
   * Fills the tables with `n` neurons whose keys are `keys` (shape `[n, tables]`), inserted in the
   * order `order` (default 0, 1, …, n−1): where a bucket overflows, the last inserted stay.
   */
  build(keys: Int32Array, n: number, order?: Int32Array): void {
    const L = this.tables;
    if (keys.length !== n * L) {
      throw new InvalidArgumentError(
        `LshTables.build: keys must have shape [${n}, ${L}], got ${keys.length} values`,
      );
    }
    if (order !== undefined && order.length !== n) {
      throw new InvalidArgumentError(`LshTables.build: order must list all ${n} neurons`);
    }
    const buckets = 1 << this.bucketBits;
    if (this.items.length !== n * L) this.items = new Int32Array(n * L);
    this.size = n;
    const { offsets, items } = this;
    offsets.fill(0);
    for (let t = 0; t < L; t++) {
      const base = t * (buckets + 1);
      for (let i = 0; i < n; i++) offsets[base + this.bucketOf(keys[i * L + t]) + 1]++;
      for (let b = 0; b < buckets; b++) offsets[base + b + 1] += offsets[base + b];
      // Counting sort: a running cursor per bucket, reusing the slot after the bucket's start.
      const cursor = new Int32Array(buckets);
      const out = t * n;
      for (let r = 0; r < n; r++) {
        const i = order === undefined ? r : order[r];
        const b = this.bucketOf(keys[i * L + t]);
        items[out + offsets[base + b] + cursor[b]++] = i;
      }
    }
  }

  /** The neurons of bucket `key` of table `t` (at most `bucketCapacity`, the last inserted). */
  bucket(t: number, key: number): Int32Array {
    const base = t * ((1 << this.bucketBits) + 1);
    const b = this.bucketOf(key);
    const end = this.offsets[base + b + 1];
    const start = Math.max(this.offsets[base + b], end - this.bucketCapacity);
    return this.items.subarray(t * this.size + start, t * this.size + end);
  }

  /**
   * Appends to `out` (from position `count`) every neuron in the buckets that the keys
   * `keys[offset .. offset + tables)` hit and that is not yet marked with `stamp` in `marks`;
   * marks them and returns the new count. `out` and `marks` need room for every neuron.
   */
  collect(
    keys: Int32Array,
    offset: number,
    marks: Int32Array,
    stamp: number,
    out: Int32Array,
    count: number,
  ): number {
    const buckets = 1 << this.bucketBits;
    const { offsets, items } = this;
    for (let t = 0; t < this.tables; t++) {
      const base = t * (buckets + 1);
      const b = this.bucketOf(keys[offset + t]);
      const end = offsets[base + b + 1];
      const from = t * this.size;
      for (let s = Math.max(offsets[base + b], end - this.bucketCapacity); s < end; s++) {
        const i = items[from + s];
        if (marks[i] !== stamp) {
          marks[i] = stamp;
          out[count++] = i;
        }
      }
    }
    return count;
  }
}
