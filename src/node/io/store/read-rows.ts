/**
 * A window of a stored dataset: rows `[start, end)` of its columns, read without loading the rest.
 * Scalar columns read the record batches that hold the rows (format 2; a format 1 fragment is read
 * whole), tensor columns the checksum blocks that hold them; object columns are read whole (JSON
 * lines have no row index) and deferred columns compute only the window's rows.
 */
import { IndexOutOfRangeError, InvalidArgumentError } from '../../../core/errors.js';
import { DataFrame } from '../../../core/frame/frame.js';
import { type ReadOptions, read } from './read.js';

/** Options of {@link readRows}: the rows, and what {@link read} takes (columns, version, ...). */
export interface ReadRowsOptions extends ReadOptions {
  /** First row of the window. */
  start: number;
  /** Row after the last one of the window (at most the dataset's length). */
  end: number;
}

/**
 * Rows `[start, end)` of the dataset at `path` as an in-memory frame (the first rows of a page, a
 * window of the app's table). What it reads is proportional to the window, not to the dataset.
 * A window outside the rows is an `IndexOutOfRangeError`; `start > end` or a position that is not
 * an integer is an `InvalidArgumentError`.
 */
export async function readRows(datasetPath: string, options: ReadRowsOptions): Promise<DataFrame> {
  const { start, end } = options;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end))
    throw new InvalidArgumentError(`readRows: start and end must be integers, got ${start} and ${end}`);
  if (start > end)
    throw new InvalidArgumentError(`readRows: start (${start}) is after end (${end}); rows are [start, end)`);
  const df = await read(datasetPath, options);
  if (start < 0) throw new IndexOutOfRangeError(start, df.length);
  if (end > df.length) throw new IndexOutOfRangeError(end - 1, df.length);
  // A view's columns take its rows from the stored (lazy) columns, which read only their blocks.
  const window = df.slice(start, end);
  const columns = new Map(window.columnNames.map((n) => [n, window.column(n)]));
  return new DataFrame(columns, { primaryKey: window.primaryKey });
}
