/**
 * A window of rows as Arrow IPC (stream format): what the app's table receives, never JSON rows.
 * The server sends these bytes over HTTP; the in-tab worker posts them to the page.
 */
import * as arrow from 'apache-arrow';
import { TensorColumn } from '../column/tensor.js';
import { InvalidArgumentError } from '../errors.js';
import type { DataFrame } from '../frame/frame.js';
import { tensorPreview } from './tensor-preview.js';

/** Name of the column of frame row numbers that a window adds on request. */
export const ROW_INDEX_COLUMN = '__row';

/** Which rows a window asks for, and whether it adds their frame row numbers. */
export interface WindowQuery {
  start: number;
  end: number;
  columns?: string;
  rowIndex?: boolean;
  /** Send 1-D tensor columns as this many [min, max] buckets per row (tensor-preview.ts). */
  preview?: number;
}

/** [start, end) checked against the window limit and clamped to `length` rows. */
export function windowBounds(q: WindowQuery, length: number, maxRows: number): [number, number] {
  if (q.end < q.start)
    throw new InvalidArgumentError(`a window needs start <= end; got start ${q.start}, end ${q.end}`);
  if (q.end - q.start > maxRows)
    throw new InvalidArgumentError(`a window holds at most ${maxRows} rows; ask for several windows`);
  const end = Math.min(q.end, length);
  return [Math.min(q.start, end), end];
}

/**
 * The rows at positions `rows` of `frame`, columns `columns`, as Arrow IPC stream bytes; with
 * `preview`, 1-D tensor columns as that many [min, max] buckets per row instead of their values.
 */
export function windowBytes(
  frame: DataFrame,
  rows: Int32Array,
  columns: readonly string[],
  rowIndex: boolean,
  preview?: number,
): Uint8Array {
  let window = frame.takeValid(rows).select(...columns);
  if (preview !== undefined) {
    if (!Number.isInteger(preview) || preview < 1)
      throw new InvalidArgumentError(`preview must be a whole number of buckets >= 1; got ${preview}`);
    for (const name of columns) {
      const c = window.column(name);
      if (c instanceof TensorColumn) window = window.withColumn(name, tensorPreview(c, preview));
    }
  }
  if (rowIndex) {
    if (window.has(ROW_INDEX_COLUMN))
      throw new InvalidArgumentError(`the frame has a column "${ROW_INDEX_COLUMN}"; ask without rowIndex`);
    window = window.withColumn(ROW_INDEX_COLUMN, Int32Array.from(rows));
  }
  return arrow.tableToIPC(window.toArrow(), 'stream');
}
