// A batch's values of one column, computed first where the column is deferred (a media column
// decodes its files here). When the input at some rows cannot be read, the error names those rows,
// so that the run's BatchFailedError names them too, not only the batch.
import { type Column, rowRange } from '../column/column.js';
import { DeferredColumn } from '../column/deferred.js';
import { resolveColumn } from '../column/lazy.js';
import { isAboutInput, RowsFailedError } from '../errors.js';

/**
 * Every value of `col` (one batch's column), in row order. A failure about the input at some rows
 * (a missing or corrupt media file) becomes a {@link RowsFailedError} naming those rows, counted
 * from the batch's first row, with the first such error as its cause.
 */
export async function batchValues(col: Column): Promise<unknown[]> {
  const c = resolveColumn(col);
  if (!(c instanceof DeferredColumn)) return c.toArray();
  try {
    return await c.load(rowRange(0, c.length));
  } catch (e) {
    if (!isAboutInput(e) || e instanceof RowsFailedError) throw e;
    // Which rows failed: the rows that loaded are cached, so mostly only the failing ones run again.
    const settled = await Promise.allSettled(Array.from({ length: c.length }, (_, i) => c.load([i])));
    const rows: number[] = [];
    let first: unknown;
    settled.forEach((s, i) => {
      if (s.status === 'rejected' && isAboutInput(s.reason)) {
        rows.push(i);
        first ??= s.reason;
      }
    });
    throw rows.length === 0 ? e : new RowsFailedError(rows, first);
  }
}
