/**
 * Metrics per slice of a frame: overall, per group of key columns, and per boolean slice column,
 * each with its row count and a confidence interval, ranked by how much worse than overall it is.
 */
import { type Column, rowRange } from '../column/column.js';
import { ScalarColumn } from '../column/scalar.js';
import { InvalidArgumentError } from '../errors.js';
import { DataFrame } from '../frame/frame.js';
import { bootstrapMetrics } from './bootstrap-metrics.js';
import { eceOfCodes } from './calibration.js';
import { reportFromCounts } from './classification.js';
import { hasNegative } from './column-reads.js';
import { confusionCounts } from './confusion.js';
import { bootstrapInterval, type Interval, wilsonInterval } from './intervals.js';
import {
  encodeLabelInputs,
  type Label,
  labelCodes,
  labelValues,
  type NumbersInput,
  numberValues,
} from './labels.js';
import { logLossOfCodes } from './log-loss.js';
import { predictions } from './outputs.js';
import { maeOf, r2Of, rmseOf } from './regression.js';
import { rocAucOfCodes } from './roc-auc.js';
import { gatherRows, labelsWithScores } from './scores.js';

/** The metrics {@link evaluate} computes. Precision, recall and F1 are macro averages unless named micro. */
export type MetricName =
  | 'accuracy'
  | 'error_rate'
  | 'precision_macro'
  | 'recall_macro'
  | 'f1_macro'
  | 'f1_micro'
  | 'roc_auc'
  | 'log_loss'
  | 'ece'
  | 'mae'
  | 'rmse'
  | 'r2';

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** The column of true labels (classes, or numbers for regression). */
  label: string;
  /** The column of predicted labels (classes, or numbers for regression). */
  prediction?: string;
  /**
   * A column of class probabilities (a tensor column `[k]`, or one number per row for the positive
   * class). Needed by `roc_auc`, `log_loss` and `ece`; without `prediction`, the predicted class is
   * its argmax.
   */
  scores?: string;
  /** The class of each score column (see {@link ScoreClassOptions.classes}). */
  classes?: readonly Label[];
  /** With one score per row: the positive class. */
  positive?: Label;
  /** Group key columns: one slice per distinct key (combination), as `df.groupby(by)`. */
  by?: string | readonly string[];
  /** Boolean columns: one slice each, the rows where it is true (as `df.sliceby(slices)`). */
  slices?: readonly string[];
  /**
   * Metrics, in output order; the first is the one `gap` ranks by. Default: accuracy and macro F1,
   * plus ROC-AUC, log-loss and ECE when `scores` is given; MAE, RMSE and R² for regression.
   */
  metrics?: readonly MetricName[];
  /** `regression` when labels and predictions are numbers to compare; default `classification`, or `regression` when every metric named is a regression metric. */
  task?: 'classification' | 'regression';
  /**
   * Confidence level of the intervals (default 0.95), or false for none. Accuracy and error rate
   * get Wilson intervals, other metrics bootstrap percentile intervals.
   */
  confidence?: number | false;
  /** Bootstrap resamples (default 200) and seed (default 0). */
  bootstrap?: { samples?: number; seed?: number };
}

export interface ClassData {
  kind: 'classification';
  truth: Int32Array;
  pred: Int32Array;
  scores: Float64Array | null;
  /** Score columns. */
  k: number;
  classes: Label[];
}

export interface RegressionData {
  kind: 'regression';
  truth: Float64Array;
  pred: Float64Array;
}

export type Data = ClassData | RegressionData;

interface MetricDef {
  higherIsBetter: boolean;
  needs: 'prediction' | 'scores' | 'regression';
  /** For proportions: successes and trials, for a Wilson interval. */
  proportion?: (d: ClassData, rows: Int32Array) => [number, number];
  compute: (d: Data, rows: Int32Array) => number;
}

function gatherInt(a: Int32Array, rows: Int32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = a[rows[i]];
  return out;
}

function correctCount(d: ClassData, rows: Int32Array): number {
  let c = 0;
  for (const r of rows) if (d.truth[r] === d.pred[r]) c++;
  return c;
}

const report = (d: Data, rows: Int32Array) => {
  const c = d as ClassData;
  const n = c.classes.length;
  return reportFromCounts(confusionCounts(gatherInt(c.truth, rows), gatherInt(c.pred, rows), n), c.classes);
};

const cls = (d: Data) => d as ClassData;

/** A metric of the rows' true classes and score rows (`k` scores each). */
const ofScores = (
  d: Data,
  rows: Int32Array,
  metric: (truth: Int32Array, scores: Float64Array, k: number) => number,
) => {
  const c = cls(d);
  return metric(gatherInt(c.truth, rows), gatherRows(c.scores!, rows, c.k), c.k);
};

