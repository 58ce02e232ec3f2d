/** Log-loss (cross-entropy) of predicted probabilities, with probabilities clipped away from 0 and 1. */
import type { LabelsInput } from './labels.js';
import { labelsWithScores, type ScoreClassOptions, type ScoresInput } from './scores.js';

/** Options of {@link logLoss}. */
export interface LogLossOptions extends ScoreClassOptions {
  /** Probabilities are clipped to `[eps, 1 − eps]` so a confident mistake costs `−log eps`, not infinity. Default 1e-15. */
  eps?: number;
}

/**
 * Mean log-loss from class codes and an `[n, k]` probability matrix: `−mean log p(true class)`,
 * with `p` clipped to `[eps, 1 − eps]`. One column is the positive class's probability.
 */
export function logLossOfCodes(truth: Int32Array, probs: Float64Array, k: number, eps = 1e-15): number {
  const n = truth.length;
  if (n === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = k === 1 ? (truth[i] === 1 ? probs[i] : 1 - probs[i]) : probs[i * k + truth[i]];
    sum -= Math.log(Math.min(1 - eps, Math.max(eps, p)));
  }
  return sum / n;
}

/**
 * Log-loss (cross-entropy, natural log) of predicted probabilities: `−mean log p(true class)`.
 * Probabilities are not renormalised: pass rows that sum to 1 (e.g. from {@link softmax}).
 *
 * ```ts
 * logLoss([0, 1], [[0.9, 0.1], [0.2, 0.8]]); // (−log 0.9 − log 0.8) / 2
 * ```
 */
export function logLoss(
  truth: LabelsInput,
  probabilities: ScoresInput,
  options: LogLossOptions = {},
): number {
  const enc = labelsWithScores(truth, probabilities, options);
  return logLossOfCodes(enc.truth, enc.scores, enc.k, options.eps);
}
