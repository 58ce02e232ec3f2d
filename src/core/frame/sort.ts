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
 * placement does not depend on the direction. Fields are packed, most significant first, into as few
 * 32-bit words as they fit, and the words are sorted by a least-significant-digit radix sort
 * (digits of at most 11 bits, digits that are the same for every row skipped), which is stable, so
 * ties keep the frame's order. Time is linear in the rows: about 6 passes for a float64 key.
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
    const descending = checkDescending(key.descending, `key "${key.column}": descending`) ?? defaultDescending;
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
      return rangeFields(new Uint32Array(codes.buffer, codes.byteOffset, n).slice(), dictionary.length, validity, descending, nullsFirst);
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
  else
    for (let i = 0; i < n; i++)
      if (((validity[i >> 3] >> (i & 7)) & 1) !== 0) rank[i] = values[i] - min;
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
    if (v !== v) {
      h = 0xfff80000; // every NaN: above +Infinity (0xfff00000 00000000 once flipped)
      l = 0;
    } else if (v === 0) {
      h = 0x80000000; // -0 and 0 are equal
      l = 0;
    } else {
      h = words[2 * i + 1];
      l = words[2 * i];
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
    if (magnitude > 0x7f800000) w = 0xffc00000; // NaN
    else if (magnitude === 0) w = 0x80000000; // ±0
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
  // Little-endian halves: the low word (unsigned) at 2i, the high word (signed) at 2i + 1.
  const u = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  const s = new Int32Array(values.buffer, values.byteOffset, 2 * n);
  let minHi = 0;
  let minLo = 0;
  let maxHi = 0;
  let maxLo = 0;
  let any = false;
  for (let i = 0; i < n; i++) {
    if (validity !== null && ((validity[i >> 3] >> (i & 7)) & 1) === 0) continue;
    const h = s[2 * i + 1];
    const l = u[2 * i];
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
    for (let i = 0; i < n; i++) rank[i] = u[2 * i] - minLo;
    return rangeFields(rank, range, validity, descending, nullsFirst);
  }
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  const flip = descending ? 0xffffffff : 0;
  for (let i = 0; i < n; i++) {
    hi[i] = (u[2 * i + 1] ^ 0x80000000) ^ flip;
    lo[i] = u[2 * i] ^ flip;
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

/** Pack fields (most significant first) into as few 32-bit words as they fit in. */
function packFields(fields: Field[], n: number): Field[] {
  const words: Field[] = [];
  for (const f of fields) {
    const last = words[words.length - 1];
    if (last !== undefined && last.bits + f.bits <= 32) {
      const a = last.data;
      const b = f.data;
      const shift = f.bits;
      for (let i = 0; i < n; i++) a[i] = (a[i] << shift) | b[i];
      last.bits += shift;
    } else {
      words.push({ data: f.data, bits: f.bits });
    }
  }
  return words;
}

// ---- radix sort ----

const MAX_DIGIT_BITS = 11;

/**
 * Stable LSD radix sort of the rows by the words (most significant first); returns the order.
 * Each word is gathered into the current order once, then sorted by its digits, least significant
 * first, moving (key, row) pairs; digits equal in every row are skipped.
 */
function radixSort(words: Field[], n: number): Int32Array {
  let order: Int32Array | null = null; // null: rows in their own order
  let orderSpare: Int32Array | null = null;
  let keyA: Uint32Array | null = null;
  let keyB: Uint32Array | null = null;
  for (let w = words.length - 1; w >= 0; w--) {
    const { data, bits } = words[w];
    const passes = Math.ceil(bits / MAX_DIGIT_BITS);
    const digitBits = Math.ceil(bits / passes);
    const size = 1 << digitBits;
    const mask = size - 1;

    let key: Uint32Array;
    if (order === null) {
      key = data;
    } else {
      keyA ??= new Uint32Array(n);
      for (let i = 0; i < n; i++) keyA[i] = data[order[i]];
      key = keyA;
    }

    // All digit histograms in one read.
    const hist = new Int32Array(passes * size);
    if (passes === 1) {
      for (let i = 0; i < n; i++) hist[key[i] & mask]++;
    } else if (passes === 2) {
      for (let i = 0; i < n; i++) {
        const k = key[i];
        hist[k & mask]++;
        hist[size + ((k >>> digitBits) & mask)]++;
      }
    } else {
      const shift2 = 2 * digitBits;
      const base2 = 2 * size;
      for (let i = 0; i < n; i++) {
        const k = key[i];
        hist[k & mask]++;
        hist[size + ((k >>> digitBits) & mask)]++;
        hist[base2 + ((k >>> shift2) & mask)]++;
      }
    }
    const todo: number[] = [];
    for (let p = 0; p < passes; p++) {
      const first = (key[0] >>> (p * digitBits)) & mask;
      if (hist[p * size + first] !== n) todo.push(p);
    }

    for (let t = 0; t < todo.length; t++) {
      const p = todo[t];
      const shift = p * digitBits;
      // Exclusive prefix sums: where each digit's rows start.
      const offsets = hist.subarray(p * size, (p + 1) * size);
      let sum = 0;
      for (let d = 0; d < size; d++) {
        const c = offsets[d];
        offsets[d] = sum;
        sum += c;
      }
      const carryKeys = t < todo.length - 1;
      const orderOut: Int32Array = order !== null && orderSpare !== null ? orderSpare : new Int32Array(n);
      if (carryKeys) {
        const keyOut: Uint32Array = key === keyB ? (keyA ??= new Uint32Array(n)) : (keyB ??= new Uint32Array(n));
        if (order === null) {
          for (let i = 0; i < n; i++) {
            const k = key[i];
            const pos = offsets[(k >>> shift) & mask]++;
            keyOut[pos] = k;
            orderOut[pos] = i;
          }
        } else {
          for (let i = 0; i < n; i++) {
            const k = key[i];
            const pos = offsets[(k >>> shift) & mask]++;
            keyOut[pos] = k;
            orderOut[pos] = order[i];
          }
        }
        key = keyOut;
      } else if (order === null) {
        for (let i = 0; i < n; i++) orderOut[offsets[(key[i] >>> shift) & mask]++] = i;
      } else {
        for (let i = 0; i < n; i++) orderOut[offsets[(key[i] >>> shift) & mask]++] = order[i];
      }
      orderSpare = order;
      order = orderOut;
    }
  }
  if (order !== null) return order;
  const identity = new Int32Array(n);
  for (let i = 0; i < n; i++) identity[i] = i;
  return identity;
}
