/**
 * Metrics per slice with intervals, at a cost the app can pay on every change of the panel. The
 * values of every slice of every grouping column come from one pass of the evaluation module's
 * `metricsBySlot` (equal to `evaluate` of each slice), and the accuracy's Wilson interval from its
 * counts, exactly. A bootstrap of F1, AUC or ECE re-evaluates a slice hundreds of times, which over
 * a million rows takes minutes, so a slice's bootstrap runs on at most `maxRows` of its rows (a
 * seeded sample; all of them when it has fewer, which gives exactly `evaluate`'s interval), and the
 * sample's interval is moved to the slice's value and narrowed by √(m/n), as a percentile
 * interval's width shrinks with the rows behind it. Between slices the work yields to the event
 * loop, so the server answers other requests (row windows) meanwhile.
 */
import { rowRange } from '../column/column.js';
import { bootstrapMetrics } from '../eval/bootstrap-metrics.js';
import type { CalibrationSums } from '../eval/calibration.js';
import type { ClassData, MetricName } from '../eval/evaluate.js';
import { metricDirection } from '../eval/evaluate.js';
import { wilsonInterval } from '../eval/intervals.js';
import { type MetricsBySlot, metricsBySlot } from '../eval/metrics-by-slot.js';
import { sliceSlots } from '../eval/slice-slots.js';
import { intervalYield } from '../exec/event-loop-yield.js';
import { Random } from '../random.js';

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

/** A grouping of the evaluated rows: each row's slice (`-1`: none of them), and how many slices. */
export interface SlicePartition {
  codes: Int32Array;
  slices: number;
}

