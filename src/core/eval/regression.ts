/** Regression metrics: mean absolute error, root mean squared error and the coefficient of determination. */
import { LengthMismatchError } from '../errors.js';
import { type NumbersInput, numberValues } from './labels.js';

/** Targets and predictions of the rows where both are present (not null, not NaN). */
export function pairedValues(
  truth: NumbersInput,
  pred: NumbersInput,
): { truth: Float64Array; pred: Float64Array } {
  const t = numberValues(truth, 'targets');
  const p = numberValues(pred, 'predictions');
  if (t.length !== p.length)
    throw new LengthMismatchError(`predictions have ${p.length} rows but the targets have ${t.length}`);
  let m = 0;
  for (let i = 0; i < t.length; i++) if (!Number.isNaN(t[i]) && !Number.isNaN(p[i])) m++;
  if (m === t.length) return { truth: t, pred: p };
  const tt = new Float64Array(m);
  const pp = new Float64Array(m);
  for (let i = 0, j = 0; i < t.length; i++)
    if (!Number.isNaN(t[i]) && !Number.isNaN(p[i])) {
      tt[j] = t[i];
      pp[j++] = p[i];
    }
  return { truth: tt, pred: pp };
}

/** MAE of paired arrays. */
export function maeOf(truth: Float64Array, pred: Float64Array): number {
  if (truth.length === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < truth.length; i++) s += Math.abs(truth[i] - pred[i]);
  return s / truth.length;
}

/** RMSE of paired arrays. */
export function rmseOf(truth: Float64Array, pred: Float64Array): number {
  if (truth.length === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < truth.length; i++) s += (truth[i] - pred[i]) ** 2;
  return Math.sqrt(s / truth.length);
}

/** R² of paired arrays (see {@link r2Score}). */
export function r2Of(truth: Float64Array, pred: Float64Array): number {
  const n = truth.length;
  if (n === 0) return Number.NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += truth[i];
  mean /= n;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    residual += (truth[i] - pred[i]) ** 2;
    total += (truth[i] - mean) ** 2;
  }
  if (total === 0) return residual === 0 ? 1 : 0;
  return 1 - residual / total;
}

/** Mean absolute error; rows where either value is missing are left out. */
export function meanAbsoluteError(truth: NumbersInput, pred: NumbersInput): number {
  const v = pairedValues(truth, pred);
  return maeOf(v.truth, v.pred);
}

/** Root mean squared error; rows where either value is missing are left out. */
export function rootMeanSquaredError(truth: NumbersInput, pred: NumbersInput): number {
  const v = pairedValues(truth, pred);
  return rmseOf(v.truth, v.pred);
}

/**
 * Coefficient of determination, `1 − Σ(y − ŷ)² / Σ(y − ȳ)²`: 1 for perfect predictions, 0 for
 * predicting the mean, negative for worse. With constant targets it is 1 if the predictions are
 * exact and 0 otherwise (as scikit-learn's default).
 */
export function r2Score(truth: NumbersInput, pred: NumbersInput): number {
  const v = pairedValues(truth, pred);
  return r2Of(v.truth, v.pred);
}
