/**
 * JSON numbers read without changing them. `JSON.parse` gives every number as a float64, so the
 * integer `9007199254740993` becomes `...992` and two distinct ids collapse into one; a numeral
 * beyond float64's range becomes Infinity. {@link parseJsonExact} refuses the second and keeps the
 * first exact as a bigint, which {@link jsonNumberColumn} and the tensor readers turn into int64.
 */
import type { Column } from '../column/column.js';
import { type ColumnTypeHint, column, normalizeTypeHint } from '../column/infer.js';
import { ScalarColumn } from '../column/scalar.js';
import { TensorColumn } from '../column/tensor.js';
import type { ScalarDType } from '../column/types.js';
import { ParseError } from '../errors.js';
import type { Row } from '../frame/frame.js';
import { setOwnValue } from '../frame/records.js';

/** Parsed JSON where integer numerals beyond 2^53 are bigints, and the line of each such numeral. */
export interface ExactJson {
  value: unknown;
  /** Line of the first occurrence of each bigint (by its decimal text); empty when there are none. */
  bigintLines: Map<string, number>;
}

/** A numeral starting at the sticky index (JSON's grammar, which allows no leading `+` or `.`). */
const NUMERAL = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * `text` (starting at line `firstLine` of `file`) parsed as JSON, with integer numerals that a
 * float64 would round kept as bigints; a numeral beyond float64's range is a ParseError (JSON.parse
 * would give Infinity, which JSON cannot even write). JSON syntax errors are JSON.parse's.
 */
export function parseJsonExact(text: string, file: string, firstLine: number): ExactJson {
  const bigintLines = new Map<string, number>();
  // Only 16 digits in a row or a 3-digit exponent can round or overflow: skip the scan otherwise.
  if (!/\d{16}|\d[eE]\+?\d{3}/.test(text)) return { value: JSON.parse(text), bigintLines };
  const exact: [start: number, end: number][] = [];
  let line = firstLine;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    else if (c === 34) {
      // Skip a string: numerals inside it are text (and a valid string holds no raw line feed).
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      NUMERAL.lastIndex = i;
      const m = NUMERAL.exec(text);
      if (m === null) continue;
      const numeral = m[0];
      const v = Number(numeral);
      if (!Number.isFinite(v))
        throw new ParseError(
          file,
          line,
          `the number ${numeral.length > 40 ? `${numeral.slice(0, 40)}...` : numeral} is beyond float64's range (about ±1.8e308); write it as a string to keep it`,
        );
      if (!Number.isSafeInteger(v) && /^-?\d+$/.test(numeral)) {
        exact.push([i, i + numeral.length]);
        const key = BigInt(numeral).toString();
        if (!bigintLines.has(key)) bigintLines.set(key, line);
      }
      i += numeral.length - 1;
    }
  }
  if (exact.length === 0) return { value: JSON.parse(text), bigintLines };
  // Each such numeral becomes a string that starts with a control character no string of the
  // input holds (a JSON string can hold one only as a \u escape), turned into a bigint on parsing.
  const marker = unusedControlCharacter(text);
  if (marker === null)
    throw new ParseError(
      file,
      bigintLines.values().next().value ?? null,
      'integers beyond 2^53 cannot be kept exact in a text that escapes every control character; write them as strings',
    );
  const escaped = `\\u${marker.charCodeAt(0).toString(16).padStart(4, '0')}`;
  const parts: string[] = [];
  let at = 0;
  for (const [s, e] of exact) {
    parts.push(text.slice(at, s), `"${escaped}${text.slice(s, e)}"`);
    at = e;
  }
  parts.push(text.slice(at));
  let value: unknown;
  try {
    value = JSON.parse(parts.join(''), (_key, v) =>
      typeof v === 'string' && v.charCodeAt(0) === marker.charCodeAt(0) ? BigInt(v.slice(1)) : v,
    );
  } catch {
    // Positions in the rewritten text are off: report the syntax error of the text as given.
    value = JSON.parse(text);
  }
  return { value, bigintLines };
}

/** A control character whose \u escape `text` does not hold (in either case), or null. */
function unusedControlCharacter(text: string): string | null {
  for (let code = 1; code < 32; code++) {
    const hex = code.toString(16).padStart(4, '0');
    if (!text.includes(`\\u${hex}`) && !text.includes(`\\u${hex.toUpperCase()}`))
      return String.fromCharCode(code);
  }
  return null;
}

/**
 * Whether the integer `n` changes when stored as a float64: beyond 2^53 most integers round to a
 * neighbour. A numeral that is the float's own shortest form (`9223372036854776000`, as JavaScript
 * prints 2^63) reads back as written, so it does not count as changed.
 */
export function float64Rounds(n: bigint): boolean {
  const v = Number(n);
  return BigInt(v) !== n && String(v) !== n.toString();
}

/** `value` with every bigint in it (at any depth) a number, as JSON.parse would give it. */
export function bigintsAsNumbers(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(bigintsAsNumbers);
  if (value !== null && typeof value === 'object') {
    const out: Row = {};
    for (const [k, v] of Object.entries(value)) setOwnValue(out, k, bigintsAsNumbers(v));
    return out;
  }
  return value;
}

/** Where a JSON column comes from, for errors that name the line of a numeral. */
export interface JsonSource {
  file: string;
  /** Line of the first occurrence of each bigint of the source (empty: the source holds none). */
  bigintLines: ReadonlyMap<string, number>;
  /** Line of the first record, when nothing more precise is known. */
  firstLine: number | null;
  /** Line of each value's record, where known (JSON lines, CSV rows). */
  rowLine?: (row: number) => number;
}

