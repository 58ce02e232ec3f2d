/**
 * Expected calibration error (Guo et al., 2017): how far a classifier's confidence is from its
 * accuracy, averaged over equal-width confidence bins weighted by the rows in each.
 */
import { InvalidArgumentError } from '../errors.js';
import { argmax } from '../tensor/loops.js';
import type { LabelsInput } from './labels.js';
import { labelsWithScores, type ScoreClassOptions, type ScoresInput } from './scores.js';

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
 * Calibration bins from class codes and an `[n, k]` probability matrix. Confidence is the top
 * probability, the prediction its class (the first on ties); one column is read as `[1 − p, p]`.
 * Bin `b` holds confidences in `(b/B, (b+1)/B]`, and the first bin also holds 0.
 */
export function calibrationBins(
  truth: Int32Array,
  probs: Float64Array,
  k: number,
  bins = 15,
): CalibrationBin[] {
  if (!Number.isSafeInteger(bins) || bins < 1)
    throw new InvalidArgumentError(`bins must be a positive integer, got ${bins}`);
  const count = new Float64Array(bins);
  const confSum = new Float64Array(bins);
  const correctSum = new Float64Array(bins);
  for (let i = 0; i < truth.length; i++) {
    let conf: number;
    let pred: number;
    if (k === 1) {
      const p = probs[i];
      pred = p >= 0.5 ? 1 : 0;
      conf = pred === 1 ? p : 1 - p;
    } else {
      pred = argmax(probs, i * k, k);
      conf = probs[i * k + pred];
    }
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(conf * bins) - 1));
    count[b]++;
    confSum[b] += conf;
    if (pred === truth[i]) correctSum[b]++;
  }
  return Array.from({ length: bins }, (_, b) => ({
    lower: b / bins,
    upper: (b + 1) / bins,
    count: count[b],
    confidence: count[b] ? confSum[b] / count[b] : Number.NaN,
    accuracy: count[b] ? correctSum[b] / count[b] : Number.NaN,
  }));
}

/** ECE from class codes and probabilities (see {@link expectedCalibrationError}). */
export function eceOfCodes(truth: Int32Array, probs: Float64Array, k: number, bins = 15): number {
  if (truth.length === 0) return Number.NaN;
  let ece = 0;
  for (const bin of calibrationBins(truth, probs, k, bins))
    if (bin.count > 0) ece += (bin.count / truth.length) * Math.abs(bin.accuracy - bin.confidence);
  return ece;
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
