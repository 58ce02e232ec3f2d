/**
 * Plain TypeScript kernels: the reference implementation of {@link TensorKernels}. They run anywhere
 * (Node, browsers, workers), accumulate in float64 whatever the input type, and are written to be
 * cache-friendly rather than clever: blocked loops over contiguous rows, no per-element allocation.
 */
import type {
  FloatArray,
  MatmulOptions,
  Reduction,
  TensorKernels,
  TopKOptions,
  TopKResult,
} from './kernels.js';
import { dot } from './loops.js';
import { allocLike, checkMatmul, checkMatrix, checkReduce, checkTopK } from './shapes.js';

// Block sizes of the `a · b` kernel: a KC × NC panel of b (256 KiB of float32) stays in L2 while
// MC rows of a stream past it, and the MC × NC float64 accumulator (128 KiB) stays close by.
// Chosen by measurement on x86-64 (V8 reaches 2 to 3 GFLOP/s; the exact sizes matter little).
const MC = 16;
const NC = 1024;
const KC = 64;

/**
 * `c[m, n] = a[m, k] · b[k, n]` on sub-arrays starting at the given offsets. Loop order i-k-j: the
 * innermost loop runs along contiguous rows of `b` and of the accumulator. Two rows of `a` and four
 * rows of `b` per pass, so each load of `b` feeds two rows and each accumulator load and store is
 * shared by four multiply-adds.
 */
function gemmNN(
  a: FloatArray,
  ao: number,
  b: FloatArray,
  bo: number,
  c: FloatArray,
  co: number,
  m: number,
  k: number,
  n: number,
  acc: Float64Array,
): void {
  for (let i0 = 0; i0 < m; i0 += MC) {
    const i1 = Math.min(i0 + MC, m);
    for (let j0 = 0; j0 < n; j0 += NC) {
      const nb = Math.min(NC, n - j0);
      acc.fill(0, 0, (i1 - i0) * nb);
      for (let p0 = 0; p0 < k; p0 += KC) {
        const p1 = Math.min(p0 + KC, k);
        let i = i0;
        for (; i + 1 < i1; i += 2) {
          const r0 = (i - i0) * nb;
          const r1 = r0 + nb;
          const ar0 = ao + i * k;
          const ar1 = ar0 + k;
          let p = p0;
          for (; p + 3 < p1; p += 4) {
            const x0 = a[ar0 + p];
            const x1 = a[ar0 + p + 1];
            const x2 = a[ar0 + p + 2];
            const x3 = a[ar0 + p + 3];
            const z0 = a[ar1 + p];
            const z1 = a[ar1 + p + 1];
            const z2 = a[ar1 + p + 2];
            const z3 = a[ar1 + p + 3];
            const b0 = bo + p * n + j0;
            const b1 = b0 + n;
            const b2 = b1 + n;
            const b3 = b2 + n;
            for (let j = 0; j < nb; j++) {
              const y0 = b[b0 + j];
              const y1 = b[b1 + j];
              const y2 = b[b2 + j];
              const y3 = b[b3 + j];
              acc[r0 + j] += x0 * y0 + x1 * y1 + x2 * y2 + x3 * y3;
              acc[r1 + j] += z0 * y0 + z1 * y1 + z2 * y2 + z3 * y3;
            }
          }
          for (; p < p1; p++) {
            const x0 = a[ar0 + p];
            const z0 = a[ar1 + p];
            const b0 = bo + p * n + j0;
            for (let j = 0; j < nb; j++) {
              const y = b[b0 + j];
              acc[r0 + j] += x0 * y;
              acc[r1 + j] += z0 * y;
            }
          }
        }
        if (i < i1) {
          // The odd last row of the block.
          const r0 = (i - i0) * nb;
          const ar0 = ao + i * k;
          for (let p = p0; p < p1; p++) {
            const x0 = a[ar0 + p];
            const b0 = bo + p * n + j0;
            for (let j = 0; j < nb; j++) acc[r0 + j] += x0 * b[b0 + j];
          }
        }
      }
      for (let i = i0; i < i1; i++) {
        const r = (i - i0) * nb;
        const cr = co + i * n + j0;
        for (let j = 0; j < nb; j++) c[cr + j] = acc[r + j];
      }
    }
  }
}

/** Values of `b` kept in cache by one row block of {@link gemmNT} (64 KiB of float32). */
const NT_BLOCK_VALUES = 16 * 1024;

/**
 * `c[m, n] = a[m, k] · b[n, k]ᵀ`: every entry is a dot product of two contiguous rows. Rows of `b` are
 * taken in blocks that stay in cache; within a block, tiles of 2 rows of `a` by 4 rows of `b` keep
 * eight sums in registers, so six loads feed eight multiply-adds.
 */
