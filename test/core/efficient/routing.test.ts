import { describe, expect, it } from 'vitest';
import {
  exactAttention,
  memoryUnits,
  routingAttention,
  routingCentroids,
  updateRoutingCentroids,
} from '../../../src/core/efficient/attention/index.js';
import { InvalidArgumentError, ShapeError } from '../../../src/core/errors.js';
import {
  dot,
  expectCausalUnderPerturbation,
  expectCloseResult,
  gaussian,
  type Inputs,
  inputs,
  maxAbsDiff,
  randomClusterAttention,
  relFrobenius,
  roundedToFloat32,
  toFloat32,
  weightedAttention,
} from './helpers.js';

/**
 * Routing attention spelled out in float64 for given centroids: each cluster takes the `w` queries
 * and keys of largest cosine with its centroid (ties by position, via a stable Array.sort), a query
 * attends with exact softmax to the union of its clusters' keys (causal: not after it), and a query
 * with an empty support attends to itself.
 */
function naiveRouting(x: Inputs, centroids: Float64Array, clusters: number, w: number, causal: boolean) {
  const { heads, n, d, q, k } = x;
  const support: Set<number>[] = Array.from({ length: heads * n }, () => new Set<number>());
  const cosine = (arr: Float64Array, h: number, i: number, c: number) => {
    const o = (h * n + i) * d;
    const norm = Math.sqrt(dot(arr, o, arr, o, d));
    return norm > 0 ? dot(arr, o, centroids, (h * clusters + c) * d, d) / norm : 0;
  };
  for (let h = 0; h < heads; h++) {
    for (let c = 0; c < clusters; c++) {
      const top = (arr: Float64Array) =>
        [...Array(n).keys()].sort((a, b) => cosine(arr, h, b, c) - cosine(arr, h, a, c) || a - b).slice(0, w);
      const ks = top(k);
      for (const i of top(q)) for (const j of ks) if (!causal || j <= i) support[h * n + i].add(j);
    }
  }
  support.forEach((set, r) => {
    if (set.size === 0) set.add(r % n);
  });
  const logit = (h: number, i: number, j: number) =>
    dot(q, (h * n + i) * d, k, (h * n + j) * d, d) / Math.sqrt(d);
  return weightedAttention(x, (h, i, j) => (support[h * n + i].has(j) ? Math.exp(logit(h, i, j)) : 0));
}

function unitRows(x: Float64Array, d: number): Float64Array {
  const out = Float64Array.from(x);
  for (let r = 0; r < x.length / d; r++) {
    const norm = Math.sqrt(dot(x, r * d, x, r * d, d));
    for (let c = 0; c < d; c++) out[r * d + c] /= norm;
  }
  return out;
}

