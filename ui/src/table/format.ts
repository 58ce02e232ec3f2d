/** How a cell's value reads in the table, by its column's kind (nulls are drawn apart, not here). */
import type { ColumnInfo } from '../api';

export type CellView =
  | 'number'
  | 'string'
  | 'bool'
  | 'date'
  | 'image'
  | 'media'
  | 'tensor'
  | 'object'
  | 'deferred'
  | 'other';

export function cellView(column: ColumnInfo): CellView {
  if (column.kind === 'deferred' && column.media !== undefined)
    return column.media === 'image' ? 'image' : 'media';
  // Views of ui/src/cells: tensor plots, object previews, cells computed on demand.
  if (column.kind === 'tensor' || column.kind === 'object' || column.kind === 'deferred') return column.kind;
  if (column.kind !== 'scalar') return 'other';
  switch (column.dtype) {
    case 'bool':
      return 'bool';
    case 'string':
      return 'string';
    case 'date':
    case 'timestamp':
      return 'date';
    default:
      return 'number';
  }
}

/** Default width in px of a column of this view. */
export function defaultWidth(view: CellView): number {
  return {
    number: 110,
    string: 200,
    bool: 70,
    date: 170,
    image: 110,
    media: 160,
    tensor: 170,
    object: 240,
    deferred: 170,
    other: 200,
  }[view];
}

/**
 * The text of a (non-null) value. Dates arrive from Arrow as milliseconds since the epoch: a date
 * prints as YYYY-MM-DD, a timestamp in ISO form (UTC).
 */
export function formatValue(column: ColumnInfo, value: unknown): string {
  if (column.dtype === 'date' && typeof value === 'number') return new Date(value).toISOString().slice(0, 10);
  if (column.dtype === 'timestamp' && typeof value === 'number')
    return new Date(value)
      .toISOString()
      .replace('T', ' ')
      .replace(/\.000Z$/, 'Z');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  // Tensors arrive as Arrow vectors: show their elements.
  if (value !== null && typeof value === 'object' && 'toArray' in value) {
    const values = Array.from((value as { toArray(): ArrayLike<unknown> }).toArray(), String);
    return `[${values.join(', ')}]`;
  }
  return JSON.stringify(value) ?? String(value);
}
