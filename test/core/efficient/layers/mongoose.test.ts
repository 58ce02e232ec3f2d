import { describe, expect, it } from 'vitest';
import { trainLearnableHash } from '../../../../src/core/efficient/layers/learnable-hash.js';
import { LshTables } from '../../../../src/core/efficient/layers/lsh-tables.js';
import { MongooseScheduler } from '../../../../src/core/efficient/layers/mongoose-scheduler.js';
import { SlideLayer } from '../../../../src/core/efficient/layers/slide-layer.js';
import type { NeuronHash } from '../../../../src/core/lsh/neuron-hash.js';
import { SimHash } from '../../../../src/core/lsh/simhash.js';
import { Random } from '../../../../src/core/random.js';

function gaussian(seed: number, length: number, std = 1): Float32Array {
  return new Random(seed).fillNormal(new Float32Array(length), std);
}

describe('MongooseScheduler', () => {
  it('rehashes exactly when the share of flipped neurons (all their bits) passes the threshold', () => {
    const rows = 100;
    const dim = 8;
    const layer = { weights: gaussian(1, rows * dim), rows, dim };
    const scheduler = new MongooseScheduler({ threshold: 0.05, sampleSize: rows, bits: 10, seed: 2 });
    scheduler.rehashed(layer);
    // Negating a neuron flips every one of its bits, so after f flips the share is f / rows.
    const decisions: boolean[] = [];
    let flippedSinceRehash = 0;
    for (let step = 1; step <= 20; step++) {
      const j = step - 1;
      for (let c = 0; c < dim; c++) layer.weights[j * dim + c] *= -1;
      flippedSinceRehash++;
      const rehash = scheduler.afterStep(layer, step);
      expect(scheduler.lastShare).toBeCloseTo(flippedSinceRehash / rows, 12);
      expect(rehash).toBe(flippedSinceRehash / rows > 0.05);
      decisions.push(rehash);
      if (rehash) {
        scheduler.rehashed(layer);
        flippedSinceRehash = 0;
      }
    }
    expect(decisions.map((d, i) => (d ? i + 1 : 0)).filter(Boolean)).toEqual([6, 12, 18]);
  });

  it('measures the changed share of sampled bits as a naive recount does', () => {
    const rows = 500;
    const dim = 16;
    const layer = { weights: gaussian(3, rows * dim), rows, dim };
    const scheduler = new MongooseScheduler({ threshold: 0.02, sampleSize: 50, bits: 10, seed: 4 });
    scheduler.rehashed(layer);
    const bits = (w: Float32Array) =>
      Array.from(scheduler.sample).flatMap((j) =>
        Array.from({ length: 10 }, (_, b) => {
          let s = 0;
          for (let c = 0; c < dim; c++) s += scheduler.tracker!.projections[b * dim + c] * w[j * dim + c];
          return s >= 0;
        }),
      );
    expect(new Set(scheduler.sample).size).toBe(50);
    const before = bits(layer.weights);
    const noise = gaussian(5, rows * dim, 0.15);
    for (let step = 1; step <= 6; step++) {
      for (let i = 0; i < layer.weights.length; i++) layer.weights[i] += noise[i] * step * 0.1;
      const naive = bits(layer.weights).filter((b, i) => b !== before[i]).length / before.length;
      expect(scheduler.afterStep(layer, step)).toBe(naive > 0.02);
      expect(scheduler.lastShare).toBe(naive);
    }
  });

  it('drives the rehashes of a SLIDE layer: none while weights stand still', async () => {
    const dim = 8;
    const hash = new SimHash({ dim, hashesPerTable: 3, tables: 2, seed: 6 });
    const scheduler = new MongooseScheduler({ threshold: 0.01, seed: 7 });
    const layer = await SlideLayer.create({
      inputDim: dim,
      outputDim: 300,
      hash,
      scheduler,
      optimizer: { kind: 'sgd', learningRate: 1e-9 },
      seed: 8,
    });
    const x = gaussian(9, 4 * dim);
    for (let s = 0; s < 5; s++) await layer.trainStep(x, 4, new Int32Array([0, 1, 2, 3]));
    expect(layer.rehashes).toBe(0);
    expect(scheduler.checks).toBe(5);
    const fast = await SlideLayer.create({
      inputDim: dim,
      outputDim: 300,
      hash,
      scheduler: new MongooseScheduler({ threshold: 0.01, seed: 7, sampleSize: 300 }),
      optimizer: { kind: 'sgd', learningRate: 50 },
      seed: 8,
      minActive: 300,
    });
    await fast.trainStep(x, 4, new Int32Array([0, 1, 2, 3]));
    expect(fast.rehashes).toBe(1);
  });
});

