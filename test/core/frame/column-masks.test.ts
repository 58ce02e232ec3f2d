// The filter kernels (column-masks.ts) against a plain JS loop over the decoded cells: comparisons,
// contains (with and without case), in and is null, on data with nulls, NaN, -0, empty strings and
// unicode (accents, capitals whose lower case is not ASCII, CJK, astral characters).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareStrings } from '../../../src/core/column/compare.js';
import type { ScalarColumn } from '../../../src/core/column/scalar.js';
import {
  type CompareOp,
  compareMask,
  containsMask,
  inMask,
  maskRows,
  nullMask,
} from '../../../src/core/frame/column-masks.js';
import { column } from '../../../src/index.js';

const OPS: CompareOp[] = ['<', '<=', '>', '>=', '==', '!='];
const WORDS = [
  '',
  'a',
  'A',
  'ab',
  'Ab',
  'abc',
  'b',
  'É',
  'é',
  'Éa',
  'K',
  'İx',
  'ß',
  'ΣΑΣ',
  '日本',
  '😀',
  '\uffff',
  'zz',
];

function naiveCompare(c: number, op: CompareOp): boolean {
  return op === '<'
    ? c < 0
    : op === '<='
      ? c <= 0
      : op === '>'
        ? c > 0
        : op === '>='
          ? c >= 0
          : op === '=='
            ? c === 0
            : c !== 0;
}

/** JavaScript's own operators: the IEEE 754 reference. */
function jsCompare(v: number, x: number, op: CompareOp): boolean {
  return op === '<'
    ? v < x
    : op === '<='
      ? v <= x
      : op === '>'
        ? v > x
        : op === '>='
          ? v >= x
          : op === '=='
            ? v === x
            : v !== x;
}

/** Rows a plain loop selects: `pass(cell)` on the non-null cells. */
function naive<T>(cells: (T | null)[], pass: (v: T) => boolean): number[] {
  const out: number[] = [];
  cells.forEach((v, i) => {
    if (v !== null && pass(v)) out.push(i);
  });
  return out;
}

const rows = (mask: Uint8Array) => Array.from(maskRows(mask));
const word = fc.constantFrom(...WORDS);
const text = fc.array(word, { maxLength: 4 }).map((parts) => parts.join(''));

describe('column masks', () => {
  it('compare numbers as IEEE 754 (NaN, -0, nulls), vectorised and with validity', () => {
    const num = fc.oneof(fc.constantFrom(Number.NaN, -0, 0, 1, -1, Infinity), fc.double({ noNaN: false }));
    fc.assert(
      fc.property(
        fc.array(fc.option(num), { maxLength: 40 }),
        num,
        fc.constantFrom(...OPS),
        (cells, x, op) => {
          const col = column(cells, 'float64');
          const expected = naive(cells, (v) => jsCompare(v, x, op));
          expect(rows(compareMask(col, op, x, 'x'))).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('compare strings by code point on their bytes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(text), { maxLength: 40 }),
        text,
        fc.constantFrom(...OPS),
        (cells, x, op) => {
          const col = column(cells, 'string');
          expect(rows(compareMask(col, op, x, 's'))).toEqual(
            naive(cells, (v) => naiveCompare(compareStrings(v, x), op)),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('contains, with and without case, equals String.includes on the (lower-cased) cells', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(text), { maxLength: 40 }),
        text,
        fc.boolean(),
        (cells, needle, ignoreCase) => {
          const col = column(cells, 'string') as ScalarColumn;
          const lowered = needle.toLowerCase();
          const expected = naive(cells, (v) =>
            ignoreCase ? v.toLowerCase().includes(lowered) : v.includes(needle),
          );
          expect(rows(containsMask(col, needle, ignoreCase))).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('contains finds matches that straddle no row boundary and case variants of the first byte', () => {
    const cells = ['xa', 'bx', 'ab', null, 'AB', 'aab', 'Straße', 'ÉCOLE', 'école', 'KELVIN'];
    const col = column(cells, 'string') as ScalarColumn;
    expect(rows(containsMask(col, 'ab', false))).toEqual([2, 5]);
    expect(rows(containsMask(col, 'ab', true))).toEqual([2, 4, 5]);
    expect(rows(containsMask(col, 'école', true))).toEqual([7, 8]);
    expect(rows(containsMask(col, 'kelvin', true))).toEqual([9]);
    expect(rows(containsMask(col, '', false))).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9]);
  });

  it('in and is null equal a plain loop', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.constantFrom(Number.NaN, -0, 0, 1, 2, 3.5)), { maxLength: 40 }),
        fc.array(fc.constantFrom(Number.NaN, 0, 1, 3.5, 7), { maxLength: 12 }),
        fc.array(fc.option(text), { maxLength: 40 }),
        fc.array(text, { maxLength: 5 }),
        (nums, wantedNums, strs, wantedStrs) => {
          const n = column(nums, 'float64');
          expect(rows(inMask(n, wantedNums))).toEqual(naive(nums, (v) => new Set(wantedNums).has(v)));
          const s = column(strs, 'string');
          expect(rows(inMask(s, wantedStrs))).toEqual(naive(strs, (v) => wantedStrs.includes(v)));
          expect(rows(nullMask(s, true))).toEqual(strs.flatMap((v, i) => (v === null ? [i] : [])));
          expect(rows(nullMask(n, false))).toEqual(nums.flatMap((v, i) => (v === null ? [] : [i])));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('int32 columns compare and match with their typed array', () => {
    const cells = [3, null, -2, 0, 7, 3];
    const col = column(cells, 'int32');
    expect(rows(compareMask(col, '>=', 3, 'i'))).toEqual([0, 4, 5]);
    expect(rows(inMask(col, [3, -2, 'x']))).toEqual([0, 2, 5]);
  });
});