/** The metrics whose interval comes from their counts (Wilson), not a bootstrap. */
const PROPORTIONS: readonly MetricName[] = ['accuracy', 'error_rate'];

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * Metrics of the rows of `data` overall and per slice of each partition, with 95% intervals:
 * Wilson for proportions, a bootstrap (`samples` resamples) on at most `maxRows` rows per slice
 * for the rest (see the file's comment).
 */
export async function evaluateSlices(
  data: ClassData,
  partitions: readonly SlicePartition[],
  metrics: readonly MetricName[],
  bootstrap: { samples: number; maxRows: number },
  /** ROC-AUC's score orders of these rows, when the caller keeps them (see score-orders.ts). */
  orders?: readonly Int32Array[],
): Promise<{
  overall: SliceMetrics;
  partitions: SliceMetrics[][];
  /** Slots evaluated (the last is overall), and overall's confusion counts and calibration sums. */
  slots: number;
  confusion: Int32Array;
  calibration: CalibrationSums | null;
}> {
  const yielder = intervalYield();
  const n = data.truth.length;
  const slots = sliceSlots(n, partitions);
  const by = metricsBySlot(data, slots, metrics, orders);
  await yielder();
  const overallSlot = slots.total - 1;
  const sign = metricDirection(metrics[0]) === 'higher' ? 1 : -1;
  const results = Array.from({ length: slots.total }, (_, slot) => slotMetrics(by, slot, metrics));
  for (const r of results) {
    const first = r.metrics[metrics[0]] as MetricValue;
    const overall = results[overallSlot].metrics[metrics[0]] as MetricValue;
    r.gap = first.value === null || overall.value === null ? null : sign * (overall.value - first.value);
  }
  const resampled = metrics.filter((m) => !PROPORTIONS.includes(m));
  if (resampled.length > 0) {
    const rng = new Random(0);
    const options = { samples: bootstrap.samples, seed: 0, level: 0.95 };
    const slotRows = rowsBySlot(partitions, slots.offsets, slots.total, n);
    for (let slot = 0; slot < slots.total; slot++) {
      const rows = slotRows(slot);
      if ((rows?.length ?? n) === 0) continue;
      const sample = sampleRows(rows, n, bootstrap.maxRows, rng);
      const intervals = bootstrapMetrics(data, sample, resampled, options);
      moveIntervals(results[slot], sample.length, resampled, intervals);
      await yielder();
    }
  }
  const cells = data.classes.length ** 2;
  return {
    overall: results[overallSlot],
    partitions: partitions.map((p, j) => results.slice(slots.offsets[j], slots.offsets[j] + p.slices)),
    slots: slots.total,
    confusion: by.confusion.subarray(overallSlot * cells, (overallSlot + 1) * cells),
    calibration: by.calibration,
  };
}

/** A slot's values, and Wilson intervals of its proportions. */
function slotMetrics(by: MetricsBySlot, slot: number, metrics: readonly MetricName[]): SliceMetrics {
  const count = by.count[slot];
  const out: SliceMetrics['metrics'] = {};
  metrics.forEach((m, j) => {
    const value = finite(by.values[j][slot]);
    const v: MetricValue = { value, lower: null, upper: null };
    if (PROPORTIONS.includes(m) && value !== null && count > 0) {
      const successes = m === 'accuracy' ? by.correct[slot] : count - by.correct[slot];
      const ci = wilsonInterval(successes, count);
      v.lower = ci.lower;
      v.upper = ci.upper;
    }
    out[m] = v;
  });
  return { count, metrics: out, gap: null };
}

/** Set `target`'s intervals from a sample's of `m` rows: moved to the target's value, scaled by √(m/n). */
function moveIntervals(
  target: SliceMetrics,
  m: number,
  metrics: readonly MetricName[],
  intervals: readonly { value: number; lower: number; upper: number }[],
): void {
  const scale = Math.sqrt(m / target.count);
  metrics.forEach((metric, j) => {
    const t = target.metrics[metric] as MetricValue;
    const { value: s, lower, upper } = intervals[j];
    if (t.value === null || !Number.isFinite(s) || !Number.isFinite(lower) || !Number.isFinite(upper)) return;
    if (m === target.count) {
      t.lower = lower;
      t.upper = upper;
      return;
    }
    // F1, AUC and ECE all lie in [0, 1].
    t.lower = Math.max(0, t.value + (lower - s) * scale);
    t.upper = Math.min(1, t.value + (upper - s) * scale);
  });
}

/** The rows (positions) of each slot: overall is every row (null); a slice's rows come from its partition. */
function rowsBySlot(
  partitions: readonly SlicePartition[],
  offsets: Int32Array,
  total: number,
  n: number,
): (slot: number) => Int32Array | null {
  // Counting sort per partition: each slice's rows, in row order.
  const grouped = partitions.map((p) => {
    const starts = new Int32Array(p.slices + 1);
    for (let i = 0; i < n; i++) if (p.codes[i] >= 0) starts[p.codes[i] + 1]++;
    for (let s = 0; s < p.slices; s++) starts[s + 1] += starts[s];
    const rows = new Int32Array(starts[p.slices]);
    const next = starts.slice(0, p.slices);
    for (let i = 0; i < n; i++) if (p.codes[i] >= 0) rows[next[p.codes[i]]++] = i;
    return { starts, rows };
  });
  return (slot) => {
    if (slot === total - 1) return null;
    let j = partitions.length - 1;
    while (offsets[j] > slot) j--;
    const s = slot - offsets[j];
    return grouped[j].rows.subarray(grouped[j].starts[s], grouped[j].starts[s + 1]);
  };
}

/** All the rows (null: the `all` rows 0, 1, …), or a seeded sample of `maxRows` of them, in row order. */
function sampleRows(rows: Int32Array | null, all: number, maxRows: number, rng: Random): Int32Array {
  const n = rows?.length ?? all;
  if (n <= maxRows) return rows ?? rowRange(0, n);
  // Floyd's algorithm: maxRows distinct positions from maxRows draws, without copying the rows.
  const chosen = new Set<number>();
  for (let j = n - maxRows; j < n; j++) {
    const t = Math.floor(rng.next() * (j + 1));
    chosen.add(chosen.has(t) ? j : t);
  }
  const positions = Int32Array.from(chosen).sort();
  if (rows !== null) for (let i = 0; i < positions.length; i++) positions[i] = rows[positions[i]];
  return positions;
}
