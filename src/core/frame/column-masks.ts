/**
 * Masks of the rows of one column that pass a test (1 = passes), computed in one tight loop over
 * the column's buffers wherever the column allows: numbers over their typed array, strings over
 * their UTF-8 bytes (code-point order is UTF-8 byte order, so no row is decoded to compare it).
 * Other columns (dates, int64, booleans, objects) go through one call per row. Nulls never pass.
 * These are the filters' kernels: `filterCompare` and the app's filter conditions use them.
 */
import type { Column } from '../column/column.js';
import { compareStrings } from '../column/compare.js';
import { NUMBER_DTYPES, ScalarColumn } from '../column/scalar.js';
import { InvalidArgumentError, TypeMismatchError } from '../errors.js';

/** Comparison operators of `filter(column, op, value)`. */
export type CompareOp = '>' | '>=' | '<' | '<=' | '==' | '!=';

export const COMPARE_OPS: ReadonlySet<string> = new Set(['>', '>=', '<', '<=', '==', '!=']);

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/**
 * Rows where `cell op value` holds. Numbers compare as in IEEE 754 (NaN passes only `!=`),
 * strings by code point, dates and timestamps by time. `name` is the column's name, for errors.
 */
export function compareMask(col: Column, op: CompareOp, value: unknown, name: string): Uint8Array {
  if (!COMPARE_OPS.has(op))
    throw new InvalidArgumentError(`unknown comparison "${op}"; use one of ${[...COMPARE_OPS].join(' ')}`);
  if (col instanceof ScalarColumn) {
    if (NUMBER_DTYPES.has(col.dtype)) {
      if (typeof value === 'number') return compareNumbers(col, op, value);
      if (col.validity === null)
        throw new TypeMismatchError(
          `column "${name}" is ${col.dtype}; compare it with a number, not ${typeof value}`,
        );
    }
    if (col.dtype === 'string' && typeof value === 'string') return compareUtf8(col, op, value);
  }
  const order = orderAgainst(value, name);
  const pass = passOf(op);
  return maskOf(col, (v) => {
    const c = order(v);
    return Number.isNaN(c) ? op === '!=' : pass(c);
  });
}

/**
 * Rows of a string column that contain `needle` (`ignoreCase`: compared lower-cased, as
 * `cell.toLowerCase().includes(needle.toLowerCase())`). The bytes are searched with the native
 * `indexOf` for the needle's first byte; only rows with characters whose lower case is not their
 * own ASCII-folded bytes (Latin-1 capitals, Greek, Cyrillic, ...) are decoded, when ignoring case.
 */
export function containsMask(col: ScalarColumn, needle: string, ignoreCase: boolean): Uint8Array {
  if (col.dtype !== 'string')
    throw new TypeMismatchError(`"contains" needs a string column, not ${col.dtype}`);
  const lowered = ignoreCase ? needle.toLowerCase() : needle;
  const pattern = utf8.encode(lowered);
  const n = col.length;
  const mask = new Uint8Array(n);
  if (pattern.length === 0) return clearNulls(col, mask.fill(1));
  const bytes = col.values as Uint8Array;
  const offsets = col.offsets!;
  const fold = ignoreCase ? ASCII_LOWER : IDENTITY;
  const m = pattern.length;
  const first = pattern[0];
  // Both cases of the first byte start a match when case is ignored.
  const other = ignoreCase && first >= 97 && first <= 122 ? first - 32 : first;
  const end = offsets[n];
  // Where `byte` next occurs from `from` (past the end: none).
  const next = (byte: number, from: number) => {
    const at = bytes.indexOf(byte, from);
    return at < 0 || at >= end ? end : at;
  };
  let nextA = next(first, offsets[0]);
  let nextB = other === first ? end : next(other, offsets[0]);
  let r = 0;
  for (;;) {
    const p = Math.min(nextA, nextB);
    if (p >= end) break;
    while (offsets[r + 1] <= p) r++;
    const e = offsets[r + 1];
    let k = 1;
    if (e - p >= m) while (k < m && fold[bytes[p + k]] === pattern[k]) k++;
    // A match skips the rest of its row; a miss goes on from the next byte.
    const matched = k === m && e - p >= m;
    if (matched) mask[r] = 1;
    const from = matched ? e : p + 1;
    if (nextA < from) nextA = next(first, from);
    if (nextB < from) nextB = next(other, from);
  }
  if (ignoreCase)
    for (const i of casedRows(col))
      if (
        mask[i] === 0 &&
        utf8Decoder
          .decode(bytes.subarray(offsets[i], offsets[i + 1]))
          .toLowerCase()
          .includes(lowered)
      )
        mask[i] = 1;
  return clearNulls(col, mask);
}

/** Rows found by {@link casedRows}, per column. */
const casedRowsCache = new WeakMap<ScalarColumn, Int32Array>();

