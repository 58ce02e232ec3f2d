import { type ColumnType, formatType } from '../column/types.js';
import { displayWidth, padToWidth, truncateToWidth } from '../display-width.js';
import type { DataFrame } from './frame.js';

export interface FormatOptions {
  /** Rows to show before eliding the middle (default 10: first 5 and last 5). */
  maxRows?: number;
  /** Widest a cell may be, in terminal columns (default 24; CJK and emoji take 2, cut whole). */
  maxWidth?: number;
}

/**
 * A box-drawn text table: column names, types, and the first and last rows. Deferred cells are
 * not computed; they print as their kind (media columns as e.g. `<image 224×224>`).
 */
export function formatFrame(df: DataFrame, options: FormatOptions = {}): string {
  const maxRows = Math.max(2, options.maxRows ?? 10);
  const maxWidth = Math.max(4, options.maxWidth ?? 24);
  const names = df.columnNames;
  const header = `DataFrame: ${df.length} row${df.length === 1 ? '' : 's'} × ${names.length} column${names.length === 1 ? '' : 's'}${df.primaryKey ? ` (primary key "${printable(df.primaryKey)}")` : ''}`;
  if (names.length === 0) return header;

  const shown: (number | null)[] = [];
  if (df.length <= maxRows) for (let i = 0; i < df.length; i++) shown.push(i);
  else {
    const top = Math.ceil(maxRows / 2);
    for (let i = 0; i < top; i++) shown.push(i);
    shown.push(null);
    for (let i = df.length - (maxRows - top); i < df.length; i++) shown.push(i);
  }
  // Only the shown rows are gathered, never whole columns.
  const rows = df.take(shown.filter((i): i is number => i !== null));
  const table = names.map((name) => {
    const col = rows.column(name);
    let k = 0;
    const cells = shown.map((i) => (i === null ? '…' : col.format(k++)));
    return [name, formatType(col.type), ...cells].map((c) => truncate(c, maxWidth));
  });
  const widths = table.map((cells) => Math.max(...cells.map(displayWidth)));
  const line = (l: string, m: string, r: string) => l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r;
  const right = names.map((name) => isNumericType(rows.column(name).type));
  const rowText = (r: number) =>
    `│${table.map((cells, c) => ` ${alignCell(cells[r], widths[c], r >= 2 && right[c])} `).join('│')}│`;
  const out = [header, line('┌', '┬', '┐'), rowText(0), rowText(1), line('├', '┼', '┤')];
  for (let r = 2; r < table[0].length; r++) out.push(rowText(r));
  out.push(line('└', '┴', '┘'));
  return out.join('\n');
}

function truncate(text: string, width: number): string {
  return truncateToWidth(printable(text), width);
}

// Characters a terminal would act on rather than show (escapes, bells, bidi overrides) and lone
// surrogates (no character at all) print as \u escapes, so a column name cannot garble the table.
const unprintable = /[\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069]/gu;

function printable(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(unprintable, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function isNumericType(type: ColumnType): boolean {
  return type.kind === 'scalar' && ['float64', 'float32', 'int32', 'int64', 'uint8'].includes(type.dtype);
}

function alignCell(text: string, width: number, right: boolean): string {
  return padToWidth(text, width, right);
}
