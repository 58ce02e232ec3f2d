import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ColumnNotFoundError,
  DataFrame,
  InvalidArgumentError,
  Random,
  ScalarColumn,
} from '../../../src/index.js';
import { arbFrame, plainRows } from '../../helpers/arbitrary.js';

/** A frame with an `id` column 0..n-1 next to the random ones, so sampled rows can be traced. */
function withIds(frame: DataFrame): DataFrame {
  return frame.withColumn(
    'id',
    Float64Array.from({ length: frame.length }, (_, i) => i),
  );
}

function ids(df: DataFrame): number[] {
  return df.column('id').toArray() as number[];
}

/** Pearson's chi-square statistic of observed counts against expected probabilities. */
function chiSquare(counts: number[], probs: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  let stat = 0;
  for (let i = 0; i < counts.length; i++) {
    if (probs[i] === 0) {
      expect(counts[i]).toBe(0);
      continue;
    }
    const e = total * probs[i];
    stat += (counts[i] - e) ** 2 / e;
  }
  return stat;
}

// Upper 1e-6 tail quantiles of chi-square, by degrees of freedom (so a fixed-seed test is not borderline).
const CHI2_1E6: Record<number, number> = { 1: 23.9, 2: 27.6, 3: 30.7, 4: 33.4, 9: 45.0 };

const arbSampleFrame = arbFrame().map(({ rows, frame }) => ({ rows, frame: withIds(frame) }));

