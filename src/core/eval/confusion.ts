/** The confusion matrix of a classifier: counts of (true class, predicted class) pairs. */
import { encodeLabelInputs, type Label, type LabelsInput } from './labels.js';
import type { SliceSlots } from './slice-slots.js';

/** Counts of (true class, predicted class) pairs over one class list. */
export interface ConfusionMatrix {
  /** The classes, in row and column order. */
  classes: Label[];
  /** `k × k` counts, row-major: `counts[t * k + p]` rows of true class `t` predicted as `p`. */
  counts: Int32Array;
  /** As nested arrays: `matrix[t][p]`. */
  matrix: number[][];
}

/** Options of the classification metrics. */
export interface ClassOptions {
  /**
   * The classes, in order (a label outside the list is an error). Default: the sorted union of the
   * true and predicted labels.
   */
  classes?: readonly Label[];
}

/** `k × k` counts from class codes. */
export function confusionCounts(truth: Int32Array, pred: Int32Array, k: number): Int32Array {
  const counts = new Int32Array(k * k);
  for (let i = 0; i < truth.length; i++) counts[truth[i] * k + pred[i]]++;
  return counts;
}

/** `k × k` counts of every slot at once (`[slots.total, k, k]`), in one pass over the rows. */
export function confusionCountsBySlot(
  truth: Int32Array,
  pred: Int32Array,
  k: number,
  slots: SliceSlots,
): Int32Array {
  const cells = k * k;
  const counts = new Int32Array(slots.total * cells);
  const overall = (slots.total - 1) * cells;
  const { codes, offsets } = slots;
  for (let i = 0; i < truth.length; i++) {
    const cell = truth[i] * k + pred[i];
    counts[overall + cell]++;
    for (let j = 0; j < codes.length; j++) {
      const s = codes[j][i];
      if (s >= 0) counts[(offsets[j] + s) * cells + cell]++;
    }
  }
  return counts;
}

/** True and predicted labels encoded over one class list (rows with a missing value left out). */
export function encodePair(
  truth: LabelsInput,
  pred: LabelsInput,
  options: ClassOptions = {},
): { classes: Label[]; truth: Int32Array; pred: Int32Array; rows: Int32Array } {
  const enc = encodeLabelInputs([truth, pred], options.classes, ['labels', 'predictions']);
  return { classes: enc.classes, truth: enc.codes[0], pred: enc.codes[1], rows: enc.rows };
}

/**
 * The confusion matrix of true against predicted labels: row = true class, column = predicted.
 *
 * ```ts
 * confusionMatrix(['cat', 'dog', 'dog'], ['cat', 'cat', 'dog']).matrix; // [[1, 0], [1, 1]]
 * ```
 */
export function confusionMatrix(
  truth: LabelsInput,
  pred: LabelsInput,
  options: ClassOptions = {},
): ConfusionMatrix {
  const enc = encodePair(truth, pred, options);
  const k = enc.classes.length;
  const counts = confusionCounts(enc.truth, enc.pred, k);
  const matrix = Array.from({ length: k }, (_, t) => Array.from(counts.subarray(t * k, t * k + k)));
  return { classes: enc.classes, counts, matrix };
}
