/**
 * Sorting the columns of a float32 matrix (class scores: ROC-AUC walks each column in order): one
 * 32-bit key per row and a least-significant-digit radix sort with wide digits, the scratch space
 * shared by the columns. A million rows take 2 scatter passes of 16 bits; the frame sort's 8-bit
 * digits (sort.ts) would take 4 (measured at 1M rows: 17–19 ms a column warm against 25–31).
 */
import { orderedFloat32Word } from './keys/normalize.js';

/** A column's stable ascending order, and its ordered words in that order. */
export interface SortedFloat32 {
  order: Int32Array;
  /**
   * The values in that order as their ordered words (`orderedFloat32Word`): equal words are equal
   * values (every NaN one word, after the numbers; -0 the word of 0), which
   * `float32BitsOfOrderedWord` turns back into values.
   */
  keys: Uint32Array;
}

/** Digit width for `n` rows: wide where the rows fill the buckets, narrow where a pass is cheap anyway. */
function digitBitsFor(n: number): number {
  return n >= 1 << 17 ? 16 : n >= 1 << 12 ? 11 : 8;
}

/**
 * The stable ascending order of each of `columns` of an `[n, k]` row-major float32 matrix (NaN
 * after numbers, -0 equal to 0: the order `argsortFloat64` gives their float64 values), and the
 * values' keys in that order, which the sort holds at its end anyway (reading the values through
 * the order would be a random read per row).
 */
export function sortFloat32Columns(
  values: Float32Array,
  k: number,
  columns: readonly number[],
): SortedFloat32[] {
  const n = Math.floor(values.length / k);
  const bits = new Uint32Array(values.buffer, values.byteOffset, n * k);
  // (key, row) tuples in one array, so that a pass writes one stream per bucket.
  let pairs: Uint32Array | null = null;
  let spare: Uint32Array | null = null;
  const digitBits = digitBitsFor(n);
  const digits = Math.ceil(32 / digitBits);
  const hist = new Int32Array(digits << digitBits);
  return columns.map((column) => {
    const keys = new Uint32Array(n);
    hist.fill(0);
    keysAndCounts(bits, n, k, column, keys, digitBits, digits, hist);
    const passes = livePasses(hist, keys, n, digitBits, digits);
    const order = new Int32Array(n);
    const last = passes[passes.length - 1];
    // Every key alike: the rows are in order as they are.
    if (passes.length === 0) for (let i = 0; i < n; i++) order[i] = i;
    else if (passes.length === 1) {
      const unsorted = keys.slice();
      lastPass(unsorted, 1, n, digitBits, last, hist, order, keys);
    } else {
      pairs ??= new Uint32Array(2 * n);
      spare ??= new Uint32Array(2 * n);
      let src = pairs;
      let dst = spare;
      pairPass(keys, 1, n, digitBits, passes[0], hist, src);
      for (let p = 1; p + 1 < passes.length; p++) {
        pairPass(src, 2, n, digitBits, passes[p], hist, dst);
        [src, dst] = [dst, src];
      }
      lastPass(src, 2, n, digitBits, last, hist, order, keys);
    }
    return { order, keys };
  });
}

/** Column `column`'s ordered words into `keys`, and the histograms of their digits, `[digits, 2^bits]`. */
function keysAndCounts(
  bits: Uint32Array,
  n: number,
  k: number,
  column: number,
  keys: Uint32Array,
  digitBits: number,
  digits: number,
  hist: Int32Array,
): void {
  const size = 1 << digitBits;
  const mask = size - 1;
  if (digits === 2)
    for (let i = 0, at = column; i < n; i++, at += k) {
      const key = orderedFloat32Word(bits[at]);
      keys[i] = key;
      hist[key & mask]++;
      hist[size + (key >>> digitBits)]++;
    }
  else
    for (let i = 0, at = column; i < n; i++, at += k) {
      const key = orderedFloat32Word(bits[at]);
      keys[i] = key;
      for (let d = 0; d < digits; d++) hist[d * size + ((key >>> (d * digitBits)) & mask)]++;
    }
}

/**
 * The digits that differ between rows, least significant first, each histogram turned into the
 * start of each bucket; a digit equal in every row needs no pass.
 */
function livePasses(
  hist: Int32Array,
  keys: Uint32Array,
  n: number,
  digitBits: number,
  digits: number,
): number[] {
  const size = 1 << digitBits;
  const mask = size - 1;
  const live: number[] = [];
  for (let d = 0; d < digits; d++) {
    const base = d * size;
    if (n === 0 || hist[base + ((keys[0] >>> (d * digitBits)) & mask)] === n) continue;
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

/**
 * A pass before the last, by digit `d`: (key, row) tuples into `dst`, stably, from (key, row)
 * tuples (`stride` 2), or from the keys themselves (`stride` 1: row i at i).
 */
function pairPass(
  src: Uint32Array,
  stride: 1 | 2,
  n: number,
  digitBits: number,
  d: number,
  hist: Int32Array,
  dst: Uint32Array,
): void {
  const shift = d * digitBits;
  const base = d << digitBits;
  const mask = (1 << digitBits) - 1;
  for (let i = 0, j = 0; i < n; i++, j += stride) {
    const key = src[j];
    const p = hist[base + ((key >>> shift) & mask)]++ << 1;
    dst[p] = key;
    dst[p + 1] = stride === 2 ? src[j + 1] : i;
  }
}

/**
 * The last pass, by digit `d`, straight into the order and the sorted keys: from (key, row)
 * tuples (`stride` 2), or from the keys themselves (`stride` 1: row i at i).
 */
function lastPass(
  src: Uint32Array,
  stride: 1 | 2,
  n: number,
  digitBits: number,
  d: number,
  hist: Int32Array,
  order: Int32Array,
  sorted: Uint32Array,
): void {
  const shift = d * digitBits;
  const base = d << digitBits;
  const mask = (1 << digitBits) - 1;
  for (let i = 0, j = 0; i < n; i++, j += stride) {
    const key = src[j];
    const p = hist[base + ((key >>> shift) & mask)]++;
    sorted[p] = key;
    order[p] = stride === 2 ? src[j + 1] : i;
  }
}
