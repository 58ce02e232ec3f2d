// Naive float64 references for the kernels, and seeded random inputs. Written for obviousness, not speed.
import type { FloatArray, Reduction } from '../../../src/core/tensor/kernels.js';
import { mulberry32 } from '../../helpers/random.js';

/** Uniform values in [-1, 1), or small integers in [0, levels) when `levels` is given (forces ties). */
export function fill<T extends FloatArray>(x: T, seed: number, levels?: number): T {
  const next = mulberry32(seed);
  for (let i = 0; i < x.length; i++) x[i] = levels ? Math.floor(next() * levels) : next() * 2 - 1;
  return x;
}

export interface Reference {
  /** The exact-as-float64 result. */
  values: Float64Array;
  /** Per entry, Σ|terms|: the scale that rounding errors of any summation order are bounded by. */
  scale: Float64Array;
}

/** Naive triple loop; `b` is `[k, n]`, or `[n, k]` when transposed. */
export function matmulRef(a: FloatArray, b: FloatArray, m: number, k: number, n: number, transposeB = false) {
  const values = new Float64Array(m * n);
  const scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let t = 0;
      for (let p = 0; p < k; p++) {
        const x = a[i * k + p] * (transposeB ? b[j * k + p] : b[p * n + j]);
        s += x;
        t += Math.abs(x);
      }
      values[i * n + j] = s;
      scale[i * n + j] = t;
    }
  }
  return { values, scale };
}

/** Top-k by sorting every index of the row: value first (NaN largest), then the lower index. */
export function topkRef(x: FloatArray, rows: number, cols: number, k: number, largest = true) {
  const values: number[] = [];
  const indices: number[] = [];
  for (let r = 0; r < rows; r++) {
    const order = Array.from({ length: cols }, (_, j) => j);
    order.sort((p, q) => {
      const vp = x[r * cols + p];
      const vq = x[r * cols + q];
      const np = Number.isNaN(vp);
      const nq = Number.isNaN(vq);
      if (np !== nq) return (np ? -1 : 1) * (largest ? 1 : -1);
      if (!np && vp !== vq) return largest ? vq - vp : vp - vq;
      return p - q;
    });
    for (const j of order.slice(0, k)) {
      values.push(x[r * cols + j]);
      indices.push(j);
    }
  }
  return { values, indices };
}

export function rowNormsRef(x: FloatArray, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += x[r * cols + j] ** 2;
    out[r] = Math.sqrt(s);
  }
  return out;
}

/** Reduction along an axis, with the Σ|x| scale for sums and means. */
export function reduceRef(x: FloatArray, rows: number, cols: number, op: Reduction, axis: 0 | 1): Reference {
  const outer = axis === 1 ? rows : cols;
  const inner = axis === 1 ? cols : rows;
  const at = (o: number, i: number) => (axis === 1 ? x[o * cols + i] : x[i * cols + o]);
  const values = new Float64Array(outer);
  const scale = new Float64Array(outer);
  for (let o = 0; o < outer; o++) {
    const items = Array.from({ length: inner }, (_, i) => at(o, i));
    const sum = items.reduce((s, v) => s + v, 0);
    const abs = items.reduce((s, v) => s + Math.abs(v), 0);
    if (op === 'sum') [values[o], scale[o]] = [sum, abs];
    else if (op === 'mean') [values[o], scale[o]] = [sum / inner, abs / inner];
    else values[o] = op === 'max' ? Math.max(...items) : Math.min(...items);
  }
  return { values, scale };
}

/**
 * Asserts |actual − expected| ≤ tol · scale + tiny at every entry; returns a message naming the first
 * entry off, or undefined.
 */
export function mismatch(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  scale: ArrayLike<number> | number,
  tol: number,
): string | undefined {
  if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length}`;
  for (let i = 0; i < actual.length; i++) {
    const s = typeof scale === 'number' ? scale : scale[i];
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (!(Math.abs(a - e) <= tol * s + 1e-30)) return `entry ${i}: ${a}, expected ${e} (±${tol * s})`;
  }
  return undefined;
}