/**
 * Rows of a string column holding a character whose lower case may differ from its bytes folded
 * as ASCII: a conservative set by UTF-8 lead byte (see {@link CASED_LEAD}). Kept per column.
 */
function casedRows(col: ScalarColumn): Int32Array {
  const hit = casedRowsCache.get(col);
  if (hit !== undefined) return hit;
  const bytes = col.values as Uint8Array;
  const offsets = col.offsets!;
  const rows: number[] = [];
  const end = offsets[col.length];
  let r = 0;
  for (let p = offsets[0]; p < end; p++) {
    const b = bytes[p];
    if (b < 0xc3) continue;
    const kind = CASED_LEAD[b];
    // Lead byte C3 starts U+00C0..U+00FF: capitals only up to U+00DE (second byte 0x9E).
    if (kind === 0 || (kind === 2 && bytes[p + 1] > 0x9e)) continue;
    while (offsets[r + 1] <= p) r++;
    rows.push(r);
    p = offsets[r + 1] - 1;
  }
  const out = Int32Array.from(rows);
  casedRowsCache.set(col, out);
  return out;
}

/**
 * UTF-8 lead bytes of the blocks that have characters with a lower-case mapping (1; 2: check the
 * next byte): U+00C0–U+057F (C3–D5), U+1000–U+2FFF (E1, E2), U+A000–U+AFFF (EA), U+F000–U+FFFF
 * (EF, fullwidth Latin) and U+10000–U+3FFFF (F0: Deseret, Osage, Adlam, ...). CJK, Hangul,
 * Hebrew, Arabic and the Indic scripts have no case and are never decoded.
 */
const CASED_LEAD = Uint8Array.from({ length: 256 }, (_, b) =>
  b === 0xc3
    ? 2
    : (b > 0xc3 && b <= 0xd5) || b === 0xe1 || b === 0xe2 || b === 0xea || b === 0xef || b === 0xf0
      ? 1
      : 0,
);

/**
 * Rows whose value is one of `values` (numbers compare as numbers, NaN matching NaN; int64 cells
 * as numbers; dates by epoch milliseconds or ISO string).
 */
export function inMask(col: Column, values: readonly unknown[]): Uint8Array {
  if (col instanceof ScalarColumn && NUMBER_DTYPES.has(col.dtype)) {
    const wanted = values.filter((v): v is number => typeof v === 'number');
    const set = new Set(wanted);
    const data = col.values as Float64Array;
    const mask = new Uint8Array(col.length);
    if (wanted.length <= 8) {
      const nan = wanted.some(Number.isNaN);
      for (let i = 0; i < col.length; i++) {
        const x = data[i];
        let hit = nan && Number.isNaN(x);
        for (let k = 0; !hit && k < wanted.length; k++) hit = x === wanted[k];
        mask[i] = hit ? 1 : 0;
      }
    } else for (let i = 0; i < col.length; i++) mask[i] = set.has(data[i]) ? 1 : 0;
    return clearNulls(col, mask);
  }
  if (col instanceof ScalarColumn && col.dtype === 'string') {
    const strings = [...new Set(values.filter((v): v is string => typeof v === 'string'))];
    const mask = new Uint8Array(col.length);
    for (const s of strings) {
      const eq = compareUtf8(col, '==', s);
      for (let i = 0; i < mask.length; i++) mask[i] |= eq[i];
    }
    return mask;
  }
  const wanted = new Set(values);
  return maskOf(col, (v) => wanted.has(comparable(v)) || (v instanceof Date && wanted.has(v.toISOString())));
}

/** Rows whose value is null (`isNull` true) or is not (false). */
export function nullMask(col: Column, isNull: boolean): Uint8Array {
  const n = col.length;
  const mask = new Uint8Array(n);
  const want = isNull ? 1 : 0;
  if (col instanceof ScalarColumn) {
    const validity = col.nullCount === 0 ? null : col.validity;
    if (validity === null) return mask.fill(1 - want);
    for (let i = 0; i < n; i++) mask[i] = ((validity[i >> 3] >> (i & 7)) & 1) === want ? 0 : 1;
    return mask;
  }
  for (let i = 0; i < n; i++) mask[i] = col.isNull(i) === isNull ? 1 : 0;
  return mask;
}

/** Positions of the set entries of a mask, ascending. */
export function maskRows(mask: Uint8Array): Int32Array {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i];
  const out = new Int32Array(n);
  for (let i = 0, j = 0; j < n; i++) if (mask[i] !== 0) out[j++] = i;
  return out;
}

// ---- numbers ----

