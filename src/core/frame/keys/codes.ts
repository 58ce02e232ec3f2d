import type { Column } from '../../column/column.js';
import { ScalarColumn } from '../../column/scalar.js';
import { formatType } from '../../column/types.js';
import { TypeMismatchError } from '../../errors.js';
import { mix } from './hash.js';
import {
  boolBytes,
  int64FitsFloat64,
  int64Numbers,
  type NumberArray,
  orderedFloatWords,
  orderedInt64Words,
} from './normalize.js';

// ---------------------------------------------------------------------------------------------
// Sorted dense codes: the building block of grouping, nunique and ordering of non-numeric values.
// ---------------------------------------------------------------------------------------------

/**
 * A column encoded as dense codes in sorted value order: equal values share a code, a smaller
 * value has a smaller code, and nulls (if any) have the largest code.
 */
export interface SortedCodes {
  /** Per row, its code in `[0, card)`. */
  codes: Int32Array;
  /** Number of distinct codes, the null code included. */
  card: number;
  /** The code of null rows, or -1 when no row is null. */
  nullCode: number;
}

/** Below this many slots (or twice the row count), a direct lookup table is used instead of a hash. */
const DIRECT_MIN = 1 << 16;

function directLimit(n: number): number {
  return Math.min(Math.max(2 * n, DIRECT_MIN), 1 << 28);
}

/**
 * Codes of a scalar column in sorted order (numbers ascending with NaN after every number and
 * -0 equal to 0; strings by code point; false before true; dates and times chronological).
 */
export function sortedCodes(col: Column, what = 'this operation'): SortedCodes {
  if (!(col instanceof ScalarColumn))
    throw new TypeMismatchError(
      `${what} needs a scalar column, not ${formatType(col.type)}; materialise or convert it first`,
    );
  const n = col.length;
  const validity = col.validity;
  switch (col.dtype) {
    case 'string': {
      const { codes: dictCodes, dictionary } = col.dictionary();
      if (col.nullCount === 0) return { codes: dictCodes, card: dictionary.length, nullCode: -1 };
      const codes = new Int32Array(n);
      const nullCode = dictionary.length;
      for (let i = 0; i < n; i++) codes[i] = dictCodes[i] < 0 ? nullCode : dictCodes[i];
      return { codes, card: nullCode + 1, nullCode };
    }
    case 'bool':
      return encodeNumbers(boolBytes(col), validity, n);
    case 'int64':
    case 'timestamp':
      return encodeInt64(col.values as BigInt64Array, validity, n);
    default:
      return encodeNumbers(col.values as Float64Array, validity, n);
  }
}

/** Sorted codes of numbers: a direct table for small-range integers, a hash on the bits otherwise. */
function encodeNumbers(vals: NumberArray, validity: Uint8Array | null, n: number): SortedCodes {
  const isInt = vals instanceof Int32Array || vals instanceof Uint8Array;
  const { min, max, allInt, nans, nulls } = isInt
    ? scanIntegers(vals, validity, n)
    : scanFloats(vals, validity, n);
  if (nans + nulls === n) {
    // No numbers at all: NaN (if any) is code 0, null after it.
    const codes = new Int32Array(n);
    const nullCode = nulls > 0 ? (nans > 0 ? 1 : 0) : -1;
    if (nulls > 0 && nans > 0)
      for (let i = 0; i < n; i++) codes[i] = ((validity![i >> 3] >> (i & 7)) & 1) === 0 ? 1 : 0;
    return { codes, card: (nans > 0 ? 1 : 0) + (nulls > 0 ? 1 : 0), nullCode };
  }
  const range = max - min + 1;
  if (allInt && range <= directLimit(n)) {
    if (vals instanceof Int32Array && min === 0 && nulls === 0) {
      // Keys 0..k-1 that all occur are their own codes: no copy.
      const seen = new Uint8Array(range);
      for (let i = 0; i < n; i++) seen[vals[i]] = 1;
      let d = 0;
      for (let j = 0; j < range; j++) d += seen[j];
      if (d === range)
        return { codes: vals.length === n ? vals : vals.subarray(0, n), card: d, nullCode: -1 };
    }
    return encodeSmallIntegers(vals, validity, n, min, range, nans, nulls);
  }
  return encodeFloatHash(vals, validity, n);
}

interface Scan {
  min: number;
  max: number;
  allInt: boolean;
  nans: number;
  nulls: number;
}

