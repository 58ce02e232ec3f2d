import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  exactAttention,
  linformerAttention,
  linformerProjections,
} from '../../../src/core/efficient/attention/index.js';
import { InvalidArgumentError, ShapeError, TypeMismatchError } from '../../../src/core/errors.js';
import {
  dot,
  expectCloseResult,
  expectSeeded,
  gaussian,
  type Inputs,
  inputs,
  maxAbsDiff,
  relFrobenius,
  toFloat32,
} from './helpers.js';

function identity(n: number): Float64Array {
  const e = new Float64Array(n * n);
  for (let i = 0; i < n; i++) e[i * n + i] = 1;
  return e;
}

/** softmax(Q (E K)ᵀ/√d) (F V) per head, plain float64 loops; also the effective matrix P F. */
function naiveLinformer(x: Inputs, e: Float64Array, f: Float64Array, kp: number) {
  const { heads, n, d, dv, q, k, v } = x;
  const output = new Float64Array(heads * n * dv);
  const matrix = new Float64Array(heads * n * n);
  for (let h = 0; h < heads; h++) {
    const kProj = new Float64Array(kp * d);
    const vProj = new Float64Array(kp * dv);
    for (let a = 0; a < kp; a++) {
      for (let j = 0; j < n; j++) {
        for (let c = 0; c < d; c++) kProj[a * d + c] += e[a * n + j] * k[(h * n + j) * d + c];
        for (let c = 0; c < dv; c++) vProj[a * dv + c] += f[a * n + j] * v[(h * n + j) * dv + c];
      }
    }
    for (let i = 0; i < n; i++) {
      const logits = Array.from(
        { length: kp },
        (_, a) => dot(q, (h * n + i) * d, kProj, a * d, d) / Math.sqrt(d),
      );
      const max = Math.max(...logits);
      const w = logits.map((t) => Math.exp(t - max));
      const z = w.reduce((s, t) => s + t, 0);
      for (let a = 0; a < kp; a++) {
        const p = w[a] / z;
        for (let c = 0; c < dv; c++) output[(h * n + i) * dv + c] += p * vProj[a * dv + c];
        for (let j = 0; j < n; j++) matrix[(h * n + i) * n + j] += p * f[a * n + j];
      }
    }
  }
  return { output, matrix };
}

/** Rows of rank r: `[heads·n, r] · [r, d]`, each head its own factors. */
function lowRank(seed: number, rows: number, d: number, r: number, std: number): Float64Array {
  const a = gaussian(seed, rows * r);
  const b = gaussian(seed + 1, r * d, std / Math.sqrt(r));
  const out = new Float64Array(rows * d);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < d; c++) {
      let s = 0;
      for (let t = 0; t < r; t++) s += a[i * r + t] * b[t * d + c];
      out[i * d + c] = s;
    }
  }
  return out;
}

