/**
 * Bootstrap intervals of classification metrics of a set of rows, each resample scored from counts
 * rather than from a copy of its rows: confusion counts (accuracy, precision, recall, F1) and
 * calibration sums (ECE) over the drawn rows (each row binned once), and ROC-AUC by a walk over the rows sorted once,
 * weighted by how often each was drawn (no sort per resample). Each resample's value is the number
 * evaluating the drawn rows directly gives, so the intervals are those of {@link evaluate}.
 */
import { rowRange } from '../column/column.js';
import { InvalidArgumentError } from '../errors.js';
import { addCalibration, eceOfSums, emptyCalibrationSums, rowCalibration } from './calibration.js';
import { reportFromCounts } from './classification.js';
import type { ClassData, MetricName } from './evaluate.js';
import { type BootstrapOptions, bootstrapIntervals, type Interval } from './intervals.js';
import { logLossOfCodes } from './log-loss.js';
import { resampledAuc } from './roc-auc.js';
import { gatherRows } from './scores.js';

/** The statistic of a resample: `picks` are positions into `rows`, with repeats. */
function statistic(data: ClassData, rows: Int32Array, metric: MetricName): (picks: Int32Array) => number {
  const { truth, pred, classes } = data;
  const k = classes.length;
  const drawn = new Int32Array(rows.length);
  const draw = (picks: Int32Array) => {
    for (let i = 0; i < picks.length; i++) drawn[i] = rows[picks[i]];
    return drawn.subarray(0, picks.length);
  };
  // Each row's confusion cell and whether it is right, made once for the metrics that count them:
  // a resample then reads these small arrays, not the labels of rows spread over the whole frame
  // (a cache miss per draw).
  let cells: { cell: Int32Array; right: Uint8Array } | null = null;
  const confusionCells = () => {
    if (cells !== null) return cells;
    const cell = new Int32Array(rows.length);
    const right = new Uint8Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      cell[i] = truth[r] * k + pred[r];
      right[i] = truth[r] === pred[r] ? 1 : 0;
    }
    cells = { cell, right };
    return cells;
  };
  const counts = new Int32Array(k * k);
  const report = (picks: Int32Array) => {
    const { cell } = confusionCells();
    counts.fill(0);
    for (let i = 0; i < picks.length; i++) counts[cell[picks[i]]]++;
    return reportFromCounts(counts, classes);
  };
  const correct = (picks: Int32Array) => {
    const { right } = confusionCells();
    let c = 0;
    for (let i = 0; i < picks.length; i++) c += right[picks[i]];
    return c;
  };
  const scores = data.scores as Float64Array;
  switch (metric) {
    case 'accuracy':
      return (picks) => (picks.length ? correct(picks) / picks.length : Number.NaN);
    case 'error_rate':
      return (picks) => (picks.length ? 1 - correct(picks) / picks.length : Number.NaN);
    case 'precision_macro':
      return (picks) => report(picks).macro.precision;
    case 'recall_macro':
      return (picks) => report(picks).macro.recall;
    case 'f1_macro':
      return (picks) => report(picks).macro.f1;
    case 'f1_micro':
      return (picks) => report(picks).micro.f1;
    case 'roc_auc':
      return resampledAuc(truth, scores, data.k, rows);
    case 'ece': {
      // Each row's bin, confidence and correctness once; a resample only sums them.
      const values = rowCalibration(truth, scores, data.k, 15, rows);
      const sums = emptyCalibrationSums(1, 15);
      return (picks) => {
        sums.count.fill(0);
        sums.confSum.fill(0);
        sums.correctSum.fill(0);
        addCalibration(sums, 0, values, picks);
        return eceOfSums(sums, 0, picks.length);
      };
    }
    case 'log_loss':
      return (picks) => {
        const at = draw(picks);
        return logLossOfCodes(gatherInt(truth, at), gatherRows(scores, at, data.k), data.k);
      };
    default:
      throw new InvalidArgumentError(`"${metric}" is not a classification metric`);
  }
}

function gatherInt(a: Int32Array, rows: Int32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = a[rows[i]];
  return out;
}

/**
 * Seeded bootstrap percentile intervals of classification metrics of the rows `rows` of `data`
 * (positions), one per metric, each from the same resamples (the same seed), as
 * `bootstrapInterval` of the metric of the drawn rows gives them; with each metric's value
 * on the rows themselves.
 */
export function bootstrapMetrics(
  data: ClassData,
  rows: Int32Array,
  metrics: readonly MetricName[],
  options: BootstrapOptions = {},
): (Interval & { value: number })[] {
  const all = rowRange(0, rows.length);
  const statistics = metrics.map((m) => statistic(data, rows, m));
  const intervals = bootstrapIntervals(rows.length, statistics, options);
  return statistics.map((stat, j) => ({ value: stat(all), ...intervals[j] }));
}
