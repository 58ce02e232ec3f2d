import { type Column, rowRange } from '../column/column.js';
import { ScalarColumn } from '../column/scalar.js';
import { formatType } from '../column/types.js';
import { InvalidArgumentError, TypeMismatchError } from '../errors.js';
import type { DataFrame } from './frame.js';
import { type Field, float64Fields, packFields, sortFields } from './keys/sort-fields.js';
import { topFloat64 } from './top-float64.js';

/** One sort key: a column name, or a column with its own direction and null placement. */
export type SortKey = string | { column: string; descending?: boolean; nulls?: 'first' | 'last' };
export type SortBy = SortKey | readonly SortKey[];

export interface SortOptions {
  /** Default direction for keys that do not set their own (default false). */
  descending?: boolean;
  /** Where nulls go, for keys that do not set their own (default 'last'). */
  nulls?: 'first' | 'last';
}

/*
 * How the sort works. Each key column becomes unsigned integer fields whose unsigned order is the
 * wanted order of the rows (see `keys/sort-fields.ts`); the fields of all keys are packed into
 * 32-bit words, most significant first, and the rows are sorted by the words with a stable radix
 * sort (see `radixSort`), so ties keep the frame's order. Time is linear in the rows: about 4
 * scatter passes over 10M rows for one float64 key, or for (small-range key, float64).
 */

/** The stable order of rows (positions 0..length-1) that sorts `df` by `by`. */
export function sortIndices(df: DataFrame, by: SortBy, options: SortOptions = {}): Int32Array {
  return radixSort(sortKeyWords(df, by, options), df.length);
}

/**
 * The sort keys of `df`'s rows as 32-bit words, most significant first: row a sorts before row b
 * when its words are lexicographically smaller, or equal and a < b (the stable order). Lets code
 * that orders rows in parts (a top-k, a merge of sorted chunks) agree with `sortIndices`.
 */
export function sortKeyWords(df: DataFrame, by: SortBy, options: SortOptions = {}): Field[] {
  const keys = normalizeKeys(by, options);
  const n = df.length;
  const fields: Field[] = [];
  const seen = new Set<string>();
  for (const key of keys) {
    const col = df.column(key.column);
    requireSortable(key.column, col);
    // A later key on a column already sorted by can never break a tie.
    if (seen.has(key.column)) continue;
    seen.add(key.column);
    if (n > 1) fields.push(...sortFields(col as ScalarColumn, key.descending, key.nullsFirst));
  }
  return packFields(fields, n);
}

/**
 * The stable order of rows 0..n-1 by key words as {@link sortKeyWords} gives them (or a selection
 * of their rows, gathered in the same order): for code that computes the words once and sorts
 * several times, or in parts.
 */
export function sortByKeyWords(words: Field[], n: number): Int32Array {
  return radixSort(words, n);
}

/**
 * The first `k` positions of the stable order that `sortIndices` gives, without sorting every row:
 * one pass keeps the best k in a heap (O(n log k)), so a first page of a sort is cheap on large frames.
 */
export function topSortIndices(df: DataFrame, by: SortBy, k: number, options: SortOptions = {}): Int32Array {
  if (!(Number.isInteger(k) && k >= 0))
    throw new InvalidArgumentError(`k must be a whole number >= 0, got ${k}`);
  return (
    topByFloat64Key(df, by, k, options) ??
    topByKeyWords(
      sortKeyWords(df, by, options).map((w) => w.data),
      df.length,
      k,
    )
  );
}

/**
 * {@link topSortIndices} of a sort by one float64 column, from its values without key words (see
 * top-float64.ts); `rows`: of these rows only (increasing), as positions into them. Null for
 * other sorts.
 */
export function topByFloat64Key(
  df: DataFrame,
  by: SortBy,
  k: number,
  options: SortOptions = {},
  rows: Int32Array | null = null,
): Int32Array | null {
  const keys = normalizeKeys(by, options);
  if (keys.some((key) => key.column !== keys[0].column)) return null;
  const col = df.column(keys[0].column);
  if (!(col instanceof ScalarColumn) || col.dtype !== 'float64') return null;
  const { descending, nullsFirst } = keys[0];
  const validity = col.nullCount > 0 ? col.validity : null;
  return topFloat64(col.values as Float64Array, df.length, validity, k, { descending, nullsFirst, rows });
}