/** A metric of the rows' true and predicted numbers. */
const ofNumbers = (
  d: Data,
  rows: Int32Array,
  metric: (truth: Float64Array, pred: Float64Array) => number,
) => {
  const r = d as RegressionData;
  return metric(gatherRows(r.truth, rows), gatherRows(r.pred, rows));
};

const METRICS: Record<MetricName, MetricDef> = {
  accuracy: {
    higherIsBetter: true,
    needs: 'prediction',
    proportion: (d, rows) => [correctCount(d, rows), rows.length],
    compute: (d, rows) => (rows.length ? correctCount(cls(d), rows) / rows.length : Number.NaN),
  },
  error_rate: {
    higherIsBetter: false,
    needs: 'prediction',
    proportion: (d, rows) => [rows.length - correctCount(d, rows), rows.length],
    compute: (d, rows) => (rows.length ? 1 - correctCount(cls(d), rows) / rows.length : Number.NaN),
  },
  precision_macro: {
    higherIsBetter: true,
    needs: 'prediction',
    compute: (d, r) => report(d, r).macro.precision,
  },
  recall_macro: { higherIsBetter: true, needs: 'prediction', compute: (d, r) => report(d, r).macro.recall },
  f1_macro: { higherIsBetter: true, needs: 'prediction', compute: (d, r) => report(d, r).macro.f1 },
  f1_micro: { higherIsBetter: true, needs: 'prediction', compute: (d, r) => report(d, r).micro.f1 },
  roc_auc: { higherIsBetter: true, needs: 'scores', compute: (d, rows) => ofScores(d, rows, rocAucOfCodes) },
  log_loss: {
    higherIsBetter: false,
    needs: 'scores',
    compute: (d, rows) => ofScores(d, rows, logLossOfCodes),
  },
  ece: { higherIsBetter: false, needs: 'scores', compute: (d, rows) => ofScores(d, rows, eceOfCodes) },
  mae: { higherIsBetter: false, needs: 'regression', compute: (d, rows) => ofNumbers(d, rows, maeOf) },
  rmse: { higherIsBetter: false, needs: 'regression', compute: (d, rows) => ofNumbers(d, rows, rmseOf) },
  r2: { higherIsBetter: true, needs: 'regression', compute: (d, rows) => ofNumbers(d, rows, r2Of) },
};

/** Whether a metric name is known, and how it ranks: for `gap` and slice discovery. */
export function metricDirection(name: MetricName): 'higher' | 'lower' {
  const def = METRICS[name];
  if (def === undefined) throw unknownMetric(name);
  return def.higherIsBetter ? 'higher' : 'lower';
}

function unknownMetric(name: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `unknown metric "${name}"; use one of ${Object.keys(METRICS)
      .map((m) => `'${m}'`)
      .join(', ')}`,
  );
}

/**
 * @internal The rows to evaluate (those with the label and prediction/scores present) and their
 * encoded values; shared with slice discovery.
 */
export function prepareEvaluation(
  df: DataFrame,
  options: EvaluateOptions,
  task: 'classification' | 'regression',
): {
  data: Data;
  rows: Int32Array;
} {
  const { label, prediction, scores } = options;
  if (task === 'regression') {
    if (prediction === undefined)
      throw new InvalidArgumentError('regression metrics need { prediction: column } of predicted numbers');
    const t = df.column(label);
    const p = df.column(prediction);
    const v = pairedValuesWithRows(t, p);
    return { data: { kind: 'regression', truth: v.truth, pred: v.pred }, rows: v.rows };
  }
  if (scores !== undefined) {
    const enc = labelsWithScores(df.column(label), df.column(scores), options);
    let rows = enc.rows;
    let truth = enc.truth;
    let scoreMatrix = enc.scores;
    let pred: Int32Array;
    if (prediction !== undefined) {
      const column = df.column(prediction);
      const what = `prediction column "${prediction}"`;
      const values = labelCodes(column, enc.classes, what);
      if (rows.length === values.length && !hasNegative(values)) {
        // Every row kept and predicted (no filter, nothing missing): the codes as they are.
        const data: ClassData = {
          kind: 'classification',
          truth,
          pred: values,
          scores: scoreMatrix,
          k: enc.k,
          classes: enc.classes,
        };
        return { data, rows };
      }
      const keep = new Int32Array(rows.length);
      const codes = new Int32Array(rows.length);
      let kept = 0;
      for (let r = 0; r < rows.length; r++) {
        const c = values[rows[r]];
        if (c === -1) continue;
        if (c === -2) {
          const v = labelValues([column.get(rows[r]) as Label], what)[0];
          throw new InvalidArgumentError(
            `prediction column "${prediction}" has ${JSON.stringify(v)}, which is not one of the score classes ` +
              `(${enc.classes.map((x) => JSON.stringify(x)).join(', ')}); pass { classes }`,
          );
        }
        keep[kept] = r;
        codes[kept++] = c;
      }
      if (kept !== rows.length) {
        const rest = keep.subarray(0, kept);
        rows = gatherInt(rows, rest);
        truth = gatherInt(truth, rest);
        scoreMatrix = gatherRows(scoreMatrix, rest, enc.k);
      }
      pred = codes.subarray(0, kept);
    } else {
      pred = predictions(scoreMatrix, enc.k);
    }
    const data: ClassData = {
      kind: 'classification',
      truth,
      pred,
      scores: scoreMatrix,
      k: enc.k,
      classes: enc.classes,
    };
    return { data, rows };
  }
  if (prediction === undefined)
    throw new InvalidArgumentError('evaluate needs { prediction: column } or { scores: column }, or both');
  const names = [`label column "${label}"`, `prediction column "${prediction}"`];
  const enc = encodeLabelInputs([df.column(label), df.column(prediction)], options.classes, names);
  const data: ClassData = {
    kind: 'classification',
    truth: enc.codes[0],
    pred: enc.codes[1],
    scores: null,
    k: 0,
    classes: enc.classes,
  };
  return { data, rows: enc.rows };
}

