import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kmeansRows } from '../../../src/core/cluster/kmeans.js';
import { InvalidArgumentError, kmeans, Random, TensorColumn } from '../../../src/index.js';
import { blobs } from './blobs.js';

/** Naive objective: the sum of squared distances of each row to its centroid, recomputed from scratch. */
function naiveObjective(x: TensorColumn, assignments: Int32Array, centroids: Float64Array): number {
  let s = 0;
  const d = x.rowSize;
  for (let i = 0; i < x.length; i++) {
    const row = x.get(i) as ArrayLike<number>;
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

/**
 * Lloyd's algorithm written plainly: assign every point to its nearest centroid (spherical: the
 * unit points to the largest cosine), move each centroid to the mean of its points (spherical:
 * normalised), until no point moves.
 */
function naiveLloyd(points: number[][], start: number[][], spherical: boolean) {
  const unit = (v: number[]) => {
    const norm = Math.sqrt(v.reduce((s, t) => s + t * t, 0));
    return v.map((t) => t / norm);
  };
  const x = spherical ? points.map(unit) : points;
  let centroids = start.map((c) => [...c]);
  let labels: number[] = [];
  for (let iteration = 0; iteration < 1000; iteration++) {
    const next = x.map((p) => {
      let best = 0;
      let bestScore = Number.POSITIVE_INFINITY;
      centroids.forEach((c, j) => {
        const score = spherical
          ? -p.reduce((s, t, i) => s + t * c[i], 0)
          : p.reduce((s, t, i) => s + (t - c[i]) ** 2, 0);
        if (score < bestScore) {
          best = j;
          bestScore = score;
        }
      });
      return best;
    });
    const moved = next.some((l, i) => l !== labels[i]);
    labels = next;
    centroids = centroids.map((c, j) => {
      const members = x.filter((_, i) => labels[i] === j);
      if (members.length === 0) return c;
      const mean = c.map((_, t) => members.reduce((s, p) => s + p[t], 0) / members.length);
      return spherical ? unit(mean) : mean;
    });
    if (!moved) break;
  }
  return { labels, centroids };
}

describe('kmeansRows against plain Lloyd iterations', () => {
  // Three overlapping blobs; the start is three rows of one blob, so it takes several iterations.
  const rng = new Random(21);
  const centres = [
    [3, 0, 1],
    [-2, 3, 0],
    [0, -3, 2],
  ];
  const points = Array.from({ length: 90 }, (_, i) =>
    centres[i < 3 ? 0 : i % 3].map((c) => c + 1.5 * rng.normal()),
  );
  const data = Float64Array.from(points.flat());

  for (const spherical of [false, true]) {
    it(`gives the same assignments and centroids (${spherical ? 'spherical' : 'Euclidean'})`, async () => {
      const start = points.slice(0, 3).map((p) => {
        const norm = spherical ? Math.sqrt(p.reduce((s, t) => s + t * t, 0)) : 1;
        return p.map((t) => t / norm);
      });
      const want = naiveLloyd(points, start, spherical);
      const got = await kmeansRows(data, null, 3, {
        k: 3,
        spherical,
        tolerance: 0,
        initialCentroids: Float64Array.from(start.flat()),
      });
      expect(got.iterations).toBeGreaterThan(2);
      expect(Array.from(got.labels)).toEqual(want.labels);
      for (const [i, v] of want.centroids.flat().entries()) expect(got.centroids[i]).toBeCloseTo(v, 10);
      for (let i = 1; i < got.history.length; i++)
        expect(got.history[i]).toBeLessThanOrEqual(got.history[i - 1]);
    });
  }

  it('spherical: unit centroids that find well-separated directions whatever the norms', async () => {
    const dirs = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
    const noise = new Random(4);
    const rows = Array.from({ length: 60 }, (_, i) => {
      const scale = 0.5 + 10 * noise.next();
      return dirs[i % 3].map((t) => scale * (t + 0.05 * noise.normal()));
    });
    const got = await kmeansRows(Float32Array.from(rows.flat()), null, 3, { k: 3, spherical: true, seed: 2 });
    for (let c = 0; c < 3; c++) {
      const centroid = Array.from(got.centroids.subarray(c * 3, c * 3 + 3));
      expect(Math.hypot(...centroid)).toBeCloseTo(1, 12);
      expect(Math.max(...centroid)).toBeGreaterThan(0.99);
    }
    for (let i = 0; i < 60; i++) expect(got.labels[i]).toBe(got.labels[i % 3]);
  });
});
