/**
 * What the object views show of a JSON-like value: a one-line preview for the table cell
 * (`{label: "cat", box: [4 items]}`), and for the row detail's tree the kind of each node and its
 * children a page at a time (long arrays are paged, never drawn whole).
 */

export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'bool' | 'null';

/** Children a tree node shows at first, and how many more each "show more" adds. */
export const JSON_PAGE = 100;

export function jsonKind(value: unknown): JsonKind {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'bool';
    default:
      return 'object';
  }
}

/** How many children a node has (0 for a leaf). */
export function childCount(value: unknown): number {
  switch (jsonKind(value)) {
    case 'array':
      return (value as ArrayLike<unknown>).length;
    case 'object':
      return Object.keys(value as object).length;
    default:
      return 0;
  }
}

/** Children [0, limit) of a node as [key, value] pairs: array indices or object keys in order. */
export function childEntries(value: unknown, limit: number): [string | number, unknown][] {
  const kind = jsonKind(value);
  if (kind === 'array') {
    const items = value as ArrayLike<unknown>;
    return Array.from({ length: Math.min(limit, items.length) }, (_, i) => [i, items[i]]);
  }
  if (kind === 'object') return Object.entries(value as object).slice(0, limit);
  return [];
}

/** A leaf as it reads: strings quoted (JSON escapes), numbers, booleans and null as JSON has them. */
export function leafText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

/** An object key as the preview writes it: bare when it is an identifier, else quoted. */
export function keyText(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
}

/** A node in one short word: `[4 items]`, `{2 keys}`, or the leaf itself. */
export function summaryText(value: unknown): string {
  const n = childCount(value);
  switch (jsonKind(value)) {
    case 'array':
      return `[${n} ${n === 1 ? 'item' : 'items'}]`;
    case 'object':
      return `{${n} ${n === 1 ? 'key' : 'keys'}}`;
    default:
      return leafText(value);
  }
}

/**
 * One line of at most `maxLength` characters: an object's keys with their values one level deep
 * (nested arrays and objects summarised), an array's items likewise, cut with `…` when too long.
 */
export function previewText(value: unknown, maxLength = 120): string {
  const kind = jsonKind(value);
  let text: string;
  if (kind === 'object' || kind === 'array') {
    const parts: string[] = [];
    let length = 2;
    for (const [key, child] of childEntries(value, Math.ceil(maxLength / 2))) {
      const part = kind === 'object' ? `${keyText(String(key))}: ${summaryText(child)}` : summaryText(child);
      parts.push(part);
      length += part.length + 2;
      if (length > maxLength) break;
    }
    if (parts.length < childCount(value)) parts.push('…');
    text = kind === 'object' ? `{${parts.join(', ')}}` : `[${parts.join(', ')}]`;
  } else text = leafText(value);
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}
