import { describe, expect, it } from 'vitest';
import {
  exactAttention,
  memoryUnits,
  smyrfAttention,
  smyrfHashVectors,
} from '../../../src/core/efficient/attention/index.js';
import { InvalidArgumentError, ShapeError } from '../../../src/core/errors.js';
import {
  dot,
  expectCausalUnderPerturbation,
  expectCloseResult,
  expectSeeded,
  type Inputs,
  inputs,
  randomClusterAttention,
  relFrobenius,
  roundedToFloat32,
  smyrfSupport,
  toFloat32,
  weightedAttention,
} from './helpers.js';

/** SMYRF spelled out in float64: exact softmax over the naive support (empty → the query itself). */
function naiveSmyrf(x: Inputs, clusterSize: number, a: Float64Array, rounds: number, causal: boolean) {
  const { n, d, q, k } = x;
  const support = smyrfSupport(x, clusterSize, a, rounds, causal);
  support.forEach((set, r) => {
    if (set.size === 0) set.add(r % n);
  });
  const logit = (h: number, i: number, j: number) =>
    dot(q, (h * n + i) * d, k, (h * n + j) * d, d) / Math.sqrt(d);
  return weightedAttention(x, (h, i, j) => (support[h * n + i].has(j) ? Math.exp(logit(h, i, j)) : 0));
}

describe('smyrfAttention', () => {
  const shape = { heads: 2, n: 21, d: 5, dv: 3 };
  const x = inputs(61, 2, 21, 5, 3, 1.2);

  it('one cluster covering every position equals exact attention (any rounds, causal or not)', async () => {
    for (const causal of [false, true]) {
      const exact = await exactAttention(x.q, x.k, x.v, shape, { causal, returnMatrix: true });
      for (const clusterSize of [21, 64]) {
        for (const rounds of [1, 3]) {
          const got = await smyrfAttention(x.q, x.k, x.v, shape, {
            clusterSize,
            rounds,
            causal,
            returnMatrix: true,
          });
          expectCloseResult(got, exact, 1e-12);
        }
      }
    }
  });

  it('equals SMYRF spelled out (explicit XBOX+ vectors, sort, union of clusters) in float64', async () => {
    for (const [clusterSize, rounds, causal, seed] of [
      [4, 1, false, 1],
      [5, 3, false, 2],
      [3, 2, true, 3],
      [8, 4, true, 4],
      [1, 2, false, 5],
    ] as const) {
      const a = smyrfHashVectors(rounds, shape.d, seed);
      const ref = naiveSmyrf(x, clusterSize, a, rounds, causal);
      const got = await smyrfAttention(x.q, x.k, x.v, shape, {
        clusterSize,
        rounds,
        causal,
        seed,
        returnMatrix: true,
      });
      expectCloseResult(got, ref, 1e-12);
      const given = await smyrfAttention(x.q, x.k, x.v, shape, {
        clusterSize,
        rounds,
        causal,
        hashVectors: a,
      });
      expect(given.output).toEqual(got.output);
    }
  });

  it('error falls as clusters grow and as rounds are added (mean over seeds); beats random clusters', async () => {
    const n = 64;
    const d = 8;
    const sh = { heads: 1, n, d };
    const seeds = 6;
    const sizes = [4, 8, 16, 32];
    const bySize = sizes.map(() => 0);
    const byRounds = [0, 0, 0];
    let random = 0;
    for (let s = 0; s < seeds; s++) {
      const y = inputs(300 + s, 1, n, d, d, 1.5);
      const ref = await exactAttention(y.q, y.k, y.v, sh);
      for (const [t, clusterSize] of sizes.entries()) {
        const got = await smyrfAttention(y.q, y.k, y.v, sh, { clusterSize, seed: s });
        bySize[t] += relFrobenius(got.output, ref.output) / seeds;
      }
      for (const [t, rounds] of [1, 2, 4].entries()) {
        const got = await smyrfAttention(y.q, y.k, y.v, sh, { clusterSize: 8, rounds, seed: s });
        byRounds[t] += relFrobenius(got.output, ref.output) / seeds;
      }
      // The same budget with clusters drawn at random instead of hashed.
      const rnd = await randomClusterAttention(y, n, d, 8, s);
      random += relFrobenius(rnd.output, ref.output) / seeds;
    }
    if (process.env.TESSERA_REPORT) {
      console.log(
        `smyrf by size ${bySize.map((e) => e.toFixed(3))} by rounds ${byRounds.map((e) => e.toFixed(3))}`,
      );
      console.log(`random clusters of 8: ${random.toFixed(3)}`);
    }
    for (let t = 1; t < sizes.length; t++) expect(bySize[t]).toBeLessThan(bySize[t - 1]);
    expect(byRounds[1]).toBeLessThan(byRounds[0]);
    expect(byRounds[2]).toBeLessThan(byRounds[1]);
    expect(bySize[1]).toBeLessThan(random);
  });

  it('causal: never attends ahead; future values never change a row', async () => {
    const opts = { clusterSize: 4, rounds: 2, causal: true, seed: 9 };
    // Future queries and keys may move cluster boundaries, never put weight past i.
    await expectCausalUnderPerturbation(
      (y, returnMatrix) => smyrfAttention(y.q, y.k, y.v, shape, { ...opts, returnMatrix }),
      x,
      [0, 7, 15, 20],
      40,
      'qkv',
    );
  });

  it('float32 matches float64 on the same values; reproducible from its seed', async () => {
    const x32 = toFloat32(x);
    const x64 = roundedToFloat32(x);
    const opts = { clusterSize: 5, rounds: 2, seed: 3 };
    const f32 = await smyrfAttention(x32.q, x32.k, x32.v, shape, opts);
    const f64 = await smyrfAttention(x64.q, x64.k, x64.v, shape, opts);
    expect(f32.output).toBeInstanceOf(Float32Array);
    expect(relFrobenius(f32.output, f64.output)).toBeLessThan(1e-5);
    await expectSeeded((seed) => smyrfAttention(x32.q, x32.k, x32.v, shape, { ...opts, seed }), 3, 4);
    const empty = await smyrfAttention(
      new Float64Array(0),
      new Float64Array(0),
      new Float64Array(0),
      { n: 0, d: 3 },
      opts,
    );
    expect(empty.output.length).toBe(0);
  });

  it('counts its memory budget as clusterSize × rounds', () => {
    expect(memoryUnits.smyrf({ clusterSize: 49, rounds: 2 })).toBe(98);
    expect(memoryUnits.scatterbrain({ variant: 'smyrf', clusterSize: 24, rounds: 2, features: 24 })).toBe(96);
    expect(memoryUnits.performer({ features: 49 })).toBe(98);
  });

  it('rejects bad cluster sizes, rounds, hash vectors and shapes', async () => {
    for (const clusterSize of [0, 2.5, Number.NaN, undefined]) {
      await expect(
        smyrfAttention(x.q, x.k, x.v, shape, { clusterSize } as { clusterSize: number }),
      ).rejects.toThrow(InvalidArgumentError);
    }
    await expect(smyrfAttention(x.q, x.k, x.v, shape, { clusterSize: 4, rounds: 0 })).rejects.toThrow(
      InvalidArgumentError,
    );
    await expect(
      smyrfAttention(x.q, x.k, x.v, shape, { clusterSize: 4, hashVectors: new Float64Array(5) }),
    ).rejects.toThrow(InvalidArgumentError);
    await expect(smyrfAttention(x.q, x.k, x.v, { ...shape, n: 20 }, { clusterSize: 4 })).rejects.toThrow(
      ShapeError,
    );
  });
});
