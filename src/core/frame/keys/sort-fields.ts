import type { ScalarColumn } from '../../column/scalar.js';
import {
  boolBytes,
  HI,
  isValid,
  LO,
  orderedFloat32Words,
  orderedFloatWords,
  orderedInt64Words,
} from './normalize.js';

/*
 * Sort keys: each key column becomes one or more unsigned integer "fields" whose unsigned order is
 * the wanted order of the rows (direction and null placement included):
 *
 * - small-range keys (strings via their sorted dictionary codes, booleans, int32/uint8/date, int64
 *   and integer-valued floats whose max - min < 2^32) become `value - min`, using only as many bits
 *   as the range needs, with one extra value for null;
 * - float64/float32 become their ordered words (see `normalize.ts`: -0 is 0, NaN above +Infinity);
 *   the all-zero and all-one patterns stay free, and nulls take one of them;
 * - full-range int64 become their two ordered words, plus a one-bit null field where there are nulls.
 *
 * Descending flips the value (`range - 1 - v`, or `~v`); nulls are placed after that, so their
 * placement does not depend on the direction. `packFields` then packs the fields of all keys, most
 * significant first, into one bit string cut into 32-bit words, which the radix sort orders.
 */

/** Unsigned integers whose order is the row order; values are below 2^bits (1 <= bits <= 32). */
export interface Field {
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

/** The fields of one sort key (none when every row ties). */
export function sortFields(col: ScalarColumn, descending: boolean, nullsFirst: boolean): Field[] {
  const n = col.length;
  const validity = col.nullCount > 0 ? col.validity : null;
  if (col.nullCount === n) return []; // all null: every row ties
  switch (col.dtype) {
    case 'float64': {
      const small = integerRank(col.values as Float64Array, n, validity);
      if (small) return rangeFields(small.rank, small.range, validity, descending, nullsFirst);
      return float64Fields(col.values as Float64Array, n, validity, descending, nullsFirst);
    }
    case 'float32': {
      const words = new Uint32Array(n);
      orderedFloat32Words(col.values as Float32Array, n, words);
      return wordFields([words], validity, descending, nullsFirst);
    }
    case 'int32':
    case 'date':
    case 'uint8': {
      const { rank, range } = intRank(col.values as Int32Array | Uint8Array, n, validity);
      return rangeFields(rank, range, validity, descending, nullsFirst);
    }
    case 'int64':
    case 'timestamp':
      return int64Fields(col.values as BigInt64Array, n, validity, descending, nullsFirst);
    case 'bool':
      return rangeFields(Uint32Array.from(boolBytes(col)), 2, validity, descending, nullsFirst);
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

/** The fields of plain float64 values (nulls where `validity` says). */
export function float64Fields(
  values: Float64Array,
  n: number,
  validity: Uint8Array | null,
  descending: boolean,
  nullsFirst: boolean,
): Field[] {
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  orderedFloatWords(values, n, hi, lo);
  return wordFields([hi, lo], validity, descending, nullsFirst);
}

/**
 * 32-bit fields from ordered float words, with direction applied and nulls given the all-zero
 * (first) or all-one (last) pattern, which no float has.
 */
function wordFields(
  words: Uint32Array[],
  validity: Uint8Array | null,
  descending: boolean,
  nullsFirst: boolean,
): Field[] {
  const nullBits = nullsFirst ? 0 : 0xffffffff;
  for (const w of words) {
    if (descending) for (let i = 0; i < w.length; i++) w[i] = ~w[i];
    if (validity !== null) for (let i = 0; i < w.length; i++) if (!isValid(validity, i)) w[i] = nullBits;
  }
  return words.map((data) => ({ data, bits: 32 }));
}

/**
 * A one-bit field that puts null rows first or last, for keys that use every 32-bit value; the
 * `cleared` fields are set to 0 at null rows, so nulls tie among themselves.
 */
function nullFlagField(validity: Uint8Array, n: number, nullsFirst: boolean, cleared: Uint32Array[]): Field {
  const flag = new Uint32Array(n);
  const nullFlag = nullsFirst ? 0 : 1;
  for (let i = 0; i < n; i++) {
    if (isValid(validity, i)) flag[i] = 1 - nullFlag;
    else {
      flag[i] = nullFlag;
      for (const c of cleared) c[i] = 0;
    }
  }
  return { data: flag, bits: 1 };
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
  if (validity === null || range >= TWO_32) {
    if (descending) for (let i = 0; i < n; i++) rank[i] = top - rank[i];
    const bits = bitsFor(range);
    if (validity === null) return bits === 0 ? [] : [{ data: rank, bits }];
    // Every 32-bit value is used: a separate one-bit null field goes first.
    return [nullFlagField(validity, n, nullsFirst, [rank]), { data: rank, bits }];
  }
  // One more value for null: 0 when nulls go first (values shift up by one), `range` when last.
  const nullValue = nullsFirst ? 0 : range;
  const shift = nullsFirst ? 1 : 0;
  for (let i = 0; i < n; i++) {
    if (!isValid(validity, i)) rank[i] = nullValue;
    else rank[i] = (descending ? top - rank[i] : rank[i]) + shift;
  }
  return [{ data: rank, bits: bitsFor(range + 1) }];
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
    if (!isValid(validity, i)) continue;
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
    if (!isValid(validity, i)) continue;
    const v = values[i];
    // Fails for fractions, NaN and infinities.
    if (v !== Math.floor(v) || v - v !== 0) return null;
    if (v < min) min = v;
    if (v > max) max = v;
    if (max - min >= TWO_32 - 1) return null;
  }
  const rank = new Uint32Array(n);
  for (let i = 0; i < n; i++) if (isValid(validity, i)) rank[i] = values[i] - min;
  return { rank, range: max - min + 1 };
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
    if (!isValid(validity, i)) continue;
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
  orderedInt64Words(values, n, hi, lo);
  if (descending)
    for (let i = 0; i < n; i++) {
      hi[i] = ~hi[i];
      lo[i] = ~lo[i];
    }
  const words: Field[] = [
    { data: hi, bits: 32 },
    { data: lo, bits: 32 },
  ];
  return validity === null ? words : [nullFlagField(validity, n, nullsFirst, [hi, lo]), ...words];
}

/**
 * Pack fields (most significant first) into one bit string, cut into 32-bit words, most
 * significant first; the last word holds the remaining low bits. Fields that already fill their
 * words (a single field, the halves of a 64-bit key) are used as they are.
 */
export function packFields(fields: Field[], n: number): Field[] {
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
