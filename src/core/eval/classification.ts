/**
 * Accuracy, precision, recall and F1 (per class, micro- and macro-averaged) from true and predicted
 * class labels. A ratio whose denominator is zero (a class never predicted, or never present) is
 * 0, as scikit-learn's `zero_division=0`.
 */
import { type ClassOptions, confusionCounts, encodePair } from './confusion.js';
import type { Label, LabelsInput } from './labels.js';

/** Precision, recall and F1 of one averaging. */
export interface PrecisionRecallF1 {
  precision: number;
  recall: number;
  f1: number;
}

/** Per-class and averaged precision, recall and F1, with the accuracy and per-class support. */
export interface ClassificationReport {
  classes: Label[];
  /** Per class, in class order. */
  precision: Float64Array;
  recall: Float64Array;
  f1: Float64Array;
  /** Rows of each true class. */
  support: Int32Array;
  /** From the pooled counts of all classes (for single-label data all three equal the accuracy). */
  micro: PrecisionRecallF1;
  /** The unweighted mean over classes. */
  macro: PrecisionRecallF1;
  accuracy: number;
  /** Rows counted (those with both labels present). */
  count: number;
}

/** How per-class scores are combined: pooled counts, mean over classes, or none (one per class). */
export type Average = 'micro' | 'macro' | 'none';

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

/** The report from a `k × k` confusion count matrix (row = true, column = predicted). */
export function reportFromCounts(counts: Int32Array, classes: Label[]): ClassificationReport {
  const k = classes.length;
  const precision = new Float64Array(k);
  const recall = new Float64Array(k);
  const f1 = new Float64Array(k);
  const support = new Int32Array(k);
  let correct = 0;
  let total = 0;
  for (let c = 0; c < k; c++) {
    let predicted = 0;
    let actual = 0;
    for (let j = 0; j < k; j++) {
      predicted += counts[j * k + c];
      actual += counts[c * k + j];
    }
    const tp = counts[c * k + c];
    correct += tp;
    total += actual;
    support[c] = actual;
    precision[c] = ratio(tp, predicted);
    recall[c] = ratio(tp, actual);
    f1[c] = ratio(2 * tp, predicted + actual);
  }
  const mean = (a: Float64Array) => (k === 0 ? Number.NaN : a.reduce((s, x) => s + x, 0) / k);
  // Each wrong prediction is one false positive (of the predicted class) and one false negative
  // (of the true class), so the pooled precision, recall and F1 all equal the accuracy.
  const accuracy = total === 0 ? Number.NaN : correct / total;
  return {
    classes,
    precision,
    recall,
    f1,
    support,
    micro: { precision: accuracy, recall: accuracy, f1: accuracy },
    macro: { precision: mean(precision), recall: mean(recall), f1: mean(f1) },
    accuracy,
    count: total,
  };
}

/**
 * Precision, recall and F1 per class and averaged, with accuracy and support.
 *
 * ```ts
 * const r = classificationReport(df.column('label'), df.column('pred'));
 * console.log(r.macro.f1, r.classes, r.f1);
 * ```
 */
export function classificationReport(
  truth: LabelsInput,
  pred: LabelsInput,
  options: ClassOptions = {},
): ClassificationReport {
  const enc = encodePair(truth, pred, options);
  return reportFromCounts(confusionCounts(enc.truth, enc.pred, enc.classes.length), enc.classes);
}

/** Share of rows whose predicted label equals the true label (NaN when there are no rows). */
export function accuracy(truth: LabelsInput, pred: LabelsInput): number {
  const enc = encodePair(truth, pred);
  return accuracyOfCodes(enc.truth, enc.pred);
}

/** Accuracy of class codes. */
export function accuracyOfCodes(truth: Int32Array, pred: Int32Array): number {
  if (truth.length === 0) return Number.NaN;
  let correct = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === pred[i]) correct++;
  return correct / truth.length;
}

/** Options of {@link precision}, {@link recall} and {@link f1}. */
export interface AverageOptions extends ClassOptions {
  /** Default `macro`. */
  average?: Average;
}

/** Precision, recall or F1 of true against predicted labels: averaged (default macro) or per class. */
export interface AveragedMetric {
  (truth: LabelsInput, pred: LabelsInput, options?: AverageOptions & { average?: 'micro' | 'macro' }): number;
  (truth: LabelsInput, pred: LabelsInput, options: AverageOptions & { average: 'none' }): Float64Array;
}

/** The metric that reads `which` from the classification report. */
function averagedMetric(which: keyof PrecisionRecallF1): AveragedMetric {
  return ((truth: LabelsInput, pred: LabelsInput, options: AverageOptions = {}) => {
    const report = classificationReport(truth, pred, options);
    const average = options.average ?? 'macro';
    return average === 'none' ? report[which] : report[average][which];
  }) as AveragedMetric;
}

/** Precision: of the rows predicted as a class, the share that are of it. Averaged (default macro) or per class. */
export const precision = averagedMetric('precision');

/** Recall: of the rows of a class, the share predicted as it. Averaged (default macro) or per class. */
export const recall = averagedMetric('recall');

/** F1: the harmonic mean of precision and recall. Averaged (default macro) or per class. */
export const f1 = averagedMetric('f1');
