/**
 * A window of rows as Arrow IPC (stream format): what the app's table receives, never JSON rows.
 * Media columns are left out (their cells come from the media and thumbnail routes).
 */
import * as arrow from 'apache-arrow';
import { ColumnNotFoundError, InvalidArgumentError } from '../../core/errors.js';
import type { DataFrame } from '../../core/frame/frame.js';
import { mediaColumnNames } from './media-cell.js';

export const ARROW_STREAM_TYPE = 'application/vnd.apache.arrow.stream';

/** Name of the column of frame row numbers that a window adds on request. */
export const ROW_INDEX_COLUMN = '__row';

/** The columns a window holds: those asked for (checked), or every column that is not media. */
export function windowColumns(frame: DataFrame, asked: string | undefined): string[] {
  const media = new Set(mediaColumnNames(frame));
  if (asked === undefined || asked === '') return frame.columnNames.filter((n) => !media.has(n));
  const names = asked.split(',');
  for (const n of names) {
    // Checked by name: resolving the column would load all of a stored column's rows.
    if (!frame.has(n)) throw new ColumnNotFoundError(n, frame.columnNames);
    if (media.has(n))
      throw new InvalidArgumentError(
        `column "${n}" holds media: its cells come from /api/media and /api/thumbnails, not in row windows`,
      );
  }
  return names;
}

/** The rows at positions `rows` of `frame`, columns `columns`, as Arrow IPC stream bytes. */
export function windowBytes(
  frame: DataFrame,
  rows: Int32Array,
  columns: readonly string[],
  rowIndex: boolean,
): Uint8Array {
  let window = frame.takeValid(rows).select(...columns);
  if (rowIndex) {
    if (window.has(ROW_INDEX_COLUMN))
      throw new InvalidArgumentError(`the frame has a column "${ROW_INDEX_COLUMN}"; ask without rowIndex`);
    window = window.withColumn(ROW_INDEX_COLUMN, Int32Array.from(rows));
  }
  return arrow.tableToIPC(window.toArrow(), 'stream');
}
