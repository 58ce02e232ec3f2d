import { describe, expect, it } from 'vitest';
import { CLASSES, main } from '../../examples/train-classifier.js';
import { accuracy, read, type TensorColumn } from '../../src/index.js';

describe('examples/train-classifier', () => {
  it('trains, writes predictions and embeddings, and finds the miscalibrated sensor', async () => {
    const r = await main({ rows: 1200, epochs: 5, print: false });
    // The frame on disk holds the model's outputs as columns.
    const frame = await read(r.path);
    const probs = frame.column<TensorColumn>('probs');
    expect(probs.shape).toEqual([CLASSES.length]);
    expect(frame.column<TensorColumn>('embedding').shape).toEqual([16]);
    for (let i = 0; i < frame.length; i += 97) {
      const p = Array.from(probs.get(i) as Float32Array);
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(frame.row(i).pred).toBe(CLASSES[p.indexOf(Math.max(...p))]);
    }
    // Far better than chance (1/3), and the table's overall accuracy is the held-out accuracy.
    const test = frame.filter('split', '==', 'test');
    expect(r.testAccuracy).toBeGreaterThan(0.7);
    expect(r.testAccuracy).toBeCloseTo(accuracy(test.column('label'), test.column('pred')), 12);
    // Sensor C (shifted, noisy readings) is the worst slice.
    expect(r.bySlice.row(0).slice).toBe('overall');
    expect(r.bySlice.row(1).slice).toBe('sensor=C');
    expect(r.bySlice.row(1).gap as number).toBeGreaterThan(0);
    // The worst cluster errs more than overall, and holds more sensor-C rows than the whole test set does.
    const top = r.discovered.clusters.row(0);
    expect(top.gap as number).toBeGreaterThan(0);
    const members = r.discovered.frame.filter('cluster', '==', top.cluster);
    const shareC = (df: typeof frame) =>
      (df.column('sensor').toArray() as string[]).filter((s) => s === 'C').length / df.length;
    expect(shareC(members)).toBeGreaterThan(shareC(test));
  });
});
