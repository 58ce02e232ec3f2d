import { describe, expect, it } from 'vitest';
import {
  classificationReport,
  DataFrame,
  evaluate,
  InvalidArgumentError,
  Random,
  rocAuc,
  TensorColumn,
  wilsonInterval,
} from '../../../src/index.js';

/** A frame with a region key, a night flag, labels, predictions and probabilities; the model is worse at night. */
function makeFrame(n: number, seed = 1): DataFrame {
  const rng = new Random(seed);
  const regions = ['north', 'south', 'east'];
  const region: string[] = [];
  const night: boolean[] = [];
  const label: string[] = [];
  const pred: string[] = [];
  const probs = new Float32Array(n * 3);
  const classes = ['a', 'b', 'c'];
  for (let i = 0; i < n; i++) {
    region.push(regions[rng.int(3)]);
    night.push(rng.next() < 0.3);
    const y = rng.int(3);
    label.push(classes[y]);
    const right = rng.next() < (night[i] ? 0.5 : 0.9);
    const p = right ? y : (y + 1 + rng.int(2)) % 3;
    pred.push(classes[p]);
    const raw = [rng.next(), rng.next(), rng.next()];
    raw[p] += 2;
    const s = raw[0] + raw[1] + raw[2];
    for (let j = 0; j < 3; j++) probs[i * 3 + j] = raw[j] / s;
  }
  return new DataFrame({ region, night, label, pred, probs: new TensorColumn(probs, [3]) });
}

