// Metrics of many slices in one pass (metricsBySlot) and the count-based bootstrap (bootstrapMetrics)
// against naive per-slice formulas written here: pairwise Mann–Whitney AUC, textbook F1, ECE and
// log-loss over each slice's rows gathered on their own; and the bootstrap against
// bootstrapInterval of the naive statistic over the drawn rows.
import { describe, expect, it } from 'vitest';
import { scoreOrders } from '../../../src/core/eval/auc-by-slot.js';
import { bootstrapMetrics } from '../../../src/core/eval/bootstrap-metrics.js';
import type { ClassData, MetricName } from '../../../src/core/eval/evaluate.js';
import { bootstrapInterval } from '../../../src/core/eval/intervals.js';
import { metricsBySlot } from '../../../src/core/eval/metrics-by-slot.js';
import { sliceSlots } from '../../../src/core/eval/slice-slots.js';
import { Random } from '../../../src/core/random.js';

const METRICS: MetricName[] = [
  'accuracy',
  'error_rate',
  'precision_macro',
  'recall_macro',
  'f1_macro',
  'f1_micro',
  'roc_auc',
  'log_loss',
  'ece',
];

/** Random data with `classes` classes over `k` score columns (k = 1: one positive-class score), coarse scores that tie. */
function makeData(n: number, classes: number, k: number, seed: number, nanAt = -1): ClassData {
  const rng = new Random(seed);
  const truth = new Int32Array(n);
  const pred = new Int32Array(n);
  const scores = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    truth[i] = rng.int(classes);
    const raw = Array.from({ length: k }, () => Math.round(rng.next() * 6) + 1);
    const sum = raw.reduce((a, b) => a + b, 0);
    for (let j = 0; j < k; j++) scores[i * k + j] = k === 1 ? Math.round(rng.next() * 10) / 10 : raw[j] / sum;
    pred[i] = rng.next() < 0.6 ? truth[i] : rng.int(classes);
  }
  if (nanAt >= 0) scores[nanAt * k] = Number.NaN;
  return {
    kind: 'classification',
    truth,
    pred,
    scores,
    k,
    classes: Array.from({ length: classes }, (_, c) => c),
  };
}

/** Each metric of the rows `rows` of `d`, from the textbook formulas. */
function naive(d: ClassData, rows: number[], metric: MetricName): number {
  const n = rows.length;
  const K = d.classes.length;
  const s = d.scores as Float64Array;
  const correct = rows.filter((r) => d.truth[r] === d.pred[r]).length;
  const perClass = (c: number) => {
    const tp = rows.filter((r) => d.truth[r] === c && d.pred[r] === c).length;
    const predicted = rows.filter((r) => d.pred[r] === c).length;
    const actual = rows.filter((r) => d.truth[r] === c).length;
    const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
    return { p: ratio(tp, predicted), r: ratio(tp, actual), f: ratio(2 * tp, predicted + actual) };
  };
  const mean = (f: (c: number) => number) =>
    Array.from({ length: K }, (_, c) => f(c)).reduce((a, b) => a + b, 0) / K;
  /** Probability of class `c` of row `r` (one column: the positive class's). */
  const prob = (r: number, c: number) => (d.k === 1 ? (c === 1 ? s[r] : 1 - s[r]) : s[r * d.k + c]);
  switch (metric) {
    case 'accuracy':
    case 'f1_micro':
      return n ? correct / n : Number.NaN;
    case 'error_rate':
      return n ? 1 - correct / n : Number.NaN;
    case 'precision_macro':
      return mean((c) => perClass(c).p);
    case 'recall_macro':
      return mean((c) => perClass(c).r);
    case 'f1_macro':
      return mean((c) => perClass(c).f);
    case 'log_loss':
      return n
        ? rows.reduce((a, r) => a - Math.log(Math.min(1 - 1e-15, Math.max(1e-15, prob(r, d.truth[r])))), 0) /
            n
        : Number.NaN;
    case 'ece': {
      if (n === 0) return Number.NaN;
      const bins = Array.from({ length: 15 }, () => ({ n: 0, conf: 0, right: 0 }));
      for (const r of rows) {
        let best = 0;
        for (let c = 1; c < Math.max(2, d.k); c++) if (prob(r, c) > prob(r, best)) best = c;
        const conf = prob(r, best);
        const b = bins[Math.min(14, Math.max(0, Math.ceil(conf * 15) - 1))];
        if (b === undefined) continue; // a NaN confidence is in no bin (but counts in n), as calibration.ts has it
        b.n++;
        b.conf += conf;
        b.right += best === d.truth[r] ? 1 : 0;
      }
      return bins.reduce((a, b) => (b.n ? a + (b.n / n) * Math.abs(b.right / b.n - b.conf / b.n) : a), 0);
    }
    default: {
      // One-vs-rest Mann–Whitney over every (positive, negative) pair; binary: class 1 only.
      const problems = d.k <= 2 ? [1] : d.classes.map((_, c) => c);
      const aucs: number[] = [];
      for (const c of problems) {
        const score = (r: number) => (d.k === 1 ? s[r] : s[r * d.k + (d.k === 2 ? 1 : c)]);
        if (rows.some((r) => Number.isNaN(score(r)))) continue;
        const pos = rows.filter((r) => d.truth[r] === c);
        const neg = rows.filter((r) => d.truth[r] !== c);
        if (pos.length === 0 || neg.length === 0) continue;
        let wins = 0;
        for (const p of pos)
          for (const q of neg) wins += score(p) > score(q) ? 1 : score(p) === score(q) ? 0.5 : 0;
        aucs.push(wins / (pos.length * neg.length));
      }
      return aucs.length ? aucs.reduce((a, b) => a + b, 0) / aucs.length : Number.NaN;
    }
  }
}