function pairedValuesWithRows(
  t: Column,
  p: Column,
): { truth: Float64Array; pred: Float64Array; rows: Int32Array } {
  const tv = numberValues(t as NumbersInput, 'label column');
  const pv = numberValues(p as NumbersInput, 'prediction column');
  const keep: number[] = [];
  for (let i = 0; i < tv.length; i++) if (!Number.isNaN(tv[i]) && !Number.isNaN(pv[i])) keep.push(i);
  const rows = Int32Array.from(keep);
  return { truth: gatherRows(tv, rows), pred: gatherRows(pv, rows), rows };
}

/** One slice: a description and its rows (positions in the frame). */
interface SliceRows {
  kind: 'overall' | 'group' | 'slice';
  name: string;
  rows: Int32Array;
}

function describeKey(keyFrame: DataFrame, g: number): string {
  return keyFrame.columnNames
    .map((name) => {
      const c = keyFrame.column(name);
      const v = c.getUnchecked(g);
      const text = typeof v === 'string' ? v : c.format(g);
      return `${name}=${text}`;
    })
    .join(', ');
}

/** The slices: overall, then groups of `by` (groupby), then boolean `slices` (sliceby). */
function collectSlices(df: DataFrame, options: EvaluateOptions): SliceRows[] {
  const out: SliceRows[] = [{ kind: 'overall', name: 'overall', rows: rowRange(0, df.length) }];
  if (options.by !== undefined) {
    const g = df.groupby(typeof options.by === 'string' ? [options.by] : options.by);
    const { offsets, rows } = g.rows();
    const keys = g.keyFrame();
    for (let k = 0; k < g.ngroups; k++)
      out.push({ kind: 'group', name: describeKey(keys, k), rows: rows.slice(offsets[k], offsets[k + 1]) });
  }
  if (options.slices !== undefined && options.slices.length > 0) {
    // Row positions ride along as a column, so sliceby's views say which rows each slice holds.
    const ROW = '__tessera_row__';
    const withRow = df.select([...options.slices]).withColumn(ROW, rowRange(0, df.length));
    for (const [name, view] of withRow.sliceby(options.slices).slices) {
      const col = view.column<ScalarColumn>(ROW);
      out.push({ kind: 'slice', name, rows: col.values as Int32Array });
    }
  }
  return out;
}

/**
 * Metrics per slice of a frame, ranked by how much worse than overall each slice is.
 *
 * Slices are the whole frame (`overall`), each group of the `by` key columns (named like
 * `region=EU, night=true`), and each boolean column of `slices` (named after it; the rows where
 * it is true). Rows with a missing label, prediction or score are left out; `count` says how many
 * rows each metric saw. Each metric `m` gets columns `m`, `m_lower` and `m_upper` (the confidence
 * interval: Wilson for accuracy and error rate, seeded bootstrap percentiles for the rest). `gap`
 * is how much worse than overall the slice is on the first metric (positive = worse, whichever
 * way the metric points). The `overall` row comes first, then the slices, worst first; slices
 * where the first metric is undefined (NaN) come last.
 *
 * ```ts
 * const table = evaluate(df, { label: 'label', scores: 'probs', by: 'region', slices: ['is_night'] });
 * console.log(table.toString());
 * ```
 */
