/**
 * Metrics per slice with intervals, at a cost the app can pay on every change of the panel: the
 * evaluation module's `evaluate` gives each slice's values over all its rows (and the accuracy's
 * Wilson interval, which its counts give exactly), but a bootstrap of F1, AUC or ECE re-evaluates
 * the slice hundreds of times, which over a million rows takes minutes. So a slice's bootstrap runs
 * on at most `maxRows` of its rows (a seeded sample; all of them when it has fewer, which gives
 * exactly `evaluate`'s interval), and the sample's interval is moved to the slice's value and
 * narrowed by √(m/n), as a percentile interval's width shrinks with the rows behind it.
 */
import type { ScalarColumn } from '../../core/column/scalar.js';
import { type EvaluateOptions, evaluate, type MetricName } from '../../core/eval/evaluate.js';
import { wilsonInterval } from '../../core/eval/intervals.js';
import type { DataFrame } from '../../core/frame/frame.js';
import { Random } from '../../core/random.js';

/** A metric's value and its 95% interval (null where undefined, e.g. AUC of a one-class slice). */
export interface MetricValue {
  value: number | null;
  lower: number | null;
  upper: number | null;
}

/** One slice's rows evaluated, metrics and gap from overall on the first metric (positive = worse). */
export interface SliceMetrics {
  count: number;
  metrics: Partial<Record<MetricName, MetricValue>>;
  gap: number | null;
}

/** The column evaluate groups by: each row's slice code. */
const CODE = '__tessera_slice__';
/** The metrics whose interval comes from their counts (Wilson), not a bootstrap. */
const PROPORTIONS: readonly MetricName[] = ['accuracy', 'error_rate'];

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * Metrics of `frame` overall and per slice code (`codes[i]` the slice of row i, or null for overall
 * only), with 95% intervals: Wilson for proportions, a bootstrap on at most `maxRows` rows per slice
 * for the rest (see the file's comment).
 */
export function evaluateSlices(
  frame: DataFrame,
  codes: Int32Array | null,
  options: EvaluateOptions & { metrics: MetricName[] },
  maxRows: number,
): { overall: SliceMetrics; byCode: Map<number, SliceMetrics> } {
  const coded = codes === null ? frame : frame.withColumn(CODE, codes);
  const by = codes === null ? {} : { by: CODE };
  const values = readTable(evaluate(coded, { ...options, ...by, confidence: false }), options.metrics);
  const all = [values.overall, ...values.byCode.values()];
  for (const m of options.metrics.filter((m) => PROPORTIONS.includes(m)))
    for (const s of all) {
      const v = s.metrics[m] as MetricValue;
      if (v.value === null || s.count === 0) continue;
      const ci = wilsonInterval(Math.round(v.value * s.count), s.count);
      v.lower = ci.lower;
      v.upper = ci.upper;
    }
  const resampled = options.metrics.filter((m) => !PROPORTIONS.includes(m));
  if (resampled.length === 0) return values;
  const bootstrap = { ...options, metrics: resampled, confidence: 0.95 };
  // Overall from a sample of all rows; the slices from a sample of each slice.
  const overallRows = sampleRows([Int32Array.from({ length: frame.length }, (_, i) => i)], maxRows);
  const overallTable = evaluate(frame.takeValid(overallRows), bootstrap);
  moveIntervals(values.overall, readTable(overallTable, resampled, true).overall, resampled);
  if (codes !== null) {
    const sampled = coded.takeValid(sampleRows(rowsByCode(codes), maxRows));
    const intervals = readTable(evaluate(sampled, { ...bootstrap, by: CODE }), resampled, true).byCode;
    for (const [code, s] of values.byCode) {
      const sample = intervals.get(code);
      if (sample !== undefined) moveIntervals(s, sample, resampled);
    }
  }
  return values;
}

/** Set `target`'s intervals from a sample's: moved to the target's value, scaled by √(m/n). */
function moveIntervals(target: SliceMetrics, sample: SliceMetrics, metrics: readonly MetricName[]): void {
  const scale = target.count === 0 ? 1 : Math.sqrt(sample.count / target.count);
  for (const m of metrics) {
    const t = target.metrics[m] as MetricValue;
    const s = sample.metrics[m] as MetricValue;
    if (t.value === null || s.value === null || s.lower === null || s.upper === null) continue;
    if (sample.count === target.count) {
      t.lower = s.lower;
      t.upper = s.upper;
    } else {
      // F1, AUC and ECE all lie in [0, 1].
      t.lower = Math.max(0, t.value + (s.lower - s.value) * scale);
      t.upper = Math.min(1, t.value + (s.upper - s.value) * scale);
    }
  }
}

/** Positions of each code's rows, in row order. */
function rowsByCode(codes: Int32Array): Int32Array[] {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < codes.length; i++) {
    const g = groups.get(codes[i]);
    if (g === undefined) groups.set(codes[i], [i]);
    else g.push(i);
  }
  return [...groups.values()].map((g) => Int32Array.from(g));
}

/** Every group's rows, or a seeded sample of `maxRows` of them (in row order), all in row order. */
function sampleRows(groups: Int32Array[], maxRows: number): Int32Array {
  const rng = new Random(0);
  const picked: number[] = [];
  for (const rows of groups) {
    if (rows.length <= maxRows) {
      for (const r of rows) picked.push(r);
      continue;
    }
    // A partial Fisher–Yates shuffle picks maxRows distinct rows.
    const pool = Int32Array.from(rows);
    for (let i = 0; i < maxRows; i++) {
      const j = i + Math.floor(rng.next() * (pool.length - i));
      const t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
      picked.push(pool[i]);
    }
  }
  return Int32Array.from(picked).sort();
}

/** evaluate's table as overall and per-code metrics (intervals when it has them). */
function readTable(
  table: DataFrame,
  metrics: readonly MetricName[],
  withIntervals = false,
): { overall: SliceMetrics; byCode: Map<number, SliceMetrics> } {
  const name = table.column<ScalarColumn<string>>('slice');
  const kind = table.column<ScalarColumn<string>>('kind');
  const num = (column: string, r: number) => finite(table.column(column).get(r) as number);
  let overall: SliceMetrics | null = null;
  const byCode = new Map<number, SliceMetrics>();
  for (let r = 0; r < table.length; r++) {
    const out: SliceMetrics['metrics'] = {};
    for (const m of metrics)
      out[m] = {
        value: num(m, r),
        lower: withIntervals ? num(`${m}_lower`, r) : null,
        upper: withIntervals ? num(`${m}_upper`, r) : null,
      };
    const s = { count: table.column('count').get(r) as number, metrics: out, gap: num('gap', r) };
    if (kind.get(r) === 'overall') overall = s;
    else byCode.set(Number((name.get(r) as string).slice(CODE.length + 1)), s);
  }
  return { overall: overall as SliceMetrics, byCode };
}
