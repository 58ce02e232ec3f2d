/**
 * Dictionary encoding of a string column straight from its UTF-8 bytes: rows are hashed and
 * compared as bytes in an open-addressing table, so only the distinct strings are ever decoded
 * (to sort them). Much faster than a Map of decoded strings on large columns with repeats.
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
  let firstRow: Int32Array = new Int32Array(1024); // per entry: a row holding its string
  let hashes: Int32Array = new Int32Array(1024);
  let entries = 0;
  for (let i = 0; i < n; i++) {
    if (validity !== null && ((validity[i >> 3] >> (i & 7)) & 1) === 0) {
      codes[i] = -1;
      continue;
    }
    const o = offsets[i];
    const e = offsets[i + 1];
    // FNV-1a over the bytes.
    let h = 0x811c9dc5;
    for (let p = o; p < e; p++) h = Math.imul(h ^ bytes[p], 0x01000193);
    const mask = slots.length - 1;
    let s = (h ^ (h >>> bits)) & mask;
    let code = -1;
    for (;;) {
      const slot = slots[s];
      if (slot === 0) break;
      const entry = slot - 1;
      if (hashes[entry] === h && sameBytes(bytes, offsets, firstRow[entry], o, e)) {
        code = entry;
        break;
      }
      s = (s + 1) & mask;
    }
    if (code < 0) {
      code = entries++;
      if (code === firstRow.length) {
        firstRow = grow(firstRow);
        hashes = grow(hashes);
      }
      firstRow[code] = i;
      hashes[code] = h;
      slots[s] = code + 1;
      if (2 * entries > slots.length) {
        bits++;
        slots = rehash(hashes, entries, bits);
      }
    }
    codes[i] = code;
  }
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
  for (let i = 0; i < n; i++) if (codes[i] >= 0) codes[i] = rank[codes[i]];
  return { codes, dictionary };
}

/** Whether row `row`'s bytes equal bytes [o, e). */
function sameBytes(bytes: Uint8Array, offsets: Int32Array, row: number, o: number, e: number): boolean {
  const a = offsets[row];
  if (offsets[row + 1] - a !== e - o) return false;
  for (let k = 0; k < e - o; k++) if (bytes[a + k] !== bytes[o + k]) return false;
  return true;
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
