/**
 * Classification metrics of many slices at once (see slice-slots.ts): one pass over the rows gathers
 * every slot's confusion counts (accuracy, precision, recall, F1 follow from them), calibration
 * sums (ECE) and log-loss sums, and ROC-AUC takes one sort per score column for all slots. Every
 * sum runs over a slot's rows in row order, as evaluating the slot's rows on their own does, so
 * each value is the same number {@link evaluate} gives the slice.
 */
import { InvalidArgumentError } from '../errors.js';
import { aucBySlot } from './auc-by-slot.js';
import { type CalibrationSums, calibrationSums, eceOfSums } from './calibration.js';
import { reportFromCounts } from './classification.js';
import { confusionCountsBySlot } from './confusion.js';
import type { ClassData, MetricName } from './evaluate.js';
import type { SliceSlots } from './slice-slots.js';

/** The metrics {@link metricsBySlot} computes: every classification metric. */
const CLASSIFICATION: ReadonlySet<MetricName> = new Set<MetricName>([
  'accuracy',
  'error_rate',
  'precision_macro',
  'recall_macro',
  'f1_macro',
  'f1_micro',
  'roc_auc',
  'log_loss',
  'ece',
]);

/** Per slot: its rows, correct predictions, confusion counts and each metric's value. */
export interface MetricsBySlot {
  /** Rows per slot. */
  count: Int32Array;
  /** Rows per slot whose prediction is right. */
  correct: Int32Array;
  /** `[slots, k, k]` confusion counts (row = true class). */
  confusion: Int32Array;
  /** Per metric asked for, in order: its value per slot (NaN where undefined, e.g. no rows). */
  values: Float64Array[];
  /** The calibration sums of every slot (15 bins), when ECE was asked for. */
  calibration: CalibrationSums | null;
}

/** Probabilities clipped as {@link logLossOfCodes} clips them. */
const EPS = 1e-15;

/** Metrics of every slot of `slots` over the rows of `data` (see the file's comment). */
export function metricsBySlot(
  data: ClassData,
  slots: SliceSlots,
  metrics: readonly MetricName[],
  /** The score orders of ROC-AUC when the caller keeps them (see `scoreOrders` in roc-auc.ts). */
  orders?: readonly Int32Array[],
): MetricsBySlot {
  for (const m of metrics)
    if (!CLASSIFICATION.has(m)) throw new InvalidArgumentError(`"${m}" is not a classification metric`);
  const needsScores = metrics.some((m) => m === 'roc_auc' || m === 'ece' || m === 'log_loss');
  if (needsScores && data.scores === null)
    throw new InvalidArgumentError(
      'roc_auc, ece and log_loss need class probabilities: pass { scores: column }',
    );
  const k = data.classes.length;
  const cells = k * k;
  const { total } = slots;
  const confusion = confusionCountsBySlot(data.truth, data.pred, k, slots);
  const count = new Int32Array(total);
  const correct = new Int32Array(total);
  for (let s = 0; s < total; s++)
    for (let t = 0; t < k; t++) {
      for (let p = 0; p < k; p++) count[s] += confusion[s * cells + t * k + p];
      correct[s] += confusion[s * cells + t * k + t];
    }
  const reports = metrics.some((m) => m.endsWith('_macro') || m === 'f1_micro')
    ? Array.from({ length: total }, (_, s) =>
        reportFromCounts(confusion.subarray(s * cells, (s + 1) * cells), data.classes),
      )
    : [];
  const calibration = metrics.includes('ece')
    ? calibrationSums(data.truth, data.scores as Float64Array, data.k, 15, { slots })
    : null;
  const auc = metrics.includes('roc_auc')
    ? aucBySlot(data.truth, data.scores as Float64Array, data.k, slots, count, orders)
    : null;
  const logLoss = metrics.includes('log_loss') ? logLossBySlot(data, slots) : null;
  const values = metrics.map((m) =>
    Float64Array.from({ length: total }, (_, s) => {
      const n = count[s];
      switch (m) {
        case 'accuracy':
          return n ? correct[s] / n : Number.NaN;
        case 'error_rate':
          return n ? 1 - correct[s] / n : Number.NaN;
        case 'precision_macro':
          return reports[s].macro.precision;
        case 'recall_macro':
          return reports[s].macro.recall;
        case 'f1_macro':
          return reports[s].macro.f1;
        case 'f1_micro':
          return reports[s].micro.f1;
        case 'roc_auc':
          return (auc as Float64Array)[s];
        case 'ece':
          return eceOfSums(calibration!, s, n);
        default:
          return n ? (logLoss as Float64Array)[s] / n : Number.NaN;
      }
    }),
  );
  return { count, correct, confusion, values, calibration };
}

/** Summed −log p(true class) per slot, in row order (see log-loss.ts). */
function logLossBySlot(data: ClassData, slots: SliceSlots): Float64Array {
  const { truth, k } = data;
  const probs = data.scores as Float64Array;
  const { codes, offsets, total } = slots;
  const sums = new Float64Array(total);
  for (let i = 0; i < truth.length; i++) {
    const p = k === 1 ? (truth[i] === 1 ? probs[i] : 1 - probs[i]) : probs[i * k + truth[i]];
    const loss = Math.log(Math.min(1 - EPS, Math.max(EPS, p)));
    sums[total - 1] -= loss;
    for (let j = 0; j < codes.length; j++) if (codes[j][i] >= 0) sums[offsets[j] + codes[j][i]] -= loss;
  }
  return sums;
}
