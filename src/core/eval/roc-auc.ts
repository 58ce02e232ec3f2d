/**
 * Area under the ROC curve: binary, and one-vs-rest per class with a macro average. Computed from
 * ranks (the Mann–Whitney U statistic): the chance that a random positive scores above a random
 * negative, ties counting one half, which average ranks give exactly.
 */
import { argsortFloat64 } from '../frame/sort.js';
import type { LabelsInput } from './labels.js';
import { labelsWithScores, type ScoreClassOptions, type ScoresInput } from './scores.js';

/** Options of {@link rocAuc}. */
export interface RocAucOptions extends ScoreClassOptions {
  /** `macro` (default): one number; `none`: one AUC per class (one-vs-rest), NaN where undefined. */
  average?: 'macro' | 'none';
}

/**
 * Binary AUC of the scores `scores[offset + i * stride]` against `isPositive[i]` (1 = positive).
 * NaN when there are no positives or no negatives, or a score is NaN.
 */
export function binaryAuc(isPositive: Uint8Array, scores: Float64Array, stride = 1, offset = 0): number {
  const n = isPositive.length;
  const values = new Float64Array(n);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const v = scores[offset + i * stride];
    if (Number.isNaN(v)) return Number.NaN;
    values[i] = v;
    positives += isPositive[i];
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  const order = argsortFloat64(values);
  // Walk runs of equal scores: every member of a run gets the run's mean rank (1-based).
  let rankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && values[order[end]] === values[order[start]]) end++;
    const meanRank = (start + 1 + end) / 2;
    for (let r = start; r < end; r++) if (isPositive[order[r]]) rankSum += meanRank;
    start = end;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Per-class one-vs-rest AUC from class codes and an `[n, k]` score matrix (k = 1: binary). */
export function aucPerClass(truth: Int32Array, scores: Float64Array, k: number): Float64Array {
  const n = truth.length;
  const isPositive = new Uint8Array(n);
  if (k === 1 || k === 2) {
    // Binary: one AUC, of the positive class (code 1), from its score column.
    for (let i = 0; i < n; i++) isPositive[i] = truth[i] === 1 ? 1 : 0;
    return Float64Array.of(binaryAuc(isPositive, scores, k, k - 1));
  }
  const out = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < n; i++) isPositive[i] = truth[i] === c ? 1 : 0;
    out[c] = binaryAuc(isPositive, scores, k, c);
  }
  return out;
}

/** Mean of the values that are not NaN (NaN when none is). */
export function nanMean(values: Float64Array): number {
  let sum = 0;
  let count = 0;
  for (const v of values)
    if (!Number.isNaN(v)) {
      sum += v;
      count++;
    }
  return count === 0 ? Number.NaN : sum / count;
}

/** Macro one-vs-rest AUC (binary AUC for one or two score columns) from class codes. */
export function rocAucOfCodes(truth: Int32Array, scores: Float64Array, k: number): number {
  return nanMean(aucPerClass(truth, scores, k));
}

/**
 * ROC-AUC. With one score per row (or two columns, of which the second is used), the binary AUC of
 * the positive class; with `k ≥ 3` score columns, the one-vs-rest AUC of each class and their
 * unweighted (macro) mean. A class with no positive or no negative rows has no AUC and is left out
 * of the mean (scikit-learn raises instead). Tied scores count one half.
 *
 * ```ts
 * rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 * rocAuc(df.column('label'), df.column('probs')); // tensor column [k]: macro one-vs-rest
 * ```
 */
export function rocAuc(
  truth: LabelsInput,
  scores: ScoresInput,
  options?: RocAucOptions & { average?: 'macro' },
): number;
export function rocAuc(
  truth: LabelsInput,
  scores: ScoresInput,
  options: RocAucOptions & { average: 'none' },
): Float64Array;
export function rocAuc(
  truth: LabelsInput,
  scores: ScoresInput,
  options: RocAucOptions = {},
): number | Float64Array {
  const enc = labelsWithScores(truth, scores, options);
  const per = aucPerClass(enc.truth, enc.scores, enc.k);
  return options.average === 'none' ? per : nanMean(per);
}
