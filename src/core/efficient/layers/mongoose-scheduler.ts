/**
 * MONGOOSE's rehash scheduler (Chen et al., ICLR 2021): rehash only when the hash codes have drifted.
 * A cheap tracker (a SimHash with one bit per table, `bits` tables, by default 10 as in the paper)
 * watches a random sample of neurons; after each step (or every `checkEvery` steps) it recomputes
 * their bits and compares them with the bits at the last rehash. When more than `threshold` (default
 * 1%) of the tracked bits changed, it calls for a rehash. Early in training weights move fast and
 * rehashes come often; later they come rarely, where a fixed interval would keep paying for them.
 */
import { InvalidArgumentError } from '../../errors.js';
import { SimHash } from '../../lsh/simhash.js';
import { Random } from '../../random.js';
import type { RehashScheduler, WeightsView } from './rehash-scheduler.js';

/** Options of {@link MongooseScheduler}. */
export interface MongooseSchedulerOptions {
  /** Share of tracked bits that must change to trigger a rehash (default 0.01). */
  threshold?: number;
  /** Neurons tracked (default 1000, or all if fewer). */
  sampleSize?: number;
  /** Tracker bits per neuron (default 10: the paper's k = 1, l = 10). */
  bits?: number;
  /** Steps between checks (default 1). */
  checkEvery?: number;
  seed?: number;
}

/** Rehash when more than a set share of (sampled) hash bits changed since the last rehash. */
export class MongooseScheduler implements RehashScheduler {
  readonly threshold: number;
  readonly bits: number;
  readonly checkEvery: number;
  readonly sampleSize: number;
  /** The tracker: a SimHash of `bits` one-bit tables (drawn on first use, when `dim` is known). */
  tracker: SimHash | null = null;
  /** The tracked neurons. */
  sample: Int32Array = new Int32Array(0);
  /** Share of tracked bits changed at the last check. */
  lastShare = 0;
  /** Checks done so far. */
  checks = 0;
  private baseline: Int32Array = new Int32Array(0);
  private readonly rng: Random;

  constructor(options: MongooseSchedulerOptions = {}) {
    this.threshold = options.threshold ?? 0.01;
    this.bits = options.bits ?? 10;
    this.checkEvery = options.checkEvery ?? 1;
    this.sampleSize = options.sampleSize ?? 1000;
    if (!(this.threshold >= 0 && this.threshold < 1)) {
      throw new InvalidArgumentError(`MongooseScheduler: threshold must be in [0, 1), got ${this.threshold}`);
    }
    for (const [name, v] of [
      ['bits', this.bits],
      ['checkEvery', this.checkEvery],
      ['sampleSize', this.sampleSize],
    ] as const) {
      if (!Number.isSafeInteger(v) || v < 1) {
        throw new InvalidArgumentError(`MongooseScheduler: ${name} must be an integer ≥ 1, got ${v}`);
      }
    }
    this.rng = new Random(options.seed ?? 0);
  }

  private ensure(layer: WeightsView): void {
    if (this.tracker?.dim === layer.dim && this.sample.length > 0) return;
    this.tracker = new SimHash({
      dim: layer.dim,
      hashesPerTable: 1,
      tables: this.bits,
      seed: this.rng.nextUint32(),
    });
    // A uniform sample without replacement (partial Fisher–Yates), sorted for memory order.
    const n = layer.rows;
    const size = Math.min(this.sampleSize, n);
    const ids = new Int32Array(n);
    for (let i = 0; i < n; i++) ids[i] = i;
    for (let i = 0; i < size; i++) {
      const j = i + this.rng.int(n - i);
      const t = ids[i];
      ids[i] = ids[j];
      ids[j] = t;
    }
    this.sample = ids.slice(0, size).sort();
  }

  /** Tracker bits of the sampled neurons, `[sample, bits]` (one-bit keys, one per table). */
  private codes(layer: WeightsView): Int32Array {
    const tracker = this.tracker as SimHash;
    const out = new Int32Array(this.sample.length * this.bits);
    for (let s = 0; s < this.sample.length; s++)
      tracker.hashOne(layer.weights, this.sample[s] * layer.dim, out, s * this.bits);
    return out;
  }

  /** Share of the tracked bits that differ from those at the last rehash. */
  changedShare(layer: WeightsView): number {
    this.ensure(layer);
    if (this.baseline.length !== this.sample.length * this.bits) this.baseline = this.codes(layer);
    const now = this.codes(layer);
    let changed = 0;
    for (let i = 0; i < now.length; i++) if (now[i] !== this.baseline[i]) changed++;
    return now.length === 0 ? 0 : changed / now.length;
  }

  afterStep(layer: WeightsView, step: number): boolean {
    if (step % this.checkEvery !== 0) return false;
    this.checks++;
    this.lastShare = this.changedShare(layer);
    return this.lastShare > this.threshold;
  }

  rehashed(layer: WeightsView): void {
    this.ensure(layer);
    this.baseline = this.codes(layer);
  }
}
