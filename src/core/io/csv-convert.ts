/**
 * From scanned CSV fields to columns: type inference over a sample of rows, and converters from
 * byte ranges to numbers, booleans, dates, timestamps and UTF-8 strings.
 */
import { bitmapBytes, markNull } from '../column/bitmap.js';
import type { Column } from '../column/column.js';
import type { ColumnTypeHint } from '../column/infer.js';
import { allocateFixed, DAY_MS, ScalarColumn, type ScalarValues } from '../column/scalar.js';
import type { ScalarDType } from '../column/types.js';
import { ParseError, TesseraError } from '../errors.js';
import { ESCAPED, type FieldTable, lineAt, QUOTED } from './csv-scan.js';
import { type ExactJson, float64Rounds, parseJsonExact, typedJsonColumn } from './json-numbers.js';

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const utf8 = new TextDecoder();

/**
 * What a CSV column becomes: scalar values, or object / tensor cells written as JSON text. `given`
 * marks a type the user passed: an inferred float64 column refuses an integer numeral it would
 * round (beyond 2^53), a float64 the user asked for takes it rounded.
 */
export type CsvColumnPlan =
  | { kind: 'scalar'; dtype: ScalarDType; given?: boolean }
  | { kind: 'json'; hint: ColumnTypeHint };

/** Where the fields of one batch are, for converters and their error messages. */
export interface Batch {
  buf: Uint8Array;
  table: FieldTable;
  /** First record of the table that is data (1 when the header is in this table). */
  firstRecord: number;
  columns: number;
  file: string;
  baseLine: number;
  nullTokens: Uint8Array[];
  /** {@link nullLengthMask} of the tokens. */
  nullLengths: number;
  /** The quote byte. */
  quote: number;
}

/** Number of data rows in a batch. */
export function batchRows(b: Batch): number {
  return b.table.records - b.firstRecord;
}

function fieldIndex(b: Batch, row: number, col: number): number {
  return (b.firstRecord + row) * b.columns + col;
}

function isNullField(b: Batch, k: number): boolean {
  const s = b.table.starts[k];
  const len = b.table.ends[k] - s;
  // Most fields have a length no null token has: one bit test decides.
  if (len < 31 && !((b.nullLengths >> len) & 1)) return false;
  if (b.table.flags[k] & QUOTED) return false;
  for (const t of b.nullTokens) {
    if (t.length !== len) continue;
    let same = true;
    for (let x = 0; x < len; x++)
      if (b.buf[s + x] !== t[x]) {
        same = false;
        break;
      }
    if (same) return true;
  }
  return false;
}

/** Bit `n` set when some null token has `n` bytes (bit 31: tokens of 31 bytes or more). */
export function nullLengthMask(tokens: readonly Uint8Array[]): number {
  let m = 0;
  for (const t of tokens) m |= 1 << Math.min(31, t.length);
  return m;
}

/** The text of a field (unescaping doubled quotes). */
export function fieldText(b: Batch, k: number): string {
  const s = b.table.starts[k];
  const e = b.table.ends[k];
  const text = utf8.decode(b.buf.subarray(s, e));
  if (!(b.table.flags[k] & ESCAPED)) return text;
  const q = String.fromCharCode(b.quote);
  return text.replaceAll(q + q, q);
}

// ---- parsing single values from bytes ----

/** A number parsed from ASCII bytes, or null if the bytes are not one. Exact (correctly rounded). */
export function parseNumber(b: Uint8Array, s: number, e: number): number | null {
  if (s >= e) return null;
  let i = s;
  let neg = false;
  if (b[i] === 45) {
    neg = true;
    i++;
  } else if (b[i] === 43) i++;
  let mant = 0;
  let digits = 0;
  let frac = 0;
  while (i < e) {
    const c = b[i] - 48;
    if (c < 0 || c > 9) break;
    mant = mant * 10 + c;
    digits++;
    i++;
  }
  if (i < e && b[i] === 46) {
    i++;
    while (i < e) {
      const c = b[i] - 48;
      if (c < 0 || c > 9) break;
      mant = mant * 10 + c;
      digits++;
      frac++;
      i++;
    }
  }
  if (digits === 0) return special(b, i, e, neg);
  let exp = 0;
  if (i < e && (b[i] | 32) === 101) {
    i++;
    let eneg = false;
    if (b[i] === 45) {
      eneg = true;
      i++;
    } else if (b[i] === 43) i++;
    let ed = 0;
    while (i < e) {
      const c = b[i] - 48;
      if (c < 0 || c > 9) break;
      if (exp < 100000) exp = exp * 10 + c;
      ed++;
      i++;
    }
    if (ed === 0) return null;
    if (eneg) exp = -exp;
  }
  if (i !== e) return null;
  let r: number;
  const p = exp - frac;
  if (digits <= 15 && p >= -22 && p <= 22) r = p === 0 ? mant : p > 0 ? mant * POW10[p] : mant / POW10[-p];
  else r = Number(latin1(b, neg || b[s] === 43 ? s + 1 : s, e));
  return neg ? -r : r;
}