/** The first `k` rows of the stable order of rows 0..n-1 by their key words (see `topSortIndices`). */
export function topByKeyWords(words: readonly Uint32Array[], n: number, k: number): Int32Array {
  const m = Math.min(k, n);
  const before = (a: number, b: number) => rowBefore(words, a, b);
  // A max-heap of the best m rows seen: the root is the worst of them.
  const heap = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    let c = i;
    heap[c] = i;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (!before(heap[p], heap[c])) break;
      [heap[p], heap[c]] = [heap[c], heap[p]];
      c = p;
    }
  }
  const first = words[0] as Uint32Array | undefined;
  if (m > 0 && first !== undefined) {
    // Most rows lose to the worst kept row on the first word alone: that test is the whole loop.
    let worst = first[heap[0]];
    for (let i = m; i < n; i++) {
      if (first[i] > worst || !before(i, heap[0])) continue;
      heap[0] = i;
      siftDown(heap, m, before);
      worst = first[heap[0]];
    }
  }
  // Popping the root repeatedly yields the rows worst first.
  const out = new Int32Array(m);
  for (let end = m - 1; end >= 0; end--) {
    out[end] = heap[0];
    heap[0] = heap[end];
    siftDown(heap, end, before);
  }
  return out;
}

/** Whether row a sorts before row b by the key words (ties by position). */
export function rowBefore(words: readonly Uint32Array[], a: number, b: number): boolean {
  for (const w of words) if (w[a] !== w[b]) return w[a] < w[b];
  return a < b;
}

function siftDown(heap: Int32Array, size: number, before: (a: number, b: number) => boolean): void {
  let p = 0;
  for (;;) {
    const l = 2 * p + 1;
    if (l >= size) return;
    const r = l + 1;
    const worst = r < size && before(heap[l], heap[r]) ? r : l;
    if (!before(heap[p], heap[worst])) return;
    [heap[p], heap[worst]] = [heap[worst], heap[p]];
    p = worst;
  }
}

/**
 * The stable order that sorts plain float64 values (NaN after numbers; -0 equal to 0): the same
 * radix sort as `sortIndices`, for code that has keys without a frame.
 */
export function argsortFloat64(values: Float64Array, descending = false): Int32Array {
  const n = values.length;
  if (n <= 1) return radixSort([], n);
  return radixSort(packFields(float64Fields(values, n, null, descending, false), n), n);
}

interface NormalizedKey {
  column: string;
  descending: boolean;
  nullsFirst: boolean;
}

function normalizeKeys(by: SortBy, options: SortOptions): NormalizedKey[] {
  const list: readonly SortKey[] = Array.isArray(by) ? (by as readonly SortKey[]) : [by as SortKey];
  if (list.length === 0) throw new InvalidArgumentError('sort needs at least one key column');
  const defaultDescending = checkDescending(options.descending, 'options.descending') ?? false;
  const defaultNulls = checkNulls(options.nulls, 'options.nulls') ?? 'last';
  return list.map((key, k) => {
    if (typeof key === 'string') {
      return { column: key, descending: defaultDescending, nullsFirst: defaultNulls === 'first' };
    }
    if (key === null || typeof key !== 'object' || typeof key.column !== 'string')
      throw new InvalidArgumentError(
        `sort key ${k} must be a column name or { column, descending?, nulls? }, got ${describe(key)}`,
      );
    const descending =
      checkDescending(key.descending, `key "${key.column}": descending`) ?? defaultDescending;
    const nulls = checkNulls(key.nulls, `key "${key.column}": nulls`) ?? defaultNulls;
    return { column: key.column, descending, nullsFirst: nulls === 'first' };
  });
}

function checkDescending(v: unknown, what: string): boolean | undefined {
  if (v === undefined || typeof v === 'boolean') return v;
  throw new InvalidArgumentError(`${what} must be true or false, got ${describe(v)}`);
}

function checkNulls(v: unknown, what: string): 'first' | 'last' | undefined {
  if (v === undefined || v === 'first' || v === 'last') return v;
  throw new InvalidArgumentError(`${what} must be 'first' or 'last', got ${describe(v)}`);
}

