import type { Column } from '../column/column.js';
import { ScalarColumn } from '../column/scalar.js';
import { formatType } from '../column/types.js';
import { InvalidArgumentError, TypeMismatchError } from '../errors.js';
import type { DataFrame } from './frame.js';

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
 * How the sort works. Each key column becomes one or more unsigned integer "fields" whose
 * unsigned order is the wanted order of the rows (direction and null placement included):
 *
 * - small-range keys (strings via their sorted dictionary codes, booleans, int32/uint8/date, int64
 *   and integer-valued floats whose max - min < 2^32) become `value - min`, using only as many bits
 *   as the range needs, with one extra value for null;
 * - float64/float32 become their IEEE bits with the sign flipped (negatives: all bits flipped), which
 *   orders them as numbers; -0 is mapped to 0 and every NaN to one value above +Infinity. The all-zero
 *   and all-one patterns stay free, and nulls take one of them;
 * - full-range int64 become two 32-bit halves with the sign bit of the high half flipped, plus a
 *   one-bit null field where there are nulls.
 *
 * Descending flips the value (`range - 1 - v`, or `~v`); nulls are placed after that, so their
 * placement does not depend on the direction. The fields of all keys are packed, most significant
 * first, into one bit string cut into 32-bit words, and the rows are sorted by the words with a
 * stable radix sort (see `radixSort`), so ties keep the frame's order. Time is linear in the rows:
 * about 4 scatter passes over 10M rows for one float64 key, or for (small-range key, float64).
 */

/** The stable order of rows (positions 0..length-1) that sorts `df` by `by`. */
export function sortIndices(df: DataFrame, by: SortBy, options: SortOptions = {}): Int32Array {
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
    if (n > 1) fields.push(...encodeKey(col as ScalarColumn, key.descending, key.nullsFirst));
  }
  return radixSort(packFields(fields, n), n);
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

// ---- key encoding ----

/** Unsigned integers whose order is the row order; values are below 2^bits (1 <= bits <= 32). */
interface Field {
  data: Uint32Array;
  bits: number;
}

const TWO_32 = 2 ** 32;

/** Which 32-bit half of a 64-bit value comes first in memory (typed arrays use the platform's order). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = 1 - HI;

/** Bits needed for the values 0..range-1. */
function bitsFor(range: number): number {
  if (range <= 1) return 0;
  if (range > 2 ** 31) return 32;
  return 32 - Math.clz32(range - 1);
}

function encodeKey(col: ScalarColumn, descending: boolean, nullsFirst: boolean): Field[] {
  const n = col.length;
  const validity = col.nullCount > 0 ? col.validity : null;
  if (col.nullCount === n) return []; // all null: every row ties
  switch (col.dtype) {
    case 'float64': {
      const small = integerRank(col.values as Float64Array, n, validity);
      if (small) return rangeFields(small.rank, small.range, validity, descending, nullsFirst);
      return float64Fields(col.values as Float64Array, n, validity, descending, nullsFirst);
    }
    case 'float32':
      return float32Fields(col.values as Float32Array, n, validity, descending, nullsFirst);
    case 'int32':
    case 'date':
    case 'uint8': {
      const { rank, range } = intRank(col.values as Int32Array | Uint8Array, n, validity);
      return rangeFields(rank, range, validity, descending, nullsFirst);
    }
    case 'int64':
    case 'timestamp':
      return int64Fields(col.values as BigInt64Array, n, validity, descending, nullsFirst);
    case 'bool': {
      const bits = col.values as Uint8Array;
      const rank = new Uint32Array(n);
      for (let i = 0; i < n; i++) rank[i] = (bits[i >> 3] >> (i & 7)) & 1;
      return rangeFields(rank, 2, validity, descending, nullsFirst);
    }
    case 'string': {
      const { codes, dictionary } = col.dictionary();
      return rangeFields(
        new Uint32Array(codes.buffer, codes.byteOffset, n).slice(),
        dictionary.length,
        validity,
        descending,
        nullsFirst,
      );
    }
  }
}

/**
 * Fields for ranks 0..range-1 (range <= 2^32; anything at null rows), with direction and nulls
 * applied. `rank` is owned and overwritten.
 */
