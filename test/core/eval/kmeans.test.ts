import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DataFrame,
  discoverSlices,
  InvalidArgumentError,
  kmeans,
  Random,
  TensorColumn,
} from '../../../src/index.js';

/** `perBlob` points around each of `centers` (d-dimensional), with normal noise of scale `spread`. */
function blobs(centers: number[][], perBlob: number, spread: number, seed: number) {
  const rng = new Random(seed);
  const d = centers[0].length;
  const data = new Float32Array(centers.length * perBlob * d);
  const truth: number[] = [];
  let at = 0;
  for (let i = 0; i < perBlob; i++)
    centers.forEach((c, b) => {
      for (let j = 0; j < d; j++) data[at++] = c[j] + spread * rng.normal();
      truth.push(b);
    });
  return { column: new TensorColumn(data, [d]), truth };
}

/** Naive objective: the sum of squared distances of each row to its centroid, recomputed from scratch. */
function naiveObjective(x: TensorColumn, assignments: Int32Array, centroids: Float64Array): number {
  let s = 0;
  const d = x.rowSize;
  for (let i = 0; i < x.length; i++) {
    const row = x.get(i)!;
    for (let j = 0; j < d; j++) s += (row[j] - centroids[assignments[i] * d + j]) ** 2;
  }
  return s;
}

describe('kmeans', () => {
  it('recovers well-separated clusters', async () => {
    const centers = [
      [0, 0, 0],
      [20, 0, 0],
      [0, 20, 0],
      [0, 0, 20],
      [20, 20, 20],
    ];
    for (const seed of [0, 1, 2]) {
      const { column, truth } = blobs(centers, 40, 1, 10 + seed);
      const r = await kmeans(column, { k: 5, seed });
      // A perfect partition: each found cluster holds exactly one blob, and each blob one cluster.
      const pairs = new Set(truth.map((t, i) => `${t}:${r.assignments[i]}`));
      expect(pairs.size).toBe(5);
      expect(new Set(r.assignments).size).toBe(5);
      expect(r.converged).toBe(true);
      // Centroids sit at the blob means.
      for (let c = 0; c < 5; c++) {
        const members = truth.map((_, i) => i).filter((i) => r.assignments[i] === c);
        for (let j = 0; j < 3; j++) {
          const mean = members.reduce((s, i) => s + column.get(i)![j], 0) / members.length;
          expect(r.centroids[c * 3 + j]).toBeCloseTo(mean, 4);
        }
      }
      expect(r.inertia).toBeCloseTo(naiveObjective(column, r.assignments, r.centroids), 3);
    }
  });

  it('never increases the objective over iterations, and the same seed gives the same result', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.array(fc.tuple(fc.integer({ min: -8, max: 8 }), fc.integer({ min: -8, max: 8 })), {
          minLength: 8,
          maxLength: 80,
        }),
        async (k, seed, points) => {
          const column = new TensorColumn(Float32Array.from(points.flat().map((v) => v / 3)), [2]);
          const a = await kmeans(column, { k, seed, tolerance: 0 });
          for (let i = 1; i < a.history.length; i++)
            expect(a.history[i]).toBeLessThanOrEqual(a.history[i - 1] * (1 + 1e-12));
          expect(a.history[a.history.length - 1]).toBeCloseTo(a.inertia, 9);
          expect(a.inertia).toBeCloseTo(naiveObjective(column, a.assignments, a.centroids), 6);
          const b = await kmeans(column, { k, seed, tolerance: 0 });
          expect(Array.from(b.assignments)).toEqual(Array.from(a.assignments));
          expect(Array.from(b.centroids)).toEqual(Array.from(a.centroids));
          // Every row ends at a nearest centroid (Lloyd's fixed point) when it converged.
          if (a.converged && a.history.length > 2) {
            for (let i = 0; i < column.length; i++) {
              const own = (c: number) =>
                (column.get(i)![0] - a.centroids[c * 2]) ** 2 +
                (column.get(i)![1] - a.centroids[c * 2 + 1]) ** 2;
              for (let c = 0; c < k; c++) expect(own(a.assignments[i])).toBeLessThanOrEqual(own(c) + 1e-6);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('skips null rows and checks k', async () => {
    const column = TensorColumn.fromRows([[0, 0], null, [10, 10], [0, 1], [10, 11]]);
    const r = await kmeans(column, { k: 2, seed: 3 });
    expect(r.assignments[1]).toBe(-1);
    expect(r.assignments[0]).toBe(r.assignments[3]);
    expect(r.assignments[2]).toBe(r.assignments[4]);
    expect(r.assignments[0]).not.toBe(r.assignments[2]);
    await expect(kmeans(column, { k: 5 })).rejects.toThrow(InvalidArgumentError);
  });
});

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
