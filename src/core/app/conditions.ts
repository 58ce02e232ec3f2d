/**
 * Filter conditions as the app sends them (plain JSON): a comparison of one column with a value,
 * `contains` (substring of a string column; `ignoreCase: true` compares lower-cased), `is null` / `is not null`, `in` (one of a list), and
 * `and` / `or` of conditions; `in polygon` (the map's selection) is in polygon-condition.ts. Evaluated over the open frame with the core's filters; the result is
 * the positions of the rows that pass, in frame order.
 */
import { rowRange } from '../column/column.js';
import { ScalarColumn } from '../column/scalar.js';
import { InvalidArgumentError, TypeMismatchError } from '../errors.js';
import type { CompareOp } from '../frame/filter.js';
import type { DataFrame } from '../frame/frame.js';
import { polygonMask } from './polygon-condition.js';

export type ConditionOp = CompareOp | 'contains' | 'is null' | 'is not null' | 'in' | 'in polygon';

/** A condition on one column; `ignoreCase` applies to `contains` only. */
export interface LeafCondition {
  column: string;
  op: ConditionOp;
  value?: unknown;
  ignoreCase?: boolean;
}

/** One filter condition, or an `and` / `or` of them. */
export type Condition = LeafCondition | { and: readonly Condition[] } | { or: readonly Condition[] };

export const CONDITION_OPS: readonly ConditionOp[] = [
  '>',
  '>=',
  '<',
  '<=',
  '==',
  '!=',
  'contains',
  'is null',
  'is not null',
  'in',
  'in polygon',
];

/** Nesting deeper than this is refused (a request must not exhaust the stack). */
const MAX_DEPTH = 16;

/** The positions of `df`'s rows for which `condition` holds, ascending. */
export function conditionRows(df: DataFrame, condition: Condition): Int32Array {
  return maskToRows(conditionMask(df, condition, 0));
}

function conditionMask(df: DataFrame, c: Condition, depth: number): Uint8Array {
  if (depth > MAX_DEPTH)
    throw new InvalidArgumentError(`filter conditions nest deeper than ${MAX_DEPTH} levels`);
  if ('and' in c || 'or' in c) {
    const isAnd = 'and' in c;
    const parts = isAnd ? (c as { and: readonly Condition[] }).and : (c as { or: readonly Condition[] }).or;
    if (!Array.isArray(parts) || parts.length === 0)
      throw new InvalidArgumentError(`"${isAnd ? 'and' : 'or'}" needs a non-empty list of conditions`);
    let mask: Uint8Array | null = null;
    for (const part of parts) {
      const m = conditionMask(df, part, depth + 1);
      if (mask === null) mask = m;
      else if (isAnd) for (let i = 0; i < mask.length; i++) mask[i] &= m[i];
      else for (let i = 0; i < mask.length; i++) mask[i] |= m[i];
    }
    return mask as Uint8Array;
  }
  return leafMask(df, c);
}

function leafMask(df: DataFrame, c: LeafCondition): Uint8Array {
  if (c.op === 'in polygon') return polygonMask(df, c.column, c.value);
  const mask = new Uint8Array(df.length);
  const col = df.column(c.column);
  switch (c.op) {
    case 'is null':
    case 'is not null': {
      const want = c.op === 'is null';
      for (let i = 0; i < df.length; i++) mask[i] = col.isNull(i) === want ? 1 : 0;
      return mask;
    }
    case 'contains': {
      if (typeof c.value !== 'string')
        throw new InvalidArgumentError(`"contains" needs a string value, got ${JSON.stringify(c.value)}`);
      if (!(col instanceof ScalarColumn) || col.dtype !== 'string')
        throw new TypeMismatchError(`"contains" works on string columns; column "${c.column}" is not one`);
      const needle = c.ignoreCase === true ? c.value.toLowerCase() : c.value;
      const test =
        c.ignoreCase === true
          ? (v: string) => v.toLowerCase().includes(needle)
          : (v: string) => v.includes(needle);
      return setRows(mask, df.filter(c.column, test));
    }
    case 'in': {
      if (!Array.isArray(c.value))
        throw new InvalidArgumentError(`"in" needs a list of values, got ${JSON.stringify(c.value)}`);
      const wanted = new Set(c.value as unknown[]);
      return setRows(
        mask,
        df.filter(
          c.column,
          (v: unknown) => wanted.has(comparable(v)) || (v instanceof Date && wanted.has(v.toISOString())),
        ),
      );
    }
    default:
      if (c.value === undefined) throw new InvalidArgumentError(`"${c.op}" needs a value`);
      return setRows(mask, df.filter(c.column, c.op, c.value));
  }
}

/** A cell as JSON can name it: int64 bigints as numbers, dates as epoch milliseconds. */
function comparable(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  return v;
}

/** Mark the rows of `view` (a filter of the frame whose positions the mask holds). */
function setRows(mask: Uint8Array, view: DataFrame): Uint8Array {
  for (const r of viewRows(view, mask.length)) mask[r] = 1;
  return mask;
}

/** The positions in its unfiltered frame of the rows a view of it shows. */
export function viewRows(view: DataFrame, baseLength: number): Int32Array {
  const name = view.columnNames[0];
  if (name === undefined) return rowRange(0, Math.min(view.length, baseLength));
  return view.columnSource(name).rows ?? rowRange(0, view.length);
}

function maskToRows(mask: Uint8Array): Int32Array {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i];
  const out = new Int32Array(n);
  for (let i = 0, j = 0; i < mask.length; i++) if (mask[i]) out[j++] = i;
  return out;
}
