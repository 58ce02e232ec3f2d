/**
 * Expected calibration error (Guo et al., 2017): how far a classifier's confidence is from its
 * accuracy, averaged over equal-width confidence bins weighted by the rows in each.
 */
import { InvalidArgumentError } from '../errors.js';
import { argmax } from '../tensor/loops.js';
import { isKeptValues } from './column-reads.js';
import type { LabelsInput } from './labels.js';
import { labelsWithScores, type ScoreClassOptions, type ScoresInput } from './scores.js';
import type { SliceSlots } from './slice-slots.js';

/** Options of {@link expectedCalibrationError}. */
export interface CalibrationOptions extends ScoreClassOptions {
  /** Number of equal-width bins over [0, 1]; default 15. */
  bins?: number;
}

/** One confidence bin: its range, rows, mean confidence and accuracy (NaN when empty). */
export interface CalibrationBin {
  lower: number;
  upper: number;
  count: number;
  confidence: number;
  accuracy: number;
}

/**
 * Per slot and bin: rows, summed confidence and correct rows (`[slots, bins]`, row-major). Summed in
 * row order, so a slot's sums are those of its rows taken on their own.
 */
export interface CalibrationSums {
  bins: number;
  count: Float64Array;
  confSum: Float64Array;
  correctSum: Float64Array;
}

function checkBins(bins: number): void {
  if (!Number.isSafeInteger(bins) || bins < 1)
    throw new InvalidArgumentError(`bins must be a positive integer, got ${bins}`);
}

/** Per row: its confidence bin (-1: none, for a NaN confidence), confidence and whether it is right. */
export interface RowCalibration {
  bin: Int32Array;
  conf: Float64Array;
  correct: Uint8Array;
}

/** Row `i`'s predicted class: its top probability's (the first on ties); one column is `[1 − p, p]`. */
function predictedClass(probs: Float64Array, k: number, i: number): number {
  return k === 1 ? (probs[i] >= 0.5 ? 1 : 0) : argmax(probs, i * k, k);
}

/** Row `i`'s probability of the class `pred`. */
function confidence(probs: Float64Array, k: number, i: number, pred: number): number {
  return k === 1 ? (pred === 1 ? probs[i] : 1 - probs[i]) : probs[i * k + pred];
}

/** The bin of a confidence: `(b/B, (b+1)/B]`, 0 in the first; -1 for NaN. */
function confidenceBin(c: number, bins: number): number {
  const b = Math.min(bins - 1, Math.max(0, Math.ceil(c * bins) - 1));
  return Number.isNaN(b) ? -1 : b;
}

/**
 * The confidence, bin and correctness of every row (or of the rows `rows`, in their order), from
 * class codes and an `[n, k]` probability matrix. Confidence is the top probability, the
 * prediction its class (the first on ties); one column is read as `[1 − p, p]`. Bin `b` holds
 * confidences in `(b/B, (b+1)/B]`, and the first bin also holds 0.
 */
export function rowCalibration(
  truth: Int32Array,
  probs: Float64Array,
  k: number,
  bins: number,
  rows?: Int32Array,
): RowCalibration {
  checkBins(bins);
  const n = rows?.length ?? truth.length;
  const bin = new Int32Array(n);
  const conf = new Float64Array(n);
  const correct = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const i = rows === undefined ? r : rows[r];
    const pred = predictedClass(probs, k, i);
    const c = confidence(probs, k, i, pred);
    bin[r] = confidenceBin(c, bins);
    conf[r] = c;
    correct[r] = pred === truth[i] ? 1 : 0;
  }
  return { bin, conf, correct };
}

/**
 * Calibration sums of one slot (`slot`, of `into`) over the rows `picks` of per-row calibration
 * values, in their order (repeats count again, as a bootstrap resample); all of them when undefined.
 */
export function addCalibration(
  into: CalibrationSums,
  slot: number,
  values: RowCalibration,
  picks?: Int32Array,
): void {
  const { bins, count, confSum, correctSum } = into;
  const { bin, conf, correct } = values;
  const base = slot * bins;
  const n = picks?.length ?? bin.length;
  for (let r = 0; r < n; r++) {
    const i = picks === undefined ? r : picks[r];
    const b = bin[i];
    if (b < 0) continue;
    count[base + b]++;
    confSum[base + b] += conf[i];
    correctSum[base + b] += correct[i];
  }
}

/** Zeroed sums of `slots` slots. */
export function emptyCalibrationSums(slots: number, bins: number): CalibrationSums {
  return {
    bins,
    count: new Float64Array(slots * bins),
    confSum: new Float64Array(slots * bins),
    correctSum: new Float64Array(slots * bins),
  };
}

/** Per row of a probability matrix: its predicted class and confidence bin. */
interface TopClasses {
  k: number;
  bins: number;
  pred: Int32Array;
  bin: Int32Array;
}

/** The top classes of a column's kept scores (see column-reads.ts), per binning. */
const TOP_CLASSES = new WeakMap<Float64Array, TopClasses>();

/**
 * The predicted class and bin of every row of `probs`: kept with a column's kept values (the slices
 * panel bins the same scores on every request, see column-reads.ts), else made for this call.
 */