function gemmNT(
  a: FloatArray,
  ao: number,
  b: FloatArray,
  bo: number,
  c: FloatArray,
  co: number,
  m: number,
  k: number,
  n: number,
): void {
  const jb = Math.max(4, Math.floor(NT_BLOCK_VALUES / Math.max(k, 1)) & ~3);
  for (let j0 = 0; j0 < n; j0 += jb) {
    const j1 = Math.min(j0 + jb, n);
    let i = 0;
    for (; i + 1 < m; i += 2) {
      const ar0 = ao + i * k;
      const ar1 = ar0 + k;
      const cr0 = co + i * n;
      const cr1 = cr0 + n;
      let j = j0;
      for (; j + 3 < j1; j += 4) {
        const r0 = bo + j * k;
        const r1 = r0 + k;
        const r2 = r1 + k;
        const r3 = r2 + k;
        let s00 = 0;
        let s01 = 0;
        let s02 = 0;
        let s03 = 0;
        let s10 = 0;
        let s11 = 0;
        let s12 = 0;
        let s13 = 0;
        for (let p = 0; p < k; p++) {
          const x0 = a[ar0 + p];
          const x1 = a[ar1 + p];
          const y0 = b[r0 + p];
          const y1 = b[r1 + p];
          const y2 = b[r2 + p];
          const y3 = b[r3 + p];
          s00 += x0 * y0;
          s01 += x0 * y1;
          s02 += x0 * y2;
          s03 += x0 * y3;
          s10 += x1 * y0;
          s11 += x1 * y1;
          s12 += x1 * y2;
          s13 += x1 * y3;
        }
        c[cr0 + j] = s00;
        c[cr0 + j + 1] = s01;
        c[cr0 + j + 2] = s02;
        c[cr0 + j + 3] = s03;
        c[cr1 + j] = s10;
        c[cr1 + j + 1] = s11;
        c[cr1 + j + 2] = s12;
        c[cr1 + j + 3] = s13;
      }
      for (; j < j1; j++) {
        c[cr0 + j] = dot(a, ar0, b, bo + j * k, k);
        c[cr1 + j] = dot(a, ar1, b, bo + j * k, k);
      }
    }
    if (i < m) {
      for (let j = j0; j < j1; j++) c[co + i * n + j] = dot(a, ao + i * k, b, bo + j * k, k);
    }
  }
}

/** `matmul` (`batch` 1) or `batchedMatmul`, checked. */
function product<T extends FloatArray>(
  op: 'matmul' | 'batchedMatmul',
  a: T,
  b: T,
  batch: number,
  m: number,
  k: number,
  n: number,
  transposeB: boolean,
): T {
  checkMatmul(op, a, b, batch, m, k, n, transposeB);
  const c = allocLike(a, batch * m * n);
  if (c.length === 0 || k === 0) return c; // an empty sum is 0
  const acc = transposeB ? new Float64Array(0) : new Float64Array(Math.min(MC, m) * Math.min(NC, n));
  for (let s = 0; s < batch; s++) {
    if (transposeB) gemmNT(a, s * m * k, b, s * n * k, c, s * m * n, m, k, n);
    else gemmNN(a, s * m * k, b, s * k * n, c, s * m * n, m, k, n, acc);
  }
  return c;
}

/**
 * True when entry (va, ia) ranks before (vb, ib): by value (NaN counts as the largest value, as in
 * numpy's sort), then by the lower index.
 */
function ranksBefore(va: number, ia: number, vb: number, ib: number, largest: boolean): boolean {
  const aNaN = Number.isNaN(va);
  const bNaN = Number.isNaN(vb);
  if (aNaN !== bNaN) return aNaN === largest;
  if (va !== vb && !aNaN) return largest ? va > vb : va < vb;
  return ia < ib; // equal values, or both NaN
}

/**
 * Restores the heap below slot `i` of a heap of size `size` whose root is the entry that ranks last,
 * so the root is the one to evict.
 */
function siftDown(
  values: Float64Array,
  indices: Int32Array,
  size: number,
  i: number,
  largest: boolean,
): void {
  const v = values[i];
  const ix = indices[i];
  for (;;) {
    let w = 2 * i + 1;
    if (w >= size) break;
    const r = w + 1;
    // Pick the child that ranks later.
    if (r < size && ranksBefore(values[w], indices[w], values[r], indices[r], largest)) w = r;
    if (!ranksBefore(v, ix, values[w], indices[w], largest)) break;
    values[i] = values[w];
    indices[i] = indices[w];
    i = w;
  }
  values[i] = v;
  indices[i] = ix;
}

/**
 * Top-k of one row into `values`/`indices` at offset `out`, best first. A size-k heap keeps the best
 * entries seen with the worst at its root, so most entries cost one comparison: O(cols · log k), no
 * allocation. The heap is then emptied worst-first from the back, which leaves the output sorted.
 */
