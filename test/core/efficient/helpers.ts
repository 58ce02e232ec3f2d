/** Naive float64 references, random inputs and shared checks for the attention tests. */
import { expect } from 'vitest';
import { clusteredAttention } from '../../../src/core/efficient/attention/clustered.js';
import { Random } from '../../../src/core/random.js';
import type { FloatArray, TensorKernels } from '../../../src/core/tensor/kernels.js';

/** One attention method at fixed options, run on the given kernels: its output. */
export type AttentionRun = (
  q: FloatArray,
  k: FloatArray,
  v: FloatArray,
  kernels: TensorKernels,
  causal: boolean,
) => Promise<FloatArray>;

export function gaussian(seed: number, length: number, std = 1): Float64Array {
  return new Random(seed).fillNormal(new Float64Array(length), std);
}

export interface Inputs {
  q: Float64Array;
  k: Float64Array;
  v: Float64Array;
  heads: number;
  n: number;
  d: number;
  dv: number;
}

export function inputs(seed: number, heads: number, n: number, d: number, dv = d, std = 1): Inputs {
  return {
    q: gaussian(seed * 3 + 1, heads * n * d, std),
    k: gaussian(seed * 3 + 2, heads * n * d, std),
    v: gaussian(seed * 3 + 3, heads * n * dv),
    heads,
    n,
    d,
    dv,
  };
}

/**
 * Attention with arbitrary non-negative weights `weight(h, i, j)` (0 = masked), normalised per row,
 * computed with plain loops in float64. Returns the output and the normalised matrix.
 */
export function weightedAttention(
  x: Inputs,
  weight: (h: number, i: number, j: number) => number,
): { output: Float64Array; matrix: Float64Array } {
  const { heads, n, dv, v } = x;
  const output = new Float64Array(heads * n * dv);
  const matrix = new Float64Array(heads * n * n);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < n; i++) {
      const ws: number[] = [];
      let z = 0;
      for (let j = 0; j < n; j++) {
        const w = weight(h, i, j);
        ws.push(w);
        z += w;
      }
      for (let j = 0; j < n; j++) {
        const p = ws[j] / z;
        matrix[(h * n + i) * n + j] = p;
        for (let c = 0; c < dv; c++) output[(h * n + i) * dv + c] += p * v[(h * n + j) * dv + c];
      }
    }
  }
  return { output, matrix };
}

export function dot(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, d: number): number {
  let s = 0;
  for (let c = 0; c < d; c++) s += a[ao + c] * b[bo + c];
  return s;
}

/** Naive softmax attention, optionally masked (`allowed(i, j)`), with the row max subtracted. */
export function naiveSoftmax(
  x: Inputs,
  allowed: (i: number, j: number) => boolean = () => true,
): { output: Float64Array; matrix: Float64Array } {
  const { q, k, n, d } = x;
  const maxes = new Float64Array(x.heads * n).fill(Number.NEGATIVE_INFINITY);
  const logit = (h: number, i: number, j: number) =>
    dot(q, (h * n + i) * d, k, (h * n + j) * d, d) / Math.sqrt(d);
  for (let h = 0; h < x.heads; h++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (allowed(i, j)) maxes[h * n + i] = Math.max(maxes[h * n + i], logit(h, i, j));
      }
    }
  }
  return weightedAttention(x, (h, i, j) => (allowed(i, j) ? Math.exp(logit(h, i, j) - maxes[h * n + i]) : 0));
}

export const causalMask = (i: number, j: number) => j <= i;

export function relFrobenius(a: ArrayLike<number>, ref: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < ref.length; i++) {
    num += (a[i] - ref[i]) ** 2;
    den += ref[i] ** 2;
  }
  return Math.sqrt(num / den);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * A copy of `x` whose `parts` (default keys and values) are replaced by fresh noise at every position
 * after `i`, in every head.
 */
export function perturbAfter(
  x: Inputs,
  i: number,
  seed: number,
  parts: 'v' | 'kv' | 'qv' | 'qkv' = 'kv',
): Inputs {
  const noise = inputs(seed, x.heads, x.n, x.d, x.dv, 3);
  const y = { ...x, q: Float64Array.from(x.q), k: Float64Array.from(x.k), v: Float64Array.from(x.v) };
  for (const part of parts as Iterable<'q' | 'k' | 'v'>) {
    const w = part === 'v' ? x.dv : x.d;
    for (let h = 0; h < x.heads; h++) {
      const from = (h * x.n + i + 1) * w;
      y[part].set(noise[part].subarray(from, (h + 1) * x.n * w), from);
    }
  }
  return y;
}

/** `run(seed)` twice with one seed gives the same output, and with another seed another one. */
export async function expectSeeded(
  run: (seed: number) => Promise<{ output: ArrayLike<number> }>,
  seed = 1,
  other = 2,
): Promise<void> {
  const a = await run(seed);
  expect((await run(seed)).output).toEqual(a.output);
  expect((await run(other)).output).not.toEqual(a.output);
}

/** The inputs rounded to float32, for float32-against-float64 checks. */
export function toFloat32(x: Pick<Inputs, 'q' | 'k' | 'v'>): {
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
} {
  return { q: Float32Array.from(x.q), k: Float32Array.from(x.k), v: Float32Array.from(x.v) };
}

/** The float32-rounded values of the inputs held in float64: the float64 twin of {@link toFloat32}. */
export function roundedToFloat32(x: Inputs): Inputs {
  const { q, k, v } = toFloat32(x);
  return { ...x, q: Float64Array.from(q), k: Float64Array.from(k), v: Float64Array.from(v) };
}