describe('trainLearnableHash', () => {
  // Inner products depend on 8 "signal" coordinates only; queries and neurons also carry large noise,
  // each in coordinates the other leaves at zero. Random directions spend most of their bits on
  // that noise; a learned projection can ignore it.
  const dim = 32;
  function task(seed: number, count: number, neuronsSide: boolean): Float32Array {
    const rng = new Random(seed);
    const x = new Float32Array(count * dim);
    for (let i = 0; i < count; i++) {
      for (let c = 0; c < 8; c++) x[i * dim + c] = rng.normal();
      const from = neuronsSide ? 20 : 8;
      for (let c = from; c < from + 12; c++) x[i * dim + c] = 2 * rng.normal();
    }
    return x;
  }

  async function recall(hash: NeuronHash, q: Float32Array, qRows: number, w: Float32Array, wRows: number) {
    const tables = new LshTables({ tables: hash.tables, keyBits: hash.keyBits, bucketCapacity: wRows });
    tables.build(await hash.hashRows(w, wRows), wRows);
    const qKeys = await hash.hashRows(q, qRows);
    const marks = new Int32Array(wRows);
    const out = new Int32Array(wRows);
    let hit = 0;
    let candidates = 0;
    for (let i = 0; i < qRows; i++) {
      const count = tables.collect(qKeys, i * hash.tables, marks, i + 1, out, 0);
      candidates += count;
      const found = new Set(out.subarray(0, count));
      const scores = Array.from({ length: wRows }, (_, j) => {
        let s = 0;
        for (let c = 0; c < dim; c++) s += q[i * dim + c] * w[j * dim + c];
        return [s, j] as const;
      }).sort((a, b) => b[0] - a[0]);
      for (let r = 0; r < 10; r++) if (found.has(scores[r][1])) hit++;
    }
    return { recall: hit / (10 * qRows), candidates: candidates / qRows };
  }

  it('collides queries with their top neurons more often than random projections do', async () => {
    const neurons = task(10, 1000, true);
    const trainQ = task(11, 400, false);
    const testQ = task(12, 60, false);
    const options = { hashesPerTable: 6, tables: 8, seed: 13, epochs: 10 };
    const { hash, losses } = await trainLearnableHash(trainQ, 400, neurons, 1000, options);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] / 2);
    const random = new SimHash({ dim, hashesPerTable: 6, tables: 8, seed: 13 });
    const before = await recall(random, testQ, 60, neurons, 1000);
    const after = await recall(hash, testQ, 60, neurons, 1000);
    expect(after.recall).toBeGreaterThan(2 * before.recall);
    // Not by colliding with everything: random directions with twice the tables, and more
    // candidates per query, still recall less.
    const wider = await recall(
      new SimHash({ dim, hashesPerTable: 6, tables: 16, seed: 13 }),
      testQ,
      60,
      neurons,
      1000,
    );
    expect(wider.candidates).toBeGreaterThan(after.candidates);
    expect(after.recall).toBeGreaterThan(wider.recall);
    // The directions turned towards the 8 signal coordinates (a quarter of the energy at random).
    let signal = 0;
    let total = 0;
    hash.projections.forEach((v, i) => {
      total += v * v;
      if (i % dim < 8) signal += v * v;
    });
    expect(signal / total).toBeGreaterThan(0.6);
  });
});
