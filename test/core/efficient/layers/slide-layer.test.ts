import { describe, expect, it } from 'vitest';
import { FixedIntervalRehash } from '../../../../src/core/efficient/layers/rehash-scheduler.js';
import { RowOptimizer } from '../../../../src/core/efficient/layers/row-optimizer.js';
import {
  type SlideForward,
  SlideLayer,
  sparseSoftmaxCrossEntropy,
} from '../../../../src/core/efficient/layers/slide-layer.js';
import { DwtaHash } from '../../../../src/core/lsh/dwta.js';
import { SimHash } from '../../../../src/core/lsh/simhash.js';
import { Random } from '../../../../src/core/random.js';

function gaussian(seed: number, length: number, std = 1): Float32Array {
  return new Random(seed).fillNormal(new Float32Array(length), std);
}

/** Naive float64 softmax cross-entropy restricted to `active`, with the labels' target spread evenly. */
function naiveLoss(
  w: Float64Array,
  b: Float64Array,
  x: Float64Array,
  d: number,
  active: number[][],
  labels: number[][],
): number {
  let loss = 0;
  active.forEach((set, i) => {
    const logits = set.map(
      (j) => b[j] + Array.from({ length: d }, (_, c) => w[j * d + c] * x[i * d + c]).reduce((p, q) => p + q),
    );
    const max = Math.max(...logits);
    const lse = max + Math.log(logits.reduce((s, l) => s + Math.exp(l - max), 0));
    for (const y of labels[i]) loss -= (logits[set.indexOf(y)] - lse) / labels[i].length;
  });
  return loss / active.length;
}

function activeLists(f: SlideForward): number[][] {
  const out: number[][] = [];
  for (let i = 0; i + 1 < f.offsets.length; i++)
    out.push(Array.from(f.neurons.subarray(f.offsets[i], f.offsets[i + 1])));
  return out;
}

