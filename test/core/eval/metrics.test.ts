import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalQuantile } from '../../../src/core/eval/intervals.js';
import {
  accuracy,
  classificationReport,
  column,
  confusionMatrix,
  entropy,
  expectedCalibrationError,
  f1,
  InvalidArgumentError,
  logLoss,
  margin,
  meanAbsoluteError,
  precision,
  predictions,
  Random,
  r2Score,
  recall,
  rocAuc,
  rootMeanSquaredError,
  softmax,
  TensorColumn,
  TypeMismatchError,
  wilsonInterval,
} from '../../../src/index.js';
import { needs } from '../../helpers/references.js';
import { numpyReference, type ReferenceCase } from './numpy-reference.js';

const numpy = needs('numpy');

/** A random classification case: labels, noisy predictions, probabilities (with ties) and logits. */
function randomCase(seed: number, n: number, k: number): ReferenceCase {
  const rng = new Random(seed);
  const truth = Array.from({ length: n }, () => rng.int(k));
  const pred = truth.map((t) => (rng.next() < 0.6 ? t : rng.int(k)));
  const logits = Array.from({ length: n * k }, () => rng.normal() * 3);
  const probs: number[] = [];
  for (let i = 0; i < n; i++) {
    // Quantised scores so that ties between rows are common, as with real calibrated outputs.
    const raw = Array.from(
      { length: k },
      (_, j) => Math.round((rng.next() + (j === truth[i] ? 0.4 : 0)) * 8) + 1,
    );
    const sum = raw.reduce((a, b) => a + b, 0);
    probs.push(...raw.map((r) => r / sum));
  }
  const target = Array.from({ length: n }, () => rng.normal() * 10);
  const estimate = target.map((t) => t + rng.normal() * 3);
  return { truth, pred, k, probs, logits, target, estimate };
}

function close(a: number, b: number, tol = 1e-9): void {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));
}

describe('metrics against numpy', () => {
  numpy.it('match the formulas computed by numpy', () => {
    const cases = [randomCase(1, 200, 3), randomCase(2, 57, 5), randomCase(3, 400, 2), randomCase(4, 31, 4)];
    const refs = numpyReference(cases);
    cases.forEach((c, ci) => {
      const ref = refs[ci];
      const cm = confusionMatrix(c.truth, c.pred, { classes: Array.from({ length: c.k }, (_, j) => j) });
      expect(cm.matrix).toEqual(ref.confusion);
      close(accuracy(c.truth, c.pred), ref.accuracy);
      const report = classificationReport(c.truth, c.pred, {
        classes: Array.from({ length: c.k }, (_, j) => j),
      });
      report.precision.forEach((v, j) => {
        close(v, ref.precision[j]);
      });
      report.recall.forEach((v, j) => {
        close(v, ref.recall[j]);
      });
      report.f1.forEach((v, j) => {
        close(v, ref.f1[j]);
      });
      close(report.macro.precision, ref.macro_precision);
      close(report.macro.recall, ref.macro_recall);
      close(report.macro.f1, ref.macro_f1);
      close(report.micro.f1, ref.micro_f1);
      close(f1(c.truth, c.pred, { average: 'micro' }), ref.micro_f1);

      const probs = new TensorColumn(Float64Array.from(c.probs), [c.k]);
      const perClass = rocAuc(c.truth, probs, { average: 'none' });
      if (c.k === 2) close(perClass[0], ref.auc[1]!);
      else {
        perClass.forEach((v, j) => {
          close(v, ref.auc[j]!);
        });
        const defined = ref.auc.filter((v): v is number => v !== null);
        close(rocAuc(c.truth, probs), defined.reduce((a, b) => a + b, 0) / defined.length);
      }
      close(logLoss(c.truth, probs), ref.log_loss);
      close(expectedCalibrationError(c.truth, probs), ref.ece);

      const logits = Float64Array.from(c.logits);
      Array.from(softmax(logits, c.k)).forEach((v, i) => {
        close(v, ref.softmax[i], 1e-12);
      });
      Array.from(entropy(probs)).forEach((v, i) => {
        close(v, ref.entropy[i]);
      });
      Array.from(margin(probs)).forEach((v, i) => {
        close(v, ref.margin[i]);
      });
      // numpy's argmax also picks the first of tied maxima.
      expect(Array.from(predictions(probs))).toEqual(ref.argmax);

      close(meanAbsoluteError(c.target, c.estimate), ref.mae);
      close(rootMeanSquaredError(c.target, c.estimate), ref.rmse);
      close(r2Score(c.target, c.estimate), ref.r2);
    });
  });
});

