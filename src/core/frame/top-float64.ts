/**
 * The first k rows of a sort by one float64 column, straight from its values: each row's two
 * ordered words (keys/normalize.ts) are made as the pass reaches it and tested against the worst of
 * the best k so far, on the high word alone for most rows, so no key words of the whole column are
 * written first. The rows and their order are those of the full sort (`sortIndices`, by the words
 * `sortKeyWords` gives): -0 equal to 0, every NaN one value above +Infinity, descending reversing
 * the values, nulls first or last in either direction, ties by position.
 */
import { HI, isValid, LO } from './keys/normalize.js';

const SIGN = 0x80000000;
/** The ordered high word of NaN (normalize.ts: above +Infinity). */
const NAN_HI = 0xfff80000;

/** How {@link topFloat64} orders. */
export interface TopFloat64Options {
  descending: boolean;
  nullsFirst: boolean;
  /** Only these rows (increasing); the result are positions into them. */
  rows?: Int32Array | null;
}

/**
 * The first `k` positions of the stable order of `values` (at most `n` of them; nulls where
 * `validity` says) under `options` (see the file's comment).
 */
export function topFloat64(
  values: Float64Array,
  n: number,
  validity: Uint8Array | null,
  k: number,
  options: TopFloat64Options,
): Int32Array {
  const rows = options.rows ?? null;
  const count = rows === null ? n : rows.length;
  const m = Math.max(0, Math.min(k, count));
  const bits = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  const signedBits = new Int32Array(values.buffer, values.byteOffset, 2 * n);
  // Descending flips both words; nulls then get the all-zero or all-one pair, which no float has.
  const flip = options.descending ? -1 : 0;
  const nullsFirst = options.nullsFirst && validity !== null;
  const nullWord = options.nullsFirst ? 0 : 0xffffffff;
  // A max-heap of the best m rows so far by (high word, low word, position): the root is the worst.
  const hi = new Uint32Array(m);
  const lo = new Uint32Array(m);
  const at = new Int32Array(m);
  let size = 0;
  /** Whether heap entry a comes after entry b in the order. */
  const after = (a: number, b: number) =>
    hi[a] !== hi[b] ? hi[a] > hi[b] : lo[a] !== lo[b] ? lo[a] > lo[b] : at[a] > at[b];
  const swap = (a: number, b: number) => {
    const h = hi[a];
    const l = lo[a];
    const p = at[a];
    hi[a] = hi[b];
    lo[a] = lo[b];
    at[a] = at[b];
    hi[b] = h;
    lo[b] = l;
    at[b] = p;
  };
  const siftDown = (end: number) => {
    let p = 0;
    for (;;) {
      const l = 2 * p + 1;
      if (l >= end) return;
      const worst = l + 1 < end && after(l + 1, l) ? l + 1 : l;
      if (!after(worst, p)) return;
      swap(p, worst);
      p = worst;
    }
  };
  /** The worst kept row's high word, sign bit flipped, once m rows are kept (before: none turned away). */
  let signedBound = 0x7fffffff;
  if (m > 0)
    for (let p = 0; p < count; p++) {
      const i = rows === null ? p : rows[p];
      // Most rows lose on the high word alone, compared as a signed 32-bit integer (its ordered
      // form with the sign bit flipped: negatives flip every other bit; no branch on the sign).
      // That is the exact word but for NaN, which the exact path below takes, and -0, whose word
      // here is one off 0's: past the bound only where it would tie the worst kept on the high
      // word and lose on the low one. A null row past the bound is past it with its null word
      // too, unless nulls come first.
      const s = signedBits[2 * i + HI];
      if (
        (s ^ ((s >> 31) & 0x7fffffff) ^ flip) > signedBound &&
        (s & 0x7fffffff) < 0x7ff00000 &&
        !(nullsFirst && !isValid(validity, i))
      )
        continue;
      let h = bits[2 * i + HI];
      let l: number;
      if (!isValid(validity, i)) {
        h = nullWord;
        l = nullWord;
      } else {
        l = bits[2 * i + LO];
        const magnitude = h & 0x7fffffff;
        if (magnitude >= 0x7ff00000 && (magnitude > 0x7ff00000 || l !== 0)) {
          h = NAN_HI; // every NaN, whatever its sign and payload
          l = 0;
        } else if ((magnitude | l) === 0) {
          h = SIGN; // -0 is 0
        } else {
          // Negatives flip every bit, positives the sign (without a branch on the sign).
          const negative = h >> 31;
          h = h ^ (negative | SIGN);
          l ^= negative;
        }
        h = (h ^ flip) >>> 0;
        l = (l ^ flip) >>> 0;
      }
      if (size === m) {
        // Most rows lose to the worst kept on the high word; an equal pair loses by its later position.
        if (h > hi[0] || (h === hi[0] && l >= lo[0])) continue;
        hi[0] = h;
        lo[0] = l;
        at[0] = p;
        siftDown(m);
        signedBound = hi[0] ^ SIGN;
        continue;
      }
      hi[size] = h;
      lo[size] = l;
      at[size] = p;
      for (let c = size++; c > 0; ) {
        const parent = (c - 1) >> 1;
        if (!after(c, parent)) break;
        swap(c, parent);
        c = parent;
      }
      if (size === m) signedBound = hi[0] ^ SIGN;
    }
  // Popping the root repeatedly gives the rows worst first.
  const out = new Int32Array(m);
  for (let end = m - 1; end >= 0; end--) {
    out[end] = at[0];
    swap(0, end);
    siftDown(end);
  }
  return out;
}