const close = (got: number, want: number) =>
  Number.isNaN(want) ? expect(got).toBeNaN() : expect(got).toBeCloseTo(want, 12);

describe('metricsBySlot', () => {
  for (const [classes, k, nanAt] of [
    [3, 3, -1],
    [5, 5, 7],
    [2, 2, -1],
    [2, 1, -1],
  ] as const)
    it(`equals each slice evaluated on its own (${classes} classes, ${k} score columns${nanAt >= 0 ? ', a NaN score' : ''})`, () => {
      const n = 700;
      const d = makeData(n, classes, k, 10 + k, nanAt);
      const rng = new Random(k);
      // Two partitions: 7 slices with some rows in none, and 3 slices of which one is empty.
      const a = Int32Array.from({ length: n }, () => rng.int(8) - 1);
      const b = Int32Array.from({ length: n }, () => rng.int(2));
      const slots = sliceSlots(n, [
        { codes: a, slices: 7 },
        { codes: b, slices: 3 },
      ]);
      const got = metricsBySlot(d, slots, METRICS);
      const members = (slot: number) =>
        Array.from({ length: n }, (_, i) => i).filter((i) =>
          slot === slots.total - 1 ? true : slot < 7 ? a[i] === slot : b[i] === slot - 7,
        );
      for (let slot = 0; slot < slots.total; slot++) {
        const rows = members(slot);
        expect(got.count[slot]).toBe(rows.length);
        METRICS.forEach((m, j) => {
          close(got.values[j][slot], naive(d, rows, m));
        });
      }
    });
});

describe('metricsBySlot with partitions of many slices', () => {
  it('equals each slice evaluated on its own when the slices are too many to pack (slot-combos.ts)', () => {
    const n = 600;
    const d = makeData(n, 3, 3, 21, 5);
    const rng = new Random(4);
    // 5 × 3 classes pack into 16-bit codes; then 20000 slices do not, and a last partition of 4
    // slices comes after the one that did not pack.
    const partitions = [
      { codes: Int32Array.from({ length: n }, () => rng.int(6) - 1), slices: 5 },
      { codes: Int32Array.from({ length: n }, () => rng.int(20000)), slices: 20000 },
      { codes: Int32Array.from({ length: n }, () => rng.int(5) - 1), slices: 4 },
    ];
    const slots = sliceSlots(n, partitions);
    const got = metricsBySlot(d, slots, ['roc_auc', 'ece']);
    const checked = [0, 1, 4, 5, 5 + partitions[1].codes[0], 20005, 20008, slots.total - 1];
    for (const slot of checked) {
      const j = slot === slots.total - 1 ? -1 : slot < 5 ? 0 : slot < 20005 ? 1 : 2;
      const offset = [0, 5, 20005][j];
      const rows = Array.from({ length: n }, (_, i) => i).filter(
        (i) => j < 0 || partitions[j].codes[i] === slot - offset,
      );
      close(got.values[0][slot], naive(d, rows, 'roc_auc'));
      close(got.values[1][slot], naive(d, rows, 'ece'));
    }
  });
});