function compareNumbers(col: ScalarColumn, op: CompareOp, x: number): Uint8Array {
  const values = col.values as Float64Array;
  const n = col.length;
  const mask = new Uint8Array(n);
  // One loop per operator so the comparison is inlined, not called.
  switch (op) {
    case '>':
      for (let i = 0; i < n; i++) mask[i] = values[i] > x ? 1 : 0;
      break;
    case '>=':
      for (let i = 0; i < n; i++) mask[i] = values[i] >= x ? 1 : 0;
      break;
    case '<':
      for (let i = 0; i < n; i++) mask[i] = values[i] < x ? 1 : 0;
      break;
    case '<=':
      for (let i = 0; i < n; i++) mask[i] = values[i] <= x ? 1 : 0;
      break;
    case '==':
      for (let i = 0; i < n; i++) mask[i] = values[i] === x ? 1 : 0;
      break;
    case '!=':
      for (let i = 0; i < n; i++) mask[i] = values[i] !== x ? 1 : 0;
      break;
  }
  return clearNulls(col, mask);
}

// ---- strings, on their UTF-8 bytes ----

function compareUtf8(col: ScalarColumn, op: CompareOp, value: string): Uint8Array {
  const b = utf8.encode(value);
  const m = b.length;
  const bytes = col.values as Uint8Array;
  const offsets = col.offsets!;
  const n = col.length;
  const mask = new Uint8Array(n);
  if (op === '==' || op === '!=') {
    const equal = op === '==' ? 1 : 0;
    for (let i = 0; i < n; i++) {
      const o = offsets[i];
      let same = offsets[i + 1] - o === m;
      for (let k = 0; same && k < m; k++) same = bytes[o + k] === b[k];
      mask[i] = same ? equal : 1 - equal;
    }
    return clearNulls(col, mask);
  }
  const pass = passOf(op);
  for (let i = 0; i < n; i++) {
    const o = offsets[i];
    const len = offsets[i + 1] - o;
    const shorter = Math.min(len, m);
    let k = 0;
    while (k < shorter && bytes[o + k] === b[k]) k++;
    mask[i] = pass(k < shorter ? bytes[o + k] - b[k] : len - m) ? 1 : 0;
  }
  return clearNulls(col, mask);
}

/** Byte → its ASCII lower case (other bytes unchanged); and the identity. */
const ASCII_LOWER = Uint8Array.from({ length: 256 }, (_, b) => (b >= 65 && b <= 90 ? b + 32 : b));
const IDENTITY = Uint8Array.from({ length: 256 }, (_, b) => b);

// ---- shared ----

/** Zero the mask at null rows. */
function clearNulls(col: ScalarColumn, mask: Uint8Array): Uint8Array {
  const validity = col.nullCount === 0 ? null : col.validity;
  if (validity === null) return mask;
  for (let i = 0; i < mask.length; i++) if (((validity[i >> 3] >> (i & 7)) & 1) === 0) mask[i] = 0;
  return mask;
}

/** The generic path: `test` on every non-null cell. */
function maskOf(col: Column, test: (v: unknown) => boolean): Uint8Array {
  const mask = new Uint8Array(col.length);
  for (let i = 0; i < col.length; i++) {
    const v = col.getUnchecked(i);
    mask[i] = v !== null && test(v) ? 1 : 0;
  }
  return mask;
}

function passOf(op: CompareOp): (c: number) => boolean {
  switch (op) {
    case '>':
      return (c) => c > 0;
    case '>=':
      return (c) => c >= 0;
    case '<':
      return (c) => c < 0;
    case '<=':
      return (c) => c <= 0;
    case '==':
      return (c) => c === 0;
    case '!=':
      return (c) => c !== 0;
  }
}

/** A cell as JSON can name it: int64 bigints as numbers, dates as epoch milliseconds. */
function comparable(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  return v;
}

/** A function giving the sign of `cell - value` for cells of the value's type (NaN: not comparable). */
function orderAgainst(value: unknown, name: string): (cell: unknown) => number {
  const fail = (cell: unknown): never => {
    throw new TypeMismatchError(
      `column "${name}" holds ${typeof cell} values; cannot compare them with ${typeof value}`,
    );
  };
  if (typeof value === 'number')
    return (c) => (typeof c === 'number' ? c - value : typeof c === 'bigint' ? Number(c) - value : fail(c));
  if (typeof value === 'bigint')
    return (c) =>
      typeof c === 'bigint'
        ? c > value
          ? 1
          : c < value
            ? -1
            : 0
        : typeof c === 'number'
          ? c - Number(value)
          : fail(c);
  if (typeof value === 'string') return (c) => (typeof c === 'string' ? compareStrings(c, value) : fail(c));
  if (typeof value === 'boolean')
    return (c) => (typeof c === 'boolean' ? Number(c) - Number(value) : fail(c));
  if (value instanceof Date) return (c) => (c instanceof Date ? c.getTime() - value.getTime() : fail(c));
  throw new TypeMismatchError(
    `filter compares with a number, bigint, string, boolean or Date, not ${typeof value}`,
  );
}
