import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TensorColumn } from '../../../src/core/column/tensor.js';
import { InvalidArgumentError, ShapeError, TypeMismatchError } from '../../../src/core/errors.js';
import { exactSearch, type SearchMetric } from '../../../src/core/search/index.js';
import type { TensorKernels } from '../../../src/core/tensor/index.js';
import { nodeKernels, tsKernels } from '../../../src/node/tensor/node-kernels.js';
import { mulberry32 } from '../../helpers/random.js';
import { bruteForce } from './brute-force.js';

function column(data: Float32Array, d: number, valid: boolean[]): TensorColumn {
  const n = valid.length;
  if (valid.every((v) => v)) return new TensorColumn(data, [d], n);
  const bits = new Uint8Array(Math.ceil(n / 8));
  valid.forEach((v, i) => {
    if (v) bits[i >> 3] |= 1 << (i & 7);
  });
  return new TensorColumn(data, [d], n, bits);
}

const backends: [string, () => TensorKernels][] = [
  ['ts', () => tsKernels],
  ['node (by size)', () => nodeKernels()],
  [
    'node (ONNX Runtime always)',
    () => nodeKernels({ thresholds: { matmul: 0, topk: 0, rowNorms: 0, reduce: 0 } }),
  ],
];

const caseArb = fc.record({
  n: fc.integer({ min: 1, max: 60 }),
  d: fc.integer({ min: 1, max: 9 }),
  nq: fc.integer({ min: 1, max: 5 }),
  k: fc.integer({ min: 1, max: 70 }),
  blockRows: fc.integer({ min: 1, max: 70 }),
  nullRate: fc.constantFrom(0, 0.2, 0.9),
  seed: fc.integer(),
  metric: fc.constantFrom<SearchMetric>('dot', 'cosine', 'l2'),
});

function makeCase(c: { n: number; d: number; nq: number; nullRate: number; seed: number }, ints: boolean) {
  const next = mulberry32(c.seed);
  const value = () => (ints ? Math.floor(next() * 7) - 3 : next() * 2 - 1);
  const data = Float32Array.from({ length: c.n * c.d }, value);
  const queries = Float32Array.from({ length: c.nq * c.d }, value);
  const valid = Array.from({ length: c.n }, () => next() >= c.nullRate);
  return { data, queries, valid };
}

type SearchCase = typeof caseArb extends fc.Arbitrary<infer C> ? C : never;

/** One generated case searched with `kernels`, and its brute-force reference. */
async function searchCase(c: SearchCase, ints: boolean, kernels: TensorKernels) {
  const { data, queries, valid } = makeCase(c, ints);
  const res = await exactSearch(column(data, c.d, valid), queries, {
    k: c.k,
    metric: c.metric,
    kernels,
    blockRows: c.blockRows,
  });
  return { res, ref: bruteForce(data, valid, queries, c.d, c.metric, c.k), valid };
}

