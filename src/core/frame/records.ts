import type { Column } from '../column/column.js';
import { type ColumnTypeHint, column } from '../column/infer.js';
import type { Row } from './frame.js';

/**
 * Columns from an array of records: the union of their keys, in first-seen order; a key a record
 * lacks is null there (its own keys only: an inherited `toString` is not a value).
 */
export function columnsFromRecords(
  records: readonly Row[],
  types: Record<string, ColumnTypeHint> = {},
): Map<string, Column> {
  const cols = new Map<string, Column>();
  for (const name of recordKeys(records)) cols.set(name, column(recordValues(records, name), types[name]));
  return cols;
}

/** The union of the records' own keys, in first-seen order. */
export function recordKeys(records: readonly Row[]): string[] {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const r of records)
    for (const k of Object.keys(r))
      if (!seen.has(k)) {
        seen.add(k);
        names.push(k);
      }
  return names;
}

/** Each record's own value for `name`, null where it has none (an inherited property is none). */
export function recordValues(records: readonly Row[], name: string): unknown[] {
  return records.map((r) => (Object.hasOwn(r, name) ? (r[name] ?? null) : null));
}
