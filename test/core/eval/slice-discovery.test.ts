import { describe, expect, it } from 'vitest';
import { DataFrame, discoverSlices, Random } from '../../../src/index.js';
import { blobs } from '../cluster/blobs.js';

describe('discoverSlices', () => {
  it('ranks the cluster where the model errs first, with counts and intervals', async () => {
    const centers = [
      [0, 0],
      [30, 0],
      [0, 30],
    ];
    const { column, truth } = blobs(centers, 60, 1, 5);
    const rng = new Random(9);
    // The model is wrong on 60% of blob 2 and on 5% elsewhere.
    const label = truth.map(() => rng.int(2));
    const pred = label.map((y, i) => (rng.next() < (truth[i] === 2 ? 0.6 : 0.05) ? 1 - y : y));
    const df = new DataFrame({ emb: column, label, pred });
    const found = await discoverSlices(df, {
      embedding: 'emb',
      label: 'label',
      prediction: 'pred',
      k: 3,
      seed: 1,
    });
    const top = found.clusters.row(0);
    const members = truth.map((_, i) => i).filter((i) => found.assignments.get(i) === top.cluster);
    expect(new Set(members.map((i) => truth[i]))).toEqual(new Set([2]));
    const errors = members.filter((i) => label[i] !== pred[i]).length;
    expect(top.count).toBe(members.length);
    expect(top.errors).toBe(errors);
    expect(top.error_rate).toBeCloseTo(errors / members.length, 14);
    const overall = label.filter((y, i) => y !== pred[i]).length / label.length;
    expect(top.gap).toBeCloseTo(errors / members.length - overall, 14);
    expect(top.error_rate_lower as number).toBeLessThan(top.error_rate as number);
    const rates = found.clusters.column('error_rate').toArray() as number[];
    for (let i = 1; i < rates.length; i++) expect(rates[i]).toBeLessThanOrEqual(rates[i - 1]);
    expect(found.frame.column('cluster').toArray()).toEqual(Array.from(found.kmeans.assignments));
    // An explicit error column gives the same ranking.
    const byError = await discoverSlices(
      df.withColumn(
        'wrong',
        label.map((y, i) => y !== pred[i]),
      ),
      {
        embedding: 'emb',
        error: 'wrong',
        k: 3,
        seed: 1,
      },
    );
    expect(byError.clusters.toRecords()).toEqual(found.clusters.toRecords());
  });
});