function describe(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function requireSortable(name: string, col: Column): void {
  if (col instanceof ScalarColumn) return;
  if (col.kind === 'deferred')
    throw new TypeMismatchError(
      `cannot sort by column "${name}": it is deferred (computed lazily), so its values are not known yet; ` +
        `materialize it first, e.g. df.withColumn("${name}", await df.column("${name}").materialize())`,
    );
  throw new TypeMismatchError(
    `cannot sort by column "${name}": ${formatType(col.type)} columns have no order; sort by a scalar column`,
  );
}

// ---- radix sort ----

/**
 * Largest digit, in bits. Each pass scatters the rows into 2^bits buckets; with more than a few
 * hundred buckets the scattered writes miss the TLB and cache so often that a pass costs more than
 * the pass it saves (measured on 10M rows: 8 bits is the fastest per bit sorted).
 */
const MAX_DIGIT_BITS = 8;

/** Runs up to this long are finished by insertion sort. */
const INSERTION_MAX = 24;

/** Digit width for `n` rows: up to {@link MAX_DIGIT_BITS}, fewer so buckets do not outnumber rows. */
function digitBitsFor(n: number): number {
  return Math.max(3, Math.min(MAX_DIGIT_BITS, 32 - Math.clz32(n)));
}

/**
 * Stable sort of the rows by the words (most significant first); returns the order.
 *
 * Rows move as interleaved tuples (every word, then the row number), so a pass writes one stream
 * per bucket. The rows are sorted by the first word with an LSD radix sort (digits equal in every
 * row are skipped); then each run of rows that tie on it is sorted by the next word the same way,
 * within the run, where it fits in cache, or by insertion sort when short. For a float64 key, whose
 * first word (sign, exponent and 20 bits of mantissa) rarely ties, that is 4 passes instead of 8.
 */
function radixSort(words: Field[], n: number): Int32Array {
  const m = words.length;
  const first = words[0]?.data;
  if (n <= 1 || m === 0) return rowRange(0, n);
  const stride = m + 1;
  const digitBits = digitBitsFor(n);
  const passes = planPasses(first, 0, n, 1, 0, words[0].bits, digitBits);
  // One word, equal in every row: the rows are in order as they are.
  if (m === 1 && passes.length === 0) return rowRange(0, n);
  const out = new Int32Array(n);
  if (m === 1 && passes.length === 1) {
    // One digit decides: write the order directly.
    const { shift, offsets } = passes[0];
    const mask = offsets.length - 1;
    for (let i = 0; i < n; i++) out[offsets[(first[i] >>> shift) & mask]++] = i;
    return out;
  }
  let src = new Uint32Array(n * stride);
  let dst = new Uint32Array(n * stride);
  if (passes.length === 0) {
    const columns = words.map((w) => w.data);
    for (let i = 0, j = 0; i < n; i++, j += stride) {
      for (let w = 0; w < m; w++) src[j + w] = columns[w][i];
      src[j + m] = i;
    }
  } else {
    // The first pass reads the words column by column and writes tuples.
    const { shift, offsets } = passes[0];
    const mask = offsets.length - 1;
    if (m === 1) {
      for (let i = 0; i < n; i++) {
        const k = first[i];
        const p = offsets[(k >>> shift) & mask]++ << 1;
        src[p] = k;
        src[p + 1] = i;
      }
    } else if (m === 2) {
      const second = words[1].data;
      for (let i = 0; i < n; i++) {
        const k = first[i];
        const p = offsets[(k >>> shift) & mask]++ * 3;
        src[p] = k;
        src[p + 1] = second[i];
        src[p + 2] = i;
      }
    } else {
      const columns = words.map((w) => w.data);
      for (let i = 0; i < n; i++) {
        const p = offsets[(first[i] >>> shift) & mask]++ * stride;
        for (let w = 0; w < m; w++) src[p + w] = columns[w][i];
        src[p + m] = i;
      }
    }
    for (let t = 1; t < passes.length; t++) {
      scatter(src, dst, 0, n, stride, 0, passes[t]);
      const swap = src;
      src = dst;
      dst = swap;
    }
  }
  if (m > 1) refineRuns(src, dst, 0, n, stride, 0);
  for (let i = 0, j = m; i < n; i++, j += stride) out[i] = src[j];
  return out;
}

/**
 * Rows [a, b) of `src` are sorted by word `level`: sort each run that ties on it by the words
 * after it. `dst` is scratch space of the same size.
 */
function refineRuns(src: Uint32Array, dst: Uint32Array, a: number, b: number, stride: number, level: number) {
  const next = level + 1;
  let runStart = a;
  let runKey = src[a * stride + level];
  for (let i = a + 1; i <= b; i++) {
    const k = i < b ? src[i * stride + level] : -1;
    if (k === runKey) continue;
    if (i - runStart > 1) sortSegment(src, dst, runStart, i, stride, next);
    runStart = i;
    runKey = k;
  }
}

/** Sort rows [a, b) of `src` by words `level`.. (they already tie on the words before). */
function sortSegment(
  src: Uint32Array,
  dst: Uint32Array,
  a: number,
  b: number,
  stride: number,
  level: number,
) {
  const m = stride - 1;
  if (b - a <= INSERTION_MAX) {
    insertionSort(src, a, b, stride, level);
    return;
  }
  const passes = planPasses(src, a, b, stride, level, 32, digitBitsFor(b - a));
  let from = src;
  let to = dst;
  for (const pass of passes) {
    scatter(from, to, a, b, stride, level, pass);
    const swap = from;
    from = to;
    to = swap;
  }
  if (from !== src) src.set(from.subarray(a * stride, b * stride), a * stride);
  if (level < m - 1) refineRuns(src, dst, a, b, stride, level);
}

/** Scratch space for one tuple (insertion sort runs millions of times on short runs). */
let scratch = new Uint32Array(8);

/** Stable insertion sort of rows [a, b) by words `level`..m-1. */
function insertionSort(t: Uint32Array, a: number, b: number, stride: number, level: number) {
  const m = stride - 1;
  if (scratch.length < stride) scratch = new Uint32Array(stride);
  const row = scratch;
  for (let i = a + 1; i < b; i++) {
    const at = i * stride;
    for (let w = 0; w < stride; w++) row[w] = t[at + w];
    let j = i - 1;
    while (j >= a) {
      // Is row j greater than the row being placed? (equal: no, which keeps the sort stable)
      const base = j * stride;
      let greater = false;
      for (let w = level; w < m; w++) {
        const x = t[base + w];
        const y = row[w];
        if (x !== y) {
          greater = x > y;
          break;
        }
      }
      if (!greater) break;
      for (let w = 0; w < stride; w++) t[base + stride + w] = t[base + w];
      j--;
    }
    const to = (j + 1) * stride;
    for (let w = 0; w < stride; w++) t[to + w] = row[w];
  }
}

/** One radix pass: the digit's shift and where each digit's rows start. */
interface Pass {
  shift: number;
  offsets: Int32Array;
}

/**
 * The passes, least significant digit first, for word `level` of rows [a, b) (tuples of `stride`;
 * stride 1 for a plain column). Histograms of all digits are counted in one read; digits equal in
 * every row are dropped.
 */
function planPasses(
  data: Uint32Array,
  a: number,
  b: number,
  stride: number,
  level: number,
  bits: number,
  digitBits: number,
): Pass[] {
  const n = b - a;
  const size = 1 << digitBits;
  const mask = size - 1;
  const digits = Math.ceil(bits / digitBits);
  const hist = new Int32Array(digits * size);
  const start = a * stride + level;
  const stop = b * stride + level;
  if (digits === 1) {
    for (let j = start; j < stop; j += stride) hist[data[j] & mask]++;
  } else if (digits === 4) {
    for (let j = start; j < stop; j += stride) {
      const k = data[j];
      hist[k & mask]++;
      hist[size + ((k >>> digitBits) & mask)]++;
      hist[2 * size + ((k >>> (2 * digitBits)) & mask)]++;
      hist[3 * size + ((k >>> (3 * digitBits)) & mask)]++;
    }
  } else {
    for (let j = start; j < stop; j += stride) {
      const k = data[j];
      for (let d = 0, s = 0; d < digits; d++, s += digitBits) hist[d * size + ((k >>> s) & mask)]++;
    }
  }
  const passes: Pass[] = [];
  for (let d = 0; d < digits; d++) {
    const shift = d * digitBits;
    const offsets = hist.subarray(d * size, (d + 1) * size);
    if (offsets[(data[start] >>> shift) & mask] === n) continue;
    let sum = a;
    for (let k = 0; k < size; k++) {
      const c = offsets[k];
      offsets[k] = sum;
      sum += c;
    }
    passes.push({ shift, offsets });
  }
  return passes;
}

/** Move the tuples of rows [a, b) from `src` to `dst`, stably, by one digit of word `level`. */
function scatter(
  src: Uint32Array,
  dst: Uint32Array,
  a: number,
  b: number,
  stride: number,
  level: number,
  { shift, offsets }: Pass,
) {
  const mask = offsets.length - 1;
  const stop = b * stride;
  if (stride === 2) {
    for (let j = a * 2; j < stop; j += 2) {
      const k = src[j];
      const p = offsets[(k >>> shift) & mask]++ << 1;
      dst[p] = k;
      dst[p + 1] = src[j + 1];
    }
  } else if (stride === 3) {
    for (let j = a * 3; j < stop; j += 3) {
      const p = offsets[(src[j + level] >>> shift) & mask]++ * 3;
      dst[p] = src[j];
      dst[p + 1] = src[j + 1];
      dst[p + 2] = src[j + 2];
    }
  } else {
    for (let j = a * stride; j < stop; j += stride) {
      const p = offsets[(src[j + level] >>> shift) & mask]++ * stride;
      for (let w = 0; w < stride; w++) dst[p + w] = src[j + w];
    }
  }
}