describe('evaluate', () => {
  const df = makeFrame(600);

  it('computes each slice as the metrics of its rows, with Wilson intervals for accuracy', () => {
    const table = evaluate(df, { label: 'label', prediction: 'pred', by: 'region', slices: ['night'] });
    expect(table.columnNames).toEqual([
      'slice',
      'kind',
      'count',
      'accuracy',
      'accuracy_lower',
      'accuracy_upper',
      'f1_macro',
      'f1_macro_lower',
      'f1_macro_upper',
      'gap',
    ]);
    const rows = table.toRecords();
    expect(rows[0].slice).toBe('overall');
    expect(rows.map((r) => r.slice).sort()).toEqual([
      'night',
      'overall',
      'region=east',
      'region=north',
      'region=south',
    ]);
    const labels = df.column('label').toArray() as string[];
    const preds = df.column('pred').toArray() as string[];
    const regions = df.column('region').toArray() as string[];
    const nights = df.column('night').toArray() as boolean[];
    const overallAcc = labels.filter((y, i) => y === preds[i]).length / labels.length;
    for (const r of rows) {
      const inSlice = (i: number) =>
        r.slice === 'overall' ? true : r.slice === 'night' ? nights[i] : `region=${regions[i]}` === r.slice;
      const idx = labels.map((_, i) => i).filter(inSlice);
      const correct = idx.filter((i) => labels[i] === preds[i]).length;
      expect(r.count).toBe(idx.length);
      expect(r.accuracy).toBeCloseTo(correct / idx.length, 14);
      const w = wilsonInterval(correct, idx.length);
      expect(r.accuracy_lower).toBeCloseTo(w.lower, 14);
      expect(r.accuracy_upper).toBeCloseTo(w.upper, 14);
      const rep = classificationReport(
        idx.map((i) => labels[i]),
        idx.map((i) => preds[i]),
        { classes: ['a', 'b', 'c'] },
      );
      expect(r.f1_macro).toBeCloseTo(rep.macro.f1, 14);
      expect(r.gap).toBeCloseTo(overallAcc - (r.accuracy as number), 14);
      expect(r.f1_macro_lower as number).toBeLessThanOrEqual(r.f1_macro_upper as number);
    }
    // Worst first: the night slice (50% vs 90% accuracy) leads, and gaps only go down.
    expect(rows[1].slice).toBe('night');
    for (let i = 2; i < rows.length; i++)
      expect(rows[i].gap as number).toBeLessThanOrEqual(rows[i - 1].gap as number);
  });

  it('uses scores for ROC-AUC, log-loss and ECE; bootstrap intervals are seeded', () => {
    const options = { label: 'label', scores: 'probs', classes: ['a', 'b', 'c'], by: ['region'] } as const;
    const a = evaluate(df, options);
    const b = evaluate(df, options);
    expect(a.toRecords()).toEqual(b.toRecords());
    const other = evaluate(df, { ...options, bootstrap: { seed: 7 } });
    expect(other.column('roc_auc_lower').toArray()).not.toEqual(a.column('roc_auc_lower').toArray());
    const overall = a.row(0);
    expect(overall.roc_auc).toBeCloseTo(
      rocAuc(df.column('label'), df.column('probs'), { classes: ['a', 'b', 'c'] }),
      14,
    );
    expect(overall.roc_auc_lower as number).toBeLessThan(overall.roc_auc as number);
    expect(overall.roc_auc_upper as number).toBeGreaterThan(overall.roc_auc as number);
    // Without a prediction column the prediction is the argmax of the scores, which here is `pred`.
    const withPred = evaluate(df, { ...options, prediction: 'pred', metrics: ['accuracy'] });
    expect(withPred.row(0).accuracy).toBeCloseTo(overall.accuracy as number, 14);
  });

  it('ranks lower-is-better metrics the other way, and does regression', () => {
    const t = evaluate(df, {
      label: 'label',
      prediction: 'pred',
      slices: ['night'],
      metrics: ['error_rate'],
    });
    expect(t.row(1).slice).toBe('night');
    expect(t.row(1).gap as number).toBeGreaterThan(0);
    const rng = new Random(3);
    const y = Array.from({ length: 300 }, () => rng.normal());
    const group = y.map((_, i) => (i % 3 === 0 ? 'noisy' : 'clean'));
    const yhat = y.map((v, i) => v + (group[i] === 'noisy' ? 1 : 0.1) * rng.normal());
    const r = evaluate(new DataFrame({ y, yhat, group }), {
      label: 'y',
      prediction: 'yhat',
      by: 'group',
      metrics: ['rmse', 'mae', 'r2'],
      confidence: false,
    });
    expect(r.columnNames).toEqual(['slice', 'kind', 'count', 'rmse', 'mae', 'r2', 'gap']);
    expect(r.row(1).slice).toBe('group=noisy');
    const noisy = y.map((_, i) => i).filter((i) => group[i] === 'noisy');
    const rmse = Math.sqrt(noisy.reduce((s, i) => s + (y[i] - yhat[i]) ** 2, 0) / noisy.length);
    expect(r.row(1).rmse).toBeCloseTo(rmse, 12);
    const mae = noisy.reduce((s, i) => s + Math.abs(y[i] - yhat[i]), 0) / noisy.length;
    expect(r.row(1).mae).toBeCloseTo(mae, 12);
  });

  it('computes log-loss and ECE of a slice from its rows', () => {
    const t = evaluate(df, {
      label: 'label',
      scores: 'probs',
      classes: ['a', 'b', 'c'],
      slices: ['night'],
      metrics: ['log_loss', 'ece'],
      confidence: false,
    });
    expect(t.row(1).slice).toBe('night');
    // Naive references over the night rows: classes a, b, c are score columns 0, 1, 2.
    const probs = (df.column('probs') as TensorColumn<Float32Array>).data;
    const night = df.column('night').toArray();
    const label = df.column('label').toArray();
    const rows = night.flatMap((v, i) => (v ? [i] : []));
    const truth = (i: number) => ['a', 'b', 'c'].indexOf(label[i] as string);
    const logLoss = -rows.reduce((s, i) => s + Math.log(probs[i * 3 + truth(i)]), 0) / rows.length;
    expect(t.row(1).log_loss).toBeCloseTo(logLoss, 10);
    const bins = Array.from({ length: 15 }, () => ({ n: 0, conf: 0, correct: 0 }));
    for (const i of rows) {
      const row = [0, 1, 2].map((j) => probs[i * 3 + j]);
      const conf = Math.max(...row);
      const bin = bins[Math.min(14, Math.max(0, Math.ceil(conf * 15) - 1))];
      bin.n++;
      bin.conf += conf;
      if (row.indexOf(conf) === truth(i)) bin.correct++;
    }
    const ece = bins.reduce((s, b) => s + (b.n ? Math.abs(b.correct - b.conf) / rows.length : 0), 0);
    expect(t.row(1).ece).toBeCloseTo(ece, 10);
  });

  it('leaves out rows with a missing label or prediction, and counts what it saw', () => {
    const small = new DataFrame({
      g: ['a', 'a', 'a', 'b', 'b'],
      y: [1, 0, null, 1, 1],
      p: [1, 1, 0, null, 1],
    });
    const t = evaluate(small, {
      label: 'y',
      prediction: 'p',
      by: 'g',
      metrics: ['accuracy'],
      confidence: false,
    });
    expect(t.toRecords()).toEqual([
      { slice: 'overall', kind: 'overall', count: 3, accuracy: 2 / 3, gap: 0 },
      { slice: 'g=a', kind: 'group', count: 2, accuracy: 0.5, gap: 2 / 3 - 0.5 },
      { slice: 'g=b', kind: 'group', count: 1, accuracy: 1, gap: 2 / 3 - 1 },
    ]);
  });

  it('rejects bad options with typed errors', () => {
    expect(() => evaluate(df, { label: 'label', prediction: 'pred', metrics: ['roc_auc'] })).toThrow(
      /scores/,
    );
    expect(() => evaluate(df, { label: 'label', prediction: 'pred', metrics: ['nope' as never] })).toThrow(
      InvalidArgumentError,
    );
    expect(() => evaluate(df, { label: 'label' })).toThrow(InvalidArgumentError);
    expect(() => evaluate(df, { label: 'lable', prediction: 'pred' })).toThrow(/did you mean "label"/);
    expect(() => evaluate(df, { label: 'label', prediction: 'pred', slices: ['region'] })).toThrow(/bool/);
  });
});
