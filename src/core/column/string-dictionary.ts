/**
 * Dictionary encoding of a string column straight from its UTF-8 bytes: rows are hashed and
 * compared as bytes in an open-addressing table (strings of up to 8 bytes as two words), so only
 * the distinct strings are ever decoded (to sort them). Much faster than a Map of decoded strings
 * on large columns with repeats.
 */
import { compareStrings } from './compare.js';

/** The sorted distinct strings of a string column and each row's code into them (-1 = null). */
export interface StringDictionary {
  codes: Int32Array;
  dictionary: string[];
}

const decoder = new TextDecoder();

/** The dictionary of `n` strings at `offsets` into `bytes` (validity: 1 = present; null: all present). */
export function buildStringDictionary(
  bytes: Uint8Array,
  offsets: Int32Array,
  validity: Uint8Array | null,
  n: number,
): StringDictionary {
  const codes = new Int32Array(n);
  let bits = 12;
  let slots: Int32Array = new Int32Array(1 << bits); // entry + 1, 0 = empty
  const entry = new EntryTable();
  for (let i = 0; i < n; i++) {
    if (validity !== null && ((validity[i >> 3] >> (i & 7)) & 1) === 0) {
      codes[i] = -1;
      continue;
    }
    const o = offsets[i];
    const e = offsets[i + 1];
    const length = e - o;
    // Up to 8 bytes (most labels and categories) are two words, compared as such; longer
    // strings are hashed (FNV-1a) and compared byte by byte.
    let lo = 0;
    let hi = 0;
    let h: number;
    if (length <= SHORT) {
      for (let p = 0; p < length; p++) {
        const b = bytes[o + p];
        if (p < 4) lo |= b << (8 * p);
        else hi |= b << (8 * (p - 4));
      }
      h = Math.imul(lo ^ Math.imul(length, 0x9e3779b1), 0x85ebca6b) ^ Math.imul(hi, 0xc2b2ae35);
      h ^= h >>> 15;
    } else {
      h = 0x811c9dc5;
      for (let p = o; p < e; p++) h = Math.imul(h ^ bytes[p], 0x01000193);
    }
    const mask = slots.length - 1;
    let s = (h ^ (h >>> bits)) & mask;
    let code = -1;
    for (;;) {
      const slot = slots[s];
      if (slot === 0) break;
      const c = slot - 1;
      if (
        entry.hashes[c] === h &&
        entry.lengths[c] === length &&
        (length <= SHORT
          ? entry.lo[c] === lo && entry.hi[c] === hi
          : sameBytes(bytes, offsets, entry.firstRow[c], o, e))
      ) {
        code = c;
        break;
      }
      s = (s + 1) & mask;
    }
    if (code < 0) {
      code = entry.add(i, h, length, lo, hi);
      slots[s] = code + 1;
      if (2 * entry.count > slots.length) {
        bits++;
        slots = rehash(entry.hashes, entry.count, bits);
      }
    }
    codes[i] = code;
  }
  const entries = entry.count;
  const firstRow = entry.firstRow;
  const unsorted: string[] = new Array(entries);
  for (let c = 0; c < entries; c++) {
    const r = firstRow[c];
    unsorted[c] = decoder.decode(bytes.subarray(offsets[r], offsets[r + 1]));
  }
  const order = unsorted.map((_, k) => k).sort((a, b) => compareStrings(unsorted[a], unsorted[b]));
  // Invalid UTF-8 decodes to U+FFFD, so different bytes can give one string: equal strings share a code.
  const rank = new Int32Array(entries);
  const dictionary: string[] = [];
  for (const k of order) {
    if (dictionary.length === 0 || dictionary[dictionary.length - 1] !== unsorted[k])
      dictionary.push(unsorted[k]);
    rank[k] = dictionary.length - 1;
  }
  // Values first met in sorted order (often so for few values) keep their codes.
  let renamed = false;
  for (let c = 0; c < entries; c++) if (rank[c] !== c) renamed = true;
  if (renamed) for (let i = 0; i < n; i++) if (codes[i] >= 0) codes[i] = rank[codes[i]];
  return { codes, dictionary };
}

/** Whether row `row`'s bytes equal bytes [o, e). */
function sameBytes(bytes: Uint8Array, offsets: Int32Array, row: number, o: number, e: number): boolean {
  const a = offsets[row];
  if (offsets[row + 1] - a !== e - o) return false;
  for (let k = 0; k < e - o; k++) if (bytes[a + k] !== bytes[o + k]) return false;
  return true;
}

/** Longest string compared as two words. */
const SHORT = 8;

/** Per distinct string: a row holding it, its hash and length, and (up to 8 bytes) its bytes as two words. */
class EntryTable {
  firstRow: Int32Array = new Int32Array(1024);
  hashes: Int32Array = new Int32Array(1024);
  lengths: Int32Array = new Int32Array(1024);
  lo: Int32Array = new Int32Array(1024);
  hi: Int32Array = new Int32Array(1024);
  count = 0;

  add(row: number, hash: number, length: number, lo: number, hi: number): number {
    if (this.count === this.firstRow.length) {
      this.firstRow = grow(this.firstRow);
      this.hashes = grow(this.hashes);
      this.lengths = grow(this.lengths);
      this.lo = grow(this.lo);
      this.hi = grow(this.hi);
    }
    const c = this.count++;
    this.firstRow[c] = row;
    this.hashes[c] = hash;
    this.lengths[c] = length;
    this.lo[c] = lo;
    this.hi[c] = hi;
    return c;
  }
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** A table of 2^bits slots holding entries 0..entries-1 by their hashes. */
function rehash(hashes: Int32Array, entries: number, bits: number): Int32Array {
  const slots = new Int32Array(1 << bits);
  const mask = slots.length - 1;
  for (let c = 0; c < entries; c++) {
    const h = hashes[c];
    let s = (h ^ (h >>> bits)) & mask;
    while (slots[s] !== 0) s = (s + 1) & mask;
    slots[s] = c + 1;
  }
  return slots;
}
