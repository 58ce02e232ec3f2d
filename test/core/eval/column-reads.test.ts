// What evaluation keeps per column (column-reads.ts: string label codes under a class list, a tensor
// column's scores as float64, and the predicted class and bin of those scores) against naive
// per-row formulas written here, asked again with other classes, other bins and other columns:
// each answer is that column's own, never an earlier one's.
import { describe, expect, it } from 'vitest';
import { ScalarColumn } from '../../../src/core/column/scalar.js';
import { TensorColumn } from '../../../src/core/column/tensor.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { expectedCalibrationError } from '../../../src/core/eval/calibration.js';
import { confusionMatrix } from '../../../src/core/eval/confusion.js';
import { Random } from '../../../src/core/random.js';

const CLASSES = ['a', 'b', 'c'];

function columns(n: number, seed: number) {
  const rng = new Random(seed);
  const label = Array.from({ length: n }, () => CLASSES[rng.int(3)]);
  const pred = Array.from({ length: n }, () => CLASSES[rng.int(3)]);
  const probs = new Float32Array(n * 3);
  for (let i = 0; i < n * 3; i += 3) {
    const p = [rng.next(), rng.next(), rng.next()];
    const sum = p[0] + p[1] + p[2];
    for (let c = 0; c < 3; c++) probs[i + c] = p[c] / sum;
  }
  return {
    label,
    pred,
    probs,
    labelColumn: ScalarColumn.from(label, 'string'),
    predColumn: ScalarColumn.from(pred, 'string'),
    probsColumn: new TensorColumn(probs, [3]),
  };
}

function naiveConfusion(truth: string[], pred: string[], classes: string[]): number[][] {
  const m = classes.map(() => classes.map(() => 0));
  truth.forEach((t, i) => {
    m[classes.indexOf(t)][classes.indexOf(pred[i])]++;
  });
  return m;
}

/** ECE over `bins` equal bins of the top probability (first class on ties), labels by class index. */
function naiveEce(truth: string[], probs: Float32Array, classes: string[], bins: number): number {
  const count = new Array(bins).fill(0);
  const conf = new Array(bins).fill(0);
  const right = new Array(bins).fill(0);
  truth.forEach((t, i) => {
    const row = [probs[i * 3], probs[i * 3 + 1], probs[i * 3 + 2]];
    const top = row.indexOf(Math.max(...row));
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(row[top] * bins) - 1));
    count[b]++;
    conf[b] += row[top];
    right[b] += classes[top] === t ? 1 : 0;
  });
  let ece = 0;
  for (let b = 0; b < bins; b++)
    if (count[b] > 0) ece += (count[b] / truth.length) * Math.abs(right[b] / count[b] - conf[b] / count[b]);
  return ece;
}

describe('values kept per column', () => {
  it('encodes string labels under each class list asked for, per column', () => {
    const one = columns(2000, 1);
    const two = columns(1500, 2);
    const reversed = [...CLASSES].reverse();
    for (const classes of [CLASSES, reversed, CLASSES])
      for (const c of [one, two])
        expect(confusionMatrix(c.labelColumn, c.predColumn, { classes }).matrix).toEqual(
          naiveConfusion(c.label, c.pred, classes),
        );
  });

  it('encodes under the classes found in the columns when none are given', () => {
    const c = columns(1200, 6);
    const onlyAB = c.label.map((v) => (v === 'c' ? 'a' : v));
    const labelColumn = ScalarColumn.from(onlyAB, 'string');
    // The label column encoded under all three classes first, then under the classes found.
    confusionMatrix(labelColumn, labelColumn, { classes: CLASSES });
    expect(confusionMatrix(labelColumn, labelColumn).matrix).toEqual(
      naiveConfusion(onlyAB, onlyAB, ['a', 'b']),
    );
    expect(confusionMatrix(labelColumn, c.predColumn).matrix).toEqual(
      naiveConfusion(onlyAB, c.pred, CLASSES),
    );
  });

  it('still rejects a label outside the classes after the column was encoded', () => {
    const c = columns(500, 3);
    confusionMatrix(c.labelColumn, c.predColumn, { classes: CLASSES });
    expect(() => confusionMatrix(c.labelColumn, c.predColumn, { classes: ['a', 'b'] })).toThrow(
      InvalidArgumentError,
    );
    expect(confusionMatrix(c.labelColumn, c.predColumn, { classes: CLASSES }).matrix).toEqual(
      naiveConfusion(c.label, c.pred, CLASSES),
    );
  });

  it('bins each score column on its own, at each number of bins', () => {
    const one = columns(3000, 4);
    const two = columns(2500, 5);
    for (const bins of [15, 10, 15])
      for (const c of [one, two, one]) {
        const ece = expectedCalibrationError(c.labelColumn, c.probsColumn, { classes: CLASSES, bins });
        expect(ece).toBeCloseTo(naiveEce(c.label, c.probs, CLASSES, bins), 12);
      }
  });
});
