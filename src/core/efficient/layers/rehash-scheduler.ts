/**
 * When an LSH layer rebuilds its hash tables. Training moves the neurons' weights, so their buckets
 * go stale; rehashing costs a pass over the changed neurons. SLIDE rehashes at a fixed interval;
 * MONGOOSE (see `mongoose-scheduler.ts`) rehashes when the hash codes have actually drifted.
 */
import { InvalidArgumentError } from '../../errors.js';

/** The weights a scheduler may look at: `rows` neurons of width `dim`, row-major. */
export interface WeightsView {
  readonly weights: Float32Array;
  readonly rows: number;
  readonly dim: number;
}

/** Decides after each training step whether to rehash. */
export interface RehashScheduler {
  /** Called after training step `step` (1, 2, …); true means: rehash now. */
  afterStep(layer: WeightsView, step: number): boolean;
  /** Called after every rehash of the layer, so the scheduler can take a new baseline. */
  rehashed(layer: WeightsView): void;
}

/** Rehash every `every` steps (SLIDE's schedule). */
export class FixedIntervalRehash implements RehashScheduler {
  constructor(readonly every: number) {
    if (!Number.isSafeInteger(every) || every < 1) {
      throw new InvalidArgumentError(`FixedIntervalRehash: every must be an integer ≥ 1, got ${every}`);
    }
  }

  afterStep(_layer: WeightsView, step: number): boolean {
    return step % this.every === 0;
  }

  rehashed(): void {}
}