describe('routingAttention', () => {
  const shape = { heads: 2, n: 20, d: 5, dv: 3 };
  const x = inputs(71, 2, 20, 5, 3, 1.2);

  it('one cluster taking every position equals exact attention (causal or not)', async () => {
    for (const causal of [false, true]) {
      const exact = await exactAttention(x.q, x.k, x.v, shape, { causal, returnMatrix: true });
      const got = await routingAttention(x.q, x.k, x.v, shape, {
        clusters: 1,
        windowSize: 20,
        causal,
        returnMatrix: true,
      });
      expectCloseResult(got, exact, 1e-12);
    }
  });

  it('equals routing spelled out (top-w by cosine, union of clusters) for given centroids', async () => {
    for (const [clusters, w, causal] of [
      [4, 5, false],
      [3, 9, false],
      [5, 6, true],
      [2, 3, true],
    ] as const) {
      const centroids = unitRows(gaussian(clusters * 10 + w, 2 * clusters * 5), 5);
      const ref = naiveRouting(x, centroids, clusters, w, causal);
      const got = await routingAttention(x.q, x.k, x.v, shape, {
        clusters,
        windowSize: w,
        centroids,
        causal,
        returnMatrix: true,
      });
      expectCloseResult(got, ref, 1e-12);
    }
  });

  it('k-means finds well-separated directions; routing uses its own centroids', async () => {
    // Three tight bundles around orthonormal directions (queries and keys alike), in each of two heads.
    const n = 30;
    const d = 6;
    const centres = unitRows(gaussian(5, 2 * 3 * d), d);
    for (let h = 0; h < 2; h++) {
      for (let t = 0; t < 3; t++) {
        for (let u = 0; u < t; u++) {
          const p = dot(centres, (h * 3 + t) * d, centres, (h * 3 + u) * d, d);
          for (let c = 0; c < d; c++) centres[(h * 3 + t) * d + c] -= p * centres[(h * 3 + u) * d + c];
        }
        const norm = Math.sqrt(dot(centres, (h * 3 + t) * d, centres, (h * 3 + t) * d, d));
        for (let c = 0; c < d; c++) centres[(h * 3 + t) * d + c] /= norm;
      }
    }
    const noise = gaussian(6, 2 * n * d, 0.02);
    const q = new Float64Array(2 * n * d);
    const k = new Float64Array(2 * n * d);
    for (let h = 0; h < 2; h++) {
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < d; c++) {
          const base = centres[(h * 3 + (i % 3)) * d + c];
          q[(h * n + i) * d + c] = 6 * base + noise[(h * n + i) * d + c];
          k[(h * n + i) * d + c] = 6 * base - noise[(h * n + i) * d + c];
        }
      }
    }
    const found = await routingCentroids(q, k, { heads: 2, n, d }, { clusters: 3, seed: 1 });
    for (let h = 0; h < 2; h++) {
      for (let t = 0; t < 3; t++) {
        // Each true centre has a found centroid within a small angle.
        let best = -1;
        for (let c = 0; c < 3; c++)
          best = Math.max(best, dot(centres, (h * 3 + t) * d, found, (h * 3 + c) * d, d));
        expect(best).toBeGreaterThan(0.999);
      }
      for (let c = 0; c < 3; c++)
        expect(Math.abs(dot(found, (h * 3 + c) * d, found, (h * 3 + c) * d, d) - 1)).toBeLessThan(1e-12);
    }
    const v = gaussian(7, 2 * n * 2);
    const sh = { heads: 2, n, d, dv: 2 };
    const viaKmeans = await routingAttention(q, k, v, sh, { clusters: 3, windowSize: 10, seed: 1 });
    const viaGiven = await routingAttention(q, k, v, sh, { clusters: 3, windowSize: 10, centroids: found });
    expect(viaKmeans.output).toEqual(viaGiven.output);
    // The bundles are exactly the clusters, so attention inside them is nearly exact attention.
    const exact = await exactAttention(q, k, v, sh);
    expect(relFrobenius(viaKmeans.output, exact.output)).toBeLessThan(1e-3);
  });

  it('error falls as the window grows (mean over seeds) and beats random clusters at the same budget', async () => {
    const n = 64;
    const d = 8;
    const sh = { heads: 1, n, d };
    const seeds = 6;
    const windows = [8, 16, 32, 48];
    const errs = windows.map(() => 0);
    let random = 0;
    for (let s = 0; s < seeds; s++) {
      const y = inputs(500 + s, 1, n, d, d, 1.5);
      const ref = await exactAttention(y.q, y.k, y.v, sh);
      for (const [t, windowSize] of windows.entries()) {
        const got = await routingAttention(y.q, y.k, y.v, sh, { clusters: 4, windowSize, seed: s });
        errs[t] += relFrobenius(got.output, ref.output) / seeds;
      }
      const rnd = await randomClusterAttention(y, n, d, 16, s);
      random += relFrobenius(rnd.output, ref.output) / seeds;
    }
    if (process.env.TESSERA_REPORT) {
      console.log(
        `routing by window ${errs.map((e) => e.toFixed(3))}; random clusters of 16: ${random.toFixed(3)}`,
      );
    }
    for (let t = 1; t < windows.length; t++) expect(errs[t]).toBeLessThan(errs[t - 1]);
    expect(errs[1]).toBeLessThan(random);
    expect(memoryUnits.routing({ clusters: 4, windowSize: 16 }, 64)).toBe(16);
  });

  it('causal: never attends ahead; future values never change a row', async () => {
    const opts = { clusters: 4, windowSize: 6, causal: true, seed: 2 };
    // Future queries and keys may change the clusters, never put weight past i.
    await expectCausalUnderPerturbation(
      (y, returnMatrix) => routingAttention(y.q, y.k, y.v, shape, { ...opts, returnMatrix }),
      x,
      [0, 8, 19],
      30,
      'qkv',
    );
  });

  it('float32 matches float64 on the same values; reproducible from its seed', async () => {
    const x32 = toFloat32(x);
    const x64 = roundedToFloat32(x);
    const centroids = unitRows(gaussian(3, 2 * 4 * 5), 5);
    const opts = { clusters: 4, windowSize: 5, centroids };
    const f32 = await routingAttention(x32.q, x32.k, x32.v, shape, opts);
    const f64 = await routingAttention(x64.q, x64.k, x64.v, shape, opts);
    expect(f32.output).toBeInstanceOf(Float32Array);
    expect(relFrobenius(f32.output, f64.output)).toBeLessThan(1e-5);
    const a = await routingAttention(x.q, x.k, x.v, shape, { clusters: 4, seed: 1 });
    expect((await routingAttention(x.q, x.k, x.v, shape, { clusters: 4, seed: 1 })).output).toEqual(a.output);
  });

  it('EMA centroid update equals its formula written out (assign by cosine, decay, renormalise)', async () => {
    const clusters = 3;
    const centroids = unitRows(gaussian(9, 2 * clusters * 5), 5);
    const copy = Float64Array.from(centroids);
    for (const decay of [0, 0.5, 0.999, 1]) {
      const got = await updateRoutingCentroids(centroids, x.q, x.k, shape, { decay });
      expect(centroids).toEqual(copy);
      const want = new Float64Array(centroids.length);
      for (let h = 0; h < 2; h++) {
        const points = [
          unitRows(x.q.slice(h * 100, (h + 1) * 100), 5),
          unitRows(x.k.slice(h * 100, (h + 1) * 100), 5),
        ];
        const sums = Array.from({ length: clusters }, () => new Float64Array(5));
        const counts = new Array(clusters).fill(0);
        for (const arr of points) {
          for (let i = 0; i < 20; i++) {
            let best = 0;
            for (let c = 1; c < clusters; c++) {
              if (
                dot(arr, i * 5, centroids, (h * clusters + c) * 5, 5) >
                dot(arr, i * 5, centroids, (h * clusters + best) * 5, 5)
              )
                best = c;
            }
            counts[best]++;
            for (let t = 0; t < 5; t++) sums[best][t] += arr[i * 5 + t];
          }
        }
        for (let c = 0; c < clusters; c++) {
          const o = (h * clusters + c) * 5;
          const moved = Array.from({ length: 5 }, (_, t) =>
            counts[c] ? decay * centroids[o + t] + ((1 - decay) * sums[c][t]) / counts[c] : centroids[o + t],
          );
          const norm = Math.hypot(...moved);
          for (let t = 0; t < 5; t++) want[o + t] = moved[t] / norm;
        }
      }
      expect(maxAbsDiff(got, want)).toBeLessThan(1e-12);
    }
    await expect(updateRoutingCentroids(centroids, x.q, x.k, shape, { decay: 2 })).rejects.toThrow(
      InvalidArgumentError,
    );
  });

  it('rejects bad clusters, windows, centroids and shapes', async () => {
    for (const clusters of [0, 1.5, 21]) {
      await expect(routingAttention(x.q, x.k, x.v, shape, { clusters })).rejects.toThrow(
        InvalidArgumentError,
      );
    }
    for (const windowSize of [0, 21]) {
      await expect(routingAttention(x.q, x.k, x.v, shape, { clusters: 2, windowSize })).rejects.toThrow(
        InvalidArgumentError,
      );
    }
    await expect(
      routingAttention(x.q, x.k, x.v, shape, { clusters: 2, centroids: new Float64Array(3) }),
    ).rejects.toThrow(InvalidArgumentError);
    await expect(routingAttention(x.q, x.k, x.v, { ...shape, d: 4 }, { clusters: 2 })).rejects.toThrow(
      ShapeError,
    );
  });
});