describe('metrics on hand-computed cases', () => {
  it('confusion matrix, precision, recall and F1 of string labels', () => {
    const truth = ['cat', 'cat', 'cat', 'dog', 'dog', 'bird'];
    const pred = ['cat', 'dog', 'cat', 'dog', 'cat', 'dog'];
    const cm = confusionMatrix(truth, pred);
    expect(cm.classes).toEqual(['bird', 'cat', 'dog']);
    expect(cm.matrix).toEqual([
      [0, 0, 1],
      [0, 2, 1],
      [0, 1, 1],
    ]);
    expect(accuracy(truth, pred)).toBeCloseTo(3 / 6, 15);
    // cat: tp 2, predicted 3, actual 3; dog: tp 1, predicted 3, actual 2; bird: none predicted.
    expect(Array.from(precision(truth, pred, { average: 'none' }))).toEqual([0, 2 / 3, 1 / 3]);
    expect(Array.from(recall(truth, pred, { average: 'none' }))).toEqual([0, 2 / 3, 1 / 2]);
    const f1Dog = (2 * 1) / (3 + 2);
    expect(f1(truth, pred)).toBeCloseTo((0 + 2 / 3 + f1Dog) / 3, 15);
    expect(f1(truth, pred, { average: 'micro' })).toBeCloseTo(0.5, 15);
  });

  it('binary ROC-AUC with ties, as pairs counted by hand', () => {
    // Positives 0.35, 0.8; negatives 0.1, 0.4: pairs (0.35>0.1), (0.8>0.1), (0.8>0.4) win, one loses.
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    // A tie counts one half: positive 0.5 vs negative 0.5.
    expect(rocAuc([0, 1, 1], [0.5, 0.5, 0.9])).toBe(0.75);
    expect(rocAuc([true, false], [0.9, 0.1])).toBe(1);
    expect(rocAuc(['yes', 'no', 'yes'], [0.2, 0.3, 0.9], { positive: 'yes' })).toBe(0.5);
    expect(Number.isNaN(rocAuc([1, 1], [0.2, 0.3]))).toBe(true);
  });

  it('log-loss clips, and ECE of a hand-binned case', () => {
    expect(
      logLoss(
        [0, 1],
        [
          [0.9, 0.1],
          [0.2, 0.8],
        ],
      ),
    ).toBeCloseTo((-Math.log(0.9) - Math.log(0.8)) / 2, 14);
    expect(logLoss([1], [[1, 0]])).toBeCloseTo(-Math.log(1e-15), 10);
    expect(logLoss([1, 0], [0.8, 0.3])).toBeCloseTo((-Math.log(0.8) - Math.log(0.7)) / 2, 14);
    // Two bins: confidences 0.6, 0.7 (bin (0.5, 1]), both right → |1 − 0.65|; 0.9 wrong → |0 − 0.9| in the same bin.
    const probs = [
      [0.6, 0.4],
      [0.3, 0.7],
      [0.9, 0.1],
    ];
    expect(expectedCalibrationError([0, 1, 1], probs, { bins: 2 })).toBeCloseTo(
      Math.abs(2 / 3 - (0.6 + 0.7 + 0.9) / 3),
      14,
    );
    expect(expectedCalibrationError([0, 1, 1], probs, { bins: 10 })).toBeCloseTo(
      (1 / 3) * 0.4 + (1 / 3) * 0.3 + (1 / 3) * 0.9,
      14,
    );
  });

  it('regression metrics', () => {
    const y = [3, -0.5, 2, 7];
    const yhat = [2.5, 0, 2, 8];
    expect(meanAbsoluteError(y, yhat)).toBeCloseTo(0.5, 15);
    expect(rootMeanSquaredError(y, yhat)).toBeCloseTo(Math.sqrt(0.375), 15);
    expect(r2Score(y, yhat)).toBeCloseTo(0.9486081370449679, 14); // scikit-learn's docstring example
    expect(r2Score([1, 1], [1, 1])).toBe(1);
    expect(r2Score([1, 1], [1, 2])).toBe(0);
    expect(meanAbsoluteError([1, null, 3], [2, 5, null])).toBe(1); // rows with a missing value are left out
  });

  it('output helpers: stable softmax, argmax, entropy, margin on columns', () => {
    const logits = new TensorColumn(Float32Array.from([1000, 1001, 1002, 0, 0, 0]), [3]);
    const p = softmax(logits);
    expect(p).toBeInstanceOf(TensorColumn);
    const e = [Math.exp(-2), Math.exp(-1), 1];
    const s = e[0] + e[1] + e[2];
    Array.from(p.get(0)!).forEach((v, j) => {
      expect(v).toBeCloseTo(e[j] / s, 6);
    });
    Array.from(p.get(1)!).forEach((v) => {
      expect(v).toBeCloseTo(1 / 3, 6);
    });
    expect(Array.from(predictions(p))).toEqual([2, 0]);
    expect(entropy(p)[1]).toBeCloseTo(Math.log(3), 6);
    expect(margin(p)[1]).toBeCloseTo(0, 6);
    expect(Array.from(margin(Float64Array.from([0.9, 0.2]), 1))).toEqual([0.8, 0.6]);
  });

  it('output helpers: null rows, and one probability per row read as [1 − p, p]', () => {
    const scores = TensorColumn.fromRows([[0.2, 0.5, 0.3], null], 'float64');
    expect(Array.from(predictions(scores))).toEqual([1, -1]);
    expect(entropy(scores)[0]).toBeCloseTo(
      -(0.2 * Math.log(0.2) + 0.5 * Math.log(0.5) + 0.3 * Math.log(0.3)),
      12,
    );
    expect(entropy(scores)[1]).toBeNaN();
    expect(margin(scores)[0]).toBeCloseTo(0.2, 12);
    expect(margin(scores)[1]).toBeNaN();
    const p = Float64Array.from([0.25, 0.5, 1]);
    expect(Array.from(predictions(p, 1))).toEqual([0, 1, 1]);
    const h = (q: number) => -(q * Math.log(q) + (1 - q) * Math.log(1 - q));
    expect(entropy(p, 1)[0]).toBeCloseTo(h(0.25), 12);
    expect(entropy(p, 1)[1]).toBeCloseTo(Math.log(2), 12);
    expect(entropy(p, 1)[2]).toBe(0);
  });

  it('labels from columns, nulls left out, and typed errors', () => {
    const truth = column(['a', null, 'b', 'b']);
    const pred = column(['a', 'b', 'a', null]);
    expect(accuracy(truth, pred)).toBe(0.5);
    expect(() => accuracy([1, 'a'], [1, 'a'])).toThrow(TypeMismatchError);
    expect(() => confusionMatrix([0, 3], [0, 1], { classes: [0, 1] })).toThrow(InvalidArgumentError);
    expect(() =>
      rocAuc(
        ['a', 'b'],
        [
          [0.1, 0.9],
          [0.8, 0.2],
        ],
      ),
    ).toThrow(/classes/);
    expect(
      rocAuc(
        ['a', 'b'],
        [
          [0.1, 0.9],
          [0.8, 0.2],
        ],
        { classes: ['b', 'a'] },
      ),
    ).toBe(1);
  });

  it('Wilson intervals and the normal quantile', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(normalQuantile(0.005)).toBeCloseTo(-2.5758293035489, 8);
    // Worked example: 81 of 263, 95% → [0.2553, 0.3662] (Newcombe 1998, method 3 style; by formula).
    const z = 1.959963984540054;
    const n = 263;
    const ph = 81 / n;
    const c = (ph + (z * z) / (2 * n)) / (1 + (z * z) / n);
    const h = (z / (1 + (z * z) / n)) * Math.sqrt((ph * (1 - ph)) / n + (z * z) / (4 * n * n));
    const w = wilsonInterval(81, 263);
    expect(w.lower).toBeCloseTo(c - h, 8);
    expect(w.upper).toBeCloseTo(c + h, 8);
    expect(wilsonInterval(0, 10).lower).toBe(0);
    expect(wilsonInterval(10, 10).upper).toBe(1);
  });
});