describe('metricsBySlot with kept score orders', () => {
  it('gives each slice its own AUC again on a second walk of the same orders (their scores kept)', () => {
    const n = 500;
    const d = makeData(n, 4, 4, 33, 3);
    const rng = new Random(8);
    const codes = Int32Array.from({ length: n }, () => rng.int(5) - 1);
    const slots = sliceSlots(n, [{ codes, slices: 4 }]);
    const orders = scoreOrders(d.scores as Float64Array, d.k);
    for (let round = 0; round < 2; round++) {
      // The second round reads a fresh copy of the same scores, as the server reads a column again.
      const data = { ...d, scores: Float64Array.from(d.scores as Float64Array) };
      const got = metricsBySlot(data, slots, ['roc_auc'], orders);
      for (let slot = 0; slot < slots.total; slot++) {
        const rows = Array.from({ length: n }, (_, i) => i).filter((i) => slot === 4 || codes[i] === slot);
        close(got.values[0][slot], naive(d, rows, 'roc_auc'));
      }
    }
  });
});

describe('metricsBySlot over float32 scores', () => {
  it('walks orders sorted by 32-bit keys (ties, -0 and a NaN included) as each slice on its own', () => {
    const n = 900;
    const d = makeData(n, 3, 3, 44, 11);
    const narrow = Float32Array.from(d.scores as Float64Array);
    // Scores of 0 and -0 tie; the rest are coarse fractions that tie too.
    narrow[0] = 0;
    narrow[3] = -0;
    const data = { ...d, scores: Float64Array.from(narrow) };
    const rng = new Random(12);
    const codes = Int32Array.from({ length: n }, () => rng.int(6) - 1);
    const slots = sliceSlots(n, [{ codes, slices: 5 }]);
    // The column's own float32 values (as the server sorts them) and their float64 copy sort alike.
    for (const orders of [scoreOrders(narrow, 3), scoreOrders(data.scores, 3)]) {
      const got = metricsBySlot(data, slots, ['roc_auc'], orders);
      for (let slot = 0; slot < slots.total; slot++) {
        const rows = Array.from({ length: n }, (_, i) => i).filter((i) => slot === 5 || codes[i] === slot);
        close(got.values[0][slot], naive(data, rows, 'roc_auc'));
      }
    }
  });
});

describe('bootstrapMetrics', () => {
  it('gives the intervals of bootstrapInterval over the drawn rows, from one set of draws', () => {
    const d = makeData(400, 4, 4, 3);
    const rows = Int32Array.from({ length: 150 }, (_, i) => i * 2 + 1);
    const options = { samples: 60, seed: 5, level: 0.9 };
    const got = bootstrapMetrics(d, rows, METRICS, options);
    METRICS.forEach((m, j) => {
      const want = bootstrapInterval(
        rows.length,
        (picks) =>
          naive(
            d,
            Array.from(picks, (p) => rows[p]),
            m,
          ),
        options,
      );
      close(got[j].lower, want.lower);
      close(got[j].upper, want.upper);
      close(got[j].value, naive(d, Array.from(rows), m));
    });
  });
});

describe('bootstrapInterval draws', () => {
  it('draws each row position uniformly from the seed, the same again when the draws are kept', () => {
    // The reference: the draws written out here from the same generator, one resample after another.
    const n = 50;
    const samples = 40;
    const rng = new Random(9);
    const means: number[] = [];
    for (let s = 0; s < samples; s++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += Math.floor((rng.nextUint32() * n) / 4294967296);
      means.push(sum / n);
    }
    means.sort((a, b) => a - b);
    const mean = (rows: Int32Array) => rows.reduce((a, b) => a + b, 0) / rows.length;
    const want = bootstrapInterval(n, mean, { samples, seed: 9, level: 0.5 });
    close(want.lower, means[9] + (means[10] - means[9]) * 0.75);
    // Again (the kept draws), with a statistic that writes into its rows first: the same interval.
    bootstrapInterval(n, (rows) => rows.fill(0).length, { samples, seed: 9 });
    expect(bootstrapInterval(n, mean, { samples, seed: 9, level: 0.5 })).toEqual(want);
  });
});