function rangeFields(
  rank: Uint32Array,
  range: number,
  validity: Uint8Array | null,
  descending: boolean,
  nullsFirst: boolean,
): Field[] {
  const n = rank.length;
  const top = range - 1;
  if (validity === null) {
    if (descending) for (let i = 0; i < n; i++) rank[i] = top - rank[i];
    const bits = bitsFor(range);
    return bits === 0 ? [] : [{ data: rank, bits }];
  }
  if (range < TWO_32) {
    // One more value for null: 0 when nulls go first (values shift up by one), `range` when last.
    const nullValue = nullsFirst ? 0 : range;
    const shift = nullsFirst ? 1 : 0;
    for (let i = 0; i < n; i++) {
      if (((validity[i >> 3] >> (i & 7)) & 1) === 0) rank[i] = nullValue;
      else rank[i] = (descending ? top - rank[i] : rank[i]) + shift;
    }
    return [{ data: rank, bits: bitsFor(range + 1) }];
  }
  // Every 32-bit value is used: a separate one-bit null field goes first.
  const flag = new Uint32Array(n);
  const nullFlag = nullsFirst ? 0 : 1;
  for (let i = 0; i < n; i++) {
    if (((validity[i >> 3] >> (i & 7)) & 1) === 0) {
      flag[i] = nullFlag;
      rank[i] = 0;
    } else {
      flag[i] = 1 - nullFlag;
      if (descending) rank[i] = top - rank[i];
    }
  }
  return [
    { data: flag, bits: 1 },
    { data: rank, bits: 32 },
  ];
}

/** Ranks of int32/date/uint8 values: `value - min`. */
function intRank(
  values: Int32Array | Uint8Array,
  n: number,
  validity: Uint8Array | null,
): { rank: Uint32Array; range: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    if (validity !== null && ((validity[i >> 3] >> (i & 7)) & 1) === 0) continue;
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const rank = new Uint32Array(n);
  for (let i = 0; i < n; i++) rank[i] = values[i] - min; // null rows: garbage, overwritten later
  return { rank, range: max - min + 1 };
}

/**
 * Ranks of a float64 column whose valid values are all integers spanning fewer than 2^32 values
 * (counts, ids, years, integer data read from JSON or CSV), or null when it is not one. The scan
 * stops at the first value that rules it out, so on real fractional data it costs nothing.
 */
function integerRank(
  values: Float64Array,
  n: number,
  validity: Uint8Array | null,
): { rank: Uint32Array; range: number } | null {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    if (validity !== null && ((validity[i >> 3] >> (i & 7)) & 1) === 0) continue;
    const v = values[i];
    // Fails for fractions, NaN and infinities.
    if (v !== Math.floor(v) || v - v !== 0) return null;
    if (v < min) min = v;
    if (v > max) max = v;
    if (max - min >= TWO_32 - 1) return null;
  }
  const rank = new Uint32Array(n);
  if (validity === null) for (let i = 0; i < n; i++) rank[i] = values[i] - min;
  else for (let i = 0; i < n; i++) if (((validity[i >> 3] >> (i & 7)) & 1) !== 0) rank[i] = values[i] - min;
  return { rank, range: max - min + 1 };
}

function float64Fields(
  values: Float64Array,
  n: number,
  validity: Uint8Array | null,
  descending: boolean,
  nullsFirst: boolean,
): Field[] {
  const words = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  const flip = descending ? 0xffffffff : 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    let h: number;
    let l: number;
    if (Number.isNaN(v)) {
      h = 0xfff80000; // every NaN: above +Infinity (0xfff00000 00000000 once flipped)
      l = 0;
    } else if (v === 0) {
      h = 0x80000000; // -0 and 0 are equal
      l = 0;
    } else {
      h = words[2 * i + HI];
      l = words[2 * i + LO];
      if (h & 0x80000000) {
        h = ~h;
        l = ~l;
      } else {
        h ^= 0x80000000;
      }
    }
    hi[i] = h ^ flip;
    lo[i] = l ^ flip;
  }
  if (validity !== null) {
    // No value maps to all-zero or all-one bits (see above), so those are free for nulls.
    const nullBits = nullsFirst ? 0 : 0xffffffff;
    for (let i = 0; i < n; i++) {
      if (((validity[i >> 3] >> (i & 7)) & 1) === 0) {
        hi[i] = nullBits;
        lo[i] = nullBits;
      }
    }
  }
  return [
    { data: hi, bits: 32 },
    { data: lo, bits: 32 },
  ];
}

function float32Fields(
  values: Float32Array,
  n: number,
  validity: Uint8Array | null,
  descending: boolean,
  nullsFirst: boolean,
): Field[] {
  const words = new Uint32Array(values.buffer, values.byteOffset, n);
  const out = new Uint32Array(n);
  const flip = descending ? 0xffffffff : 0;
  for (let i = 0; i < n; i++) {
    let w = words[i];
    const magnitude = w & 0x7fffffff;
    if (magnitude > 0x7f800000)
      w = 0xffc00000; // NaN
    else if (magnitude === 0)
      w = 0x80000000; // ±0
    else if (w & 0x80000000) w = ~w;
    else w ^= 0x80000000;
    out[i] = w ^ flip;
  }
  if (validity !== null) {
    const nullBits = nullsFirst ? 0 : 0xffffffff;
    for (let i = 0; i < n; i++) if (((validity[i >> 3] >> (i & 7)) & 1) === 0) out[i] = nullBits;
  }
  return [{ data: out, bits: 32 }];
}

