import type { Column } from '../column/column.js';
import { type ColumnTypeHint, column } from '../column/infer.js';
import { LazyCell } from '../column/lazy-cell.js';
import { TypeMismatchError } from '../errors.js';
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
  for (const name of recordKeys(records))
    cols.set(name, column(recordValues(records, name), ownValue(types, name)));
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

/**
 * Each record's own value for `name`, null where it has none (an inherited property is none). An
 * unloaded {@link LazyCell} (from `df.row(i)` of a media frame) raises: storing it would keep its
 * printout, not its value.
 */
export function recordValues(records: readonly Row[], name: string): unknown[] {
  return records.map((r, i) => {
    const value = Object.hasOwn(r, name) ? (r[name] ?? null) : null;
    if (value instanceof LazyCell)
      throw new TypeMismatchError(
        `record ${i}'s "${name}" is a LazyCell (a media or async cell not loaded yet); load it first ` +
          '(`await df.rowAsync(i)`, `await cell.load()`), or keep the column itself (`df.select(...)`)',
      );
    return value;
  });
}

/**
 * The own value of `key` in a dict keyed by column names (undefined where it has none): a column
 * named `constructor` or `toString` must not find `Object.prototype`'s function.
 */
export function ownValue<T>(dict: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return dict !== undefined && Object.hasOwn(dict, key) ? dict[key] : undefined;
}

/**
 * Set `record[key] = value` as an own data property. A plain assignment to `__proto__` would
 * replace the record's prototype instead (a column named `__proto__` holding `{isAdmin: true}`
 * would make `row.isAdmin` true and lose the column), so that key is defined, not assigned.
 */
export function setOwnValue(record: Row, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
  else record[key] = value;
}