/** `got`'s output, and its matrix where `ref` has one, within `tol` of `ref`'s (entry by entry). */
export function expectCloseResult(
  got: { output: ArrayLike<number>; matrix?: ArrayLike<number> },
  ref: { output: ArrayLike<number>; matrix?: ArrayLike<number> },
  tol: number,
): void {
  expect(maxAbsDiff(got.output, ref.output)).toBeLessThan(tol);
  if (ref.matrix) expect(maxAbsDiff(got.matrix ?? [], ref.matrix)).toBeLessThan(tol);
}

/**
 * Causality of a method whose support may depend on every position (hashing, clustering): `run`
 * (fixed options, causal) gives a causal matrix; at each position `i`, new values after `i` leave
 * row `i` unchanged, and new `moving` inputs after `i` (which may regroup positions) still put no
 * weight past `i`.
 */
export async function expectCausalUnderPerturbation(
  run: (y: Inputs, returnMatrix: boolean) => Promise<{ output: Float64Array; matrix?: Float64Array }>,
  x: Inputs,
  positions: readonly number[],
  seed: number,
  moving?: 'qv' | 'qkv',
): Promise<void> {
  const { heads, n, dv } = x;
  const got = await run(x, true);
  expectCausalRows(got.matrix as Float64Array, heads, n);
  for (const i of positions) {
    const y = perturbAfter(x, i, seed + i, 'v');
    const other = await run(y, false);
    expect(rowsAt(other.output, heads, n, dv, i)).toEqual(rowsAt(got.output, heads, n, dv, i));
    if (moving === undefined) continue;
    const z = perturbAfter(x, i, seed + 100 + i, moving);
    const m = (await run(z, true)).matrix as Float64Array;
    for (let h = 0; h < heads; h++) for (let j = i + 1; j < n; j++) expect(m[(h * n + i) * n + j]).toBe(0);
  }
}

/** A causal attention matrix `[heads, n, n]`: zero after the diagonal, every row summing to 1. */
export function expectCausalRows(m: ArrayLike<number>, heads: number, n: number): void {
  for (let r = 0; r < heads * n; r++) {
    const i = r % n;
    let sum = 0;
    for (let j = 0; j < n; j++) {
      if (j > i) expect(m[r * n + j]).toBe(0);
      sum += m[r * n + j];
    }
    expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
  }
}

/** Row `i` of every head of an `[heads, n, w]` array. */
export function rowsAt(a: ArrayLike<number>, heads: number, n: number, w: number, i: number): number[] {
  const out: number[] = [];
  for (let h = 0; h < heads; h++) for (let c = 0; c < w; c++) out.push(a[(h * n + i) * w + c]);
  return out;
}

/**
 * The SMYRF support spelled out in float64 (`[heads·n]` sets of key positions): XBOX+ vectors of
 * length d + 2 built explicitly, E2LSH hashes as dot products with the rows of `a` (`[rounds, d+2]`),
 * Array.sort by (hash, position), equal-size clusters, the union over rounds; causal drops `j > i`.
 */
export function smyrfSupport(
  x: Inputs,
  clusterSize: number,
  a: Float64Array,
  rounds: number,
  causal: boolean,
): Set<number>[] {
  const { heads, n, d, q, k } = x;
  const support: Set<number>[] = [];
  for (let h = 0; h < heads; h++) {
    const rowsOf = (arr: Float64Array) =>
      Array.from({ length: n }, (_, i) => Array.from(arr.subarray((h * n + i) * d, (h * n + i + 1) * d)));
    const qs = rowsOf(q);
    const ks = rowsOf(k);
    const sq = (r: number[]) => r.reduce((s, t) => s + t * t, 0);
    const m2 = Math.max(...qs.map(sq)) + Math.max(...ks.map(sq));
    const qt = qs.map((r) => [...r, 0, Math.sqrt(m2 - sq(r))]);
    const kt = ks.map((r) => [...r, Math.sqrt(m2 - sq(r)), 0]);
    for (let i = 0; i < n; i++) support.push(new Set());
    for (let r = 0; r < rounds; r++) {
      const hash = (t: number[]) => t.reduce((s, val, c) => s + val * a[r * (d + 2) + c], 0);
      const qOrder = [...Array(n).keys()].sort((x1, x2) => hash(qt[x1]) - hash(qt[x2]) || x1 - x2);
      const kOrder = [...Array(n).keys()].sort((x1, x2) => hash(kt[x1]) - hash(kt[x2]) || x1 - x2);
      for (let t = 0; t < n; t++) {
        const i = qOrder[t];
        const c = Math.floor(t / clusterSize);
        for (let u = c * clusterSize; u < Math.min(n, (c + 1) * clusterSize); u++) {
          const j = kOrder[u];
          if (!causal || j <= i) support[h * n + i].add(j);
        }
      }
    }
  }
  return support;
}

/**
 * The baseline of the clustering methods: one head's attention inside `n / size` groups of `size`
 * queries and `size` keys drawn at random (a permutation from `seed` each), at the same budget.
 */
export async function randomClusterAttention(y: Inputs, n: number, d: number, size: number, seed: number) {
  const rng = new Random(seed);
  const perm = (): Int32Array => {
    const p = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  };
  const groups = { count: n / size, size, queries: perm(), keys: perm() };
  return clusteredAttention(y.q, y.k, y.v, { heads: 1, n, d, dv: d }, groups, 1 / Math.sqrt(d));
}
