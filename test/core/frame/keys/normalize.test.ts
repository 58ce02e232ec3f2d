import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  int64FitsFloat64,
  int64Numbers,
  orderedFloat32Words,
  orderedFloatWords,
  orderedInt64Words,
  safeIntegerHi,
  safeIntegerLo,
} from '../../../../src/core/frame/keys/normalize.js';

/** The documented order of numbers: -0 = 0, every NaN equal and above +Infinity. */
function compareNumbers(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number(Number.isNaN(a)) - Number(Number.isNaN(b));
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareWords(h1: number, l1: number, h2: number, l2: number): number {
  return Math.sign(h1 - h2 || l1 - l2);
}

const specialDoubles = [
  0,
  -0,
  Number.NaN,
  Infinity,
  -Infinity,
  Number.MIN_VALUE,
  -Number.MIN_VALUE,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  1,
  -1,
];

describe('ordered words: unsigned order and equality are the order and equality of the values', () => {
  it('float64 (float64 arrays read in place, other arrays through a scratch float)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double(), fc.constantFrom(...specialDoubles)), { minLength: 2, maxLength: 40 }),
        (values) => {
          const n = values.length;
          const inPlace = Float64Array.from(values);
          const hi = new Uint32Array(n);
          const lo = new Uint32Array(n);
          orderedFloatWords(inPlace, n, hi, lo);
          const f32 = Float32Array.from(values);
          const hi32 = new Uint32Array(n);
          const lo32 = new Uint32Array(n);
          orderedFloatWords(f32, n, hi32, lo32);
          const w32 = new Uint32Array(n);
          orderedFloat32Words(f32, n, w32);
          for (let i = 0; i < n; i++)
            for (let j = 0; j < n; j++) {
              expect(compareWords(hi[i], lo[i], hi[j], lo[j])).toBe(compareNumbers(values[i], values[j]));
              expect(compareWords(hi32[i], lo32[i], hi32[j], lo32[j])).toBe(compareNumbers(f32[i], f32[j]));
              expect(Math.sign(w32[i] - w32[j])).toBe(compareNumbers(f32[i], f32[j]));
            }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('leaves the all-zero and all-one patterns free (a sort gives them to nulls)', () => {
    const values = Float64Array.from(specialDoubles);
    const hi = new Uint32Array(values.length);
    const lo = new Uint32Array(values.length);
    orderedFloatWords(values, values.length, hi, lo);
    for (let i = 0; i < values.length; i++) {
      expect(hi[i] === 0 && lo[i] === 0).toBe(false);
      expect(hi[i] === 0xffffffff && lo[i] === 0xffffffff).toBe(false);
    }
  });

  it('int64 words order like the bigints; safe integers give the same words as their int64', () => {
    const arb = fc.oneof(
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      fc.constantFrom(-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n, 2n ** 53n, -(2n ** 53n), 2n ** 32n),
    );
    fc.assert(
      fc.property(fc.array(arb, { minLength: 2, maxLength: 30 }), (values) => {
        const n = values.length;
        const big = BigInt64Array.from(values);
        const hi = new Uint32Array(n);
        const lo = new Uint32Array(n);
        orderedInt64Words(big, n, hi, lo);
        const numbers = int64Numbers(big, n);
        for (let i = 0; i < n; i++) {
          expect(numbers[i]).toBe(Number(values[i]));
          const safe = values[i] >= -(2n ** 53n) && values[i] < 2n ** 53n;
          if (safe) {
            expect(safeIntegerHi(Number(values[i]))).toBe(hi[i]);
            expect(safeIntegerLo(Number(values[i]))).toBe(lo[i]);
          }
          for (let j = 0; j < n; j++) {
            const want = values[i] < values[j] ? -1 : values[i] > values[j] ? 1 : 0;
            expect(compareWords(hi[i], lo[i], hi[j], lo[j])).toBe(want);
          }
        }
        const allSafe = values.every((v) => v >= -(2n ** 53n) && v < 2n ** 53n);
        expect(int64FitsFloat64(big, null, n)).toBe(allSafe);
      }),
      { numRuns: 200 },
    );
  });
});

describe('orderedFloatWords of a Float64Array (integer operations on its halves)', () => {
  /** The words by the rule, from a DataView: NaN one value, -0 as 0, negatives flipped, positives' sign set. */
  function reference(x: number): [number, number] {
    if (Number.isNaN(x)) return [0xfff80000, 0];
    if (x === 0) return [0x80000000, 0];
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, x);
    const h = view.getUint32(0);
    const l = view.getUint32(4);
    return x < 0 ? [~h >>> 0, ~l >>> 0] : [(h ^ 0x80000000) >>> 0, l];
  }

  it('follows the rule, for NaN of any sign and payload too', () => {
    const special = new Float64Array(4);
    // NaNs (with payloads, negative) and -0, as raw halves (little-endian: low word first)
    new Uint32Array(special.buffer).set([1, 0x7ff00000, 0, 0xfff00001, 5, 0xfff80000, 0, 0x80000000]);
    fc.assert(
      fc.property(fc.array(fc.double(), { maxLength: 50 }), (xs) => {
        const values = Float64Array.from([...xs, ...special]);
        const n = values.length;
        const hi = new Uint32Array(n);
        const lo = new Uint32Array(n);
        orderedFloatWords(values, n, hi, lo);
        const want = Array.from(values, reference);
        expect(Array.from(hi)).toEqual(want.map((w) => w[0]));
        expect(Array.from(lo)).toEqual(want.map((w) => w[1]));
      }),
      { numRuns: 200 },
    );
  });
});