describe('SlideLayer', () => {
  const d = 10;
  const n = 200;

  it('forward on the active set equals the dense layer restricted to it', async () => {
    const hash = new SimHash({ dim: d, hashesPerTable: 4, tables: 3, seed: 1 });
    const layer = await SlideLayer.create({ inputDim: d, outputDim: n, hash, initStd: 0.5, seed: 2 });
    const x = gaussian(3, 6 * d);
    const labels = new Int32Array([0, 5, 17, 199, 42, 42]);
    const f = await layer.forward(x, 6, labels);
    const sets = activeLists(f);
    for (let i = 0; i < 6; i++) {
      expect(sets[i]).toContain(labels[i]);
      expect(new Set(sets[i]).size).toBe(sets[i].length);
      expect(sets[i].length).toBeLessThan(n); // sparse: not everything
      const logits = sets[i].map((j) => {
        let s = layer.bias[j];
        for (let c = 0; c < d; c++) s += layer.weights[j * d + c] * x[i * d + c];
        return s;
      });
      const z = logits.reduce((s, l) => s + Math.exp(l), 0);
      sets[i].forEach((_, p) => {
        expect(f.logits[f.offsets[i] + p]).toBeCloseTo(logits[p], 10);
        expect(f.probabilities[f.offsets[i] + p]).toBeCloseTo(Math.exp(logits[p]) / z, 10);
      });
    }
  });

  it('active sets are the union of the buckets the input hits, plus labels', async () => {
    const hash = new DwtaHash({ dim: d, hashesPerTable: 2, tables: 4, binSize: 2, seed: 5 });
    const layer = await SlideLayer.create({ inputDim: d, outputDim: n, hash, seed: 6 });
    const x = gaussian(7, 4 * d);
    const { offsets, neurons } = await layer.activeSets(x, 4, new Int32Array([1, 2, 3, 4]));
    const wKeys = await hash.hashRows(layer.weights, n);
    const xKeys = await hash.hashRows(x, 4);
    for (let i = 0; i < 4; i++) {
      const expected = new Set<number>([i + 1]);
      for (let j = 0; j < n; j++) {
        for (let t = 0; t < 4; t++) if (wKeys[j * 4 + t] === xKeys[i * 4 + t]) expected.add(j);
      }
      expect(new Set(neurons.subarray(offsets[i], offsets[i + 1]))).toEqual(expected);
    }
  });

  it('backward gives the numerical gradients of the active-set loss', async () => {
    const hash = new SimHash({ dim: d, hashesPerTable: 3, tables: 2, seed: 8 });
    const layer = await SlideLayer.create({ inputDim: d, outputDim: n, hash, initStd: 0.3, seed: 9 });
    layer.bias.set(gaussian(10, n, 0.2));
    const batch = 4;
    const x = gaussian(11, batch * d);
    const labels = { offsets: new Int32Array([0, 1, 3, 4, 5]), values: new Int32Array([3, 8, 9, 100, 3]) };
    const f = await layer.forward(x, batch, labels);
    const { loss, gradLogits } = sparseSoftmaxCrossEntropy(f, labels, n);
    const g = layer.backward(x, batch, f, gradLogits);
    const active = activeLists(f);
    const lab = [[3], [8, 9], [100], [3]];
    const w = Float64Array.from(layer.weights);
    const b = Float64Array.from(layer.bias);
    const x64 = Float64Array.from(x);
    expect(loss).toBeCloseTo(naiveLoss(w, b, x64, d, active, lab), 10);
    const eps = 1e-6;
    const numeric = (arr: Float64Array, i: number) => {
      const keep = arr[i];
      arr[i] = keep + eps;
      const up = naiveLoss(w, b, x64, d, active, lab);
      arr[i] = keep - eps;
      const down = naiveLoss(w, b, x64, d, active, lab);
      arr[i] = keep;
      return (up - down) / (2 * eps);
    };
    const touched = new Set(active.flat());
    expect(new Set(g.rows)).toEqual(touched);
    g.rows.forEach((j, s) => {
      if (s % 4 !== 0) return; // a quarter of the rows keeps the test fast; every one is in the loss
      for (let c = 0; c < d; c += 3) expect(g.weights[s * d + c]).toBeCloseTo(numeric(w, j * d + c), 6);
      expect(g.bias[s]).toBeCloseTo(numeric(b, j), 6);
    });
    // A neuron outside every active set has no gradient: the loss does not depend on it.
    const outside = Array.from({ length: n }, (_, j) => j).find((j) => !touched.has(j))!;
    expect(numeric(w, outside * d)).toBe(0);
    for (let i = 0; i < batch * d; i++) expect(g.input![i]).toBeCloseTo(numeric(x64, i), 6);
  });

  it('with L large enough every neuron is active and the layer equals the dense layer', async () => {
    const m = 40;
    const hash = new SimHash({ dim: d, hashesPerTable: 1, tables: 128, seed: 12 });
    const layer = await SlideLayer.create({ inputDim: d, outputDim: m, hash, initStd: 0.5, seed: 13 });
    const batch = 3;
    const x = gaussian(14, batch * d);
    const labels = new Int32Array([0, 7, 39]);
    const f = await layer.forward(x, batch, labels);
    const { gradLogits } = sparseSoftmaxCrossEntropy(f, labels, m);
    const g = layer.backward(x, batch, f, gradLogits);
    const gradW = new Map<number, number>();
    g.rows.forEach((j, s) => {
      for (let c = 0; c < d; c++) gradW.set(j * d + c, g.weights[s * d + c]);
    });
    for (let i = 0; i < batch; i++) {
      expect(f.offsets[i + 1] - f.offsets[i]).toBe(m);
      // Dense softmax over all classes, and its gradient, written out in float64.
      const logits = Array.from({ length: m }, (_, j) => {
        let s = 0;
        for (let c = 0; c < d; c++) s += layer.weights[j * d + c] * x[i * d + c];
        return s;
      });
      const z = logits.reduce((s, l) => s + Math.exp(l), 0);
      for (let p = f.offsets[i]; p < f.offsets[i + 1]; p++) {
        const j = f.neurons[p];
        expect(f.probabilities[p]).toBeCloseTo(Math.exp(logits[j]) / z, 12);
      }
    }
    for (let j = 0; j < m; j++) {
      for (let c = 0; c < d; c++) {
        let dense = 0;
        for (let i = 0; i < batch; i++) {
          const logits = Array.from({ length: m }, (_, k) => {
            let s = 0;
            for (let e = 0; e < d; e++) s += layer.weights[k * d + e] * x[i * d + e];
            return s;
          });
          const z = logits.reduce((s, l) => s + Math.exp(l), 0);
          dense += ((Math.exp(logits[j]) / z - (labels[i] === j ? 1 : 0)) * x[i * d + c]) / batch;
        }
        expect(gradW.get(j * d + c)).toBeCloseTo(dense, 12);
      }
    }
  });

  it.each(['simhash', 'dwta'] as const)(
    'recall of the true top-10 neurons grows with L (%s)',
    async (family) => {
      const dim = 32;
      const neurons = 2000;
      const queries = 40;
      const w = gaussian(20, neurons * dim);
      const q = gaussian(21, queries * dim);
      const truth: Set<number>[] = [];
      for (let i = 0; i < queries; i++) {
        const scores = Array.from({ length: neurons }, (_, j) => {
          let s = 0;
          for (let c = 0; c < dim; c++) s += w[j * dim + c] * q[i * dim + c];
          return [s, j] as const;
        });
        scores.sort((a, b) => b[0] - a[0]);
        truth.push(new Set(scores.slice(0, 10).map(([, j]) => j)));
      }
      const recalls: number[] = [];
      for (const L of [1, 4, 16, 64]) {
        const hash =
          family === 'simhash'
            ? new SimHash({ dim, hashesPerTable: 8, tables: L, seed: 22 })
            : new DwtaHash({ dim, hashesPerTable: 3, tables: L, binSize: 8, seed: 22 });
        const layer = await SlideLayer.create({
          inputDim: dim,
          outputDim: neurons,
          hash,
          weights: w,
          bucketCapacity: neurons,
        });
        const { offsets, neurons: act } = await layer.activeSets(q, queries);
        let hit = 0;
        for (let i = 0; i < queries; i++) {
          const set = new Set(act.subarray(offsets[i], offsets[i + 1]));
          for (const j of truth[i]) if (set.has(j)) hit++;
        }
        recalls.push(hit / (queries * 10));
      }
      for (let s = 1; s < recalls.length; s++) expect(recalls[s]).toBeGreaterThan(recalls[s - 1]);
      expect(recalls[3]).toBeGreaterThan(family === 'simhash' ? 0.6 : 0.4);
      expect(recalls[0]).toBeLessThan(0.3);
    },
  );

  it('rehash puts every changed neuron in the buckets of its new keys', async () => {
    const hash = new SimHash({ dim: d, hashesPerTable: 5, tables: 3, seed: 30 });
    const layer = await SlideLayer.create({
      inputDim: d,
      outputDim: n,
      hash,
      seed: 31,
      scheduler: new FixedIntervalRehash(3),
      optimizer: { kind: 'sgd', learningRate: 5 },
      bucketCapacity: n,
    });
    const x = gaussian(32, 8 * d);
    const labels = new Int32Array([1, 2, 3, 4, 5, 6, 7, 8]);
    await layer.trainStep(x, 8, labels);
    await layer.trainStep(x, 8, labels);
    expect(layer.staleNeurons).toBeGreaterThan(0);
    expect(layer.rehashes).toBe(0);
    await layer.trainStep(x, 8, labels);
    expect(layer.rehashes).toBe(1);
    expect(layer.staleNeurons).toBe(0);
    const keys = await hash.hashRows(layer.weights, n);
    for (let j = 0; j < n; j++) {
      for (let t = 0; t < 3; t++) expect(Array.from(layer.tables.bucket(t, keys[j * 3 + t]))).toContain(j);
    }
  });

  it.each(['sgd', 'adam'] as const)(
    'trainStep (%s) equals forward, loss, backward and an optimizer step',
    async (kind) => {
      const make = () =>
        SlideLayer.create({
          inputDim: d,
          outputDim: n,
          hash: new SimHash({ dim: d, hashesPerTable: 3, tables: 3, seed: 50 }),
          optimizer: { kind, learningRate: 0.5 },
          minActive: 30,
          seed: 51,
          scheduler: new FixedIntervalRehash(1000),
        });
      const fused = await make();
      const manual = await make();
      const x = gaussian(52, 6 * d);
      const labels = new Int32Array([9, 8, 7, 6, 5, 9]);
      for (let step = 0; step < 3; step++) {
        const r = await fused.trainStep(x, 6, labels);
        const f = await manual.forward(x, 6, labels);
        const { loss, gradLogits } = sparseSoftmaxCrossEntropy(f, labels, n);
        manual.applyGradients(manual.backward(x, 6, f, gradLogits));
        expect(r.loss).toBeCloseTo(loss, 6);
      }
      for (let i = 0; i < n * d; i++) expect(fused.weights[i]).toBeCloseTo(manual.weights[i], 5);
      for (let j = 0; j < n; j++) expect(fused.bias[j]).toBeCloseTo(manual.bias[j], 5);
      expect(fused.staleNeurons).toBe(manual.staleNeurons);
      expect(fused.staleNeurons).toBeGreaterThan(30);
    },
  );

  it('learns a 500-class task to high accuracy, sparse and dense inference agreeing', async () => {
    const dim = 32;
    const classes = 500;
    const centroids = gaussian(40, classes * dim, 1 / Math.sqrt(dim));
    const sample = (seed: number, count: number) => {
      const rng = new Random(seed);
      const x = new Float32Array(count * dim);
      const y = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        y[i] = rng.int(classes);
        for (let c = 0; c < dim; c++)
          x[i * dim + c] = centroids[y[i] * dim + c] + (0.3 * rng.normal()) / Math.sqrt(dim);
      }
      return { x, y };
    };
    const layer = await SlideLayer.create({
      inputDim: dim,
      outputDim: classes,
      hash: new SimHash({ dim, hashesPerTable: 6, tables: 10, seed: 41 }),
      optimizer: { kind: 'adam', learningRate: 0.02 },
      minActive: 20,
      seed: 42,
      scheduler: new FixedIntervalRehash(10),
    });
    const train = sample(43, 8000);
    const batch = 32;
    let meanActive = 0;
    for (let s = 0; s < 8000 / batch; s++) {
      const r = await layer.trainStep(
        train.x.subarray(s * batch * dim, (s + 1) * batch * dim),
        batch,
        train.y.subarray(s * batch, (s + 1) * batch),
      );
      meanActive += r.meanActive / (8000 / batch);
    }
    expect(meanActive).toBeLessThan(classes / 4);
    const test = sample(44, 500);
    const dense = await layer.predict(test.x, 500);
    const sparse = await layer.predict(test.x, 500, true);
    const acc = (p: Int32Array) => p.reduce((s, v, i) => s + (v === test.y[i] ? 1 : 0), 0) / 500;
    expect(acc(dense)).toBeGreaterThan(0.9);
    expect(acc(sparse)).toBeGreaterThan(0.8);
  });
});

