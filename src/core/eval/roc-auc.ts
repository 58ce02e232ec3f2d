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

/** The one-vs-rest problems of `k` score columns: `[column, positive class]` each (one for k ≤ 2). */
export function aucProblems(k: number): [number, number][] {
  return k === 1 || k === 2 ? [[k - 1, 1]] : Array.from({ length: k }, (_, c) => [c, c] as [number, number]);
}

/** One column of an `[n, k]` matrix at the rows `rows` (all rows when undefined). */
export function scoreColumn(
  scores: Float64Array,
  k: number,
  column: number,
  rows?: Int32Array,
): Float64Array {
  const n = rows?.length ?? scores.length / k;
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) out[r] = scores[(rows === undefined ? r : rows[r]) * k + column];
  return out;
}

/** Binary AUC from rank sums (NaN for no positive, no negative, or a NaN score). */
export function aucOfRanks(rankSum: number, positives: number, rows: number, nan: boolean): number {
  const negatives = rows - positives;
  if (nan || positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Macro AUC of bootstrap resamples of the rows `rows`: sort them once per score column, then
 * score each resample by walking that order with each row weighted by how often the resample drew
 * it. `resampleAuc(picks)` (positions into `rows`) equals {@link rocAucOfCodes} of the resampled
 * rows, at a walk per resample instead of a sort.
 */
export function resampledAuc(
  truth: Int32Array,
  scores: Float64Array,
  k: number,
  rows: Int32Array,
): (picks: Int32Array) => number {
  const m = rows.length;
  // Per problem, what a walk reads laid out in score order once: the order, the positives in it,
  // and where each run of tied scores starts (none when no two scores tie).
  const problems = aucProblems(k).map(([column, positive]) => {
    const values = scoreColumn(scores, k, column, rows);
    const order = argsortFloat64(values);
    const isPositive = new Uint8Array(m);
    const starts: number[] = [];
    let firstNaN = m;
    for (let r = 0; r < m; r++) {
      const row = order[r];
      isPositive[r] = truth[rows[row]] === positive ? 1 : 0;
      const v = values[row];
      if (r === 0 || v !== values[order[r - 1]]) starts.push(r);
      if (Number.isNaN(v) && firstNaN === m) firstNaN = r;
    }
    const tied = starts.length < m;
    starts.push(m);
    return { order, isPositive, runStarts: tied ? Int32Array.from(starts) : null, firstNaN };
  });
  const weight = new Int32Array(m);
  return (picks) => {
    let sum = 0;
    let defined = 0;
    weight.fill(0);
    for (let i = 0; i < picks.length; i++) weight[picks[i]]++;
    for (const { order, isPositive, runStarts, firstNaN } of problems) {
      let seen = 0;
      let rankSum = 0;
      let positives = 0;
      // A run no draw hit adds 0 to every sum (exactly), so the walks need not branch on it.
      if (runStarts === null)
        for (let r = 0; r < m; r++) {
          const w = weight[order[r]];
          const runPositives = w * isPositive[r];
          rankSum += runPositives * (seen + (w + 1) / 2);
          positives += runPositives;
          seen += w;
        }
      else
        for (let run = 0; run + 1 < runStarts.length; run++) {
          let runRows = 0;
          let runPositives = 0;
          for (let r = runStarts[run]; r < runStarts[run + 1]; r++) {
            const w = weight[order[r]];
            runRows += w;
            runPositives += w * isPositive[r];
          }
          rankSum += runPositives * (seen + (runRows + 1) / 2);
          positives += runPositives;
          seen += runRows;
        }
      // NaN scores sort last: a draw of one makes the AUC undefined.
      let nan = false;
      for (let r = firstNaN; r < m; r++) if (weight[order[r]] > 0) nan = true;
      const auc = aucOfRanks(rankSum, positives, picks.length, nan);
      if (!Number.isNaN(auc)) {
        sum += auc;
        defined++;
      }
    }
    return defined === 0 ? Number.NaN : sum / defined;
  };
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