describe('metric properties', () => {
  const labels = (k: number) => fc.array(fc.integer({ min: 0, max: k - 1 }), { minLength: 1, maxLength: 60 });

  it('perfect predictions have macro F1, precision, recall and accuracy 1', () => {
    fc.assert(
      fc.property(labels(5), (y) => {
        expect(f1(y, y)).toBe(1);
        expect(precision(y, y)).toBe(1);
        expect(recall(y, y)).toBe(1);
        expect(accuracy(y, y)).toBe(1);
      }),
    );
  });

  it('binary ROC-AUC equals the Mann–Whitney pair count, computed naively', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 6 })), { minLength: 2, maxLength: 50 }),
        (rows) => {
          const y = rows.map(([b]) => (b ? 1 : 0));
          const s = rows.map(([, v]) => v / 6);
          const pos = s.filter((_, i) => y[i] === 1);
          const neg = s.filter((_, i) => y[i] === 0);
          const auc = rocAuc(y, s);
          if (pos.length === 0 || neg.length === 0) return Number.isNaN(auc);
          let wins = 0;
          for (const a of pos) for (const b of neg) wins += a > b ? 1 : a === b ? 0.5 : 0;
          expect(auc).toBeCloseTo(wins / (pos.length * neg.length), 12);
        },
      ),
    );
  });

  it('the confusion matrix counts every row once; micro F1 equals accuracy', () => {
    fc.assert(
      fc.property(
        labels(4),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 60, maxLength: 60 }),
        (y, noise) => {
          const p = y.map((v, i) => (noise[i] === 0 ? (v + 1) % 4 : v));
          const cm = confusionMatrix(y, p);
          expect(cm.counts.reduce((a, b) => a + b, 0)).toBe(y.length);
          expect(f1(y, p, { average: 'micro' })).toBeCloseTo(accuracy(y, p), 14);
        },
      ),
    );
  });

  it('integer typed arrays and columns (the typed path) give what plain arrays give', () => {
    fc.assert(
      fc.property(
        labels(6),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 60, maxLength: 60 }),
        (y, q) => {
          const p = q.slice(0, y.length);
          const plain = classificationReport(y, p);
          const typed = classificationReport(Int32Array.from(y), column(Int32Array.from(p)));
          expect(typed.classes).toEqual(plain.classes);
          expect(Array.from(typed.f1)).toEqual(Array.from(plain.f1));
          expect(typed.accuracy).toBe(plain.accuracy);
          const probs = Float64Array.from({ length: y.length * 6 }, (_, i) => ((i * 7919) % 13) / 13);
          expect(logLoss(Int32Array.from(y), probs)).toBe(logLoss(y, probs));
        },
      ),
    );
    expect(() => confusionMatrix(Int32Array.of(0, 7), Int32Array.of(0, 1), { classes: [0, 1] })).toThrow(
      /value 7 at row 1/,
    );
    expect(() =>
      logLoss(Int32Array.of(0, 3), [
        [0.5, 0.5],
        [0.5, 0.5],
      ]),
    ).toThrow(InvalidArgumentError);
  });

  it('softmax rows sum to 1 and are invariant to shifting the logits', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 4, maxLength: 4 }),
        fc.double({ min: -500, max: 500, noNaN: true }),
        (row, shift) => {
          const a = softmax(Float64Array.from(row), 4);
          const b = softmax(Float64Array.from(row.map((x) => x + shift)), 4);
          expect(a.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
          a.forEach((v, j) => {
            expect(v).toBeCloseTo(b[j], 9);
          });
        },
      ),
    );
  });
});
