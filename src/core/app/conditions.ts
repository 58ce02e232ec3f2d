/**
 * Filter conditions as the app sends them (plain JSON): a comparison of one column with a value,
 * `contains` (substring of a string column; `ignoreCase: true` compares lower-cased), `is null` / `is not null`, `in` (one of a list), and
 * `and` / `or` of conditions; `in polygon` (the map's selection) is in polygon-condition.ts.
 * Evaluated over the open frame as one mask per condition (the core's column-masks.ts: typed-array
 * loops, strings on their UTF-8 bytes), combined with and / or; the result is the positions of the
 * rows that pass, in frame order.
 */
import { ScalarColumn } from '../column/scalar.js';
import { InvalidArgumentError, TypeMismatchError } from '../errors.js';
import {
  type CompareOp,
  compareMask,
  containsMask,
  inMask,
  maskRows,
  nullMask,
} from '../frame/column-masks.js';
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
  return maskRows(conditionMask(df, condition, 0));
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
  const col = df.column(c.column);
  switch (c.op) {
    case 'is null':
    case 'is not null':
      return nullMask(col, c.op === 'is null');
    case 'contains': {
      if (typeof c.value !== 'string')
        throw new InvalidArgumentError(`"contains" needs a string value, got ${JSON.stringify(c.value)}`);
      if (!(col instanceof ScalarColumn) || col.dtype !== 'string')
        throw new TypeMismatchError(`"contains" works on string columns; column "${c.column}" is not one`);
      return containsMask(col, c.value, c.ignoreCase === true);
    }
    case 'in':
      if (!Array.isArray(c.value))
        throw new InvalidArgumentError(`"in" needs a list of values, got ${JSON.stringify(c.value)}`);
      return inMask(col, c.value as unknown[]);
    default:
      if (c.value === undefined) throw new InvalidArgumentError(`"${c.op}" needs a value`);
      return compareMask(col, c.op, c.value, c.column);
  }
}