describe.each(backends)('exactSearch on %s kernels', (_name, getKernels) => {
  it('matches float64 brute force exactly on small integers (ties by lower row index)', async () => {
    const kernels = getKernels();
    await fc.assert(
      fc.asyncProperty(
        caseArb.filter((c) => c.metric !== 'cosine'),
        async (c) => {
          const { res, ref, valid } = await searchCase(c, true, kernels);
          const kk = Math.min(c.k, valid.filter((v) => v).length);
          expect(res.k).toBe(kk);
          expect(res.queries).toBe(c.nq);
          expect(Array.from(res.indices)).toEqual(ref.indices.flat());
          expect(Array.from(res.scores)).toEqual(ref.scores.flat());
        },
      ),
      { numRuns: 60 },
    );
  });

  it('matches float64 brute force within rounding on random floats, every metric', async () => {
    const kernels = getKernels();
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const { res, ref, valid } = await searchCase(c, false, kernels);
        const kk = res.k;
        const tol = 1e-4 * c.d;
        for (let i = 0; i < c.nq; i++) {
          const got = Array.from(res.indices.subarray(i * kk, (i + 1) * kk));
          expect(new Set(got).size).toBe(kk);
          for (let t = 0; t < kk; t++) {
            const j = got[t];
            expect(valid[j]).toBe(true);
            // The score reported is the row's true score, and the list is as good as the best one.
            expect(Math.abs(res.scores[i * kk + t] - ref.all[i][j])).toBeLessThanOrEqual(tol);
            expect(Math.abs(res.scores[i * kk + t] - ref.scores[i][t])).toBeLessThanOrEqual(tol);
            if (t > 0) {
              const prev = res.scores[i * kk + t - 1];
              const cur = res.scores[i * kk + t];
              if (c.metric === 'l2') expect(cur).toBeGreaterThanOrEqual(prev);
              else expect(cur).toBeLessThanOrEqual(prev);
            }
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('runs the ONNX-sized path: 3000 rows × 64, blocks of 1024, with nulls', async () => {
    const kernels = getKernels();
    const c = { n: 3000, d: 64, nq: 7, nullRate: 0.1, seed: 42 };
    const { data, queries, valid } = makeCase(c, true);
    const col = column(data, c.d, valid);
    for (const metric of ['dot', 'l2'] as const) {
      const res = await exactSearch(col, queries, { k: 25, metric, kernels, blockRows: 1024 });
      const ref = bruteForce(data, valid, queries, c.d, metric, 25);
      expect(Array.from(res.indices)).toEqual(ref.indices.flat());
      expect(Array.from(res.scores)).toEqual(ref.scores.flat());
    }
  });
});

describe('exactSearch semantics', () => {
  const col = TensorColumn.fromRows([[1, 0], null, [0, 0], [2, 2], [0, 1]]);

  it('returns every non-null row when k is larger, best first', async () => {
    const res = await exactSearch(col, Float32Array.of(1, 0), { k: 10, metric: 'dot' });
    expect(res.k).toBe(4);
    expect(Array.from(res.indices)).toEqual([3, 0, 2, 4]);
    expect(Array.from(res.scores)).toEqual([2, 1, 0, 0]);
  });

  it('gives cosine 0 for a zero vector, and reports l2 as squared distance, nearest first', async () => {
    const cos = await exactSearch(col, Float32Array.of(0, 0, 1, 1), { k: 4, metric: 'cosine' });
    expect(Array.from(cos.scores.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(cos.indices.subarray(0, 4))).toEqual([0, 2, 3, 4]);
    expect(cos.indices[4]).toBe(3);
    expect(cos.scores[4]).toBeCloseTo(1, 6);
    const l2 = await exactSearch(col, Float32Array.of(2, 1), { k: 2, metric: 'l2' });
    expect(Array.from(l2.indices)).toEqual([3, 0]);
    expect(Array.from(l2.scores)).toEqual([1, 2]);
  });

  it('returns k = 0 for a column of nulls, and no rows for no queries', async () => {
    const nulls = TensorColumn.fromRows([null, null], 'float32', [3]);
    const res = await exactSearch(nulls, Float32Array.of(1, 2, 3), { k: 2, metric: 'l2' });
    expect(res.k).toBe(0);
    expect(res.indices.length).toBe(0);
    const none = await exactSearch(col, new Float32Array(0), { k: 2, metric: 'dot' });
    expect(none.queries).toBe(0);
    expect(none.indices.length).toBe(0);
  });

  it('searches float64 columns with float32 queries', async () => {
    const c64 = TensorColumn.fromRows(
      [
        [1, 2],
        [3, 4],
      ],
      'float64',
    );
    const res = await exactSearch(c64, Float32Array.of(1, 1), { k: 1, metric: 'dot' });
    expect(Array.from(res.indices)).toEqual([1]);
    expect(Array.from(res.scores)).toEqual([7]);
  });

  it('throws typed errors for bad inputs', async () => {
    const q = Float32Array.of(1, 0);
    await expect(exactSearch(col, Float32Array.of(1, 2, 3), { k: 1, metric: 'dot' })).rejects.toThrow(
      ShapeError,
    );
    for (const k of [0, -1, 1.5, Number.NaN])
      await expect(exactSearch(col, q, { k, metric: 'dot' })).rejects.toThrow(InvalidArgumentError);
    await expect(exactSearch(col, q, { k: 1, metric: 'dot', blockRows: 0 })).rejects.toThrow(
      InvalidArgumentError,
    );
    await expect(exactSearch(col, q, { k: 1, metric: 'hamming' as SearchMetric })).rejects.toThrow(
      InvalidArgumentError,
    );
    const ints = TensorColumn.fromRows([[1, 2]], 'int32');
    await expect(exactSearch(ints, q, { k: 1, metric: 'dot' })).rejects.toThrow(TypeMismatchError);
    await expect(
      exactSearch(col, [1, 0] as unknown as Float32Array, { k: 1, metric: 'dot' }),
    ).rejects.toThrow(TypeMismatchError);
  });
});