describe('sample without replacement', () => {
  it('is reproducible, has the right size, no duplicates, and every column follows its row', () => {
    fc.assert(
      fc.property(
        arbSampleFrame,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer(),
        ({ frame }, share, seed) => {
          const n = Math.floor(share * frame.length);
          const a = frame.sample({ n, seed });
          const b = frame.sample({ n, seed });
          expect(a.length).toBe(n);
          expect(ids(a)).toEqual(ids(b));
          expect(new Set(ids(a)).size).toBe(n);
          expect(plainRows(a)).toEqual(plainRows(frame.take(ids(a))));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a smaller sample with the same seed is a prefix of a larger one', () => {
    fc.assert(
      fc.property(arbSampleFrame, fc.nat(), fc.nat(), fc.integer(), ({ frame }, p, q, seed) => {
        const [small, large] = [p % (frame.length + 1), q % (frame.length + 1)].sort((x, y) => x - y);
        expect(ids(frame.sample({ n: small, seed }))).toEqual(
          ids(frame.sample({ n: large, seed })).slice(0, small),
        );
      }),
    );
  });

  it('fraction gives round(fraction × length) rows', () => {
    fc.assert(
      fc.property(arbSampleFrame, fc.double({ min: 0, max: 1, noNaN: true }), ({ frame }, fraction) => {
        expect(frame.sample({ fraction, seed: 3 }).length).toBe(Math.round(fraction * frame.length));
      }),
    );
    const df = withIds(new DataFrame({ x: new Float64Array(100) }));
    expect(df.sample({ fraction: 0.29, seed: 1 }).length).toBe(29);
    expect(df.sample({ fraction: 1, seed: 1 }).length).toBe(100);
  });

  it('different seeds give different samples', () => {
    const df = withIds(new DataFrame({ x: new Float64Array(1000) }));
    const seen = new Set<string>();
    for (let seed = 0; seed < 50; seed++) seen.add(ids(df.sample({ n: 10, seed })).join(','));
    expect(seen.size).toBe(50);
  });

  it('every row is equally likely to be drawn', () => {
    const df = withIds(new DataFrame({ x: new Float64Array(10) }));
    const counts = new Array(10).fill(0);
    const firsts = new Array(10).fill(0);
    for (let seed = 0; seed < 4000; seed++) {
      const s = ids(df.sample({ n: 3, seed }));
      for (const i of s) counts[i]++;
      firsts[s[0]]++;
    }
    expect(chiSquare(counts, new Array(10).fill(0.1))).toBeLessThan(CHI2_1E6[9]);
    expect(chiSquare(firsts, new Array(10).fill(0.1))).toBeLessThan(CHI2_1E6[9]);
  });

  it('samples the rows of a view', () => {
    const df = withIds(new DataFrame({ x: new Float64Array(20) }));
    const view = df.take([5, 3, 3, 19]);
    for (let seed = 0; seed < 20; seed++) {
      const s = ids(view.sample({ n: 4, seed })).sort((a, b) => a - b);
      expect(s).toEqual([3, 3, 5, 19]);
    }
  });
});

describe('sample with replacement', () => {
  it('has the right size, draws only rows of the frame, and is reproducible', () => {
    fc.assert(
      fc.property(
        arbSampleFrame.filter(({ frame }) => frame.length > 0),
        fc.nat(60),
        fc.integer(),
        ({ frame }, n, seed) => {
          const a = frame.sample({ n, seed, replace: true });
          expect(a.length).toBe(n);
          expect(ids(a)).toEqual(ids(frame.sample({ n, seed, replace: true })));
          for (const i of ids(a)) expect(i >= 0 && i < frame.length).toBe(true);
          expect(plainRows(a)).toEqual(plainRows(frame.take(ids(a))));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('draws uniformly and may exceed the frame length', () => {
    const df = withIds(new DataFrame({ x: new Float64Array(5) }));
    const s = df.sample({ fraction: 4000, seed: 11, replace: true });
    expect(s.length).toBe(20_000);
    const counts = new Array(5).fill(0);
    for (const i of ids(s)) counts[i]++;
    expect(chiSquare(counts, new Array(5).fill(0.2))).toBeLessThan(CHI2_1E6[4]);
  });
});

describe('weighted sampling', () => {
  const weights = [1, 2, 0, 3, 4];
  const probs = weights.map((w) => w / 10);
  const df = withIds(new DataFrame({ w: weights }));

  it('with replacement: frequencies follow the weights; zero weight is never drawn', () => {
    for (const spec of [weights, 'w'] as const) {
      const s = ids(df.sample({ n: 50_000, seed: 7, replace: true, weights: spec }));
      const counts = new Array(5).fill(0);
      for (const i of s) counts[i]++;
      expect(counts[2]).toBe(0);
      expect(chiSquare(counts, probs)).toBeLessThan(CHI2_1E6[3]);
    }
  });

  it('without replacement: the first draw follows the weights, pairs follow successive sampling', () => {
    const firsts = new Array(5).fill(0);
    const inclusion = new Array(5).fill(0);
    const runs = 6000;
    for (let seed = 0; seed < runs; seed++) {
      const s = ids(df.sample({ n: 2, seed, weights }));
      expect(new Set(s).size).toBe(2);
      firsts[s[0]]++;
      for (const i of s) inclusion[i]++;
    }
    expect(chiSquare(firsts, probs)).toBeLessThan(CHI2_1E6[3]);
    // P(i in a sample of 2) = p_i + sum over j != i of p_j p_i / (1 - p_j); each count is binomial.
    for (let i = 0; i < 5; i++) {
      let p = probs[i];
      for (let j = 0; j < 5; j++) if (j !== i) p += (probs[j] * probs[i]) / (1 - probs[j]);
      const sd = Math.sqrt(runs * p * (1 - p));
      expect(Math.abs(inclusion[i] - runs * p)).toBeLessThanOrEqual(5 * sd);
    }
  });

  it('without replacement: all rows of positive weight, in a weight-biased order; prefixes agree', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(0), fc.double({ min: 1e-300, max: 1e300, noNaN: true })), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.integer(),
        fc.nat(),
        (w, seed, k) => {
          const frame = withIds(new DataFrame({ w }));
          const positive = w.filter((x) => x > 0).length;
          fc.pre(positive > 0);
          const all = ids(frame.sample({ n: positive, seed, weights: w }));
          expect([...all].sort((a, b) => a - b)).toEqual(w.flatMap((x, i) => (x > 0 ? [i] : [])));
          // A smaller sample is the start of a larger one with the same seed.
          const n = k % (positive + 1);
          expect(ids(frame.sample({ n, seed, weights: w }))).toEqual(all.slice(0, n));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('without replacement on larger frames: a heap-selected sample is the start of a sorted one', () => {
    const rng = new Random(5);
    const w = Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? 0 : rng.next() * 10));
    const frame = withIds(new DataFrame({ w }));
    const positive = w.filter((x) => x > 0).length;
    const all = ids(frame.sample({ n: positive, seed: 9, weights: 'w' }));
    expect([...all].sort((a, b) => a - b)).toEqual(w.flatMap((x, i) => (x > 0 ? [i] : [])));
    for (const n of [1, 50, 1024, 1025, 3000])
      expect(ids(frame.sample({ n, seed: 9, weights: 'w' }))).toEqual(all.slice(0, n));
    // Heavier rows come earlier: the mean weight of the first tenth beats that of the last tenth.
    const mean = (rows: number[]) => rows.reduce((a, i) => a + w[i], 0) / rows.length;
    const tenth = Math.floor(positive / 10);
    expect(mean(all.slice(0, tenth))).toBeGreaterThan(1.5 * mean(all.slice(-tenth)));
  });

  it('weight columns of any numeric dtype', () => {
    const f = withIds(
      new DataFrame({
        i32: new Int32Array([0, 3, 0, 1]),
        u8: new Uint8Array([0, 3, 0, 1]),
        f32: new Float32Array([0, 3, 0, 1]),
        i64: new BigInt64Array([0n, 3n, 0n, 1n]),
        b: ScalarColumn.from([false, true, false, true], 'bool'),
      }),
    );
    for (const col of ['i32', 'u8', 'f32', 'i64', 'b'])
      for (let seed = 0; seed < 10; seed++)
        expect(ids(f.sample({ n: 2, seed, weights: col })).sort()).toEqual([1, 3]);
  });

  it('null weights in a column count as zero', () => {
    const f = withIds(new DataFrame({ w: ScalarColumn.from([null, 1, null, 1], 'float64') }));
    for (let seed = 0; seed < 20; seed++) {
      expect(ids(f.sample({ n: 2, seed, weights: 'w' })).sort()).toEqual([1, 3]);
      for (const i of ids(f.sample({ n: 5, seed, weights: 'w', replace: true }))) expect([1, 3]).toContain(i);
    }
  });
});

describe('shuffle', () => {
  it('is a reproducible permutation that moves whole rows', () => {
    fc.assert(
      fc.property(arbSampleFrame, fc.integer(), ({ frame }, seed) => {
        const s = frame.shuffle(seed);
        expect(ids(s)).toEqual(ids(frame.shuffle(seed)));
        expect([...ids(s)].sort((a, b) => a - b)).toEqual(ids(frame));
        expect(plainRows(s)).toEqual(plainRows(frame.take(ids(s))));
      }),
      { numRuns: 200 },
    );
  });

  it('different seeds give different orders; every order is equally likely', () => {
    const df = withIds(new DataFrame({ x: new Float64Array(6) }));
    const orders = new Map<string, number>();
    for (let seed = 0; seed < 14_400; seed++) {
      const key = ids(df.shuffle(seed)).join(',');
      orders.set(key, (orders.get(key) ?? 0) + 1);
    }
    // All 6! = 720 orders appear, about equally often (chi-square, 719 degrees of freedom).
    expect(orders.size).toBe(720);
    expect(chiSquare([...orders.values()], new Array(720).fill(1 / 720))).toBeLessThan(914);
  });
});

describe('sample: errors', () => {
  const df = new DataFrame({ x: [1, 2, 3], s: ['a', 'b', 'c'] });
  const bad = (options: object) => () => df.sample(options as never);

  it('sizes', () => {
    expect(bad({ n: 4 })).toThrow(InvalidArgumentError);
    expect(bad({ n: 4 })).toThrow(/4 rows without replacement from a frame of 3/);
    expect(() => df.sample({ n: 4, replace: true, seed: 1 })).not.toThrow();
    expect(bad({ n: -1 })).toThrow(InvalidArgumentError);
    expect(bad({ n: 1.5 })).toThrow(InvalidArgumentError);
    expect(bad({ n: Number.NaN })).toThrow(InvalidArgumentError);
    expect(bad({ fraction: 1.5 })).toThrow(/at most 1 without replacement/);
    expect(bad({ fraction: -0.1 })).toThrow(InvalidArgumentError);
    expect(bad({ fraction: Number.NaN })).toThrow(InvalidArgumentError);
    expect(bad({ n: 1, fraction: 0.5 })).toThrow(/either n or fraction/);
    expect(bad({})).toThrow(/needs n/);
    expect(bad({ n: 1, seed: 0.5 })).toThrow(/seed/);
    expect(() => df.head(0).sample({ n: 1, replace: true })).toThrow(/empty/);
    expect(df.head(0).sample({ n: 0 }).length).toBe(0);
    expect(df.head(0).shuffle(1).length).toBe(0);
  });

  it('weights', () => {
    expect(bad({ n: 1, weights: [1, -1, 1] })).toThrow(/-1 at row 1.*not negative/);
    expect(bad({ n: 1, weights: [1, Number.NaN, 1] })).toThrow(/NaN at row 1/);
    expect(bad({ n: 1, weights: [1, Number.POSITIVE_INFINITY, 1] })).toThrow(InvalidArgumentError);
    expect(bad({ n: 1, weights: [0, 0, 0] })).toThrow(/all weights are zero/);
    expect(bad({ n: 1, replace: true, weights: [0, 0, 0] })).toThrow(/all weights are zero/);
    expect(bad({ n: 1, weights: [1, 1] })).toThrow(/2 entries but the frame has 3 rows/);
    expect(bad({ n: 1, weights: 's' })).toThrow(/"s" must be numeric/);
    expect(bad({ n: 1, weights: 'nope' })).toThrow(ColumnNotFoundError);
    expect(bad({ n: 2, weights: [0, 1, 0] })).toThrow(/only 1 rows have a positive weight/);
    expect(() => df.sample({ n: 2, weights: [0, 1, 0], replace: true })).not.toThrow();
  });
});

describe('sample boundaries (fixed examples beside the property tests)', () => {
  const df = withIds(new DataFrame({ x: Float64Array.from({ length: 9 }, (_, i) => i * 1.5) }));
  const all = Array.from({ length: 9 }, (_, i) => i);
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

  it('n = 0 gives no rows, with or without replacement and weights', () => {
    for (let seed = 0; seed < 5; seed++) {
      expect(df.sample({ n: 0, seed }).length).toBe(0);
      expect(df.sample({ n: 0, seed, replace: true }).length).toBe(0);
      expect(df.sample({ n: 0, seed, weights: [0, 1, 0, 0, 0, 0, 0, 0, 2] }).length).toBe(0);
      expect(df.sample({ fraction: 0, seed }).length).toBe(0);
    }
  });

  it('n = length and fraction = 1 give every row once, columns following their rows', () => {
    for (let seed = 0; seed < 5; seed++) {
      for (const s of [df.sample({ n: 9, seed }), df.sample({ fraction: 1, seed })]) {
        expect(sorted(ids(s))).toEqual(all);
        expect(s.column('x').toArray()).toEqual(ids(s).map((i) => i * 1.5));
      }
    }
    // One row: n = length = 1.
    expect(ids(df.head(1).sample({ n: 1, seed: 3 }))).toEqual([0]);
  });

  it('fraction rounds half away from zero at .5 (round(0.5 × 9) = 5, round(0.5 × 3) = 2)', () => {
    expect(df.sample({ fraction: 0.5, seed: 1 }).length).toBe(5);
    expect(df.head(3).sample({ fraction: 0.5, seed: 1 }).length).toBe(2);
    expect(df.head(1).sample({ fraction: 0.49, seed: 1 }).length).toBe(0);
  });

  it('weights with zeros: n = number of positive weights draws exactly those rows', () => {
    const w = [0, 3, 0, 0, 1e-300, 0, 7, 0, 0];
    for (let seed = 0; seed < 20; seed++) {
      expect(sorted(ids(df.sample({ n: 3, seed, weights: w })))).toEqual([1, 4, 6]);
      expect(ids(df.sample({ n: 1, seed, weights: [0, 0, 0, 0, 0, 0, 0, 0, 5] }))).toEqual([8]);
      for (const i of ids(df.sample({ n: 20, seed, weights: w, replace: true })))
        expect([1, 4, 6]).toContain(i);
    }
  });

  it('weights from 5e-324 to 1e300: the tiny ones tie (key −∞) and follow in row order, heap and sort alike', () => {
    // Row 0 outweighs every other by far more than 2^1074, so it comes first; the rest scale to 0.
    const m = 1500;
    const w = Array.from({ length: m }, (_, i) => (i === 0 ? 1e300 : i % 5 === 0 ? 0 : 5e-324));
    const frame = withIds(new DataFrame({ w }));
    const positive = w.flatMap((x, i) => (x > 0 ? [i] : []));
    // n > 1024 (sorted keys) and n ≤ 1024 (heap) must both give the documented tie order.
    for (const n of [positive.length, 1025, 1024, 2, 1])
      expect(ids(frame.sample({ n, seed: 4, weights: 'w' })), `n=${n}`).toEqual(positive.slice(0, n));
  });
});