/**
 * The column of the JSON values of column `name`, inferred: numbers whose every value is an integer
 * (`1`, `1.0`, `1e3`, as pandas' read_json types them) are int32 when int32 holds them all, else
 * int64 (`wideIntegers`: always int64, for batches whose successors may hold larger ones); other
 * numbers are float64; arrays of numbers of one shape are float64 tensors (int64 when they hold an
 * integer beyond 2^53 and no fraction); anything else is what `column()` infers. An integer beyond
 * 2^53 that float64 would round is a ParseError naming its line: never rounded silently.
 */
export function inferJsonColumn(
  name: string,
  values: unknown[],
  source: JsonSource,
  wideIntegers: boolean,
): Column {
  const dtype = numberDType(values, wideIntegers);
  if (dtype !== null) {
    if (dtype === 'float64') refuseRounding(name, values, source);
    return ScalarColumn.from(values, dtype);
  }
  const leaves = arrayLeaves(values);
  if (leaves === null) return column(withoutBigints(values, source));
  // Whether the rows are a tensor (one shape) or objects, as column() decides.
  const plain = leaves.bigint ? values.map(bigintsAsNumbers) : values;
  const inferred = column(plain);
  if (!(inferred instanceof TensorColumn)) return inferred;
  if (leaves.bigint && leaves.integers)
    return column(values, { kind: 'tensor', dtype: 'int64', shape: inferred.shape });
  if (leaves.bigint) refuseRounding(name, values, source);
  return column(plain, { kind: 'tensor', dtype: 'float64', shape: inferred.shape });
}

/**
 * The column of JSON values for a type the user gave (`given`) or an earlier batch inferred: float
 * scalars and tensors take bigints as numbers (rounded only where the user asked for the type),
 * a tensor without a dtype is float64 (int64 for integers beyond 2^53), object cells hold numbers.
 */
export function typedJsonColumn(
  name: string,
  values: unknown[],
  hint: ColumnTypeHint,
  source: JsonSource,
  given: boolean,
): Column {
  const type = normalizeTypeHint(hint)!;
  if (type.kind === 'object') return column(withoutBigints(values, source), type);
  if (type.kind === 'tensor') {
    const leaves = arrayLeaves(values);
    const dtype = type.dtype ?? (leaves?.bigint && leaves.integers ? 'int64' : 'float64');
    if (dtype === 'int64' || !leaves?.bigint) return column(values, { ...type, dtype });
    // float64 chosen here, not asked for: an integer it would round is refused.
    if (!given || type.dtype === undefined) refuseRounding(name, values, source);
    return column(values.map(bigintsAsNumbers), { ...type, dtype });
  }
  if (!given && (type.dtype === 'float64' || type.dtype === 'float32')) refuseRounding(name, values, source);
  return column(values, type);
}

/** int32, int64 or float64 when every non-null value is a number or bigint (and some is), else null. */
function numberDType(values: readonly unknown[], wideIntegers: boolean): ScalarDType | null {
  let any = false;
  let integers = true;
  let int32 = !wideIntegers;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) integers = false;
      else if (v < -(2 ** 31) || v > 2 ** 31 - 1) int32 = false;
    } else if (typeof v === 'bigint') {
      int32 = false;
      if (BigInt.asIntN(64, v) !== v) integers = false;
    } else return null;
    any = true;
  }
  if (!any) return null;
  return integers ? (int32 ? 'int32' : 'int64') : 'float64';
}

/** For columns whose non-null values are all (nested) arrays of numbers: what the leaves hold. */
function arrayLeaves(values: readonly unknown[]): { bigint: boolean; integers: boolean } | null {
  const out = { bigint: false, integers: true, any: false };
  const visit = (v: unknown): boolean => {
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) out.integers = false;
      return true;
    }
    if (typeof v === 'bigint') {
      out.bigint = true;
      if (BigInt.asIntN(64, v) !== v) out.integers = false;
      return true;
    }
    return Array.isArray(v) && v.every(visit);
  };
  for (const v of values) {
    if (v === null || v === undefined) continue;
    if (!Array.isArray(v) || !visit(v)) return null;
    out.any = true;
  }
  return out.any ? out : null;
}

/** Object cells as JSON.parse gives them: bigints (only where the source holds some) as numbers. */
function withoutBigints(values: unknown[], source: JsonSource): unknown[] {
  return source.bigintLines.size > 0 && values.some(anyBigints) ? values.map(bigintsAsNumbers) : values;
}

function anyBigints(value: unknown): boolean {
  if (typeof value === 'bigint') return true;
  if (Array.isArray(value)) return value.some(anyBigints);
  if (value !== null && typeof value === 'object') return Object.values(value).some(anyBigints);
  return false;
}

/** A ParseError at the first bigint in `values` (at any depth) that a float64 would round. */
function refuseRounding(name: string, values: readonly unknown[], source: JsonSource): void {
  const find = (v: unknown): bigint | null => {
    if (typeof v === 'bigint') return float64Rounds(v) ? v : null;
    if (Array.isArray(v))
      for (const x of v) {
        const hit = find(x);
        if (hit !== null) return hit;
      }
    return null;
  };
  for (let row = 0; row < values.length; row++) {
    const hit = find(values[row]);
    if (hit !== null)
      throw new ParseError(
        source.file,
        source.rowLine?.(row) ?? source.bigintLines.get(hit.toString()) ?? source.firstLine,
        `column "${name}": the integer ${hit} would round in a float64 column (it holds numbers that are not integers, and float64 is exact only to 2^53); pass { types: { ${JSON.stringify(name)}: 'float64' } } to round it, or write the value as a string to keep it`,
      );
  }
}
