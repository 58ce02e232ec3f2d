import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  REFORMER_SELF_LOGIT,
  reformerAttention,
  reformerDefaultBuckets,
  reformerRotations,
} from '../../../src/core/efficient/attention/index.js';
import { InvalidArgumentError, ShapeError } from '../../../src/core/errors.js';
import {
  expectCausalUnderPerturbation,
  expectCloseResult,
  type Inputs,
  inputs,
  maxAbsDiff,
  relFrobenius,
  toFloat32,
  weightedAttention,
} from './helpers.js';

/** Shared-QK logit of query i and key j (self replaced by the Reformer self logit). */
function sharedLogit(x: Inputs, h: number, i: number, j: number): number {
  if (i === j) return REFORMER_SELF_LOGIT;
  const { q, n, d } = x;
  let norm = 0;
  for (let c = 0; c < d; c++) norm += q[(h * n + j) * d + c] ** 2;
  norm = Math.sqrt(norm);
  let s = 0;
  for (let c = 0; c < d; c++) s += q[(h * n + i) * d + c] * q[(h * n + j) * d + c];
  return norm > 0 ? s / norm / Math.sqrt(d) : 0;
}

/** Exact shared-QK softmax attention on a support (`allowed`), with the self-masking rule. */
function selfMaskedExact(x: Inputs, allowed: (h: number, i: number, j: number) => boolean = () => true) {
  const { n } = x;
  const max = new Float64Array(x.heads * n).fill(Number.NEGATIVE_INFINITY);
  for (let h = 0; h < x.heads; h++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (allowed(h, i, j)) max[h * n + i] = Math.max(max[h * n + i], sharedLogit(x, h, i, j));
      }
    }
  }
  return weightedAttention(x, (h, i, j) =>
    allowed(h, i, j) ? Math.exp(sharedLogit(x, h, i, j) - max[h * n + i]) : 0,
  );
}

/**
 * The algorithm spelled out literally in float64: hash by argmax([xR; −xR]), sort by (bucket,
 * position) with Array.sort, chunks, previous chunk with wrap-around, per-round softmax with
 * log(duplicate count) subtracted, rounds combined by softmax of their log-sum-exps. Also returns
 * the support (per head, query) as sets, per round.
 */
function naiveReformer(
  x: Inputs,
  bucketSize: number,
  rounds: number,
  buckets: number,
  rot: Float64Array,
  causal: boolean,
) {
  const { heads, n, d, dv, q, v } = x;
  const half = buckets === 1 ? 0 : buckets / 2;
  const output = new Float64Array(heads * n * dv);
  const support: Set<number>[][][] = []; // [h][r][i]
  const chunks = Math.ceil(n / bucketSize);
  for (let h = 0; h < heads; h++) {
    const perRound: Set<number>[][] = [];
    for (let r = 0; r < rounds; r++) {
      const bucket: number[] = [];
      for (let j = 0; j < n; j++) {
        const p: number[] = [];
        for (let a = 0; a < half; a++) {
          let s = 0;
          for (let c = 0; c < d; c++) s += q[(h * n + j) * d + c] * rot[(r * d + c) * half + a];
          p.push(s);
        }
        const both = [...p, ...p.map((t) => -t)];
        let best = 0;
        for (let a = 1; a < both.length; a++) if (both[a] > both[best]) best = a;
        bucket.push(best);
      }
      const sorted = [...Array(n).keys()].sort((a, b) => bucket[a] - bucket[b] || a - b);
      const chunkOf: number[] = [];
      sorted.forEach((pos, s) => {
        chunkOf[pos] = Math.floor(s / bucketSize);
      });
      const sets: Set<number>[] = [];
      for (let i = 0; i < n; i++) {
        const ci = chunkOf[i];
        const set = new Set<number>();
        for (let j = 0; j < n; j++) {
          const cj = chunkOf[j];
          const near = cj === ci || (chunks > 1 && cj === (ci - 1 + chunks) % chunks);
          if (near && (!causal || j <= i)) set.add(j);
        }
        sets.push(set);
      }
      perRound.push(sets);
    }
    support.push(perRound);
    for (let i = 0; i < n; i++) {
      const outs: number[][] = [];
      const lses: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const js = [...perRound[r][i]];
        const ls = js.map((j) => {
          let count = 0;
          for (let rr = 0; rr < rounds; rr++) if (perRound[rr][i].has(j)) count++;
          return sharedLogit(x, h, i, j) - Math.log(count);
        });
        const m = Math.max(...ls);
        const ws = ls.map((l) => Math.exp(l - m));
        const z = ws.reduce((a, b) => a + b, 0);
        lses.push(m + Math.log(z));
        const o = new Array(dv).fill(0);
        js.forEach((j, t) => {
          for (let c = 0; c < dv; c++) o[c] += (ws[t] / z) * v[(h * n + j) * dv + c];
        });
        outs.push(o);
      }
      const m = Math.max(...lses);
      const ws = lses.map((l) => Math.exp(l - m));
      const z = ws.reduce((a, b) => a + b, 0);
      for (let r = 0; r < rounds; r++) {
        for (let c = 0; c < dv; c++) output[(h * n + i) * dv + c] += (ws[r] / z) * outs[r][c];
      }
    }
  }
  return { output, support };
}