function topkRow(
  x: FloatArray,
  xo: number,
  cols: number,
  k: number,
  largest: boolean,
  heapValues: Float64Array,
  heapIndices: Int32Array,
  values: FloatArray,
  indices: Int32Array,
  out: number,
): void {
  for (let j = 0; j < k; j++) {
    heapValues[j] = x[xo + j];
    heapIndices[j] = j;
  }
  for (let i = (k >> 1) - 1; i >= 0; i--) siftDown(heapValues, heapIndices, k, i, largest);
  for (let j = k; j < cols; j++) {
    const v = x[xo + j];
    const root = heapValues[0];
    // A later index never wins a tie, so only a strictly better value (or NaN, ranked largest) enters.
    const enters = largest
      ? v > root || (Number.isNaN(v) && !Number.isNaN(root))
      : v < root || (Number.isNaN(root) && !Number.isNaN(v));
    if (enters) {
      heapValues[0] = v;
      heapIndices[0] = j;
      siftDown(heapValues, heapIndices, k, 0, largest);
    }
  }
  for (let size = k; size > 0; size--) {
    values[out + size - 1] = heapValues[0];
    indices[out + size - 1] = heapIndices[0];
    heapValues[0] = heapValues[size - 1];
    heapIndices[0] = heapIndices[size - 1];
    siftDown(heapValues, heapIndices, size - 1, 0, largest);
  }
}

/** The plain TypeScript kernels; stateless, so {@link tsKernels} is usually all one needs. */
export class TsKernels implements TensorKernels {
  readonly name = 'ts';

  async matmul<T extends FloatArray>(
    a: T,
    b: T,
    m: number,
    k: number,
    n: number,
    options: MatmulOptions = {},
  ): Promise<T> {
    return product('matmul', a, b, 1, m, k, n, options.transposeB ?? false);
  }

  async batchedMatmul<T extends FloatArray>(
    a: T,
    b: T,
    batch: number,
    m: number,
    k: number,
    n: number,
    options: MatmulOptions = {},
  ): Promise<T> {
    return product('batchedMatmul', a, b, batch, m, k, n, options.transposeB ?? false);
  }

  async topk<T extends FloatArray>(
    x: T,
    rows: number,
    cols: number,
    k: number,
    options: TopKOptions = {},
  ): Promise<TopKResult<T>> {
    checkTopK(x, rows, cols, k);
    const largest = options.largest ?? true;
    const values = allocLike(x, rows * k);
    const indices = new Int32Array(rows * k);
    if (k === 0) return { values, indices };
    const heapValues = new Float64Array(k);
    const heapIndices = new Int32Array(k);
    for (let r = 0; r < rows; r++) {
      topkRow(x, r * cols, cols, k, largest, heapValues, heapIndices, values, indices, r * k);
    }
    return { values, indices };
  }

  async rowNorms<T extends FloatArray>(x: T, rows: number, cols: number): Promise<T> {
    checkMatrix('rowNorms', x, rows, cols);
    const out = allocLike(x, rows);
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      out[r] = Math.sqrt(dot(x, o, x, o, cols));
    }
    return out;
  }

  async reduce<T extends FloatArray>(
    x: T,
    rows: number,
    cols: number,
    op: Reduction,
    axis: 0 | 1,
  ): Promise<T> {
    checkReduce(x, rows, cols, op, axis);
    return axis === 1 ? reduceRows(x, rows, cols, op) : reduceColumns(x, rows, cols, op);
  }
}

/** One value per row: a reduction along contiguous memory. */
function reduceRows<T extends FloatArray>(x: T, rows: number, cols: number, op: Reduction): T {
  const out = allocLike(x, rows);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let s: number;
    if (op === 'max' || op === 'min') {
      s = x[o];
      for (let j = 1; j < cols; j++) {
        const v = x[o + j];
        // Propagate NaN, as numpy does.
        if (Number.isNaN(v) || (op === 'max' ? v > s : v < s)) s = v;
        if (Number.isNaN(s)) break;
      }
    } else {
      s = 0;
      for (let j = 0; j < cols; j++) s += x[o + j];
      if (op === 'mean') s /= cols;
    }
    out[r] = s;
  }
  return out;
}

/** One value per column: walk the rows in memory order and accumulate into a row-sized buffer. */
function reduceColumns<T extends FloatArray>(x: T, rows: number, cols: number, op: Reduction): T {
  const acc = new Float64Array(cols);
  if (op === 'max' || op === 'min') {
    for (let j = 0; j < cols; j++) acc[j] = x[j];
    for (let r = 1; r < rows; r++) {
      const o = r * cols;
      for (let j = 0; j < cols; j++) {
        const v = x[o + j];
        const s = acc[j];
        // Once NaN, a column stays NaN (as in numpy).
        if (!Number.isNaN(s) && (Number.isNaN(v) || (op === 'max' ? v > s : v < s))) acc[j] = v;
      }
    }
  } else {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      for (let j = 0; j < cols; j++) acc[j] += x[o + j];
    }
    if (op === 'mean') for (let j = 0; j < cols; j++) acc[j] /= rows;
  }
  const out = allocLike(x, cols);
  out.set(acc);
  return out;
}

/** The shared instance of the plain TypeScript kernels; they hold no state. */
export const tsKernels: TensorKernels = new TsKernels();
