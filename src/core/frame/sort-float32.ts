/**
 * Sorting the columns of a float32 matrix (class scores: ROC-AUC walks each column in order): one
 * 32-bit key per row and a least-significant-digit radix sort with wide digits, the scratch space
 * shared by the columns. A million rows take 2 scatter passes of 16 bits; the frame sort's 8-bit
 * digits (sort.ts) would take 4 (measured at 1M rows: 17–19 ms a column warm against 25–31).
 */
import { float32OfOrderedWords, orderedFloat32Words } from './keys/normalize.js';

/** A column's stable ascending order, and its values in that order (as float64). */
export interface SortedFloat32 {
  order: Int32Array;
  sorted: Float64Array;
}

/** Digit width for `n` rows: wide where the rows fill the buckets, narrow where a pass is cheap anyway. */
function digitBitsFor(n: number): number {
  return n >= 1 << 17 ? 16 : n >= 1 << 12 ? 11 : 8;
}

/**
 * The stable ascending order of each of `columns` of an `[n, k]` row-major float32 matrix (NaN
 * after numbers, -0 equal to 0: the order `argsortFloat64` gives their float64 values), and the
 * values in that order, which the sort holds at its end anyway (reading them through the order
 * would be a random read per row). NaNs come back as one NaN and -0 as 0, which compare as they did.
 */
export function sortFloat32Columns(
  values: Float32Array,
  k: number,
  columns: readonly number[],
): SortedFloat32[] {
  const n = Math.floor(values.length / k);
  const keys = new Uint32Array(n);
  // Tuples of (key, row) in one array: a pass writes one stream per bucket.
  let scratch: [Uint32Array, Uint32Array] | null = null;
  const bits = digitBitsFor(n);
  const size = 1 << bits;
  const digits = Math.ceil(32 / bits);
  const hist = new Int32Array(digits * size);
  return columns.map((column) => {
    orderedFloat32Words(values, n, keys, k, column);
    hist.fill(0);
    countDigits(keys, n, bits, digits, hist);
    const passes = livePasses(hist, keys, n, bits, digits);
    const order = new Int32Array(n);
    if (passes.length === 0) {
      // Every key alike: the rows are in order as they are.
      for (let i = 0; i < n; i++) order[i] = i;
    } else {
      scratch ??= [new Uint32Array(2 * n), new Uint32Array(2 * n)];
      let [src, dst] = scratch;
      firstPass(keys, n, bits, passes[0], hist, src);
      for (let p = 1; p < passes.length; p++) {
        scatterPairs(src, dst, n, bits, passes[p], hist);
        [src, dst] = [dst, src];
      }
      for (let i = 0, j = 0; i < n; i++, j += 2) {
        keys[i] = src[j];
        order[i] = src[j + 1];
      }
    }
    const sorted = new Float64Array(n);
    float32OfOrderedWords(keys, n, sorted);
    return { order, sorted };
  });
}

/** Histograms of every digit of the keys, `[digits, 2^bits]`. */
function countDigits(keys: Uint32Array, n: number, bits: number, digits: number, hist: Int32Array): void {
  const size = 1 << bits;
  const mask = size - 1;
  if (digits === 2)
    for (let i = 0; i < n; i++) {
      const key = keys[i];
      hist[key & mask]++;
      hist[size + (key >>> bits)]++;
    }
  else
    for (let i = 0; i < n; i++) {
      const key = keys[i];
      for (let d = 0; d < digits; d++) hist[d * size + ((key >>> (d * bits)) & mask)]++;
    }
}

/**
 * The digits that differ between rows, least significant first, each histogram turned into the
 * start of each bucket; a digit equal in every row needs no pass.
 */
function livePasses(hist: Int32Array, keys: Uint32Array, n: number, bits: number, digits: number): number[] {
  const size = 1 << bits;
  const mask = size - 1;
  const live: number[] = [];
  for (let d = 0; d < digits; d++) {
    const base = d * size;
    if (n === 0 || hist[base + ((keys[0] >>> (d * bits)) & mask)] === n) continue;
    let sum = 0;
    for (let b = base; b < base + size; b++) {
      const count = hist[b];
      hist[b] = sum;
      sum += count;
    }
    live.push(d);
  }
  return live;
}

/** The first pass: from the keys (row i at i) to (key, row) tuples by digit `d`. */
function firstPass(
  keys: Uint32Array,
  n: number,
  bits: number,
  d: number,
  hist: Int32Array,
  out: Uint32Array,
) {
  const shift = d * bits;
  const base = d << bits;
  const mask = (1 << bits) - 1;
  for (let i = 0; i < n; i++) {
    const key = keys[i];
    const p = hist[base + ((key >>> shift) & mask)]++ << 1;
    out[p] = key;
    out[p + 1] = i;
  }
}

/** One more pass: (key, row) tuples from `src` to `dst`, stably, by digit `d`. */
function scatterPairs(
  src: Uint32Array,
  dst: Uint32Array,
  n: number,
  bits: number,
  d: number,
  hist: Int32Array,
) {
  const shift = d * bits;
  const base = d << bits;
  const mask = (1 << bits) - 1;
  for (let j = 0; j < 2 * n; j += 2) {
    const key = src[j];
    const p = hist[base + ((key >>> shift) & mask)]++ << 1;
    dst[p] = key;
    dst[p + 1] = src[j + 1];
  }
}
