/**
 * The tight loops over flat row-major arrays that kernels, search, clustering and the attention
 * methods share: each written once, here. They take offsets instead of sub-arrays so a hot loop over
 * rows allocates nothing per row, and they accumulate in float64 (JavaScript numbers) whatever the
 * element type.
 */
import type { FloatArray } from './kernels.js';
import { allocLike } from './shapes.js';

/** `a[ao .. ao + len) · b[bo .. bo + len)`; four partial sums, so the additions can overlap. */
export function dot(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let t = 0;
  for (; t + 3 < len; t += 4) {
    s0 += a[ao + t] * b[bo + t];
    s1 += a[ao + t + 1] * b[bo + t + 1];
    s2 += a[ao + t + 2] * b[bo + t + 2];
    s3 += a[ao + t + 3] * b[bo + t + 3];
  }
  for (; t < len; t++) s0 += a[ao + t] * b[bo + t];
  return s0 + s1 + (s2 + s3);
}

/** `‖a[ao .. ao + len) − b[bo .. bo + len)‖²`, with two partial sums. */
export function squaredDistance(
  a: ArrayLike<number>,
  ao: number,
  b: ArrayLike<number>,
  bo: number,
  len: number,
): number {
  let s0 = 0;
  let s1 = 0;
  let t = 0;
  for (; t + 1 < len; t += 2) {
    const x = a[ao + t] - b[bo + t];
    const y = a[ao + t + 1] - b[bo + t + 1];
    s0 += x * x;
    s1 += y * y;
  }
  if (t < len) {
    const x = a[ao + t] - b[bo + t];
    s0 += x * x;
  }
  return s0 + s1;
}

/** `Σx²` of each row of `x` (`[rows, d]`), in float64. */
export function squaredNorms(x: ArrayLike<number>, rows: number, d: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = dot(x, r * d, x, r * d, d);
  return out;
}

/** Rows of `x` (`[rows, d]`) scaled to unit length, same element type; zero rows stay zero. */
export function normalizeRows<T extends FloatArray>(x: T, rows: number, d: number): T {
  const out = allocLike(x, rows * d);
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    const s = dot(x, o, x, o, d);
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let c = 0; c < d; c++) out[o + c] = x[o + c] * inv;
  }
  return out;
}

/**
 * `x[o .. o + len)` replaced in place by `softmax(scale · x)` (`scale > 0`): exponentials are taken
 * from the largest entry, so none overflows, and summed in float64.
 */
export function softmaxInPlace(x: FloatArray, o: number, len: number, scale: number): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < len; j++) if (x[o + j] > max) max = x[o + j];
  let z = 0;
  for (let j = 0; j < len; j++) {
    const e = Math.exp((x[o + j] - max) * scale);
    x[o + j] = e;
    z += e;
  }
  for (let j = 0; j < len; j++) x[o + j] /= z;
}

/** The position of the largest of `x[o .. o + len)` (ties: the first), 0 for `len` 0. */
export function argmax(x: ArrayLike<number>, o: number, len: number): number {
  let best = 0;
  for (let c = 1; c < len; c++) if (x[o + c] > x[o + best]) best = c;
  return best;
}

/** Rows `index[s]` of `x` (`[rows, w]`) one after another, same element type; −1 gives a row of zeros. */
export function gatherRows<T extends FloatArray>(x: T, index: ArrayLike<number>, w: number): T {
  const out = allocLike(x, index.length * w);
  for (let s = 0; s < index.length; s++) {
    const r = index[s];
    if (r >= 0) out.set(x.subarray(r * w, (r + 1) * w), s * w);
  }
  return out;
}

/** `[rows, cols]` → `[cols, rows]`, into `out` (default a new array of `x`'s element type). */
export function transpose<T extends FloatArray>(x: ArrayLike<number>, rows: number, cols: number, out: T): T;
export function transpose<T extends FloatArray>(x: T, rows: number, cols: number): T;
export function transpose(x: ArrayLike<number>, rows: number, cols: number, out?: FloatArray): FloatArray {
  const to = out ?? allocLike(x as FloatArray, rows * cols);
  for (let i = 0; i < rows; i++) {
    const r = i * cols;
    for (let j = 0; j < cols; j++) to[j * rows + i] = x[r + j];
  }
  return to;
}