describe('reformerAttention', () => {
  const shape = { heads: 2, n: 20, d: 6, dv: 3 };
  const x = inputs(21, 2, 20, 6, 3);

  it('one bucket and one chunk equals self-masked exact shared-QK attention', async () => {
    for (const causal of [false, true]) {
      const ref = selfMaskedExact(x, (_h, i, j) => !causal || j <= i);
      for (const bucketSize of [20, 25, 1000]) {
        for (const rounds of [1, 3]) {
          const got = await reformerAttention(x.q, x.k, x.v, shape, {
            bucketSize,
            rounds,
            causal,
            returnMatrix: true,
          });
          expectCloseResult(got, ref, 1e-12);
        }
      }
      // Explicit buckets = 1 with bucketSize ≥ n, and k ignored (shared QK).
      const other = inputs(99, 2, 20, 6, 3);
      const got = await reformerAttention(x.q, other.k, x.v, shape, { bucketSize: 20, buckets: 1, causal });
      expect(maxAbsDiff(got.output, ref.output)).toBeLessThan(1e-12);
    }
  });

  it('a position attends to itself only when nothing else is available', async () => {
    // n = 1: only itself. Causal position 0 in one chunk: only itself → output v_0.
    const one = inputs(3, 1, 1, 4, 2);
    const r1 = await reformerAttention(one.q, one.k, one.v, { n: 1, d: 4, dv: 2 }, { bucketSize: 4 });
    expect(maxAbsDiff(r1.output, one.v)).toBeLessThan(1e-15);
    const got = await reformerAttention(x.q, x.k, x.v, shape, {
      bucketSize: 20,
      causal: true,
      returnMatrix: true,
    });
    const m = got.matrix as Float64Array;
    expect(m[0]).toBe(1);
    for (let h = 0; h < 2; h++) for (let i = 1; i < 20; i++) expect(m[(h * 20 + i) * 20 + i]).toBe(0);
  });

  it('equals a naive float64 implementation with the same rotations (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          heads: fc.integer({ min: 1, max: 2 }),
          n: fc.integer({ min: 1, max: 24 }),
          d: fc.integer({ min: 1, max: 5 }),
          dv: fc.integer({ min: 1, max: 3 }),
          bucketSize: fc.integer({ min: 1, max: 8 }),
          rounds: fc.integer({ min: 1, max: 4 }),
          buckets: fc.option(fc.integer({ min: 1, max: 4 }).map((b) => (b === 1 ? 1 : 2 * (b - 1)))),
          causal: fc.boolean(),
          seed: fc.nat(1000),
        }),
        async ({ heads, n, d, dv, bucketSize, rounds, buckets, causal, seed }) => {
          const y = inputs(seed, heads, n, d, dv);
          const b = buckets ?? reformerDefaultBuckets(n, bucketSize);
          const rot = reformerRotations(rounds, d, b, seed);
          const ref = naiveReformer(y, bucketSize, rounds, b, rot, causal);
          const s = { heads, n, d, dv };
          const opts = { bucketSize, rounds, buckets: b, causal };
          const got = await reformerAttention(y.q, y.k, y.v, s, { ...opts, seed });
          expect(maxAbsDiff(got.output, ref.output)).toBeLessThan(1e-12);
          const viaRot = await reformerAttention(y.q, y.k, y.v, s, {
            ...opts,
            rotations: rot,
            returnMatrix: true,
          });
          expect(maxAbsDiff(viaRot.output, ref.output)).toBeLessThan(1e-12);
          // Rounds combined with duplicate counts = softmax over the union of the supports.
          const union = selfMaskedExact(y, (h, i, j) => ref.support[h].some((round) => round[i].has(j)));
          expect(maxAbsDiff(got.output, union.output)).toBeLessThan(1e-12);
          expect(maxAbsDiff(viaRot.matrix as Float64Array, union.matrix)).toBeLessThan(1e-12);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('causal never attends ahead; future values never change a row', async () => {
    const opts = { bucketSize: 4, rounds: 3, causal: true, seed: 7 };
    // Future queries may move chunk boundaries (which earlier keys share i's chunk), but the
    // weights still never reach past i.
    await expectCausalUnderPerturbation(
      (y, returnMatrix) => reformerAttention(y.q, y.k, y.v, shape, { ...opts, returnMatrix }),
      x,
      [0, 6, 13, 19],
      50,
      'qv',
    );
  });

  it('more rounds reduce the error against self-masked exact attention on average (seeded)', async () => {
    const n = 64;
    const s = { heads: 1, n, d: 8, dv: 4 };
    const roundsList = [1, 2, 4, 8];
    const errs = roundsList.map(() => 0);
    const seeds = 8;
    for (let seed = 0; seed < seeds; seed++) {
      const y = inputs(200 + seed, 1, n, 8, 4, 2);
      const ref = selfMaskedExact(y);
      for (const [t, rounds] of roundsList.entries()) {
        const got = await reformerAttention(y.q, y.k, y.v, s, { bucketSize: 8, rounds, seed });
        errs[t] += relFrobenius(got.output, ref.output) / seeds;
      }
    }
    for (let t = 1; t < errs.length; t++) expect(errs[t]).toBeLessThan(errs[t - 1]);
    expect(errs[3]).toBeLessThan(0.5 * errs[0]);
  });

  it('float32 keeps its type and precision', async () => {
    const opts = { bucketSize: 4, rounds: 2, seed: 3 };
    const ref = await reformerAttention(x.q, x.k, x.v, shape, opts);
    const x32 = toFloat32(x);
    const got = await reformerAttention(x32.q, x32.k, x32.v, shape, opts);
    expect(got.output).toBeInstanceOf(Float32Array);
    expect(maxAbsDiff(got.output, ref.output)).toBeLessThan(1e-4);
  });

  it('handles n = 0', async () => {
    const e = new Float64Array(0);
    const got = await reformerAttention(e, e, e, { n: 0, d: 3 }, { bucketSize: 2 });
    expect(got.output.length).toBe(0);
  });

  it('rejects bad budgets, rotations and shapes with typed errors', async () => {
    const bad = async (o: object) =>
      expect(reformerAttention(x.q, x.k, x.v, shape, o as { bucketSize: number })).rejects.toThrow(
        InvalidArgumentError,
      );
    for (const bucketSize of [0, -1, 1.5, Number.NaN, undefined, '4']) await bad({ bucketSize });
    for (const rounds of [0, -2, 2.5, Number.NaN]) await bad({ bucketSize: 4, rounds });
    for (const buckets of [0, 3, 5, 2.5]) await bad({ bucketSize: 4, buckets });
    await bad({ bucketSize: 4, rotations: new Float64Array(5) });
    await bad({ bucketSize: 4, rounds: 2, buckets: 4, rotations: reformerRotations(1, 6, 4) });
    await bad({ bucketSize: 4, seed: Number.NaN });
    await bad({ bucketSize: 4, scale: Number.POSITIVE_INFINITY });
    await expect(
      reformerAttention(x.q, x.k, x.v, shape, undefined as unknown as { bucketSize: number }),
    ).rejects.toThrow(InvalidArgumentError);
    await expect(reformerAttention(x.q, x.k, x.v, { ...shape, n: 19 }, { bucketSize: 4 })).rejects.toThrow(
      ShapeError,
    );
    expect(() => reformerRotations(1, 4, 3)).toThrow(InvalidArgumentError);
  });
});