function int64Fields(
  values: BigInt64Array,
  n: number,
  validity: Uint8Array | null,
  descending: boolean,
  nullsFirst: boolean,
): Field[] {
  // 32-bit halves: the low word (unsigned) and the high word (signed, in `s`).
  const u = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  const s = new Int32Array(values.buffer, values.byteOffset, 2 * n);
  let minHi = 0;
  let minLo = 0;
  let maxHi = 0;
  let maxLo = 0;
  let any = false;
  for (let i = 0; i < n; i++) {
    if (validity !== null && ((validity[i >> 3] >> (i & 7)) & 1) === 0) continue;
    const h = s[2 * i + HI];
    const l = u[2 * i + LO];
    if (!any || h < minHi || (h === minHi && l < minLo)) {
      minHi = h;
      minLo = l;
    }
    if (!any || h > maxHi || (h === maxHi && l > maxLo)) {
      maxHi = h;
      maxLo = l;
    }
    any = true;
  }
  const spanHi = maxHi - minHi;
  if (spanHi === 0 || (spanHi === 1 && maxLo < minLo)) {
    // max - min < 2^32: the low words' difference (mod 2^32) is the exact offset from min.
    const range = spanHi * TWO_32 + maxLo - minLo + 1;
    const rank = new Uint32Array(n);
    for (let i = 0; i < n; i++) rank[i] = u[2 * i + LO] - minLo;
    return rangeFields(rank, range, validity, descending, nullsFirst);
  }
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  const flip = descending ? 0xffffffff : 0;
  for (let i = 0; i < n; i++) {
    hi[i] = u[2 * i + HI] ^ 0x80000000 ^ flip;
    lo[i] = u[2 * i + LO] ^ flip;
  }
  if (validity === null)
    return [
      { data: hi, bits: 32 },
      { data: lo, bits: 32 },
    ];
  const flag = new Uint32Array(n);
  const nullFlag = nullsFirst ? 0 : 1;
  for (let i = 0; i < n; i++) {
    if (((validity[i >> 3] >> (i & 7)) & 1) === 0) {
      flag[i] = nullFlag;
      hi[i] = 0;
      lo[i] = 0;
    } else {
      flag[i] = 1 - nullFlag;
    }
  }
  return [
    { data: flag, bits: 1 },
    { data: hi, bits: 32 },
    { data: lo, bits: 32 },
  ];
}

/**
 * Pack fields (most significant first) into one bit string, cut into 32-bit words, most
 * significant first; the last word holds the remaining low bits. Fields that already fill their
 * words (a single field, the halves of a 64-bit key) are used as they are.
 */
function packFields(fields: Field[], n: number): Field[] {
  let total = 0;
  for (const f of fields) total += f.bits;
  if (total === 0) return [];
  const m = Math.ceil(total / 32);
  const lastBits = total - 32 * (m - 1);
  const wordBits = (q: number) => (q === m - 1 ? lastBits : 32);
  if (fields.length === m && fields.every((f, q) => f.bits === wordBits(q))) return fields;
  const words: Field[] = [];
  for (let q = 0; q < m; q++) words.push({ data: new Uint32Array(n), bits: wordBits(q) });
  let start = 0; // offset of the field's first bit, counted from the most significant bit
  for (const { data: v, bits } of fields) {
    const end = start + bits - 1;
    const q = end >> 5;
    const inWord = (end & 31) + 1; // bits of the field that land in word q
    const lsb = wordBits(q) - inWord;
    const w = words[q].data;
    if (inWord >= bits) {
      for (let i = 0; i < n; i++) w[i] |= v[i] << lsb;
    } else {
      // The field straddles words q - 1 (its high bits) and q (its low `inWord` bits).
      const hiWord = words[q - 1].data;
      const lowMask = (1 << inWord) - 1;
      for (let i = 0; i < n; i++) {
        w[i] |= (v[i] & lowMask) << lsb;
        hiWord[i] |= v[i] >>> inWord;
      }
    }
    start += bits;
  }
  return words;
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
  const out = new Int32Array(n);
  const m = words.length;
  if (n <= 1 || m === 0) {
    for (let i = 0; i < n; i++) out[i] = i;
    return out;
  }
  const stride = m + 1;
  const digitBits = digitBitsFor(n);
  const first = words[0].data;
  const passes = planPasses(first, 0, n, 1, 0, words[0].bits, digitBits);
  if (m === 1 && passes.length <= 1) {
    // One digit decides: write the order directly.
    if (passes.length === 0) for (let i = 0; i < n; i++) out[i] = i;
    else {
      const { shift, offsets } = passes[0];
      const mask = offsets.length - 1;
      for (let i = 0; i < n; i++) out[offsets[(first[i] >>> shift) & mask]++] = i;
    }
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