describe('RowOptimizer', () => {
  it('Adam on touched rows follows the textbook update, untouched rows stay', () => {
    const dim = 3;
    const opt = new RowOptimizer(
      { kind: 'adam', learningRate: 0.1, beta1: 0.8, beta2: 0.9, epsilon: 1e-3 },
      4,
      dim,
    );
    const w = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const b = new Float32Array(4);
    const ref = Array.from(w, Number);
    const m = new Array(12).fill(0);
    const v = new Array(12).fill(0);
    const grads = [
      [0.5, -1, 2],
      [0.1, 0.2, -0.3],
      [3, 0, -1],
    ];
    grads.forEach((g, step) => {
      const t = step + 1;
      opt.step(w, b, new Int32Array([2]), 1, Float64Array.from(g), new Float64Array(1));
      for (let c = 0; c < dim; c++) {
        const k = 2 * dim + c;
        m[k] = 0.8 * m[k] + 0.2 * g[c];
        v[k] = 0.9 * v[k] + 0.1 * g[c] ** 2;
        ref[k] -= (0.1 * (m[k] / (1 - 0.8 ** t))) / (Math.sqrt(v[k] / (1 - 0.9 ** t)) + 1e-3);
      }
    });
    for (let k = 0; k < 12; k++) expect(w[k]).toBeCloseTo(ref[k], 5);
  });
});
