/**
 * The filter builder's state and its translation into the server's filter conditions
 * (src/core/app/conditions.ts): rules of column, operator and value text joined by AND or OR,
 * and a text search that matches any string column (case-insensitive `contains`).
 */
import type { ColumnInfo, Condition } from '../api';
import { type MapRegion, regionCondition } from '../map/region';
import { cellView } from '../table/format';

export type FilterOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'contains' | 'is null' | 'is not null';

/** The operators that take no value. */
export function takesValue(op: FilterOp): boolean {
  return op !== 'is null' && op !== 'is not null';
}

export interface FilterRule {
  column: string;
  op: FilterOp;
  /** As typed: a number, a string, `true`/`false`, or a comma-separated list for `in`. */
  value: string;
}

export interface FilterState {
  join: 'and' | 'or';
  rules: FilterRule[];
  /** Text searched in every string column; empty for none. */
  search: string;
  /** A selection drawn on the embedding map (rows inside its polygon); none when absent or null. */
  region?: MapRegion | null;
}

export const EMPTY_FILTER: FilterState = { join: 'and', rules: [], search: '' };

const COMPARE: FilterOp[] = ['==', '!=', '<', '<=', '>', '>='];

/** The operators a column's kind supports (its values must be comparable with what can be typed). */
export function opsFor(column: ColumnInfo): FilterOp[] {
  switch (cellView(column)) {
    case 'number':
      return [...COMPARE, 'in', 'is null', 'is not null'];
    case 'string':
      return [...COMPARE, 'in', 'contains', 'is null', 'is not null'];
    case 'bool':
      return ['==', '!=', 'is null', 'is not null'];
    default:
      return ['is null', 'is not null'];
  }
}

/** The columns the builder offers: all but media (a media cell is never null by itself). */
export function filterableColumns(columns: readonly ColumnInfo[]): ColumnInfo[] {
  return columns.filter((c) => c.media === undefined);
}

/** A new rule on `column` with its first operator. */
export function newRule(column: ColumnInfo): FilterRule {
  return { column: column.name, op: opsFor(column)[0], value: '' };
}

/** One typed value of `column`, or undefined when the text is not one. */
function parseValue(column: ColumnInfo, text: string): unknown {
  switch (cellView(column)) {
    case 'number': {
      const t = text.trim();
      const n = Number(t);
      return t === '' || !Number.isFinite(n) ? undefined : n;
    }
    case 'bool':
      return text === 'true' ? true : text === 'false' ? false : undefined;
    case 'string':
      return text;
    default:
      return undefined;
  }
}

/** The condition of one rule, or null when its value is missing or not of the column's kind. */
export function ruleCondition(rule: FilterRule, columns: readonly ColumnInfo[]): Condition | null {
  const column = columns.find((c) => c.name === rule.column);
  if (column === undefined || !opsFor(column).includes(rule.op)) return null;
  if (!takesValue(rule.op)) return { column: rule.column, op: rule.op };
  if (rule.op === 'in') {
    // Items are comma-separated; spaces around an item are not part of it.
    const items = rule.value.split(',').map((s) => s.trim());
    const values = items.map((s) => parseValue(column, s));
    if (rule.value.trim() === '' || values.some((v) => v === undefined)) return null;
    return { column: rule.column, op: 'in', value: values };
  }
  const value = parseValue(column, rule.value);
  if (value === undefined) return null;
  if (rule.op === 'contains') {
    if (rule.value === '') return null;
    return { column: rule.column, op: 'contains', value };
  }
  return { column: rule.column, op: rule.op, value };
}

/** The whole filter as one condition (rules joined, AND the text search), or null for none. */
export function filterCondition(state: FilterState, columns: readonly ColumnInfo[]): Condition | null {
  const parts: Condition[] = [];
  const rules = state.rules.map((r) => ruleCondition(r, columns)).filter((c) => c !== null);
  if (rules.length === 1) parts.push(rules[0]);
  else if (rules.length > 1) parts.push(state.join === 'and' ? { and: rules } : { or: rules });
  const text = state.search;
  const strings = columns.filter((c) => cellView(c) === 'string');
  if (text !== '' && strings.length > 0) {
    const matches: Condition[] = strings.map((c) => ({
      column: c.name,
      op: 'contains',
      value: text,
      ignoreCase: true,
    }));
    parts.push(matches.length === 1 ? matches[0] : { or: matches });
  }
  if (state.region) parts.push(regionCondition(state.region));
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0] : { and: parts };
}

/** Whether any rule or search is set (complete or not). */
export function isFiltering(state: FilterState): boolean {
  return state.rules.length > 0 || state.search !== '' || Boolean(state.region);
}