function special(b: Uint8Array, i: number, e: number, neg: boolean): number | null {
  const len = e - i;
  if (len !== 3 && len !== 8) return null;
  const t = latin1(b, i, e).toLowerCase();
  if (t === 'nan') return Number.NaN;
  if (t === 'inf' || t === 'infinity') return neg ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return null;
}

/** Whether bytes `[s, e)` hold an ASCII digit (a numeral, as opposed to the text `inf` or `NaN`). */
function hasDigit(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (b[i] >= 48 && b[i] <= 57) return true;
  return false;
}

function latin1(b: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(b[i]);
  return out;
}

/** 1 for true, 0 for false, -1 for neither (true/false in any case). */
function parseBool(b: Uint8Array, s: number, e: number): number {
  const len = e - s;
  if (
    len === 4 &&
    (b[s] | 32) === 116 &&
    (b[s + 1] | 32) === 114 &&
    (b[s + 2] | 32) === 117 &&
    (b[s + 3] | 32) === 101
  )
    return 1;
  if (
    len === 5 &&
    (b[s] | 32) === 102 &&
    (b[s + 1] | 32) === 97 &&
    (b[s + 2] | 32) === 108 &&
    (b[s + 3] | 32) === 115 &&
    (b[s + 4] | 32) === 101
  )
    return 0;
  return -1;
}