export function evaluate(df: DataFrame, options: EvaluateOptions): DataFrame {
  if (options === null || typeof options !== 'object' || typeof options.label !== 'string')
    throw new InvalidArgumentError(
      'evaluate needs options with { label: column name, prediction and/or scores }',
    );
  const task = options.task ?? inferTask(options);
  const metrics: MetricName[] = [
    ...(options.metrics ??
      (task === 'regression'
        ? ['mae', 'rmse', 'r2']
        : options.scores !== undefined
          ? ['accuracy', 'f1_macro', 'roc_auc', 'log_loss', 'ece']
          : ['accuracy', 'f1_macro'])),
  ];
  if (metrics.length === 0) throw new InvalidArgumentError('metrics is empty; name at least one metric');
  for (const m of metrics) {
    const def = METRICS[m];
    if (def === undefined) throw unknownMetric(m);
    if (task === 'regression' && def.needs !== 'regression')
      throw new InvalidArgumentError(`"${m}" is a classification metric; regression has mae, rmse, r2`);
    if (task === 'classification' && def.needs === 'regression')
      throw new InvalidArgumentError(`"${m}" is a regression metric; pass { task: 'regression' }`);
    if (def.needs === 'scores' && options.scores === undefined)
      throw new InvalidArgumentError(`"${m}" needs class probabilities: pass { scores: column }`);
  }
  const level = options.confidence === undefined ? 0.95 : options.confidence;
  if (level !== false && !(level > 0 && level < 1))
    throw new InvalidArgumentError(
      `confidence must be a level between 0 and 1 (e.g. 0.95) or false, got ${level}`,
    );

  const { data, rows: kept } = prepareEvaluation(df, options, task);
  // Frame row → position among the kept rows (-1: left out).
  const keptAt = new Int32Array(df.length).fill(-1);
  for (let r = 0; r < kept.length; r++) keptAt[kept[r]] = r;

  const slices = collectSlices(df, options);
  const values = metrics.map(() => new Float64Array(slices.length));
  const lowers = metrics.map(() => new Float64Array(slices.length));
  const uppers = metrics.map(() => new Float64Array(slices.length));
  const counts = new Int32Array(slices.length);
  slices.forEach((slice, s) => {
    const rows: number[] = [];
    for (const i of slice.rows) if (keptAt[i] >= 0) rows.push(keptAt[i]);
    const sliceRows = Int32Array.from(rows);
    counts[s] = sliceRows.length;
    metrics.forEach((m, j) => {
      const def = METRICS[m];
      values[j][s] = def.compute(data, sliceRows);
      let ci: Interval = { lower: Number.NaN, upper: Number.NaN };
      if (level !== false) {
        if (def.proportion) {
          const [k, n] = def.proportion(data as ClassData, sliceRows);
          ci = n === 0 ? ci : wilsonInterval(k, n, level);
        } else if (task === 'classification') {
          const bootstrap = { level, samples: options.bootstrap?.samples, seed: options.bootstrap?.seed };
          ci = bootstrapMetrics(data as ClassData, sliceRows, [m], bootstrap)[0];
        } else {
          const resampled = new Int32Array(sliceRows.length);
          ci = bootstrapInterval(
            sliceRows.length,
            (picks) => {
              for (let i = 0; i < picks.length; i++) resampled[i] = sliceRows[picks[i]];
              return def.compute(data, resampled);
            },
            { level, samples: options.bootstrap?.samples, seed: options.bootstrap?.seed },
          );
        }
      }
      lowers[j][s] = ci.lower;
      uppers[j][s] = ci.upper;
    });
  });

  const sign = METRICS[metrics[0]].higherIsBetter ? 1 : -1;
  const gap = new Float64Array(slices.length);
  for (let s = 0; s < slices.length; s++) gap[s] = sign * (values[0][0] - values[0][s]);
  // Overall first; then worst first, NaN gaps last; ties keep slice order.
  const order = slices.map((_, s) => s).slice(1);
  order.sort((a, b) => {
    const ga = Number.isNaN(gap[a]) ? Number.NEGATIVE_INFINITY : gap[a];
    const gb = Number.isNaN(gap[b]) ? Number.NEGATIVE_INFINITY : gap[b];
    return gb - ga || a - b;
  });
  order.unshift(0);
  const idx = Int32Array.from(order);
  const take = (a: Float64Array) => gatherRows(a, idx);
  const cols: Record<string, Column | ArrayLike<unknown>> = {
    slice: ScalarColumn.from(
      order.map((s) => slices[s].name),
      'string',
    ),
    kind: ScalarColumn.from(
      order.map((s) => slices[s].kind),
      'string',
    ),
    count: gatherInt(counts, idx),
  };
  metrics.forEach((m, j) => {
    cols[m] = take(values[j]);
    if (level !== false) {
      cols[`${m}_lower`] = take(lowers[j]);
      cols[`${m}_upper`] = take(uppers[j]);
    }
  });
  cols.gap = take(gap);
  return new DataFrame(cols);
}

function inferTask(options: EvaluateOptions): 'classification' | 'regression' {
  const regression =
    options.metrics?.length && options.metrics.every((m) => METRICS[m]?.needs === 'regression');
  return regression ? 'regression' : 'classification';
}