describe('linformerAttention', () => {
  const shape = { heads: 2, n: 12, d: 4, dv: 3 };
  const x = inputs(21, 2, 12, 4, 3);

  it('E = F = identity (k = n) equals exact attention, float64 and float32', async () => {
    const eye = identity(12);
    const exact = await exactAttention(x.q, x.k, x.v, shape, { returnMatrix: true });
    const got = await linformerAttention(x.q, x.k, x.v, shape, {
      projectedLength: 12,
      projection: { e: eye, f: eye },
      returnMatrix: true,
    });
    expectCloseResult(got, exact, 1e-12);
    const x32 = toFloat32(x);
    const f32 = await linformerAttention(x32.q, x32.k, x32.v, shape, {
      projection: { e: eye, f: Float32Array.from(eye) },
    });
    expect(f32.output).toBeInstanceOf(Float32Array);
    expect(maxAbsDiff(f32.output, exact.output)).toBeLessThan(1e-5);
  });

  it('equals the naive float64 formula with given and with drawn projections', async () => {
    for (const kp of [1, 5, 12, 20]) {
      const { e, f } = linformerProjections(kp, 12, 7 + kp);
      const ref = naiveLinformer(x, e, f, kp);
      const got = await linformerAttention(x.q, x.k, x.v, shape, {
        projection: { e, f },
        returnMatrix: true,
      });
      expectCloseResult(got, ref, 1e-12);
      const drawn = await linformerAttention(x.q, x.k, x.v, shape, { projectedLength: kp, seed: 7 + kp });
      expect(drawn.output).toEqual(got.output);
    }
  });

  it('equals the naive formula for random shapes and lengths (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          heads: fc.integer({ min: 1, max: 3 }),
          n: fc.integer({ min: 1, max: 9 }),
          d: fc.integer({ min: 1, max: 5 }),
          dv: fc.integer({ min: 1, max: 4 }),
          kp: fc.integer({ min: 1, max: 12 }),
          seed: fc.nat(1000),
        }),
        async ({ heads, n, d, dv, kp, seed }) => {
          const y = inputs(seed, heads, n, d, dv);
          const { e, f } = linformerProjections(kp, n, seed);
          const ref = naiveLinformer(y, e, f, kp);
          const got = await linformerAttention(
            y.q,
            y.k,
            y.v,
            { heads, n, d, dv },
            { projectedLength: kp, seed },
          );
          expect(maxAbsDiff(got.output, ref.output)).toBeLessThan(1e-10);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('projections are N(0, 1/k) and reproducible; another seed gives another estimate', async () => {
    const { e, f } = linformerProjections(50, 80, 3);
    let sq = 0;
    let mean = 0;
    for (const t of [...e, ...f]) {
      mean += t / (2 * e.length);
      sq += (t * t) / (2 * e.length);
    }
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(sq * 50).toBeGreaterThan(0.9);
    expect(sq * 50).toBeLessThan(1.1);
    expect(e).not.toEqual(f);
    const empty = new Float64Array(0);
    const none = await linformerAttention(empty, empty, empty, { n: 0, d: 3 }, { projectedLength: 4 });
    expect(none.output.length).toBe(0);
    await expectSeeded((seed) => linformerAttention(x.q, x.k, x.v, shape, { projectedLength: 6, seed }));
  });

  it('error against exact attention falls as k grows on low-rank inputs (mean over seeds)', async () => {
    const heads = 2;
    const n = 64;
    const d = 8;
    const sh = { heads, n, d };
    const seeds = 6;
    const errs: number[] = [];
    for (const kp of [4, 16, 64, 256]) {
      let err = 0;
      for (let s = 0; s < seeds; s++) {
        const q = lowRank(10 * s + 1, heads * n, d, 2, 1);
        const k = lowRank(10 * s + 3, heads * n, d, 2, 1);
        const v = lowRank(10 * s + 5, heads * n, d, 2, 1);
        const ref = await exactAttention(q, k, v, sh);
        const got = await linformerAttention(q, k, v, sh, { projectedLength: kp, seed: s });
        expect(got.output.every(Number.isFinite)).toBe(true);
        err += relFrobenius(got.output, ref.output) / seeds;
      }
      errs.push(err);
    }
    if (process.env.TESSERA_REPORT)
      console.log(`linformer rel. error k=4,16,64,256: ${errs.map((e) => e.toFixed(3)).join(' ')}`);
    for (let t = 1; t < errs.length; t++) expect(errs[t]).toBeLessThan(errs[t - 1]);
  });

  it('rejects causal, bad budgets, projections and shapes with typed errors', async () => {
    await expect(
      linformerAttention(x.q, x.k, x.v, shape, { projectedLength: 4, causal: true }),
    ).rejects.toThrow(InvalidArgumentError);
    for (const projectedLength of [0, -1, 2.5, Number.NaN, undefined]) {
      await expect(linformerAttention(x.q, x.k, x.v, shape, { projectedLength })).rejects.toThrow(
        InvalidArgumentError,
      );
    }
    const { e, f } = linformerProjections(4, 12);
    await expect(
      linformerAttention(x.q, x.k, x.v, shape, { projection: { e, f: new Float64Array(47) } }),
    ).rejects.toThrow(InvalidArgumentError);
    await expect(
      linformerAttention(x.q, x.k, x.v, shape, {
        projection: { e: new Float64Array(47), f: new Float64Array(47) },
      }),
    ).rejects.toThrow(InvalidArgumentError);
    await expect(
      linformerAttention(x.q, x.k, x.v, shape, { projectedLength: 5, projection: { e, f } }),
    ).rejects.toThrow(InvalidArgumentError);
    await expect(
      linformerAttention(x.q, x.k, x.v, shape, { projection: { e: [1, 2] as unknown as Float64Array, f } }),
    ).rejects.toThrow(InvalidArgumentError);
    await expect(
      linformerAttention(x.q, x.k, x.v, { ...shape, n: 11 }, { projectedLength: 4 }),
    ).rejects.toThrow(ShapeError);
    await expect(
      linformerAttention(x.q, Float32Array.from(x.k) as unknown as Float64Array, x.v, shape, {
        projectedLength: 4,
      }),
    ).rejects.toThrow(TypeMismatchError);
  });
});