function digitsAt(b: Uint8Array, s: number, n: number): number {
  let v = 0;
  for (let i = s; i < s + n; i++) {
    const c = b[i] - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Days since the epoch of `YYYY-MM-DD` at `s`, or null. */
function parseDateAt(b: Uint8Array, s: number): number | null {
  if (b[s + 4] !== 45 || b[s + 7] !== 45) return null;
  const y = digitsAt(b, s, 4);
  const m = digitsAt(b, s + 5, 2);
  const d = digitsAt(b, s + 8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1) return null;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (d > (m === 2 ? (leap ? 29 : 28) : MONTH_DAYS[m - 1])) return null;
  return daysFromCivil(y, m, d);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Days since the epoch of an ISO date (`YYYY-MM-DD`), or null. */
export function parseDate(b: Uint8Array, s: number, e: number): number | null {
  return e - s === 10 ? parseDateAt(b, s) : null;
}

const TIME = /^[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Milliseconds since the epoch of an ISO date or date-time (no offset = UTC), or null. */
export function parseTimestamp(b: Uint8Array, s: number, e: number): number | null {
  if (e - s < 10) return null;
  const days = parseDateAt(b, s);
  if (days === null) return null;
  if (e - s === 10) return days * DAY_MS;
  if (e - s > 40) return null;
  const m = TIME.exec(latin1(b, s + 10, e));
  if (m === null) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  const sec = m[3] === undefined ? 0 : Number(m[3]);
  if (h > 23 || min > 59 || sec > 60) return null;
  const ms = m[4] === undefined ? 0 : Math.floor(Number(`0.${m[4]}`) * 1000 + 1e-6);
  let offset = 0;
  const z = m[5];
  if (z !== undefined && z !== 'Z') {
    const digits = z.slice(1).replace(':', '');
    offset = (Number(digits.slice(0, 2)) * 60 + (digits.length > 2 ? Number(digits.slice(2)) : 0)) * 60_000;
    if (z[0] === '-') offset = -offset;
  }
  return days * DAY_MS + ((h * 60 + min) * 60 + sec) * 1000 + ms - offset;
}

// ---- inference ----

const NUM = 1;
const BOOL = 2;
const DATE = 4;
const TS = 8;
/** Every numeral so far is an integer numeral that int64 holds (`INT64`), and int32 too (`INT32`). */
const INT64 = 16;
const INT32 = 32;

/** An integer numeral beyond ±2^63: no integer type holds it (and float64 would round it). */
const BEYOND_INT64 = 64;

const INT32_DIGITS = ['2147483647', '2147483648'];
const INT64_DIGITS = ['9223372036854775807', '9223372036854775808'];

/**
 * What the numeral at bytes `[s, e)` is as an integer: 0 when it is no integer numeral
 * (`[+-]?digits`; pandas reads `007` as 7 and `+5` as 5, `1.0` and `1e3` as floats), else
 * `INT64 | INT32`, `INT64` or `BEYOND_INT64` for the narrowest type that holds it.
 */
function integerFit(b: Uint8Array, s: number, e: number): number {
  let i = s;
  const neg = b[i] === 45;
  if (neg || b[i] === 43) i++;
  if (i >= e) return 0;
  for (let x = i; x < e; x++) if (b[x] < 48 || b[x] > 57) return 0;
  while (i < e - 1 && b[i] === 48) i++; // leading zeros
  if (digitsWithin(b, i, e, INT32_DIGITS[neg ? 1 : 0])) return INT64 | INT32;
  if (digitsWithin(b, i, e, INT64_DIGITS[neg ? 1 : 0])) return INT64;
  return BEYOND_INT64;
}

/** Whether the digits `[s, e)` (no leading zeros) are at most `bound` (|min| is one more than max). */
function digitsWithin(b: Uint8Array, s: number, e: number, bound: string): boolean {
  if (e - s !== bound.length) return e - s < bound.length;
  for (let k = 0; k < bound.length; k++) {
    const d = b[s + k] - bound.charCodeAt(k);
    if (d !== 0) return d < 0;
  }
  return true;
}

/**
 * Whether the integer numeral at bytes `[s, e)`, read as the float64 `v`, changed value (see
 * {@link float64Rounds}).
 */
function integerRounds(b: Uint8Array, s: number, e: number, v: number): boolean {
  if (Number.isSafeInteger(v) || !Number.isFinite(v) || integerFit(b, s, e) === 0) return false;
  return float64Rounds(BigInt(latin1(b, b[s] === 43 ? s + 1 : s, e)));
}

/**
 * The scalar type of column `col` over the batch's rows: int32 if every non-null field is an
 * integer numeral that int32 holds, int64 if int64 holds them all, float64 if every field is a
 * number, else bool, date, timestamp, or string (also when all are null).
 */
export function inferDType(b: Batch, col: number): ScalarDType {
  return inferDTypeOrNull(b, col) ?? 'string';
}

/** As {@link inferDType}, but `null` when the batch has no non-null field in the column. */
export function inferDTypeOrNull(b: Batch, col: number): ScalarDType | null {
  let mask = NUM | INT64 | INT32 | BOOL | DATE | TS;
  let seen = 0;
  const rows = batchRows(b);
  const { starts, ends } = b.table;
  for (let r = 0; r < rows && mask !== 0; r++) {
    const k = fieldIndex(b, r, col);
    if (isNullField(b, k)) continue;
    seen++;
    const s = starts[k];
    const e = ends[k];
    let m = 0;
    if (mask & NUM && parseNumber(b.buf, s, e) !== null)
      m |= NUM | (integerFit(b.buf, s, e) & (INT64 | INT32));
    if (mask & BOOL && parseBool(b.buf, s, e) >= 0) m |= BOOL;
    if (mask & (DATE | TS) && e - s >= 10) {
      if (mask & DATE && parseDate(b.buf, s, e) !== null) m |= DATE | TS;
      else if (mask & TS && parseTimestamp(b.buf, s, e) !== null) m |= TS;
    }
    mask &= m;
  }
  if (seen === 0) return null;
  if (mask === 0) return 'string';
  if (mask & INT32) return 'int32';
  if (mask & INT64) return 'int64';
  if (mask & NUM) return 'float64';
  if (mask & BOOL) return 'bool';
  if (mask & DATE) return 'date';
  return 'timestamp';
}

/**
 * The inferred type that holds fields of both inferred types: int32 widens to int64, integers to
 * float64 (integer numerals that float64 would round are then refused), date to timestamp (a
 * `YYYY-MM-DD` field parses as a timestamp too); any other mix is string.
 */
export function widenDType(a: ScalarDType, b: ScalarDType): ScalarDType {
  if (a === b) return a;
  const numeric = (t: ScalarDType) => t === 'int32' || t === 'int64' || t === 'float64';
  if (numeric(a) && numeric(b)) return a === 'float64' || b === 'float64' ? 'float64' : 'int64';
  if ((a === 'date' || a === 'timestamp') && (b === 'date' || b === 'timestamp')) return 'timestamp';
  return 'string';
}

// ---- conversion ----

function fail(b: Batch, row: number, col: number, name: string, expected: string, hint: string): never {
  const k = fieldIndex(b, row, col);
  const text = fieldText(b, k);
  throw new ParseError(
    b.file,
    lineAt(b.buf, b.table.recordStarts[b.firstRecord + row], b.baseLine),
    `column "${name}": expected ${expected}, found ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text)}; ${hint}`,
  );
}

/** The column `col` of a batch, converted as `plan` says. */
export function convertColumn(b: Batch, col: number, name: string, plan: CsvColumnPlan): Column {
  if (plan.kind === 'json') return convertJson(b, col, name, plan.hint);
  if (plan.dtype === 'string') return convertStrings(b, col);
  const n = batchRows(b);
  const { starts, ends } = b.table;
  const { values, parse } = fieldParser(b.buf, plan.dtype, n, plan.given ?? false);
  let validity: Uint8Array | null = null;
  for (let r = 0; r < n; r++) {
    const k = fieldIndex(b, r, col);
    if (isNullField(b, k)) validity = markNull(validity, n, r);
    else {
      const problem = parse(r, starts[k], ends[k]);
      if (problem !== null) fail(b, r, col, name, problem, typeAdvice(name, plan.dtype, problem));
    }
  }
  return new ScalarColumn(plan.dtype, n, { values, validity });
}

/**
 * Object or tensor cells, written as JSON text, read as the JSON readers read a field: numbers
 * unchanged (integers beyond 2^53 exact, a tensor without a dtype float64).
 */
function convertJson(b: Batch, col: number, name: string, hint: ColumnTypeHint): Column {
  const n = batchRows(b);
  const values = new Array<unknown>(n);
  const bigintLines = new Map<string, number>();
  const lineOf = (r: number) => lineAt(b.buf, b.table.recordStarts[b.firstRecord + r], b.baseLine);
  for (let r = 0; r < n; r++) {
    const k = fieldIndex(b, r, col);
    if (isNullField(b, k)) values[r] = null;
    else {
      let parsed: ExactJson;
      try {
        parsed = parseJsonExact(fieldText(b, k), b.file, 1);
      } catch (e) {
        if (e instanceof ParseError)
          throw new ParseError(b.file, lineOf(r) + (e.line ?? 1) - 1, `column "${name}": ${e.detail}`);
        fail(b, r, col, name, 'a JSON value', 'object and tensor cells are read as JSON text');
      }
      values[r] = parsed.value;
      for (const digits of parsed.bigintLines.keys()) bigintLines.set(digits, lineOf(r));
    }
  }
  try {
    return typedJsonColumn(
      name,
      values,
      hint,
      { file: b.file, bigintLines, firstLine: null, rowLine: lineOf },
      true,
    );
  } catch (e) {
    if (e instanceof ParseError) throw e;
    if (e instanceof TesseraError)
      throw new ParseError(b.file, null, `column "${name}" does not fit its type: ${e.message}`);
    throw e;
  }
}

/** UTF-8 strings: the field bytes copied once, doubled quotes unescaped on the way. */
function convertStrings(b: Batch, col: number): ScalarColumn {
  const n = batchRows(b);
  const { starts, ends, flags } = b.table;
  let bytes = 0;
  for (let r = 0; r < n; r++) {
    const k = fieldIndex(b, r, col);
    bytes += ends[k] - starts[k];
  }
  const data = new Uint8Array(bytes);
  const offsets = new Int32Array(n + 1);
  const src = b.buf;
  let validity: Uint8Array | null = null;
  let o = 0;
  for (let r = 0; r < n; r++) {
    const k = fieldIndex(b, r, col);
    if (isNullField(b, k)) validity = markNull(validity, n, r);
    else {
      const s = starts[k];
      const e = ends[k];
      if (flags[k] & ESCAPED) {
        for (let x = s; x < e; x++) {
          data[o++] = src[x];
          if (src[x] === b.quote && src[x + 1] === b.quote) x++;
        }
      } else if (e - s < 32) for (let x = s; x < e; x++) data[o++] = src[x];
      else {
        data.set(src.subarray(s, e), o);
        o += e - s;
      }
    }
    offsets[r + 1] = o;
  }
  return new ScalarColumn('string', n, {
    values: o === bytes ? data : data.slice(0, o),
    offsets,
    validity,
  });
}

/**
 * Parses the non-null field at bytes `[s, e)` into row `r` of the values buffer; returns null, or
 * what the field should have been (for the error message).
 */
type FieldParse = (r: number, s: number, e: number) => string | null;

const ROUNDS = 'an integer that float64 holds exactly (beyond 2^53 integers round)';

/** What to pass to read a field that did not fit `dtype`. */
function typeAdvice(name: string, dtype: ScalarDType, problem: string): string {
  const as = (t: string) => `{ types: { ${JSON.stringify(name)}: '${t}' } }`;
  if (problem === ROUNDS) return `pass ${as('float64')} to round it, or ${as('string')} to keep the text`;
  if (dtype === 'int32' && problem.startsWith('an integer from'))
    return `pass ${as('int64')} for larger integers, or ${as('string')} to read this column as text`;
  return `pass ${as('string')} to read this column as text`;
}

/** The values buffer of an `n`-row column of a fixed-width `dtype`, and the parser that fills it. */
function fieldParser(
  buf: Uint8Array,
  dtype: Exclude<ScalarDType, 'string'>,
  n: number,
  mayRound: boolean,
): { values: ScalarValues; parse: FieldParse } {
  switch (dtype) {
    case 'bool': {
      const bits = new Uint8Array(bitmapBytes(n));
      const parse: FieldParse = (r, s, e) => {
        const v = parseBool(buf, s, e);
        if (v < 0) return 'true or false';
        if (v) bits[r >> 3] |= 1 << (r & 7);
        return null;
      };
      return { values: bits, parse };
    }
    case 'date': {
      const out = new Int32Array(n);
      const parse: FieldParse = (r, s, e) => {
        const v = parseDate(buf, s, e);
        if (v === null) return 'a date (YYYY-MM-DD)';
        out[r] = v;
        return null;
      };
      return { values: out, parse };
    }
    case 'timestamp': {
      const out = new BigInt64Array(n);
      const parse: FieldParse = (r, s, e) => {
        const v = parseTimestamp(buf, s, e);
        if (v === null) return 'an ISO date-time (e.g. 2024-01-31T12:00:00Z)';
        out[r] = BigInt(v);
        return null;
      };
      return { values: out, parse };
    }
    case 'int64': {
      const out = new BigInt64Array(n);
      // Below 2^53 the float is exact: its two 32-bit halves are written without making a bigint.
      const halves = LITTLE_ENDIAN ? new Int32Array(out.buffer) : null;
      const parse: FieldParse = (r, s, e) => {
        const fit = integerFit(buf, s, e);
        if (fit === 0) return 'an integer';
        if (fit === BEYOND_INT64) return 'a 64-bit integer';
        const v = parseNumber(buf, s, e) as number;
        if (!Number.isSafeInteger(v)) out[r] = BigInt(latin1(buf, buf[s] === 43 ? s + 1 : s, e));
        else if (halves === null) out[r] = BigInt(v);
        else {
          const high = Math.floor(v / 2 ** 32);
          halves[2 * r] = (v - high * 2 ** 32) | 0;
          halves[2 * r + 1] = high;
        }
        return null;
      };
      return { values: out, parse };
    }
    default: {
      // float64, float32, int32 and uint8 fields are numbers; the integer types also check the range.
      const out = allocateFixed(dtype, n) as Float64Array | Float32Array | Int32Array | Uint8Array;
      const range = dtype === 'int32' ? [-(2 ** 31), 2 ** 31 - 1] : dtype === 'uint8' ? [0, 255] : null;
      const parse: FieldParse = (r, s, e) => {
        const v = parseNumber(buf, s, e);
        if (v === null) return 'a number';
        // Digits that round to Infinity (1.8e309) are out of range, not infinite: only inf/Infinity text is.
        if (
          Number.isFinite(dtype === 'float32' ? Math.fround(v) : v) === false &&
          !Number.isNaN(v) &&
          hasDigit(buf, s, e)
        )
          return `a number within ${dtype}'s range`;
        if (range !== null && (!Number.isInteger(v) || v < range[0] || v > range[1]))
          return `an integer from ${range[0]} to ${range[1]} (${dtype})`;
        if (dtype === 'float64' && !mayRound && integerRounds(buf, s, e, v)) return ROUNDS;
        out[r] = v;
        return null;
      };
      return { values: out, parse };
    }
  }
}
