import type { ScalarColumn } from '../../column/scalar.js';

/*
 * The one normalisation of key values, shared by sort keys, group codes and join ids.
 *
 * A number becomes two unsigned 32-bit words, high word first, whose unsigned order is the order
 * of the values and whose equality is key equality: -0 is 0, every NaN (any payload or sign) is one
 * value above +Infinity, and int64 keeps all 64 bits. The all-zero and all-one word pairs are never
 * produced by a float, so a sort can give them to nulls. Nulls live in the validity bitmap.
 */

/** Numeric values as the typed arrays that columns store them in. */
export type NumberArray = Float64Array | Float32Array | Int32Array | Uint8Array;

/** Which 32-bit half of a 64-bit value comes first in memory (typed arrays use the platform's order). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
export const HI = LITTLE_ENDIAN ? 1 : 0;
export const LO = 1 - HI;

/** Flipping the sign bit turns signed 32-bit order into unsigned order. */
const SIGN = 0x80000000;
/** The high word of NaN: above +Infinity (0xfff00000 once ordered). */
const NAN_HI = 0xfff80000;
const TWO_32 = 4294967296;

/** Whether row `i` is valid (not null); a null bitmap means every row is. */
export function isValid(validity: Uint8Array | null, i: number): boolean {
  return validity === null || ((validity[i >> 3] >> (i & 7)) & 1) !== 0;
}

/** The values of a bool column as bytes 0/1. */
export function boolBytes(col: ScalarColumn): Uint8Array {
  const bits = col.values as Uint8Array;
  const out = new Uint8Array(col.length);
  for (let i = 0; i < out.length; i++) out[i] = (bits[i >> 3] >> (i & 7)) & 1;
  return out;
}

/** int64 values as float64 numbers (exact below 2^53 in magnitude). */
export function int64Numbers(values: BigInt64Array, n: number): Float64Array {
  const words = new Int32Array(values.buffer, values.byteOffset, 2 * n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = words[2 * i + HI] * TWO_32 + (words[2 * i + LO] >>> 0);
  return out;
}

/** Whether every valid int64 value is below 2^53 in magnitude, so a float64 holds it exactly. */
export function int64FitsFloat64(values: BigInt64Array, validity: Uint8Array | null, n: number): boolean {
  const words = new Int32Array(values.buffer, values.byteOffset, 2 * n);
  for (let i = 0; i < n; i++) {
    const h = words[2 * i + HI];
    if ((h < -(1 << 21) || h >= 1 << 21) && isValid(validity, i)) return false;
  }
  return true;
}

/** Ordered words of int64 values: the high word with its sign bit flipped, then the low word. */
export function orderedInt64Words(values: BigInt64Array, n: number, hi: Uint32Array, lo: Uint32Array): void {
  const words = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  for (let i = 0; i < n; i++) {
    hi[i] = words[2 * i + HI] ^ SIGN;
    lo[i] = words[2 * i + LO];
  }
}

/** The ordered high word of a safe integer (|v| < 2^53), as {@link orderedInt64Words} gives it. */
export function safeIntegerHi(v: number): number {
  return (Math.floor(v / TWO_32) ^ SIGN) >>> 0;
}

/** The low word of a safe integer (its value modulo 2^32). */
export function safeIntegerLo(v: number): number {
  return v >>> 0;
}

const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);

/**
 * Ordered words of numbers (any numeric array; float64 bits are read in place): the IEEE bits with
 * the sign flipped, negatives with every bit flipped, -0 as 0 and every NaN as one value.
 */
export function orderedFloatWords(values: NumberArray, n: number, hi: Uint32Array, lo: Uint32Array): void {
  if (values instanceof Float64Array) {
    orderedFloat64Words(new Uint32Array(values.buffer, values.byteOffset, 2 * n), n, hi, lo);
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = values[i];
    let h: number;
    let l: number;
    if (Number.isNaN(v)) {
      h = NAN_HI;
      l = 0;
    } else if (v === 0) {
      h = SIGN;
      l = 0;
    } else {
      scratch[0] = v;
      h = scratchWords[HI];
      l = scratchWords[LO];
      if (h & SIGN) {
        h = ~h;
        l = ~l;
      } else h ^= SIGN;
    }
    hi[i] = h;
    lo[i] = l;
  }
}

/** {@link orderedFloatWords} of float64 values given as their 32-bit halves: integer operations only. */
function orderedFloat64Words(bits: Uint32Array, n: number, hi: Uint32Array, lo: Uint32Array): void {
  for (let i = 0; i < n; i++) {
    let h = bits[2 * i + HI];
    let l = bits[2 * i + LO];
    const magnitude = h & 0x7fffffff;
    if (magnitude > 0x7ff00000 || (magnitude === 0x7ff00000 && l !== 0)) {
      h = NAN_HI; // every NaN, whatever its sign and payload
      l = 0;
    } else if ((magnitude | l) === 0) {
      h = SIGN; // -0 is 0
    } else if (h & SIGN) {
      h = ~h;
      l = ~l;
    } else h ^= SIGN;
    hi[i] = h;
    lo[i] = l;
  }
}

/** Back from {@link orderedFloat32Word}: the float32 bits of a word (NaN as one NaN, ±0 as 0). */
export function float32BitsOfOrderedWord(w: number): number {
  return w & SIGN ? (w ^ SIGN) >>> 0 : ~w >>> 0;
}

/**
 * The ordered word of float32 bits `w`: unsigned order is the values' order, the mapping of
 * {@link orderedFloatWords} in 32 bits (every NaN: 0xffc00000, ±0: 0x80000000).
 */
export function orderedFloat32Word(w: number): number {
  const magnitude = w & 0x7fffffff;
  if (magnitude > 0x7f800000) return 0xffc00000;
  if (magnitude === 0) return SIGN;
  return w & SIGN ? ~w >>> 0 : (w ^ SIGN) >>> 0;
}

/**
 * Ordered words ({@link orderedFloat32Word}) of `n` float32 values `values[offset + i * stride]`
 * (a column of a row-major matrix).
 */
export function orderedFloat32Words(
  values: Float32Array,
  n: number,
  out: Uint32Array,
  stride = 1,
  offset = 0,
): void {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let i = 0; i < n; i++) out[i] = orderedFloat32Word(words[offset + i * stride]);
}