function topClasses(probs: Float64Array, k: number, bins: number): TopClasses {
  const kept = TOP_CLASSES.get(probs);
  if (kept !== undefined && kept.k === k && kept.bins === bins) return kept;
  const n = Math.floor(probs.length / k);
  const top = { k, bins, pred: new Int32Array(n), bin: new Int32Array(n) };
  for (let i = 0; i < n; i++) {
    const pred = predictedClass(probs, k, i);
    top.pred[i] = pred;
    top.bin[i] = confidenceBin(confidence(probs, k, i, pred), bins);
  }
  if (isKeptValues(probs)) TOP_CLASSES.set(probs, top);
  return top;
}

/**
 * Calibration sums from class codes and an `[n, k]` probability matrix (rows binned as
 * {@link rowCalibration} has it): of every row (one slot), or of every slot of `slots`.
 */
export function calibrationSums(
  truth: Int32Array,
  probs: Float64Array,
  k: number,
  bins = 15,
  where: { slots?: SliceSlots } = {},
): CalibrationSums {
  const { slots } = where;
  checkBins(bins);
  const total = slots?.total ?? 1;
  const sums = emptyCalibrationSums(total, bins);
  addSlotSums(sums, truth, probs, topClasses(probs, k, bins), slots);
  return sums;
}

/**
 * One pass, each row added to overall (the last slot) and to its slice of each partition: every
 * slot's sums still run over its rows in row order. A function of its own, reading the top classes
 * always the same way, so that its compiled loop serves the first request and the next alike.
 */
function addSlotSums(
  sums: CalibrationSums,
  truth: Int32Array,
  probs: Float64Array,
  top: TopClasses,
  slots: SliceSlots | undefined,
): void {
  const { bins, count, confSum, correctSum } = sums;
  const { k, pred: predOf, bin: binOf } = top;
  const overall = ((slots?.total ?? 1) - 1) * bins;
  const codes = slots?.codes ?? [];
  const offsets = slots?.offsets ?? new Int32Array(0);
  for (let i = 0; i < truth.length; i++) {
    const b = binOf[i];
    if (b < 0) continue;
    const pred = predOf[i];
    const c = confidence(probs, k, i, pred);
    const right = pred === truth[i] ? 1 : 0;
    count[overall + b]++;
    confSum[overall + b] += c;
    correctSum[overall + b] += right;
    for (let j = 0; j < codes.length; j++) {
      const s = codes[j][i];
      if (s < 0) continue;
      const at = (offsets[j] + s) * bins + b;
      count[at]++;
      confSum[at] += c;
      correctSum[at] += right;
    }
  }
}

/** The bins of one slot of calibration sums (slot 0 when they are of one set of rows). */
export function binsOfSums(sums: CalibrationSums, slot = 0): CalibrationBin[] {
  const { bins } = sums;
  return Array.from({ length: bins }, (_, b) => {
    const n = sums.count[slot * bins + b];
    return {
      lower: b / bins,
      upper: (b + 1) / bins,
      count: n,
      confidence: n ? sums.confSum[slot * bins + b] / n : Number.NaN,
      accuracy: n ? sums.correctSum[slot * bins + b] / n : Number.NaN,
    };
  });
}

/**
 * ECE of one slot of calibration sums over its `rows` rows (NaN for none). A row whose confidence is
 * NaN is in no bin but counts in `rows`, as it always has.
 */
export function eceOfSums(sums: CalibrationSums, slot: number, rows: number): number {
  if (rows === 0) return Number.NaN;
  const { bins, count, confSum, correctSum } = sums;
  let ece = 0;
  for (let b = slot * bins; b < (slot + 1) * bins; b++) {
    const n = count[b];
    if (n > 0) ece += (n / rows) * Math.abs(correctSum[b] / n - confSum[b] / n);
  }
  return ece;
}

/**
 * Calibration bins from class codes and an `[n, k]` probability matrix (see
 * {@link calibrationSums} for how rows are binned).
 */
export function calibrationBins(
  truth: Int32Array,
  probs: Float64Array,
  k: number,
  bins = 15,
): CalibrationBin[] {
  return binsOfSums(calibrationSums(truth, probs, k, bins));
}

/** ECE from class codes and probabilities (see {@link expectedCalibrationError}). */
export function eceOfCodes(truth: Int32Array, probs: Float64Array, k: number, bins = 15): number {
  if (truth.length === 0) return Number.NaN;
  return eceOfSums(calibrationSums(truth, probs, k, bins), 0, truth.length);
}

/**
 * Expected calibration error: `Σ_b (n_b / n) · |accuracy_b − confidence_b|` over equal-width bins
 * of the top-class confidence (default 15 bins). 0 for a perfectly calibrated model.
 *
 * ```ts
 * expectedCalibrationError(df.column('label'), df.column('probs'), { bins: 10 });
 * ```
 */
export function expectedCalibrationError(
  truth: LabelsInput,
  probabilities: ScoresInput,
  options: CalibrationOptions = {},
): number {
  const enc = labelsWithScores(truth, probabilities, options);
  return eceOfCodes(enc.truth, enc.scores, enc.k, options.bins);
}