function scanIntegers(vals: Int32Array | Uint8Array, validity: Uint8Array | null, n: number): Scan {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let nulls = 0;
  if (validity === null) {
    for (let i = 0; i < n; i++) {
      const v = vals[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
  } else {
    for (let i = 0; i < n; i++) {
      if (((validity[i >> 3] >> (i & 7)) & 1) === 0) {
        nulls++;
        continue;
      }
      const v = vals[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return { min, max, allInt: true, nans: 0, nulls };
}

function scanFloats(vals: NumberArray, validity: Uint8Array | null, n: number): Scan {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let allInt = true;
  let nans = 0;
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (validity !== null && ((validity[i >> 3] >> (i & 7)) & 1) === 0) {
      nulls++;
      continue;
    }
    const v = vals[i];
    if (Number.isNaN(v)) {
      nans++;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    if ((v | 0) !== v) allInt = false;
  }
  return { min, max, allInt, nans, nulls };
}

function encodeSmallIntegers(
  vals: NumberArray,
  validity: Uint8Array | null,
  n: number,
  min: number,
  range: number,
  nans: number,
  nulls: number,
): SortedCodes {
  const codes = new Int32Array(n);
  const rank = new Int32Array(range);
  if (validity === null && nans === 0) {
    for (let i = 0; i < n; i++) {
      const off = vals[i] - min;
      codes[i] = off;
      rank[off] = 1;
    }
  } else {
    for (let i = 0; i < n; i++) {
      if (validity !== null && ((validity[i >> 3] >> (i & 7)) & 1) === 0) {
        codes[i] = -1;
        continue;
      }
      const v = vals[i];
      if (Number.isNaN(v)) {
        codes[i] = -2;
        continue;
      }
      const off = v - min;
      codes[i] = off;
      rank[off] = 1;
    }
  }
  let d = 0;
  for (let j = 0; j < range; j++) if (rank[j] !== 0) rank[j] = d++;
  const nanCode = d;
  const nullCode = nulls > 0 ? d + (nans > 0 ? 1 : 0) : -1;
  const card = d + (nans > 0 ? 1 : 0) + (nulls > 0 ? 1 : 0);
  if (d === range) {
    // Every integer of the range occurs: offsets are already ranks.
    if (nans + nulls > 0)
      for (let i = 0; i < n; i++) if (codes[i] < 0) codes[i] = codes[i] === -2 ? nanCode : nullCode;
  } else {
    for (let i = 0; i < n; i++) {
      const c = codes[i];
      codes[i] = c >= 0 ? rank[c] : c === -2 ? nanCode : nullCode;
    }
  }
  return { codes, card, nullCode };
}

/** Numbers by a hash on their ordered words: -0 is 0, NaN gets the code after every number, null the last. */
function encodeFloatHash(vals: NumberArray, validity: Uint8Array | null, n: number): SortedCodes {
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  orderedFloatWords(vals, n, hi, lo);
  return rankPairs(hi, lo, validity, n);
}

/** int64/timestamp: as float64 when every value is below 2^53, else a hash on the ordered 64 bits. */
function encodeInt64(vals: BigInt64Array, validity: Uint8Array | null, n: number): SortedCodes {
  if (int64FitsFloat64(vals, validity, n)) return encodeNumbers(int64Numbers(vals, n), validity, n);
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  orderedInt64Words(vals, n, hi, lo);
  return rankPairs(hi, lo, validity, n);
}

/**
 * Dense codes of pairs `(a[i], b[i])` in unsigned lexicographic order (the ordered words of
 * `normalize.ts`), by open addressing on {@link mix}; rows that `validity` marks null get the last code.
 */
export function rankPairs(
  a: Uint32Array,
  b: Uint32Array,
  validity: Uint8Array | null,
  n: number,
): SortedCodes {
  const codes = new Int32Array(n);
  let cap = 1024;
  let mask = cap - 1;
  let slots = new Int32Array(cap).fill(-1);
  let ka = new Uint32Array(cap >> 1);
  let kb = new Uint32Array(cap >> 1);
  let k = 0;
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (validity !== null && ((validity[i >> 3] >> (i & 7)) & 1) === 0) {
      codes[i] = -1;
      nulls++;
      continue;
    }
    const x = a[i];
    const y = b[i];
    let h = mix(y, x) & mask;
    let s = slots[h];
    while (s >= 0 && (ka[s] !== x || kb[s] !== y)) {
      h = (h + 1) & mask;
      s = slots[h];
    }
    if (s < 0) {
      s = k++;
      slots[h] = s;
      if (s >= ka.length) {
        const ga = new Uint32Array(ka.length * 2);
        const gb = new Uint32Array(kb.length * 2);
        ga.set(ka);
        gb.set(kb);
        ka = ga;
        kb = gb;
      }
      ka[s] = x;
      kb[s] = y;
      if (k * 2 > cap) {
        cap *= 2;
        mask = cap - 1;
        slots = new Int32Array(cap).fill(-1);
        for (let j = 0; j < k; j++) {
          let hh = mix(kb[j], ka[j]) & mask;
          while (slots[hh] >= 0) hh = (hh + 1) & mask;
          slots[hh] = j;
        }
      }
    }
    codes[i] = s;
  }
  const order = new Int32Array(k);
  for (let j = 0; j < k; j++) order[j] = j;
  const fa = ka;
  const fb = kb;
  order.sort((p, q) => fa[p] - fa[q] || fb[p] - fb[q]);
  const rank = new Int32Array(k);
  for (let r = 0; r < k; r++) rank[order[r]] = r;
  const nullCode = nulls > 0 ? k : -1;
  for (let i = 0; i < n; i++) codes[i] = codes[i] >= 0 ? rank[codes[i]] : nullCode;
  return { codes, card: k + (nulls > 0 ? 1 : 0), nullCode };
}

/**
 * Dense codes of the pairs of two code arrays, in lexicographic order (`a` first). Uses a direct
 * table when `cardA × cardB` is small, a hash on the pairs otherwise.
 */
export function combineCodes(
  a: Int32Array,
  cardA: number,
  b: Int32Array,
  cardB: number,
  n: number,
): { codes: Int32Array; card: number } {
  const product = cardA * cardB;
  if (product <= directLimit(n)) {
    const codes = new Int32Array(n);
    const rank = new Int32Array(product);
    for (let i = 0; i < n; i++) {
      const c = a[i] * cardB + b[i];
      codes[i] = c;
      rank[c] = 1;
    }
    let d = 0;
    for (let j = 0; j < product; j++) if (rank[j] !== 0) rank[j] = d++;
    if (d < product) for (let i = 0; i < n; i++) codes[i] = rank[codes[i]];
    return { codes, card: d };
  }
  // Codes are non-negative, so their unsigned view orders like them.
  const { codes, card } = rankPairs(
    new Uint32Array(a.buffer, a.byteOffset, n),
    new Uint32Array(b.buffer, b.byteOffset, n),
    null,
    n,
  );
  return { codes, card };
}
